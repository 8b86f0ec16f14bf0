package io.hookline.delivery;

import io.hookline.store.ClaimedChunk;
import io.vertx.core.buffer.Buffer;

/**
 * One webhook request, whatever it carries (a page of an import, a notice): where it goes, its {@code webhook-id}
 * (the same on every attempt), the auth value sent in the destination's auth header (null: none), and the exact body.
 * {@code authUnreadable}: a stored auth value exists but cannot be decrypted here, so the request is not sent.
 */
record WebhookRequest(String url, String webhookId, String authValue, boolean authUnreadable, Buffer body) {

    /** A page of an import, to the destination's callback URL. */
    static WebhookRequest of(String callbackUrl, ClaimedChunk c) {
        return new WebhookRequest(
                callbackUrl, c.webhookId(), c.authValue(), c.authUnreadable(), WebhookPayload.body(c));
    }
}

package io.hookline.security;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks signatures: {@code v1,base64(HMAC-SHA256(key, "id.timestamp.body"))}, key = base64 after whsec_. */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";

    private WebhookSigner() {}

    public static String sign(String secret, String webhookId, long timestamp, Buffer body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretBytes(secret), "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            // the body may be a composite of several buffers: sign its parts in place rather than copy it
            for (ByteBuffer part : ((BufferInternal) body).getByteBuf().nioBuffers()) {
                mac.update(part);
            }
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The key bytes of a {@code whsec_} secret; throws IllegalArgumentException when it is not one. */
    public static byte[] secretBytes(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("must start with " + PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }
}

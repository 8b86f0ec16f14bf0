package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.StandardWebhooks;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Standard Webhooks signatures, checked by a verifier written here from the specification (not Hookline's signer):
 * key = base64-decode(secret without "whsec_"), signed content = id + "." + timestamp + "." + raw body.
 */
class SignatureTest {

    private static final Api API = TestServer.shared().api();

    @Test
    void everyAttemptIsSignedWithAFreshTimestamp() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("signed");
            String secret = StandardWebhooks.newSecret();
            JsonObject created = API.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("signingSecret", secret)
                            .put("retryCount", 1)
                            .put("retryInterval", 1100));
            assertThat(created.getBoolean("signing")).isTrue();
            assertThat(created.encode()).doesNotContain(secret).doesNotContain(secret.substring(6));
            sink.answer(r -> sink.attemptOf(r) == 1 ? Sink.Reply.status(500) : Sink.Reply.ok());
            String uploadId = API.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            assertThat(API.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");

            List<Sink.Received> got = sink.receivedFor(uploadId);
            assertThat(got).hasSize(2);
            for (Sink.Received r : got) {
                String signature = r.header("webhook-signature");
                assertThat(signature).startsWith("v1,").doesNotContain(" ");
                assertThat(StandardWebhooks.verifies(secret, r, signature))
                        .as("signature verifies")
                        .isTrue();
                assertThat(StandardWebhooks.verifies(StandardWebhooks.newSecret(), r, signature))
                        .as("another secret does not verify")
                        .isFalse();
            }
            // a retry 1.1 s later carries a later timestamp, and its own valid signature
            assertThat(Long.parseLong(got.get(1).header("webhook-timestamp")))
                    .isGreaterThan(Long.parseLong(got.get(0).header("webhook-timestamp")));
            assertThat(API.get("/v1/templates/" + template + "/destination").body())
                    .doesNotContain(secret);
        }
    }

    @Test
    void duringARotationBothTheNewAndTheOldSecretSign() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("rotate");
            String oldSecret = StandardWebhooks.newSecret();
            API.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("signingSecret", oldSecret));
            Api.Response rotated = API.post("/v1/templates/" + template + "/destination/rotate-secret", null);
            assertThat(rotated.status()).isEqualTo(200);
            String newSecret = rotated.json().getString("signingSecret");
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
            assertThat(Base64.getDecoder().decode(newSecret.substring(6))).hasSizeBetween(24, 64);
            assertThat(API.get("/v1/templates/" + template + "/destination").body())
                    .doesNotContain(newSecret);

            String uploadId = API.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            API.awaitFinished(uploadId, Duration.ofSeconds(30));
            Sink.Received r = sink.receivedFor(uploadId).get(0);
            List<String> signatures =
                    Arrays.asList(r.header("webhook-signature").split(" "));
            assertThat(signatures).hasSize(2);
            assertThat(signatures.stream().filter(s -> StandardWebhooks.verifies(newSecret, r, s)))
                    .hasSize(1);
            assertThat(signatures.stream().filter(s -> StandardWebhooks.verifies(oldSecret, r, s)))
                    .hasSize(1);
        }
    }

    @Test
    void noSecretNoSignature() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("unsigned");
            assertThat(API.destination(template, new JsonObject().put("callbackUrl", sink.url()))
                            .getBoolean("signing"))
                    .isFalse();
            String uploadId = API.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            API.awaitFinished(uploadId, Duration.ofSeconds(30));
            assertThat(sink.receivedFor(uploadId).get(0).header("webhook-signature"))
                    .isNull();
        }
    }
}

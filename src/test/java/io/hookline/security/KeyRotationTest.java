package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Sink;
import io.hookline.testing.StandardWebhooks;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating HOOKLINE_ENCRYPTION_KEY: started with the new key and the old one as HOOKLINE_ENCRYPTION_KEY_PREVIOUS, the
 * server seals every stored secret again with the new key; after that the old key is not needed.
 */
class KeyRotationTest {

    @Test
    void storedSecretsAreSealedAgainAndStillWorkWithoutTheOldKey() throws Exception {
        String secret =
                StandardWebhooks.newSecret(); // (SignatureTest's class starts the shared server: before stopping it)
        TestServer.stopShared(); // the shared server has neither key: only the servers of this test may send
        byte[] oldKey = key();
        byte[] newKey = key();
        String old64 = Base64.getEncoder().encodeToString(oldKey);
        String new64 = Base64.getEncoder().encodeToString(newKey);
        String newPrefix = HexFormat.of().formatHex(new SecretBox(newKey).currentPrefix());
        String template = Api.uniqueTemplate("rotation");
        String uploadId;
        try (Sink sink = new Sink()) {
            TestServer first = TestServer.start(Map.of("HOOKLINE_ENCRYPTION_KEY", old64));
            try {
                first.api()
                        .destination(
                                template,
                                new JsonObject()
                                        .put("callbackUrl", sink.url())
                                        .put("authHeaderName", "X-Auth")
                                        .put("signingSecret", secret));
                first.api().post("/v1/templates/" + template + "/destination/pause", null);
                uploadId = first.api()
                        .importRecords(
                                template,
                                new JsonArray().add(new JsonObject().put("a", 1)),
                                new JsonObject().put("authHeaderValue", "auth-value-1"));
            } finally {
                first.stop();
            }
            assertThat(prefix("auth_value", "imports", "upload_id", uploadId)).isNotEqualTo(newPrefix);

            TestServer rotated = TestServer.start(
                    Map.of("HOOKLINE_ENCRYPTION_KEY", new64, "HOOKLINE_ENCRYPTION_KEY_PREVIOUS", old64));
            try {
                Await.until(
                        () -> newPrefix.equals(prefix("auth_value", "imports", "upload_id", uploadId))
                                && newPrefix.equals(prefix("signing_secret", "destinations", "template", template)),
                        Duration.ofSeconds(30),
                        "the stored secrets to be sealed with the new key");
                sink.answer(r -> Sink.Reply.status(500)); // this time: undelivered, to be redelivered below
                rotated.api().post("/v1/templates/" + template + "/destination/resume", null);
                assertThat(rotated.api()
                                .awaitFinished(uploadId, Duration.ofSeconds(30))
                                .getString("status"))
                        .isEqualTo("FAILED");
            } finally {
                rotated.stop();
            }

            TestServer newOnly = TestServer.start(Map.of("HOOKLINE_ENCRYPTION_KEY", new64));
            try {
                sink.answer(r -> Sink.Reply.ok());
                newOnly.api().post("/v1/imports/" + uploadId + "/redeliver", null);
                assertThat(newOnly.api()
                                .awaitFinished(uploadId, Duration.ofSeconds(30))
                                .getString("status"))
                        .isEqualTo("COMPLETED");
                Sink.Received last = sink.receivedFor(uploadId)
                        .get(sink.receivedFor(uploadId).size() - 1);
                assertThat(last.header("X-Auth")).isEqualTo("auth-value-1");
                assertThat(StandardWebhooks.verifies(secret, last, last.header("webhook-signature")))
                        .isTrue();
            } finally {
                newOnly.stop();
            }
        }
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** The first 9 bytes of a stored sealed value, in hex: the format byte and the key id. */
    private static String prefix(String column, String table, String keyColumn, String key) {
        return TestDb.text(
                "SELECT encode(substring(" + column + " from 1 for 9), 'hex') FROM " + table + " WHERE " + keyColumn
                        + " = ?",
                key);
    }
}

package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.RawUpload;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ingest.maxConcurrentUploadsPerKey and ingest.maxConcurrentUploads: an upload beyond either is refused at once with
 * 429 and Retry-After (it is not queued), stores nothing, and goes through once a slot is free; one key's uploads
 * do not take another key's share.
 */
class FairShareTest {

    private static final String KEY_A = "fair-key-a-0123456789";
    private static final String KEY_B = "fair-key-b-0123456789";

    private static TestServer server;
    private static Sink sink;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(
                Map.of("HOOKLINE_API_KEYS", KEY_A + "," + KEY_B),
                new JsonObject()
                        .put(
                                "ingest",
                                new JsonObject()
                                        .put("maxConcurrentUploadsPerKey", 2)
                                        .put("maxConcurrentUploads", 3)));
        sink = new Sink();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        sink.close();
    }

    /** An upload sent half-way (enough for its pages to be staged) and held open. */
    private static RawUpload halfWay(String key, String template, String uploadId) {
        RawUpload upload = RawUpload.open(server.api().base(), key);
        upload.write(Records.opening(template, uploadId) + firstHalf());
        return upload;
    }

    private static String firstHalf() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            b.append(i == 0 ? "" : ",").append(Records.padded(i, 1000));
        }
        return b.toString();
    }

    private static Api.Response finish(RawUpload upload) {
        upload.write(",{\"last\":true}]}");
        return upload.finishAndRead(Duration.ofSeconds(30));
    }

    private static void awaitLiveUploads(String template, int n) {
        Await.until(
                () -> TestDb.number(
                                "SELECT count(*) FROM uploads WHERE template = ? AND abandoned_at IS NULL", template)
                        == n,
                Duration.ofSeconds(30),
                n + " uploads of " + template + " in progress");
    }

    private static Api.Response smallImport(String key, String template, String uploadId) {
        return server.api()
                .withKey(key)
                .post(
                        "/v1/imports",
                        new JsonObject()
                                .put("template", template)
                                .put("uploadId", uploadId)
                                .put("records", Records.of(3)));
    }

    private static void assertTooMany(Api.Response r, String setting) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
        assertThat(r.json().getString("detail")).contains(setting);
    }

    @Test
    void theThirdUploadOfAKeyGets429AtOnceWhileAnotherKeyStillHasItsShare() {
        String template = Api.uniqueTemplate("fair");
        server.api().withKey(KEY_A).destination(template, new JsonObject().put("callbackUrl", sink.url()));
        try (RawUpload a1 = halfWay(KEY_A, template, "a1-" + template);
                RawUpload a2 = halfWay(KEY_A, template, "a2-" + template)) {
            awaitLiveUploads(template, 2);

            assertTooMany(smallImport(KEY_A, template, "a3-" + template), "ingest.maxConcurrentUploadsPerKey");

            // key B is not held back by key A's two uploads
            try (RawUpload b1 = halfWay(KEY_B, template, "b1-" + template)) {
                awaitLiveUploads(template, 3);
                // three at once is the server's overall cap: a second upload of key B waits for a free slot too
                assertTooMany(smallImport(KEY_B, template, "b2-" + template), "ingest.maxConcurrentUploads");

                assertThat(finish(a1).status()).isEqualTo(202);
                // a slot is free again: the refused upload goes through, and the refusal had stored nothing
                assertThat(smallImport(KEY_A, template, "a3-" + template).status())
                        .isEqualTo(202);
                assertThat(finish(b1).status()).isEqualTo(202);
            }
            assertThat(finish(a2).status()).isEqualTo(202);
        }
        assertThat(smallImport(KEY_B, template, "b2-" + template).status()).isEqualTo(202);
        assertThat(server.api().withKey(KEY_A).items("/v1/imports?template=" + template))
                .extracting(o -> ((JsonObject) o).getString("uploadId"))
                .containsExactlyInAnyOrder(
                        "a1-" + template, "a2-" + template, "a3-" + template, "b1-" + template, "b2-" + template);
    }
}

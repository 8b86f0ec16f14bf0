package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Posting the same import again never stores or delivers it twice; a different body under a taken id is a 409. */
class IdempotencyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> VIEW_FIELDS = List.of(
            "uploadId",
            "template",
            "status",
            "totalRecords",
            "totalPages",
            "createdAt",
            "completedAt",
            "chunks",
            "destinationState");

    private static Api api;

    @BeforeAll
    static void start() {
        api = TestServer.shared().api();
    }

    private static String body(String template, String uploadId, int records, String tag) {
        JsonArray data = new JsonArray();
        for (int i = 0; i < records; i++) {
            data.add(new JsonObject().put("i", i).put("tag", tag));
        }
        JsonObject body = new JsonObject().put("template", template).put("records", data);
        if (uploadId != null) {
            body.put("uploadId", uploadId);
        }
        return body.encode();
    }

    private static Api.Response postRaw(String body, String... headers) {
        return api.send("POST", "/v1/imports", "application/json", body, headers);
    }

    private static JsonArray importsOf(String template) {
        return api.items("/v1/imports?template=" + template + "&limit=1000");
    }

    private static List<Sink.Received> receivedForTemplate(Sink sink, String template) {
        return sink.received().stream()
                .filter(r -> template.equals(r.json().getString("template")))
                .toList();
    }

    /** Imports one record and waits for it: afterwards the sender has worked through everything due before it. */
    private static void barrier(String template) {
        String marker = api.importRecords(template, new JsonArray().add(new JsonObject().put("marker", true)), null);
        assertThat(api.awaitFinished(marker, WAIT).getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void sameUploadIdAndSameBodyAnswers200WithTheImportAndDeliversEachPageOnce() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("idem");
            api.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 2));
            String uploadId = "idem-" + UUID.randomUUID();
            String body = body(template, uploadId, 5, "a");

            Api.Response first = postRaw(body);
            assertThat(first.status()).isEqualTo(202);
            assertThat(first.json().getString("uploadId")).isEqualTo(uploadId);

            Api.Response second = postRaw(body);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.json().getString("uploadId")).isEqualTo(uploadId);
            assertThat(second.json().fieldNames()).containsExactlyInAnyOrderElementsOf(VIEW_FIELDS);
            assertThat(second.json().getString("template")).isEqualTo(template);
            assertThat(second.json().getLong("totalRecords")).isEqualTo(5);
            assertThat(second.json().getInteger("totalPages")).isEqualTo(3);

            JsonObject done = api.awaitFinished(uploadId, WAIT);
            assertThat(done.getString("status")).isEqualTo("COMPLETED");
            assertThat(sink.receivedFor(uploadId))
                    .extracting(Sink.Received::page)
                    .containsExactlyInAnyOrder(1, 2, 3);

            // A third post after completion: the 200 proves it was processed; it must show the finished import.
            Api.Response third = postRaw(body);
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.json().getString("uploadId")).isEqualTo(uploadId);
            assertThat(third.json().getString("status")).isEqualTo("COMPLETED");
            assertThat(third.json()).isEqualTo(api.importView(uploadId));
            assertThat(importsOf(template)).hasSize(1);

            barrier(template);
            assertThat(sink.receivedFor(uploadId)).hasSize(3);
            assertThat(receivedForTemplate(sink, template)).hasSize(4); // 3 pages + the barrier's one
            assertThat(importsOf(template)).hasSize(2);
        }
    }

    @Test
    void sameUploadIdWithAnotherBodyIsA409AndLeavesTheStoredImportAlone() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("idem409");
            api.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 2));
            String uploadId = "idem409-" + UUID.randomUUID();
            assertThat(postRaw(body(template, uploadId, 3, "original")).status())
                    .isEqualTo(202);
            JsonObject stored = api.awaitFinished(uploadId, WAIT);

            Api.Response conflict = postRaw(body(template, uploadId, 7, "changed"));
            assertThat(conflict.status()).isEqualTo(409);
            assertThat(conflict.header("Content-Type")).startsWith("application/problem+json");
            assertThat(conflict.json().getInteger("status")).isEqualTo(409);
            assertThat(conflict.errorFields()).contains("uploadId");

            // the same records but a different extra is a different body too
            String withExtra = new JsonObject(body(template, uploadId, 3, "original"))
                    .put("extra", "x")
                    .encode();
            assertThat(postRaw(withExtra).status()).isEqualTo(409);

            assertThat(api.importView(uploadId)).isEqualTo(stored);
            assertThat(importsOf(template)).hasSize(1);
            barrier(template);
            List<Sink.Received> got = sink.receivedFor(uploadId);
            assertThat(got).hasSize(2);
            got.forEach(r -> r.json()
                    .getJsonArray("data")
                    .forEach(rec ->
                            assertThat(((JsonObject) rec).getString("tag")).isEqualTo("original")));
        }
    }

    @Test
    void idempotencyKeyMakesAServerMadeIdIdempotent() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("idemkey");
            api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
            String key = "key-" + UUID.randomUUID();
            String body = body(template, null, 3, "k");

            Api.Response first = postRaw(body, "Idempotency-Key", key);
            assertThat(first.status()).isEqualTo(202);
            String uploadId = first.json().getString("uploadId");
            assertThat(uploadId).isNotBlank();

            Api.Response again = postRaw(body, "Idempotency-Key", key);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().getString("uploadId")).isEqualTo(uploadId);
            assertThat(again.json().fieldNames()).containsExactlyInAnyOrderElementsOf(VIEW_FIELDS);

            Api.Response different = postRaw(body(template, null, 4, "other"), "Idempotency-Key", key);
            assertThat(different.status()).isEqualTo(409);
            assertThat(different.header("Content-Type")).startsWith("application/problem+json");

            assertThat(importsOf(template))
                    .extracting(o -> ((JsonObject) o).getString("uploadId"))
                    .containsExactly(uploadId);
            assertThat(api.awaitFinished(uploadId, WAIT).getString("status")).isEqualTo("COMPLETED");
            assertThat(sink.receivedFor(uploadId)).hasSize(1);

            // another key is another import, even with the same body
            Api.Response other = postRaw(body, "Idempotency-Key", "key-" + UUID.randomUUID());
            assertThat(other.status()).isEqualTo(202);
            String otherId = other.json().getString("uploadId");
            assertThat(otherId).isNotEqualTo(uploadId);
            assertThat(importsOf(template))
                    .extracting(o -> ((JsonObject) o).getString("uploadId"))
                    .containsExactly(otherId, uploadId);
            assertThat(api.awaitFinished(otherId, WAIT).getString("status")).isEqualTo("COMPLETED");
            assertThat(sink.receivedFor(otherId)).hasSize(1);
            assertThat(sink.receivedFor(uploadId)).hasSize(1);
        }
    }

    @Test
    void twoConcurrentIdenticalPostsStoreOneImport() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("idemrace");
            api.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 10));
            List<String> uploadIds = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                String uploadId = "race-" + UUID.randomUUID();
                uploadIds.add(uploadId);
                String body = body(template, uploadId, 25, "r" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Api.Response>> posts = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    posts.add(pool.submit(() -> {
                        go.await();
                        return postRaw(body);
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Api.Response> f : posts) {
                    Api.Response r = f.get(60, TimeUnit.SECONDS);
                    statuses.add(r.status());
                    assertThat(r.json().getString("uploadId"))
                            .as("round %d: %s", round, r.body())
                            .isEqualTo(uploadId);
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(202, 200);
            }

            assertThat(importsOf(template))
                    .extracting(o -> ((JsonObject) o).getString("uploadId"))
                    .containsExactlyInAnyOrderElementsOf(uploadIds);
            for (String uploadId : uploadIds) {
                assertThat(api.awaitFinished(uploadId, WAIT).getString("status"))
                        .isEqualTo("COMPLETED");
            }
            barrier(template);
            for (String uploadId : uploadIds) {
                assertThat(sink.receivedFor(uploadId))
                        .extracting(Sink.Received::page)
                        .containsExactlyInAnyOrder(1, 2, 3);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

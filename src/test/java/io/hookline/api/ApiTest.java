package io.hookline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The HTTP API as the README describes it: destinations, imports and their lists, health, metrics, errors. */
class ApiTest extends SharedServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> IMPORT_FIELDS = List.of(
            "uploadId",
            "template",
            "status",
            "totalRecords",
            "totalPages",
            "createdAt",
            "completedAt",
            "chunks",
            "destinationState");
    private static final List<String> CHUNK_FIELDS = List.of(
            "page", "records", "status", "attempts", "lastStatusCode", "lastError", "nextAttemptAt", "deliveredAt");
    private static final List<String> ATTEMPT_FIELDS =
            List.of("page", "attempt", "startedAt", "durationMs", "statusCode", "error", "responseExcerpt");

    private static String path(String template) {
        return "/v1/templates/" + template + "/destination";
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static JsonArray records(int n) {
        JsonArray records = new JsonArray();
        for (int i = 0; i < n; i++) {
            records.add(new JsonObject().put("i", i));
        }
        return records;
    }

    private static List<String> uploadIds(JsonArray items) {
        List<String> ids = new ArrayList<>();
        items.forEach(o -> ids.add(((JsonObject) o).getString("uploadId")));
        return ids;
    }

    private static void assertProblem(Api.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().getInteger("status")).isEqualTo(status);
        assertThat(r.json().fieldNames()).contains("type", "title", "status", "detail");
    }

    // ---- destinations ----

    @Test
    void putCreatesThenReplacesAndGetShowsTheDefaults() {
        String template = Api.uniqueTemplate("dest");
        Api.Response created = api.put(path(template), new JsonObject().put("callbackUrl", sink.url()));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(path(template));

        JsonObject d = api.get(path(template)).json();
        assertThat(d.getString("callbackUrl")).isEqualTo(sink.url());
        assertThat(d.getInteger("chunkSize")).isEqualTo(100);
        assertThat(d.getInteger("retryCount")).isEqualTo(0);
        assertThat(d.getLong("retryInterval")).isEqualTo(0);
        assertThat(d.getInteger("timeoutMs")).isEqualTo(30000);
        assertThat(d.containsKey("rateLimit")).isTrue();
        assertThat(d.getValue("rateLimit")).isNull();
        assertThat(d.containsKey("maxConcurrency")).isTrue();
        assertThat(d.getValue("maxConcurrency")).isNull();
        assertThat(d.getBoolean("ordered")).isFalse();
        assertThat(d.getString("retryBackoff")).isEqualTo("fixed");
        assertThat(d.getLong("maxRetryInterval")).isEqualTo(3600000L);
        assertThat(d.getJsonArray("noRetryStatuses")).isEqualTo(new JsonArray());
        assertThat(d.getBoolean("signing")).isFalse();
        assertThat(d.containsKey("signingSecret")).isFalse();

        JsonObject replacement = new JsonObject()
                .put("callbackUrl", sink.url() + "?v=2")
                .put("chunkSize", 7)
                .put("retryCount", 3)
                .put("retryInterval", 250)
                .put("timeoutMs", 5000)
                .put("rateLimit", 10)
                .put("maxConcurrency", 4)
                .put("ordered", true)
                .put("retryBackoff", "exponential")
                .put("maxRetryInterval", 60000)
                .put("noRetryStatuses", new JsonArray().add(400).add(410));
        Api.Response replaced = api.put(path(template), replacement);
        assertThat(replaced.status()).isEqualTo(200);
        JsonObject r = api.get(path(template)).json();
        replacement.forEach(
                e -> assertThat(r.getValue(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));

        // replacing with a body that omits fields puts them back to their defaults
        assertThat(api.put(path(template), new JsonObject().put("callbackUrl", sink.url()))
                        .status())
                .isEqualTo(200);
        JsonObject back = api.get(path(template)).json();
        assertThat(back.getInteger("chunkSize")).isEqualTo(100);
        assertThat(back.getBoolean("ordered")).isFalse();
        assertThat(back.getJsonArray("noRetryStatuses")).isEqualTo(new JsonArray());
    }

    @Test
    void signingSecretIsNeverAnsweredAndRotationShowsTheNewOneOnce() {
        String template = Api.uniqueTemplate("secret");
        String secret = newSecret();
        Api.Response put = api.put(
                path(template), new JsonObject().put("callbackUrl", sink.url()).put("signingSecret", secret));
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().containsKey("signingSecret")).isFalse();
        assertThat(put.json().getBoolean("signing")).isTrue();
        assertThat(put.body()).doesNotContain(secret).doesNotContain(secret.substring(6));

        Api.Response get = api.get(path(template));
        assertThat(get.json().containsKey("signingSecret")).isFalse();
        assertThat(get.json().getBoolean("signing")).isTrue();
        assertThat(get.body()).doesNotContain(secret.substring(6));

        Api.Response rotated = api.post(path(template) + "/rotate-secret", null);
        assertThat(rotated.status()).isBetween(200, 201);
        String fresh = rotated.json().getString("signingSecret");
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(rotated.json().getInteger("previousSecretValidHours"))
                .as("the old secret signs on")
                .isEqualTo(24);
        byte[] raw = Base64.getDecoder().decode(fresh.substring("whsec_".length()));
        assertThat(raw.length).isBetween(24, 64);

        Api.Response later = api.get(path(template));
        assertThat(later.json().containsKey("signingSecret")).isFalse();
        assertThat(later.json().getBoolean("signing")).isTrue();
        assertThat(later.body()).doesNotContain(fresh.substring(6)).doesNotContain(secret.substring(6));

        // the next rotation makes yet another secret
        String third = api.post(path(template) + "/rotate-secret", null).json().getString("signingSecret");
        assertThat(third).startsWith("whsec_").isNotEqualTo(fresh);
        assertThat(api.get(path(template)).body()).doesNotContain(third.substring(6));

        // a destination that did not sign has no old secret to keep signing with
        String unsigned = Api.uniqueTemplate("unsigned");
        api.destination(unsigned, new JsonObject().put("callbackUrl", sink.url()));
        Api.Response first = api.post(path(unsigned) + "/rotate-secret", null);
        assertThat(first.json().getString("signingSecret")).startsWith("whsec_");
        assertThat(first.json().containsKey("previousSecretValidHours")).isFalse();
    }

    @Test
    void deleteRemovesTheDestination() {
        String template = Api.uniqueTemplate("del");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        assertThat(api.get(path(template)).status()).isEqualTo(200);
        Api.Response deleted = api.delete(path(template));
        assertThat(deleted.status()).isEqualTo(204);
        assertProblem(api.get(path(template)), 404);
        assertProblem(api.delete(path(template)), 404);
    }

    @Test
    void deleteWithUnfinishedChunksIs409UnlessForcedWhichEndsThemUndelivered() {
        try (Sink failing = new Sink()) {
            failing.answer(r -> Sink.Reply.status(500));
            String template = Api.uniqueTemplate("delbusy");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", failing.url())
                            .put("chunkSize", 1)
                            .put("retryCount", 5)
                            .put("retryInterval", 60000));
            String uploadId = api.importRecords(template, records(3), null);
            String chunks = "/v1/imports/" + uploadId + "/chunks";
            // every chunk has failed once and now waits a minute for its retry
            Await.until(
                    () -> {
                        JsonArray items = api.items(chunks);
                        return items.size() == 3
                                && items.stream()
                                        .allMatch(c -> "RETRYING".equals(((JsonObject) c).getString("status"))
                                                && ((JsonObject) c).getInteger("attempts") == 1);
                    },
                    WAIT,
                    "all three chunks RETRYING after one attempt");

            Api.Response refused = api.delete(path(template));
            assertProblem(refused, 409);
            assertThat(api.get(path(template)).status()).isEqualTo(200);
            assertThat(api.importView(uploadId).getString("status")).isEqualTo("SENDING");

            Api.Response forced = api.delete(path(template) + "?force=true");
            assertThat(forced.status()).isEqualTo(204);
            assertThat(api.get(path(template)).status()).isEqualTo(404);

            JsonObject done = api.awaitFinished(uploadId, WAIT);
            assertThat(done.getString("status")).isEqualTo("FAILED");
            assertThat(done.getValue("completedAt")).isNotNull();
            assertThat(done.getJsonObject("chunks"))
                    .isEqualTo(new JsonObject()
                            .put("pending", 0)
                            .put("delivered", 0)
                            .put("undelivered", 3));
            JsonArray ended = api.items(chunks);
            assertThat(ended).hasSize(3);
            ended.forEach(c -> {
                JsonObject chunk = (JsonObject) c;
                assertThat(chunk.getString("status")).isEqualTo("UNDELIVERED");
                assertThat(chunk.getString("lastError")).isEqualTo("destination deleted");
            });
            assertThat(failing.receivedFor(uploadId)).hasSize(3);
        }
    }

    // ---- imports ----

    @Test
    void importViewHasExactlyTheContractFields() {
        String template = Api.uniqueTemplate("view");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 4));
        String uploadId = api.importRecords(template, records(10), null);
        JsonObject queued = api.importView(uploadId);
        assertThat(queued.fieldNames()).containsExactlyInAnyOrderElementsOf(IMPORT_FIELDS);

        JsonObject v = api.awaitFinished(uploadId, WAIT);
        assertThat(v.fieldNames()).containsExactlyInAnyOrderElementsOf(IMPORT_FIELDS);
        assertThat(v.getString("uploadId")).isEqualTo(uploadId);
        assertThat(v.getString("template")).isEqualTo(template);
        assertThat(v.getString("status")).isEqualTo("COMPLETED");
        assertThat(v.getLong("totalRecords")).isEqualTo(10);
        assertThat(v.getInteger("totalPages")).isEqualTo(3);
        assertThat(Instant.parse(v.getString("createdAt"))).isNotNull();
        assertThat(Instant.parse(v.getString("completedAt"))).isAfterOrEqualTo(Instant.parse(v.getString("createdAt")));
        assertThat(v.getJsonObject("chunks"))
                .isEqualTo(
                        new JsonObject().put("pending", 0).put("delivered", 3).put("undelivered", 0));
        assertThat(v.getString("destinationState")).isEqualTo("ACTIVE");

        assertProblem(api.get("/v1/imports/no-such-" + UUID.randomUUID()), 404);
    }

    @Test
    void importListIsNewestFirstFiltersAndPaginatesWithoutGapsOrDuplicates() {
        String template = Api.uniqueTemplate("list");
        String otherTemplate = Api.uniqueTemplate("listother");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        api.destination(otherTemplate, new JsonObject().put("callbackUrl", sink.url()));
        // records flagged "fail" get a 500 (retryCount 0): those imports end FAILED, the others COMPLETED
        sink.answer(r -> r.json().getJsonArray("data").getJsonObject(0).getBoolean("fail", false)
                ? Sink.Reply.status(500)
                : Sink.Reply.ok());
        try {
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                created.add(api.importRecords(
                        template,
                        new JsonArray().add(new JsonObject().put("i", i).put("fail", i % 3 == 1)),
                        null));
                api.importRecords(otherTemplate, records(1), null);
            }
            List<String> newestFirst = new ArrayList<>(created);
            Collections.reverse(newestFirst);
            for (String id : created) {
                api.awaitFinished(id, WAIT);
            }

            JsonArray all = api.items("/v1/imports?template=" + template);
            assertThat(uploadIds(all)).containsExactlyElementsOf(newestFirst);
            all.forEach(o -> {
                assertThat(((JsonObject) o).getString("template")).isEqualTo(template);
                assertThat(((JsonObject) o).fieldNames()).containsExactlyInAnyOrderElementsOf(IMPORT_FIELDS);
            });

            // pages of 3 via the next cursor, passed back as before
            List<String> paged = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            String next = null;
            int pages = 0;
            do {
                Api.Response r = api.get(
                        "/v1/imports?template=" + template + "&limit=3" + (next == null ? "" : "&before=" + next));
                assertThat(r.status()).isEqualTo(200);
                JsonArray items = r.json().getJsonArray("items");
                assertThat(items.size()).isBetween(1, 3);
                for (String id : uploadIds(items)) {
                    assertThat(seen.add(id)).as("duplicate %s", id).isTrue();
                    paged.add(id);
                }
                assertThat(r.json().containsKey("next")).isTrue();
                next = r.json().getString("next");
                pages++;
                assertThat(pages).isLessThanOrEqualTo(3);
            } while (next != null);
            assertThat(pages).isEqualTo(3);
            assertThat(paged).containsExactlyElementsOf(newestFirst);

            List<String> failed = new ArrayList<>();
            List<String> completed = new ArrayList<>();
            for (String id : newestFirst) {
                (created.indexOf(id) % 3 == 1 ? failed : completed).add(id);
            }
            assertThat(failed).hasSize(2);
            assertThat(uploadIds(api.items("/v1/imports?template=" + template + "&status=FAILED")))
                    .containsExactlyElementsOf(failed);
            assertThat(uploadIds(api.items("/v1/imports?template=" + template + "&status=COMPLETED")))
                    .containsExactlyElementsOf(completed);
            assertThat(api.items("/v1/imports?template=" + template + "&status=QUEUED"))
                    .isEmpty();

            // the status filter and the cursor together
            List<String> failedPaged = new ArrayList<>();
            next = null;
            do {
                JsonObject page = api.get("/v1/imports?template=" + template + "&status=FAILED&limit=1"
                                + (next == null ? "" : "&before=" + next))
                        .json();
                failedPaged.addAll(uploadIds(page.getJsonArray("items")));
                next = page.getString("next");
                assertThat(failedPaged.size()).isLessThanOrEqualTo(failed.size());
            } while (next != null);
            assertThat(failedPaged).containsExactlyElementsOf(failed);

            // without a template filter every status filter still holds
            api.items("/v1/imports?status=FAILED&limit=50")
                    .forEach(o ->
                            assertThat(((JsonObject) o).getString("status")).isEqualTo("FAILED"));
        } finally {
            sink.answer(r -> Sink.Reply.ok());
        }
    }

    @Test
    void chunksAndAttemptsListTheContractFieldsFilterAndPaginate() {
        try (Sink half = new Sink()) {
            half.answer(r -> r.page() == 2 ? Sink.Reply.status(500).withBody("boom") : Sink.Reply.ok());
            String template = Api.uniqueTemplate("chunks");
            api.destination(
                    template, new JsonObject().put("callbackUrl", half.url()).put("chunkSize", 2));
            String uploadId = api.importRecords(template, records(5), null);
            JsonObject done = api.awaitFinished(uploadId, WAIT);
            assertThat(done.getString("status")).isEqualTo("PARTIALLY_DELIVERED");

            String base = "/v1/imports/" + uploadId;
            JsonArray chunks = api.items(base + "/chunks");
            assertThat(chunks).hasSize(3);
            for (int i = 0; i < 3; i++) {
                JsonObject c = chunks.getJsonObject(i);
                assertThat(c.fieldNames()).containsExactlyInAnyOrderElementsOf(CHUNK_FIELDS);
                assertThat(c.getInteger("page")).isEqualTo(i + 1);
                assertThat(c.getInteger("records")).isEqualTo(i < 2 ? 2 : 1);
                assertThat(c.getInteger("attempts")).isEqualTo(1);
                if (i == 1) {
                    assertThat(c.getString("status")).isEqualTo("UNDELIVERED");
                    assertThat(c.getInteger("lastStatusCode")).isEqualTo(500);
                    assertThat(c.getValue("deliveredAt")).isNull();
                } else {
                    assertThat(c.getString("status")).isEqualTo("DELIVERED");
                    assertThat(c.getInteger("lastStatusCode")).isEqualTo(200);
                    assertThat(c.getValue("lastError")).isNull();
                    assertThat(Instant.parse(c.getString("deliveredAt"))).isNotNull();
                }
            }

            Api.Response first = api.get(base + "/chunks?limit=2");
            assertThat(first.json().getJsonArray("items"))
                    .extracting(o -> ((JsonObject) o).getInteger("page"))
                    .containsExactly(1, 2);
            String next = first.json().getString("next");
            assertThat(next).isNotNull();
            Api.Response second = api.get(base + "/chunks?limit=2&after=" + next);
            assertThat(second.json().getJsonArray("items"))
                    .extracting(o -> ((JsonObject) o).getInteger("page"))
                    .containsExactly(3);
            assertThat(second.json().containsKey("next")).isTrue();
            assertThat(second.json().getValue("next")).isNull();

            assertThat(api.items(base + "/chunks?status=DELIVERED"))
                    .extracting(o -> ((JsonObject) o).getInteger("page"))
                    .containsExactly(1, 3);
            assertThat(api.items(base + "/chunks?status=UNDELIVERED"))
                    .extracting(o -> ((JsonObject) o).getInteger("page"))
                    .containsExactly(2);
            assertThat(api.items(base + "/chunks?status=PENDING")).isEmpty();

            JsonArray attempts = api.items(base + "/attempts");
            assertThat(attempts).hasSize(3);
            attempts.forEach(o -> {
                JsonObject a = (JsonObject) o;
                assertThat(a.fieldNames()).containsExactlyInAnyOrderElementsOf(ATTEMPT_FIELDS);
                assertThat(a.getInteger("attempt")).isEqualTo(1);
                assertThat(Instant.parse(a.getString("startedAt"))).isNotNull();
                assertThat(a.getInteger("durationMs")).isGreaterThanOrEqualTo(0);
            });
            assertThat(attempts)
                    .extracting(o -> ((JsonObject) o).getInteger("page"))
                    .containsExactlyInAnyOrder(1, 2, 3);

            JsonArray failures = api.items(base + "/attempts?failed=true");
            assertThat(failures).hasSize(1);
            JsonObject failure = failures.getJsonObject(0);
            assertThat(failure.getInteger("page")).isEqualTo(2);
            assertThat(failure.getInteger("statusCode")).isEqualTo(500);
            assertThat(failure.getString("responseExcerpt")).isEqualTo("boom");

            assertProblem(api.get("/v1/imports/no-such-" + UUID.randomUUID() + "/chunks"), 404);
        }
    }

    @Test
    void anImportOfNoRecordsIsCompletedAndSendsNothing() {
        try (Sink own = new Sink()) {
            String template = Api.uniqueTemplate("empty");
            api.destination(template, new JsonObject().put("callbackUrl", own.url()));
            Api.Response r = api.post(
                    "/v1/imports", new JsonObject().put("template", template).put("records", new JsonArray()));
            assertThat(r.status()).isEqualTo(202);
            String uploadId = r.json().getString("uploadId");
            assertThat(r.json().getInteger("totalPages")).isEqualTo(0);
            assertThat(r.json().getLong("totalRecords")).isEqualTo(0);
            JsonObject done = api.awaitFinished(uploadId, WAIT);
            assertThat(done.getString("status")).isEqualTo("COMPLETED");
            assertThat(done.getInteger("totalPages")).isEqualTo(0);
            assertThat(api.items("/v1/imports/" + uploadId + "/chunks")).isEmpty();

            // a later import to the same destination is delivered; by then, nothing of the empty one was sent
            String marker = api.importRecords(template, records(1), null);
            assertThat(api.awaitFinished(marker, WAIT).getString("status")).isEqualTo("COMPLETED");
            assertThat(own.received()).hasSize(1);
            assertThat(own.received().get(0).json().getString("uploadId")).isEqualTo(marker);
        }
    }

    @Test
    void extraIsPassedThroughUnchanged() {
        String template = Api.uniqueTemplate("extra");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        Object[] extras = {
            "batch-7",
            new JsonObject()
                    .put("batch", 7)
                    .put("tags", new JsonArray().add("a").add(1))
                    .put("nested", new JsonObject().put("ok", true)),
            42,
            2.5
        };
        List<String> ids = new ArrayList<>();
        for (Object extra : extras) {
            ids.add(api.importRecords(template, records(1), new JsonObject().put("extra", extra)));
        }
        String absent = api.importRecords(template, records(1), null);
        for (int i = 0; i < extras.length; i++) {
            api.awaitFinished(ids.get(i), WAIT);
            List<Sink.Received> got = sink.receivedFor(ids.get(i));
            assertThat(got).hasSize(1);
            assertThat(got.get(0).json().getValue("extra")).isEqualTo(extras[i]);
        }
        api.awaitFinished(absent, WAIT);
        JsonObject body = sink.receivedFor(absent).get(0).json();
        assertThat(body.containsKey("extra")).isTrue();
        assertThat(body.getValue("extra")).isNull();
    }

    @Test
    void numbersInRecordsKeepTheirExactText() {
        String template = Api.uniqueTemplate("numbers");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        String uploadId = "numbers-" + UUID.randomUUID();
        String body = "{\"template\":\"" + template + "\",\"uploadId\":\"" + uploadId + "\",\"records\":"
                + "[{\"n\":1.10,\"big\":12345678901234567890123,\"e\":1.0E+2,\"neg\":-0.000}],\"extra\":{\"x\":3.00}}";
        assertThat(api.send("POST", "/v1/imports", "application/json", body).status())
                .isEqualTo(202);
        api.awaitFinished(uploadId, WAIT);
        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(1);
        String raw = new String(got.get(0).body(), StandardCharsets.UTF_8);
        assertThat(raw)
                .contains("1.10")
                .contains("12345678901234567890123")
                .contains("1.0E+2")
                .contains("-0.000")
                .contains("3.00");
        assertThat(raw).contains("\"data\":[{\"n\":1.10,\"big\":12345678901234567890123,\"e\":1.0E+2,\"neg\":-0.000}]");
    }

    // ---- system ----

    @Test
    void healthIsUp() {
        Api.Response r = api.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(new JsonObject().put("status", "UP"));
    }

    @Test
    void metricsCountAttemptsAfterADelivery() {
        String template = Api.uniqueTemplate("metrics");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        String uploadId = api.importRecords(template, records(1), null);
        assertThat(api.awaitFinished(uploadId, WAIT).getString("status")).isEqualTo("COMPLETED");
        // the counter is updated when the outcome is recorded; wait for it to show rather than assume
        String text = Await.until(
                () -> {
                    Api.Response r = api.get("/metrics");
                    return r.status() == 200
                                    && r.body().contains("hookline_attempts")
                                    && r.body().contains("destination=\"" + template + "\"")
                            ? r.body()
                            : null;
                },
                WAIT,
                "hookline_attempts for " + template + " in /metrics");
        assertThat(text).contains("hookline_attempts");
        Api.Response r = api.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    void unknownRouteIsA404Problem() {
        assertProblem(api.get("/v1/nothing-here"), 404);
        assertProblem(api.get("/nothing/" + UUID.randomUUID()), 404);
    }
}

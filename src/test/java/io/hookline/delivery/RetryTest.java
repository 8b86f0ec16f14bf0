package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries, final failures and the failure log, against a real sink that fails on demand. */
class RetryTest extends SharedServerTest {

    private static JsonArray records(int n) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < n; i++) {
            a.add(new JsonObject().put("i", i));
        }
        return a;
    }

    @Test
    void failingTwiceThenSucceedingIsDeliveredOnAttemptThreeAfterTheInterval() {
        String template = Api.uniqueTemplate("retry3");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url() + "/" + template)
                        .put("retryCount", 2)
                        .put("retryInterval", 300));
        sink.answer(r -> r.json().getString("template").equals(template) && sink.attemptOf(r) <= 2
                ? Sink.Reply.status(500)
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(3), null);

        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(3);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).atMillis() - got.get(i - 1).atMillis())
                    .as("spacing between attempt %d and %d", i, i + 1)
                    .isGreaterThanOrEqualTo(300);
        }
        JsonObject chunk = api.items("/v1/imports/" + uploadId + "/chunks").getJsonObject(0);
        assertThat(chunk.getString("status")).isEqualTo("DELIVERED");
        assertThat(chunk.getInteger("attempts")).isEqualTo(3);
        assertThat(chunk.getInteger("lastStatusCode")).isEqualTo(200);

        JsonArray attempts = api.items("/v1/imports/" + uploadId + "/attempts");
        assertThat(attempts.stream()
                        .map(a -> ((JsonObject) a).getInteger("statusCode"))
                        .toList())
                .containsExactly(500, 500, 200);
        assertThat(attempts.stream()
                        .map(a -> ((JsonObject) a).getInteger("attempt"))
                        .toList())
                .containsExactly(1, 2, 3);
        assertThat(api.items("/v1/imports/" + uploadId + "/attempts?failed=true"))
                .hasSize(2);
    }

    @Test
    void alwaysFailingEndsUndeliveredAfterOnePlusRetryCountAttempts() {
        String template = Api.uniqueTemplate("retryall");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", 2)
                        .put("retryCount", 2)
                        .put("retryInterval", 50));
        sink.answer(r -> r.json().getString("template").equals(template)
                ? Sink.Reply.status(503).withBody("down for maintenance")
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(4), null);

        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
        assertThat(done.getString("status")).isEqualTo("FAILED");
        assertThat(done.getJsonObject("chunks").getInteger("undelivered")).isEqualTo(2);
        assertThat(sink.receivedFor(uploadId)).hasSize(2 * 3);
        JsonArray chunks = api.items("/v1/imports/" + uploadId + "/chunks");
        chunks.forEach(c -> {
            JsonObject chunk = (JsonObject) c;
            assertThat(chunk.getString("status")).isEqualTo("UNDELIVERED");
            assertThat(chunk.getInteger("attempts")).isEqualTo(3);
            assertThat(chunk.getInteger("lastStatusCode")).isEqualTo(503);
            assertThat(chunk.getValue("nextAttemptAt")).isNull();
        });
        JsonArray failures = api.items("/v1/imports/" + uploadId + "/attempts?failed=true");
        assertThat(failures).hasSize(6);
        failures.forEach(a -> {
            JsonObject attempt = (JsonObject) a;
            assertThat(attempt.getInteger("statusCode")).isEqualTo(503);
            assertThat(attempt.getString("responseExcerpt")).isEqualTo("down for maintenance");
            assertThat(attempt.getString("error")).contains("503");
            assertThat(attempt.getInteger("durationMs")).isNotNegative();
            assertThat(attempt.getString("startedAt")).isNotNull();
        });
    }

    @Test
    void retryCountZeroMeansExactlyOneAttempt() {
        String template = Api.uniqueTemplate("retry0");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        sink.answer(r -> r.json().getString("template").equals(template) ? Sink.Reply.status(400) : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(1), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        assertThat(sink.receivedFor(uploadId)).hasSize(1);
    }

    @Test
    void aTimeoutIsAFailureWithAReason() {
        String template = Api.uniqueTemplate("timeout");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("timeoutMs", 200));
        sink.answer(r -> r.json().getString("template").equals(template)
                ? Sink.Reply.ok().delayed(1500)
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(1), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        JsonObject attempt = api.items("/v1/imports/" + uploadId + "/attempts").getJsonObject(0);
        assertThat(attempt.getValue("statusCode")).isNull();
        assertThat(attempt.getString("error")).contains("timeout");
        assertThat(attempt.getInteger("durationMs")).isBetween(150, 1400);
    }

    @Test
    void aRefusedConnectionIsAFailureWithAReason() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String template = Api.uniqueTemplate("refused");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", "http://127.0.0.1:" + closedPort + "/hook")
                        .put("retryCount", 1)
                        .put("retryInterval", 10));
        String uploadId = api.importRecords(template, records(1), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        JsonArray attempts = api.items("/v1/imports/" + uploadId + "/attempts?failed=true");
        assertThat(attempts).hasSize(2);
        JsonObject attempt = attempts.getJsonObject(0);
        assertThat(attempt.getValue("statusCode")).isNull();
        assertThat(attempt.getString("error")).contains("connection refused");
    }

    @Test
    void aRedirectIsNotFollowedAndCountsAsAFailure() {
        String template = Api.uniqueTemplate("redirect");
        api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
        sink.answer(r -> r.json().getString("template").equals(template)
                ? Sink.Reply.status(302).withHeader("Location", sink.url() + "/elsewhere")
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(1), null);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        assertThat(sink.receivedFor(uploadId)).hasSize(1); // the redirect target was never called
        JsonObject attempt = api.items("/v1/imports/" + uploadId + "/attempts").getJsonObject(0);
        assertThat(attempt.getInteger("statusCode")).isEqualTo(302);
        assertThat(attempt.getString("error")).contains("redirect");
    }

    @Test
    void otherChunksGoOnWhileOneFails() {
        String template = Api.uniqueTemplate("partial");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1));
        sink.answer(r -> r.json().getString("template").equals(template) && r.page() == 2
                ? Sink.Reply.status(500)
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, records(3), null);
        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
        assertThat(done.getString("status")).isEqualTo("PARTIALLY_DELIVERED");
        assertThat(done.getJsonObject("chunks"))
                .isEqualTo(
                        new JsonObject().put("pending", 0).put("delivered", 2).put("undelivered", 1));
        assertThat(api.items("/v1/imports/" + uploadId + "/chunks?status=UNDELIVERED")
                        .getJsonObject(0)
                        .getInteger("page"))
                .isEqualTo(2);
    }
}

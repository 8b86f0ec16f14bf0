package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Records;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.Sink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When the next attempt comes: Retry-After in both forms, exponential backoff within its jitter, the cap on one
 * wait, and statuses that are final at once. Gaps are measured between arrivals at the sink, so the lower bounds
 * allow a few ms of send overhead and the upper bounds allow a loaded machine's timer and scheduling delays.
 */
class RetryScheduleTest extends SharedServerTest {

    /** Scheduling slack on a busy 2-core machine: timers fire late, never early. */
    private static final long LATE_MS = 400;
    /** Clock granularity between the sender's "failed at" and the sink's arrival stamp. */
    private static final long EARLY_MS = 30;

    private static boolean mine(Sink.Received r, String template) {
        return r.json().getString("template").equals(template);
    }

    @Test
    void retryAfterInSecondsIsWaitedEvenWhenTheIntervalIsShorter() {
        String template = Api.uniqueTemplate("ra-secs");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("retryCount", 1)
                        .put("retryInterval", 10));
        sink.answer(r -> mine(r, template) && sink.attemptOf(r) == 1
                ? Sink.Reply.status(429).withHeader("Retry-After", "1")
                : Sink.Reply.ok());
        String uploadId = api.importRecords(template, Records.of(1), null);

        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");
        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(2);
        long gap = got.get(1).atMillis() - got.get(0).atMillis();
        assertThat(gap).isBetween(1_000 - EARLY_MS, 1_000 + LATE_MS);
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedUntil() {
        String template = Api.uniqueTemplate("ra-date");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("retryCount", 1)
                        .put("retryInterval", 10));
        AtomicLong until = new AtomicLong();
        sink.answer(r -> {
            if (!mine(r, template) || sink.attemptOf(r) > 1) {
                return Sink.Reply.ok();
            }
            // Whole seconds only in an HTTP date: two seconds ahead, rounded up, is 2 to 3 s away.
            Instant at = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3);
            until.set(at.toEpochMilli());
            return Sink.Reply.status(503)
                    .withHeader(
                            "Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC)));
        });
        String uploadId = api.importRecords(template, Records.of(1), null);

        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");
        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(2);
        assertThat(got.get(1).atMillis()).isBetween(until.get() - EARLY_MS, until.get() + LATE_MS);
    }

    @Test
    void exponentialBackoffDoublesWithinTheJitterAndStopsAtTheCap() {
        String template = Api.uniqueTemplate("expo");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("retryCount", 3)
                        .put("retryInterval", 200)
                        .put("retryBackoff", "exponential")
                        .put("maxRetryInterval", 600));
        sink.answer(r -> mine(r, template) ? Sink.Reply.status(500) : Sink.Reply.ok());
        String uploadId = api.importRecords(template, Records.of(1), null);

        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        List<Sink.Received> got = sink.receivedFor(uploadId);
        assertThat(got).hasSize(4);
        long[] gaps = new long[3];
        for (int i = 0; i < 3; i++) {
            gaps[i] = got.get(i + 1).atMillis() - got.get(i).atMillis();
        }
        // 200 and 400 ms ±20 %; the third (800 ± 20 %) is capped at 600.
        assertThat(gaps[0]).as("first wait").isBetween(160 - EARLY_MS, 240 + LATE_MS);
        assertThat(gaps[1]).as("second wait").isBetween(320 - EARLY_MS, 480 + LATE_MS);
        assertThat(gaps[2]).as("third wait, capped").isBetween(600 - EARLY_MS, 600 + LATE_MS);
    }

    @Test
    void aNoRetryStatusIsFinalAfterOneAttempt() {
        String template = Api.uniqueTemplate("noretry");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("retryCount", 5)
                        .put("retryInterval", 10)
                        .put("noRetryStatuses", new JsonArray().add(404).add(410)));
        sink.answer(r -> mine(r, template) ? Sink.Reply.status(404) : Sink.Reply.ok());
        String uploadId = api.importRecords(template, Records.of(1), null);

        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("FAILED");
        assertThat(sink.receivedFor(uploadId)).hasSize(1);
        JsonObject chunk = api.items("/v1/imports/" + uploadId + "/chunks").getJsonObject(0);
        assertThat(chunk.getString("status")).isEqualTo("UNDELIVERED");
        assertThat(chunk.getInteger("attempts")).isEqualTo(1);
        assertThat(chunk.getInteger("lastStatusCode")).isEqualTo(404);
    }
}

package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A slow-down asked for with 429 is the destination's, not one instance's: when its owner shuts down, the next owner
 * goes on at the slowed pace (kept in the database) rather than at full speed, and recovers from there.
 */
class SlowDownHandoverTest {

    private TestServer stopped;

    @Test
    void theNextOwnerContinuesAtTheSlowedPace() throws Exception {
        TestServer.stopShared();
        TestServer a = TestServer.start(Map.of(
                "HOOKLINE_INSTANCE_ID", "slow-a-" + ProcessHandle.current().pid()));
        TestServer b = TestServer.start(Map.of(
                "HOOKLINE_INSTANCE_ID", "slow-b-" + ProcessHandle.current().pid()));
        try (Sink sink = new Sink()) {
            AtomicBoolean overloaded = new AtomicBoolean();
            sink.answer(r -> overloaded.get()
                    ? Sink.Reply.status(429).withHeader("Retry-After", "1")
                    : Sink.Reply.ok().delayed(5));
            String template = Api.uniqueTemplate("slowover");
            a.api()
                    .destination(
                            template,
                            new JsonObject()
                                    .put("callbackUrl", sink.url())
                                    .put("chunkSize", 1)
                                    .put("retryCount", 100)
                                    .put("retryInterval", 100));
            a.api().importRecords(template, Records.of(3_000), null);
            Await.until(() -> sink.received().size() >= 200, Duration.ofSeconds(30), "200 requests at full speed");
            overloaded.set(true);
            Double slowed = Await.until(
                    () -> {
                        String rate = TestDb.text(
                                "SELECT slowdown_rate::text FROM destinations WHERE template = ?", template);
                        return rate != null && Double.parseDouble(rate) <= 100 ? Double.parseDouble(rate) : null;
                    },
                    Duration.ofSeconds(30),
                    "the owner to slow down to at most 100 requests/s and keep it");
            overloaded.set(false);
            String owner = TestDb.text("SELECT owner FROM destination_owners WHERE template = ?", template);
            TestServer ownerServer = owner.startsWith("slow-a") ? a : b;
            TestServer next = ownerServer == a ? b : a;
            ownerServer.stop();
            stopped = ownerServer;
            long stoppedAt = System.currentTimeMillis();
            Await.until(
                    () -> {
                        String o = TestDb.text("SELECT owner FROM destination_owners WHERE template = ?", template);
                        return o != null && !o.equals(owner);
                    },
                    Duration.ofSeconds(30),
                    "the other instance to own the destination");
            long from = System.currentTimeMillis();
            Await.until(() -> System.currentTimeMillis() >= from + 1_000, Duration.ofSeconds(5), "a second to pass");
            long firstSecond = sink.received().stream()
                    .filter(r -> r.atMillis() >= from && r.atMillis() < from + 1_000)
                    .count();
            System.out.printf(
                    "slow-down kept at %.1f requests/s; the next owner (from %d ms after the stop) sent %d in "
                            + "its first second%n",
                    slowed, from - stoppedAt, firstSecond);
            // it starts at the slowed pace and adds back a tenth of it per second of successes
            assertThat(firstSecond)
                    .as("requests in the next owner's first second")
                    .isLessThanOrEqualTo(Math.round(slowed * 1.3) + 2);
            next.api().delete("/v1/templates/" + template + "/destination?force=true");
        } finally {
            for (TestServer s : new TestServer[] {a, b}) {
                if (s != stopped) {
                    s.stop();
                }
            }
        }
    }
}

package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Instances;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A stale owner: an instance frozen (SIGSTOP) while sending, past its lease (3 s), while the other instance takes the
 * destination over and delivers everything; then thawed (SIGCONT). Its answers were waiting in its sockets and its
 * buffer was full of claimed chunks: it starts no request, and the outcomes it then writes change no row.
 */
@Order(4)
class StaleOwnerIT {

    static final int RECORDS = 20_000;
    static final int CHUNK = 10;
    static final int PAGES = RECORDS / CHUNK;
    private static final Pattern FENCED =
            Pattern.compile("hookline_outcomes_total\\{[^}]*result=\"fenced\"[^}]*} (\\S+)");

    private final Instances instances = new Instances();
    private Sink sink;
    private Deliveries deliveries;

    @BeforeEach
    void setUp() {
        sink = new Sink();
        deliveries = new Deliveries(sink);
    }

    @AfterEach
    void tearDown() {
        instances.close();
        sink.close();
    }

    private static double fenced(HooklineProcess p) {
        Matcher m = FENCED.matcher(p.api().get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aFrozenOwnerThawedAfterItsLeaseStartsNothingAndItsOutcomesChangeNothing() {
        HooklineProcess.Home home = HooklineProcess.Home.create(KillRestartIT.CONF);
        HooklineProcess a = instances.start(home, "stale-a");
        HooklineProcess b = instances.start(home, "stale-b");
        String template = Api.uniqueTemplate("stale");
        a.api()
                .destination(
                        template,
                        new JsonObject()
                                .put("callbackUrl", sink.url())
                                .put("chunkSize", CHUNK)
                                .put("timeoutMs", 30_000));
        // answers take 300 ms: when the owner freezes, its 16 slots have requests out
        deliveries.answer(r -> Sink.Reply.ok().delayed(300));
        Api.Response posted = a.api()
                .sendBytes(
                        "POST",
                        "/v1/imports",
                        "application/json",
                        Deliveries.importBody(template, "stale-" + template, RECORDS));
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        String uploadId = posted.json().getString("uploadId");
        Await.until(
                () -> TwoInstancesIT.owner(template) != null && deliveries.delivered(uploadId) >= 100,
                Duration.ofSeconds(60),
                "an owner sending");
        HooklineProcess stale = TwoInstancesIT.owner(template).equals(a.instanceId()) ? a : b;
        HooklineProcess other = stale == a ? b : a;

        stale.freeze();
        long frozenAt = System.currentTimeMillis();
        Await.until(
                () -> other.instanceId().equals(TwoInstancesIT.owner(template)),
                Duration.ofSeconds(30),
                "the other instance to take the destination over once the frozen one's lease ran out");
        long takenOverAfter = System.currentTimeMillis() - frozenAt;
        deliveries.answer(r -> Sink.Reply.ok());
        assertThat(other.api().awaitFinished(uploadId, Duration.ofSeconds(120)).getString("status"))
                .isEqualTo("COMPLETED");
        long attemptsBefore = TestDb.number(
                "SELECT count(*) FROM attempts a JOIN imports i ON i.id = a.import_id " + "WHERE i.upload_id = ?",
                uploadId);

        stale.resume();
        long thawedAt = System.currentTimeMillis();
        Await.until(
                () -> fenced(stale) > 0,
                Duration.ofSeconds(30),
                "the thawed instance to write the outcomes it had in hand");
        Await.until(
                () -> stale.log().contains("no longer owns the destination"),
                Duration.ofSeconds(30),
                "the thawed instance to find its lease gone");
        double fenced = fenced(stale);

        long sentAfterThaw = sink.receivedFor(uploadId).stream()
                .filter(r -> r.atMillis() >= thawedAt)
                .count();
        assertThat(sentAfterThaw).as("requests started by the thawed instance").isZero();
        assertThat(TestDb.number(
                        "SELECT count(*) FROM attempts a JOIN imports i ON i.id = a.import_id "
                                + "WHERE i.upload_id = ?",
                        uploadId))
                .as("attempt rows after the thaw")
                .isEqualTo(attemptsBefore);
        assertThat(TestDb.number(
                        "SELECT count(*) FROM chunks c JOIN imports i ON i.id = c.import_id "
                                + "WHERE i.upload_id = ? AND (c.status <> 'DELIVERED' OR c.attempts <> 1)",
                        uploadId))
                .as("chunks not delivered exactly once as the database counts")
                .isZero();
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        System.out.printf(
                "[durability] stale owner: frozen, taken over after %d ms; after the thaw it started 0 "
                        + "requests and %.0f outcomes it had in hand were fenced out; %d pages, %d requests, %d duplicates%n",
                takenOverAfter, fenced, s.pages(), s.requests(), s.duplicates());
    }
}

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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two processes on one database: each busy destination has one owner, the busy destinations are shared out, and a
 * destination whose owner dies or shuts down is taken over by the other (after the lease, or at once).
 */
@Order(2)
class TwoInstancesIT {

    static final int RECORDS = 20_000;
    static final int CHUNK = 10;
    static final int PAGES = RECORDS / CHUNK;

    private final Instances instances = new Instances();
    private Sink sink;
    private Deliveries deliveries;
    private HooklineProcess.Home home;

    @BeforeEach
    void setUp() {
        sink = new Sink();
        deliveries = new Deliveries(sink).answer(r -> Sink.Reply.ok().delayed(20));
        home = HooklineProcess.Home.create(KillRestartIT.CONF);
    }

    @AfterEach
    void tearDown() {
        instances.close();
        sink.close();
    }

    private String post(Api api, String template, int records) {
        Api.Response r = api.sendBytes(
                "POST", "/v1/imports", "application/json", Deliveries.importBody(template, "two-" + template, records));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().getString("uploadId");
    }

    private String destination(Api api, String prefix) {
        String template = Api.uniqueTemplate(prefix);
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", CHUNK)
                        .put("timeoutMs", 5000));
        return template;
    }

    /** The instance whose lease on the destination is valid now, or null. */
    static String owner(String template) {
        return TestDb.text("SELECT owner FROM destination_owners WHERE template = ? AND expires_at > now()", template);
    }

    /** Pages per second between the first and the last request the receiver saw for an import. */
    private double rate(String uploadId) {
        List<Sink.Received> got = sink.receivedFor(uploadId);
        long first = got.stream().mapToLong(Sink.Received::atMillis).min().orElse(0);
        long last = got.stream().mapToLong(Sink.Received::atMillis).max().orElse(0);
        return got.size() * 1000.0 / Math.max(1, last - first);
    }

    private long firstArrivalAfter(long millis) {
        return sink.received().stream()
                .mapToLong(Sink.Received::atMillis)
                .filter(t -> t >= millis)
                .min()
                .orElseThrow();
    }

    /** Requests the receiver saw for an import whose outcome the database does not hold: the ones in flight. */
    private long unrecorded(String uploadId) {
        return deliveries.requests(uploadId)
                - TestDb.number(
                        "SELECT count(*) FROM attempts a JOIN imports i "
                                + "ON i.id = a.import_id WHERE i.upload_id = ?",
                        uploadId);
    }

    @Test
    void twoBusyDestinationsAreSharedOutOnePerInstance() {
        HooklineProcess a = instances.start(home, "two-a");
        HooklineProcess b = instances.start(home, "two-b");
        String x = destination(a.api(), "two-x");
        String y = destination(a.api(), "two-y");
        deliveries.answer(r -> Sink.Reply.ok().delayed(100));
        String ux = post(a.api(), x, 8_000);
        String uy = post(a.api(), y, 8_000);

        Await.until(
                () -> owner(x) != null && owner(y) != null && !owner(x).equals(owner(y)),
                Duration.ofSeconds(30),
                "each instance to own one of the two destinations");
        assertThat(a.api().awaitFinished(ux, Duration.ofSeconds(120)).getString("status"))
                .isEqualTo("COMPLETED");
        assertThat(b.api().awaitFinished(uy, Duration.ofSeconds(120)).getString("status"))
                .isEqualTo("COMPLETED");
        Deliveries.Summary sx = deliveries.verify(ux, 8_000, CHUNK);
        Deliveries.Summary sy = deliveries.verify(uy, 8_000, CHUNK);
        assertThat(sx.duplicates() + sy.duplicates()).as("no page sent twice").isZero();
        System.out.printf(
                "[durability] two instances, two destinations: %.0f and %.0f pages/s "
                        + "(receiver answers in 100 ms, 16 requests in flight per destination)%n",
                rate(ux), rate(uy));
    }

    @Test
    void aKilledOwnersDestinationIsTakenOverWhenItsLeaseRunsOut() {
        HooklineProcess a = instances.start(home, "two-kill-a");
        HooklineProcess b = instances.start(home, "two-kill-b");
        String template = destination(a.api(), "two-kill");
        String uploadId = post(a.api(), template, RECORDS);
        Await.until(
                () -> owner(template) != null && deliveries.delivered(uploadId) >= PAGES / 4,
                Duration.ofSeconds(60),
                "an owner sending, a quarter delivered");
        HooklineProcess ownerProcess = owner(template).equals(a.instanceId()) ? a : b;
        HooklineProcess other = ownerProcess == a ? b : a;
        ownerProcess.kill();
        long killedAt = System.currentTimeMillis();
        long inFlightAtKill = unrecorded(uploadId);

        JsonObject done = other.api().awaitFinished(uploadId, Duration.ofSeconds(120));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(owner(template)).isIn(other.instanceId(), null);
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        assertThat(s.duplicates())
                .as("pages sent again: only those whose outcome the dead owner had not written")
                .isLessThanOrEqualTo((int) inFlightAtKill);
        // (a request the dead process had fully sent may still land in the first moments after the kill)
        long takenOverAt = firstArrivalAfter(killedAt + 200);
        // The lease (3 s) was renewed every 200 ms until the kill: nobody may send before it has run out.
        assertThat(takenOverAt - killedAt).as("handover after SIGKILL").isGreaterThanOrEqualTo(2_000);
        System.out.printf(
                "[durability] owner killed: the other instance sent %d ms after the kill (lease 3 s); "
                        + "%d pages, %d requests, %d duplicates (%d were unrecorded at the kill)%n",
                takenOverAt - killedAt, s.pages(), s.requests(), s.duplicates(), inFlightAtKill);
    }

    @Test
    void anOwnerThatShutsDownHandsItsDestinationOverAtOnce() {
        HooklineProcess a = instances.start(home, "two-term-a");
        HooklineProcess b = instances.start(home, "two-term-b");
        String template = destination(a.api(), "two-term");
        String uploadId = post(a.api(), template, RECORDS);
        Await.until(
                () -> owner(template) != null && deliveries.delivered(uploadId) >= PAGES / 4,
                Duration.ofSeconds(60),
                "an owner sending, a quarter delivered");
        HooklineProcess ownerProcess = owner(template).equals(a.instanceId()) ? a : b;
        HooklineProcess other = ownerProcess == a ? b : a;
        assertThat(ownerProcess.terminate(Duration.ofSeconds(30))).isZero();
        long exitedAt = System.currentTimeMillis();

        JsonObject done = other.api().awaitFinished(uploadId, Duration.ofSeconds(120));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        assertThat(s.duplicates())
                .as("a drained owner leaves nothing to send twice")
                .isZero();
        long takenOverAt = firstArrivalAfter(exitedAt);
        assertThat(takenOverAt - exitedAt)
                .as("handover after SIGTERM, well within the 3 s lease")
                .isLessThan(2_000);
        System.out.printf(
                "[durability] owner shut down: the other instance sent %d ms after it exited%n",
                takenOverAt - exitedAt);
    }
}

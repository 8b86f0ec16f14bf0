package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Two processes on one database: they share the work, and when one is killed the other finishes its chunks. */
@Order(2)
class TwoInstancesIT {

  static final int RECORDS = 20_000;
  static final int CHUNK = 10;
  static final int PAGES = RECORDS / CHUNK;

  private final List<HooklineProcess> processes = new ArrayList<>();
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
    processes.forEach(HooklineProcess::close);
    sink.close();
  }

  private HooklineProcess start(String instanceId) {
    HooklineProcess p = HooklineProcess.start(home, instanceId);
    processes.add(p);
    return p;
  }

  private String post(Api api, String template, String prefix) {
    return post(api, template, prefix, RECORDS);
  }

  private String post(Api api, String template, String prefix, int records) {
    Api.Response r = api.sendBytes("POST", "/v1/imports", "application/json",
        Deliveries.importBody(template, prefix + template, records));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().getString("uploadId");
  }

  private static long leaseOwners(String template) {
    return TestDb.number("SELECT count(DISTINCT lease_owner) FROM chunks WHERE template = ? "
        + "AND lease_owner IS NOT NULL AND lease_expires_at > now()", template);
  }

  /** Pages per second between the first and the last request the receiver saw for an import. */
  private double rate(String uploadId) {
    List<Sink.Received> got = sink.receivedFor(uploadId);
    long first = got.stream().mapToLong(Sink.Received::atMillis).min().orElse(0);
    long last = got.stream().mapToLong(Sink.Received::atMillis).max().orElse(0);
    return got.size() * 1000.0 / Math.max(1, last - first);
  }

  @Test
  void bothInstancesSendAndNoChunkIsSentTwice() {
    HooklineProcess a = start("two-a");
    String template = Api.uniqueTemplate("two-share");
    a.api().destination(template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK));
    // A receiver that takes 100 ms, so that the requests in flight (16 per instance), not this 2-core machine's
    // CPU, are the limit; the same import goes to one instance first, for the figure to compare with.
    deliveries.answer(r -> Sink.Reply.ok().delayed(100));
    int records = 8_000;
    String alone = post(a.api(), template, "alone-", records);
    assertThat(a.api().awaitFinished(alone, Duration.ofSeconds(120)).getString("status")).isEqualTo("COMPLETED");

    HooklineProcess b = start("two-b");
    String uploadId = post(a.api(), template, "shared-", records);
    Await.until(() -> leaseOwners(template) == 2, Duration.ofSeconds(30), "both instances to hold leases at once");

    JsonObject done = b.api().awaitFinished(uploadId, Duration.ofSeconds(120));
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    Deliveries.Summary s = deliveries.verify(uploadId, records, CHUNK);
    assertThat(s.duplicates()).as("no chunk is sent twice while its lease is valid").isZero();
    assertThat(s.requests()).isEqualTo(records / CHUNK);
    System.out.printf("[durability] two instances sharing: %d pages, %d requests, %d duplicates; "
            + "%.0f pages/s with one instance, %.0f pages/s with two "
            + "(receiver answers in 100 ms, at most 16 requests in flight per instance)%n",
        s.pages(), s.requests(), s.duplicates(), rate(alone), rate(uploadId));
  }

  @Test
  void whenOneIsKilledTheOtherFinishesItsChunksAfterTheLeaseExpires() {
    HooklineProcess a = start("two-kill-a");
    HooklineProcess b = start("two-kill-b");
    String template = Api.uniqueTemplate("two-kill");
    a.api().destination(template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK)
        .put("timeoutMs", 5000));
    long t0 = System.currentTimeMillis();
    String uploadId = post(a.api(), template, "two-");
    Await.until(() -> leaseOwners(template) == 2 && deliveries.delivered(uploadId) >= PAGES / 4,
        Duration.ofSeconds(60), "both instances sending, a quarter delivered");
    a.kill();
    long killedAt = System.currentTimeMillis();
    long heldByDead = TestDb.number("SELECT count(*) FROM chunks WHERE template = ? AND lease_owner = ?",
        template, "two-kill-a");

    JsonObject done = b.api().awaitFinished(uploadId, Duration.ofSeconds(120));
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    assertThat(b.isAlive()).isTrue();
    Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
    assertThat(TestDb.number("SELECT count(*) FROM chunks WHERE template = ? AND lease_owner IS NOT NULL",
        template)).isZero();
    // The dead one's chunks were taken over only once their lease ran out (3 s; renewed every second until the
    // kill, so never sooner than 2 s after it): no chunk was sent twice while a lease on it was valid.
    java.util.Map<String, Long> firstSeen = new java.util.HashMap<>();
    for (Sink.Received r : sink.receivedFor(uploadId)) {
      if (firstSeen.putIfAbsent(r.header("webhook-id"), r.atMillis()) != null) {
        assertThat(r.atMillis()).as("resend of %s", r.header("webhook-id")).isGreaterThanOrEqualTo(killedAt + 1_500);
      }
    }
    System.out.printf("[durability] two instances, one killed: %d pages, %d requests, %d duplicates "
            + "(%d chunks were leased by the dead one), finished %d ms after the kill, %d ms in all%n",
        s.pages(), s.requests(), s.duplicates(), heldByDead, System.currentTimeMillis() - killedAt,
        System.currentTimeMillis() - t0);
  }
}

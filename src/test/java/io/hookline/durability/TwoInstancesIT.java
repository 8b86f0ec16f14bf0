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

  private String post(Api api, String template) {
    Api.Response r = api.sendBytes("POST", "/v1/imports", "application/json",
        Deliveries.importBody(template, "two-" + template, RECORDS));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().getString("uploadId");
  }

  private static long leaseOwners(String template) {
    return TestDb.number("SELECT count(DISTINCT lease_owner) FROM chunks WHERE template = ? "
        + "AND lease_owner IS NOT NULL AND lease_expires_at > now()", template);
  }

  @Test
  void bothInstancesSendAndNoChunkIsSentTwice() {
    HooklineProcess a = start("two-a");
    HooklineProcess b = start("two-b");
    String template = Api.uniqueTemplate("two-share");
    a.api().destination(template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK));
    long t0 = System.currentTimeMillis();
    String uploadId = post(a.api(), template);
    Await.until(() -> leaseOwners(template) == 2, Duration.ofSeconds(30), "both instances to hold leases at once");

    JsonObject done = b.api().awaitFinished(uploadId, Duration.ofSeconds(120));
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
    assertThat(s.duplicates()).as("no chunk is sent twice while its lease is valid").isZero();
    assertThat(s.requests()).isEqualTo(PAGES);
    System.out.printf("[durability] two instances sharing: %d pages, %d requests, %d duplicates, %d ms "
            + "(receiver answers in 20 ms, 16 requests in flight per instance)%n",
        s.pages(), s.requests(), s.duplicates(), System.currentTimeMillis() - t0);
  }

  @Test
  void whenOneIsKilledTheOtherFinishesItsChunksAfterTheLeaseExpires() {
    HooklineProcess a = start("two-kill-a");
    HooklineProcess b = start("two-kill-b");
    String template = Api.uniqueTemplate("two-kill");
    a.api().destination(template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK)
        .put("timeoutMs", 5000));
    long t0 = System.currentTimeMillis();
    String uploadId = post(a.api(), template);
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
    System.out.printf("[durability] two instances, one killed: %d pages, %d requests, %d duplicates "
            + "(%d chunks were leased by the dead one), finished %d ms after the kill, %d ms in all%n",
        s.pages(), s.requests(), s.duplicates(), heldByDead, System.currentTimeMillis() - killedAt,
        System.currentTimeMillis() - t0);
  }
}

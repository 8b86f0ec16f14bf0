package io.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.config.ConfigLoader;
import io.hookline.config.HooklineConfig;
import io.hookline.security.SecretBox;
import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery path's statements are prepared once per connection and stay key lookups as the tables grow: checked on
 * a connection made the way the sender makes its own (same options), over a chunks table of 100,000+ rows, and by the
 * sequential scans PostgreSQL counts on that table while the server delivers all of them.
 */
class DeliveryPlansTest {

    private static final int PAGES = 100_000;
    private static Vertx vertx;
    private static Database db;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        HooklineConfig config = ConfigLoader.fromJson(
                new JsonObject().put("db", new JsonObject().put("deliveryPoolSize", 1)),
                Map.of("HOOKLINE_DB_URL", TestServer.DB_URL));
        db = Database.connect(vertx, config.db());
    }

    @AfterAll
    static void close() throws Exception {
        db.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void claimAndOutcomeStatementsArePreparedOnceAndNeverScanTheChunksTable() throws Exception {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("plans");
            api.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1));
            assertThat(api.post("/v1/templates/" + template + "/destination/pause", null)
                            .status())
                    .isEqualTo(200);
            JsonArray records = new JsonArray();
            for (int i = 0; i < PAGES; i++) {
                records.add(new JsonObject().put("i", i));
            }
            String uploadId = api.importRecords(template, records, null);
            assertThat(TestDb.number("SELECT count(*) FROM chunks")).isGreaterThanOrEqualTo(PAGES);

            // This test's connection owns the paused destination for a moment (nobody else does: it is paused).
            long epoch = 1_000_000_000L + System.nanoTime() % 1_000_000;
            TestDb.execute(
                    "INSERT INTO destination_owners (template, owner, epoch, expires_at) "
                            + "VALUES (?, 'plans-test', ?, now() + interval '1 minute')",
                    template,
                    epoch);
            SecretBox secrets =
                    new SecretBox(Base64.getDecoder().decode("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
            // a pool of one connection: every statement below runs on the same session
            Pool pool = db.newDeliveryPool("plans-test");
            try {
                ChunkQueue onPool = new ChunkQueue(pool, secrets);
                List<ClaimedChunk> claimed = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Claim claim = onPool.claim(new ChunkQueue.ClaimRequest(
                                    template, "plans-test", epoch, 50, 1L << 30, 0, false, Map.of(), List.of()))
                            .await(30, TimeUnit.SECONDS);
                    assertThat(claim.owned()).isTrue();
                    assertThat(claim.chunks()).hasSize(50);
                    claimed.addAll(claim.chunks());
                }
                ClaimedChunk c = claimed.get(0);
                ChunkQueue.Recorded written = onPool.record(List.of(new Outcome(
                                c.importId(),
                                c.page(),
                                template,
                                epoch,
                                Outcome.ChunkStatus.DELIVERED,
                                Instant.now(),
                                1,
                                200,
                                null,
                                null,
                                null,
                                false)))
                        .await(30, TimeUnit.SECONDS);
                assertThat(written.applied()).isEqualTo(1);

                SqlConnection same = pool.getConnection().await(10, TimeUnit.SECONDS);
                try {
                    List<Row> prepared = new ArrayList<>();
                    same.query("SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements")
                            .execute()
                            .await(10, TimeUnit.SECONDS)
                            .forEach(prepared::add);
                    Row claimStatement = find(prepared, "/* hookline:claim */");
                    Row recordStatement = find(prepared, "/* hookline:record */");
                    assertThat(claimStatement)
                            .as("the claim is a prepared statement of this connection")
                            .isNotNull();
                    assertThat(recordStatement)
                            .as("the outcome write is a prepared statement of this connection")
                            .isNotNull();
                    assertThat(claimStatement.getLong("generic_plans"))
                            .as("three claims, one generic plan each, no custom")
                            .isEqualTo(3);
                    assertThat(claimStatement.getLong("custom_plans")).isZero();

                    // The plan that statement keeps: no sequential scan of any table, however large.
                    String plan = explain(same, claimStatement.getString("name"), template, epoch);
                    System.out.println("generic plan of the claim:\n" + plan);
                    assertThat(plan).doesNotContain("Seq Scan");
                    assertThat(plan).contains("chunks_open_by_import");
                } finally {
                    same.close().await(10, TimeUnit.SECONDS);
                }
            } finally {
                TestDb.execute("DELETE FROM destination_owners WHERE template = ?", template);
                pool.close().await(10, TimeUnit.SECONDS);
            }

            // The server delivers the whole import: PostgreSQL counts no sequential scan of the chunks table meanwhile.
            long seqScansBefore = TestDb.number("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'chunks'");
            long updatesBefore = TestDb.number("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'chunks'");
            assertThat(api.post("/v1/templates/" + template + "/destination/resume", null)
                            .status())
                    .isEqualTo(200);
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(240)).getString("status"))
                    .isEqualTo("COMPLETED");
            // the delivery's backends report their counters within seconds of going idle
            Await.until(
                    () -> TestDb.number("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'chunks'")
                            >= updatesBefore + PAGES - 1,
                    Duration.ofSeconds(60),
                    "the delivery's statistics to be reported");
            long seqScans =
                    TestDb.number("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'chunks'") - seqScansBefore;
            System.out.printf(
                    "delivery of %d chunks over a chunks table of %d rows: %d sequential scans of it%n",
                    PAGES, TestDb.number("SELECT count(*) FROM chunks"), seqScans);
            assertThat(seqScans)
                    .as("sequential scans of chunks during the delivery")
                    .isZero();
        }
    }

    private static Row find(List<Row> prepared, String prefix) {
        return prepared.stream()
                .filter(r -> r.getString("statement").startsWith(prefix))
                .findFirst()
                .orElse(null);
    }

    private static String explain(SqlConnection conn, String statement, String template, long epoch) throws Exception {
        String sql = "EXPLAIN EXECUTE \"" + statement + "\"('" + template + "', 'plans-test', " + epoch
                + ", 50, 1073741824, 0, false, '{}', '{}', '{}', '{}')";
        StringBuilder plan = new StringBuilder();
        conn.query(sql)
                .execute()
                .await(10, TimeUnit.SECONDS)
                .forEach(r -> plan.append(r.getString(0)).append('\n'));
        return plan.toString();
    }
}

package io.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A finished import's stored auth value is deleted once it is older than the retention, not before. */
class AuthValueRetentionTest {

    @Test
    void oldFinishedImportsLoseTheirAuthValueAndRecentOnesKeepIt() throws Exception {
        Api api = TestServer.shared().api();
        Vertx vertx = Vertx.vertx();
        Pool pool =
                PgBuilder.pool().connectingTo(TestServer.DB_URL).using(vertx).build();
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("retention");
            api.destination(
                    template, new JsonObject().put("callbackUrl", sink.url()).put("authHeaderName", "X-Key"));
            JsonObject withAuth = new JsonObject().put("authHeaderValue", "kept-for-a-while");
            String old = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), withAuth);
            String recent = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 2)), withAuth);
            api.awaitFinished(old, Duration.ofSeconds(30));
            api.awaitFinished(recent, Duration.ofSeconds(30));
            pool.preparedQuery("UPDATE imports SET completed_at = now() - interval '8 days' WHERE upload_id = $1")
                    .execute(Tuple.of(old))
                    .await(10, TimeUnit.SECONDS);

            int deleted = new ImportRepository(pool).forgetAuthValues(7).await(10, TimeUnit.SECONDS);
            assertThat(deleted).isGreaterThanOrEqualTo(1);
            var rows = pool.preparedQuery(
                            "SELECT upload_id, auth_value IS NULL AS gone FROM imports WHERE template = $1")
                    .execute(Tuple.of(template))
                    .await(10, TimeUnit.SECONDS);
            rows.forEach(r -> assertThat(r.getBoolean("gone"))
                    .as(r.getString("upload_id"))
                    .isEqualTo(r.getString("upload_id").equals(old)));
        } finally {
            pool.close();
            vertx.close();
        }
    }
}

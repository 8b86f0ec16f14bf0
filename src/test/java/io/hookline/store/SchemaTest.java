package io.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** HOOKLINE_DB_SCHEMA: Hookline's tables in a schema of their own, beside another application's tables in public. */
class SchemaTest {

    private static final String OTHER_APP =
            "CREATE TABLE IF NOT EXISTS public.other_app_orders (id int PRIMARY KEY, " + "item text)";

    @Test
    void startsBesideAnotherApplicationsTablesAndKeepsItsOwnToItsSchema() throws Exception {
        TestServer.shared(); // the deployment of the default schema, sharing this database
        sql(
                OTHER_APP,
                "INSERT INTO public.other_app_orders VALUES (1, 'kept') ON CONFLICT DO NOTHING",
                "DROP SCHEMA IF EXISTS hl_side CASCADE");
        TestServer server = TestServer.start(Map.of("HOOKLINE_DB_SCHEMA", "hl_side"));
        try (Sink sink = new Sink();
                Connection listener = connect()) {
            Api api = server.api();
            listen(listener, "hookline_hl_side", "hookline_hookline");
            String template = Api.uniqueTemplate("schema");
            api.destination(template, new JsonObject().put("callbackUrl", sink.url()));
            String uploadId = api.importRecords(template, new JsonArray().add(new JsonObject().put("a", 1)), null);
            assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                    .isEqualTo("COMPLETED");

            assertThat(text("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                            + "WHERE table_schema = 'hl_side'"))
                    .contains("chunks", "destinations", "flyway_schema_history", "imports");
            assertThat(text("SELECT count(*) FROM hl_side.imports WHERE upload_id = '" + uploadId + "'"))
                    .isEqualTo("1");
            assertThat(text("SELECT count(*) FROM hookline.imports WHERE upload_id = '" + uploadId + "'"))
                    .isEqualTo("0");
            assertThat(text("SELECT item FROM public.other_app_orders WHERE id = 1"))
                    .isEqualTo("kept");
            // its notices go to its own channel only: a deployment in another schema of this database hears nothing
            List<String> heard = notifications(listener);
            assertThat(heard).contains("hookline_hl_side settings:" + template, "hookline_hl_side work:" + template);
            assertThat(heard).noneMatch(n -> n.startsWith("hookline_hookline "));
        } finally {
            server.stop();
        }
    }

    @Test
    void anInstallationInPublicIsMovedIntoTheSchemaAtStart() throws Exception {
        sql("DROP SCHEMA IF EXISTS hl_moved CASCADE");
        for (String t : List.of(
                "flyway_schema_history",
                "attempts",
                "chunks",
                "chunk_bodies",
                "uploads",
                "destination_owners",
                "instances",
                "imports",
                "destinations")) {
            sql("DROP TABLE IF EXISTS public." + t + " CASCADE");
        }
        sql("DROP SEQUENCE IF EXISTS public.owner_epochs", "DROP TABLE IF EXISTS public.other_app_orders");
        // the first release: its tables in public, up to V5
        PgConnectOptions o = PgConnectOptions.fromUri(TestServer.DB_URL);
        Flyway.configure()
                .dataSource(jdbcUrl(), o.getUser(), o.getPassword())
                .schemas("public")
                .defaultSchema("public")
                .locations("classpath:db/migration")
                .target("5")
                .load()
                .migrate();
        sql(
                "INSERT INTO public.destinations (template, callback_url, chunk_size, retry_count, retry_interval_ms, "
                        + "timeout_ms, ordered, retry_backoff, max_retry_interval_ms, no_retry_statuses) "
                        + "VALUES ('legacy', 'http://127.0.0.1:9/x', 10, 0, 0, 1000, false, 'fixed', 1000, '{}')",
                "INSERT INTO public.imports (upload_id, template, webhook_key, chunk_size, total_records, total_pages, "
                        + "body_sha256, status, chunks_delivered, completed_at) "
                        + "VALUES ('legacy-upload', 'legacy', 'k', 10, 1, 1, '\\x00', 'COMPLETED', 1, now())",
                OTHER_APP); // another application came to share the database since

        TestServer server = TestServer.start(Map.of("HOOKLINE_DB_SCHEMA", "hl_moved"));
        try {
            JsonObject moved = server.api().importView("legacy-upload");
            assertThat(moved.getString("status")).isEqualTo("COMPLETED");
            assertThat(server.api()
                            .get("/v1/templates/legacy/destination")
                            .json()
                            .getString("callbackUrl"))
                    .isEqualTo("http://127.0.0.1:9/x");
            assertThat(text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                            + "AND table_name IN ('imports', 'destinations', 'flyway_schema_history', 'chunks')"))
                    .isEqualTo("0");
            assertThat(text("SELECT max(version::int) FROM hl_moved.flyway_schema_history"))
                    .isNotEqualTo("5");
            assertThat(text("SELECT to_regclass('public.other_app_orders')::text"))
                    .isEqualTo("other_app_orders");
            // the moved sequence still numbers new imports
            String template = Api.uniqueTemplate("moved");
            server.api().destination(template, new JsonObject().put("callbackUrl", "http://127.0.0.1:9/x"));
            server.api().importRecords(template, new JsonArray(), null);
        } finally {
            server.stop();
        }
    }

    private static String jdbcUrl() {
        PgConnectOptions o = PgConnectOptions.fromUri(TestServer.DB_URL);
        return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    }

    private static Connection connect() throws SQLException {
        PgConnectOptions o = PgConnectOptions.fromUri(TestServer.DB_URL);
        return DriverManager.getConnection(jdbcUrl(), o.getUser(), o.getPassword());
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static String text(String query) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void listen(Connection c, String... channels) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String channel : channels) {
                st.execute("LISTEN " + channel);
            }
        }
    }

    /** Every notification received so far, as "channel payload". */
    private static List<String> notifications(Connection c) throws SQLException {
        List<String> heard = new ArrayList<>();
        PGNotification[] batch;
        while ((batch = c.unwrap(PGConnection.class).getNotifications(200)) != null && batch.length > 0) {
            for (PGNotification n : batch) {
                heard.add(n.getName() + " " + n.getParameter());
            }
        }
        return heard;
    }
}

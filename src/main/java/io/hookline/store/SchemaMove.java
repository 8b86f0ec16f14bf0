package io.hookline.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Moves an installation of the first release, whose tables (and Flyway's history) are in {@code public}, into
 * Hookline's schema, in one transaction, before Flyway runs: Flyway then finds its history there and goes on from
 * it. Only Hookline's own tables and sequences are moved (those the migrations up to V5 made); nothing else in
 * {@code public} is touched. Nothing happens when the schema already has a history, or when {@code public} does not
 * hold Hookline's tables.
 */
final class SchemaMove {

    /** What V1 to V5 created (and did not drop) that is not moved along with a table: sequences owned by a column are. */
    private static final List<String> TABLES = List.of(
            "flyway_schema_history",
            "destinations",
            "imports",
            "chunk_bodies",
            "chunks",
            "attempts",
            "destination_leases",
            "instances",
            "destination_owners",
            "uploads");

    private static final List<String> SEQUENCES = List.of("owner_epochs", "lease_tokens");

    private SchemaMove() {}

    static void fromPublic(String jdbcUrl, String user, String password, String schema) throws SQLException {
        if (schema.equals("public")) {
            return;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            if (exists(c, schema, "flyway_schema_history")
                    || !exists(c, "public", "flyway_schema_history")
                    || !exists(c, "public", "imports")
                    || !exists(c, "public", "chunk_bodies")
                    || !exists(c, "public", "destinations")) {
                return;
            }
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                for (String table : TABLES) {
                    st.execute("ALTER TABLE IF EXISTS public." + table + " SET SCHEMA " + schema);
                }
                for (String sequence : SEQUENCES) {
                    st.execute("ALTER SEQUENCE IF EXISTS public." + sequence + " SET SCHEMA " + schema);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        org.slf4j.LoggerFactory.getLogger(SchemaMove.class)
                .info("moved Hookline's tables from the schema public into {}", schema);
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?))")) {
            st.setString(1, schema);
            st.setString(2, table);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }
}

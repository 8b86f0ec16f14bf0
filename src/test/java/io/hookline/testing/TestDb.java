package io.hookline.testing;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/** Plain JDBC reads of the test database, from the test thread: what the tests check behind the API's back. */
public final class TestDb {

    private TestDb() {}

    /** Runs a query whose first column of the first row is a number; answers it (0 when there is no row). */
    public static long number(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement that changes rows; answers how many it changed. */
    public static long execute(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query whose first column of the first row is text; answers it (null when there is no row). */
    public static String text(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query and hands every row to {@code row}, as an array of its columns. */
    public static void rows(String sql, Consumer<Object[]> row, Object... params) {
        try (Connection c = connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] values = new Object[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = rs.getObject(i + 1);
                    }
                    row.accept(values);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #number}, but answers null while the database cannot be reached. */
    public static Long numberOrNull(String sql, Object... params) {
        try {
            return number(sql, params);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static Connection connect() throws SQLException {
        PgConnectOptions o = PgConnectOptions.fromUri(TestServer.DB_URL);
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase()
                + "?connectTimeout=5&currentSchema=hookline"; // Hookline's schema (HOOKLINE_DB_SCHEMA's default)
        return DriverManager.getConnection(url, o.getUser(), o.getPassword());
    }
}

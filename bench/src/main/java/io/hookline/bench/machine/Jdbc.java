package io.hookline.bench.machine;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The bench's own read-only connections to Hookline's database (samplers, counters), opened with the role of the
 * URL and an application_name that says whose they are. Hookline's tables are in the schema "hookline" (or in
 * "public" on servers before the second release): both are on the search path.
 */
public final class Jdbc {

    private Jdbc() {}

    /** {@code postgresql://user:pass@host:port/db} → an open connection, and its backend pid. */
    public static Connection connect(String dbUrl, String applicationName) throws SQLException {
        URI uri = URI.create(dbUrl);
        String[] userInfo = uri.getRawUserInfo() == null
                ? new String[] {""}
                : uri.getRawUserInfo().split(":", 2);
        Properties props = new Properties();
        props.setProperty("user", decode(userInfo[0]));
        if (userInfo.length > 1) {
            props.setProperty("password", decode(userInfo[1]));
        }
        props.setProperty("ApplicationName", applicationName);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        Connection c =
                new Driver().connect("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath(), props);
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO hookline, public");
        }
        return c;
    }

    public static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

package io.hookline.bench.scenario;

import io.hookline.bench.http.HooklineClient;
import io.hookline.bench.machine.Jdbc;
import io.hookline.bench.process.RunningProcess;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Chunks delivered and committed, per template, for a set of imports: read from the database (the imports'
 * delivered counters, which the server updates in the transaction that records the outcomes) on a connection of
 * its own; on a server whose tables do not have that counter, from the API's import views instead.
 */
final class DeliveredCounter implements AutoCloseable {

    private static final String SQL = "SELECT template, coalesce(sum(chunks_delivered), 0) FROM imports "
            + "WHERE upload_id = ANY (?) GROUP BY template";

    private final Connection connection;
    private final long pid;
    private final boolean sql;
    private final HooklineClient api;
    private final RunningProcess h;
    private final Map<String, String> templateByUploadId = new HashMap<>();
    private PreparedStatement statement;

    DeliveredCounter(String dbUrl, HooklineClient api, RunningProcess h) throws Exception {
        this.connection = Jdbc.connect(dbUrl, "bench-delivered-counter");
        this.pid = Jdbc.backendPid(connection);
        this.api = api;
        this.h = h;
        boolean hasCounter;
        try (Statement st = connection.createStatement()) {
            st.executeQuery("SELECT template, upload_id, chunks_delivered FROM imports LIMIT 0")
                    .close();
            hasCounter = true;
        } catch (SQLException e) {
            hasCounter = false;
        }
        this.sql = hasCounter;
    }

    long backendPid() {
        return pid;
    }

    String source() {
        return sql
                ? "database: sum of imports.chunks_delivered of the backlog's imports"
                : "API: chunks.delivered of GET /v1/imports/{uploadId} (the database has no chunks_delivered)";
    }

    /** The imports to count: uploadId → template. */
    void track(Map<String, String> imports) throws Exception {
        templateByUploadId.putAll(imports);
        if (sql) {
            Array ids =
                    connection.createArrayOf("text", templateByUploadId.keySet().toArray());
            statement = connection.prepareStatement(SQL);
            statement.setArray(1, ids);
        }
    }

    /** Delivered chunks per template, now. */
    Map<String, Long> delivered() throws Exception {
        Map<String, Long> out = new HashMap<>();
        if (sql) {
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } else {
            for (Map.Entry<String, String> e : templateByUploadId.entrySet()) {
                long n = api.importView(h, e.getKey()).getJsonObject("chunks").getLong("delivered");
                out.merge(e.getValue(), n, Long::sum);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}

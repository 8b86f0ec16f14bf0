package io.hookline.bench.machine;

import io.vertx.core.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples pg_stat_activity every few milliseconds while Hookline delivers: which of its statements are executing.
 * Every delivery statement of the server opens with a comment naming it ({@code /* hookline:claim *}{@code /},
 * {@code hookline:record}, {@code hookline:lease}, ...): a statement is counted under that name, anything else from
 * Hookline's connections as "other". This is the database side of where delivery time goes
 * (pg_stat_statements is not loaded on a shared server, and the bench changes no server setting).
 *
 * <p>Runs on its own connection, whose backend (pg_backend_pid()) is left out of what it samples and out of the
 * PostgreSQL CPU figure; so are the other connections the caller names.
 */
public final class PgActivitySampler implements AutoCloseable {

    private static final Pattern NAMED = Pattern.compile("^\\s*/\\*\\s*hookline:([A-Za-z0-9_.-]+)\\s*\\*/");
    private static final long PERIOD_NANOS = 5_000_000L;

    private record Sample(long nanos, Set<String> running, int statements) {}

    private final Connection connection;
    private final long pid;
    private final List<Sample> samples = new ArrayList<>(); // guarded by itself
    private volatile boolean running = true;
    private volatile String error;
    private Thread thread;

    public PgActivitySampler(String dbUrl) throws Exception {
        connection = Jdbc.connect(dbUrl, "bench-activity-sampler");
        pid = Jdbc.backendPid(connection);
    }

    public long backendPid() {
        return pid;
    }

    /** Starts sampling; statements of the backends in {@code excluded} (and of this sampler) are not counted. */
    public void start(Set<Long> excluded) throws Exception {
        Set<Long> all = new TreeSet<>(excluded);
        all.add(pid);
        Array pids = connection.createArrayOf(
                "int4", all.stream().map(Long::intValue).toArray());
        PreparedStatement st = connection.prepareStatement("SELECT query FROM pg_stat_activity "
                + "WHERE datname = current_database() AND state = 'active' AND backend_type = 'client backend' "
                + "AND pid <> ALL (?)");
        st.setArray(1, pids);
        thread = new Thread(
                () -> {
                    try (st) {
                        long next = System.nanoTime();
                        while (running) {
                            Set<String> names = new TreeSet<>();
                            int statements = 0;
                            try (ResultSet rs = st.executeQuery()) {
                                while (rs.next()) {
                                    Matcher m = NAMED.matcher(rs.getString(1));
                                    names.add(m.find() ? m.group(1) : "other");
                                    statements++;
                                }
                            }
                            synchronized (samples) {
                                samples.add(new Sample(System.nanoTime(), names, statements));
                            }
                            next += PERIOD_NANOS;
                            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                        }
                    } catch (Exception e) {
                        error = e.toString();
                    }
                },
                "pg-activity-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * For samples taken between {@code from} and {@code to} (System.nanoTime): the share of samples (percent) in
     * which a statement of each name was executing, the share in which none was, and the mean number of statements
     * executing at once.
     */
    public JsonObject between(long from, long to) {
        Map<String, Integer> counts = new TreeMap<>();
        int n = 0;
        int none = 0;
        long statements = 0;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.nanos() < from || s.nanos() > to) {
                    continue;
                }
                n++;
                none += s.running().isEmpty() ? 1 : 0;
                statements += s.statements();
                s.running().forEach(name -> counts.merge(name, 1, Integer::sum));
            }
        }
        JsonObject shares = new JsonObject();
        int total = Math.max(1, n);
        counts.forEach((k, v) -> shares.put(k, Math.round(1000.0 * v / total) / 10.0));
        JsonObject out = new JsonObject()
                .put("samples", n)
                .put("periodMs", PERIOD_NANOS / 1e6)
                .put("percentOfSamplesRunning", shares)
                .put("percentOfSamplesIdle", Math.round(1000.0 * none / total) / 10.0)
                .put("meanStatementsRunning", Math.round(100.0 * statements / total) / 100.0);
        return error == null ? out : out.put("error", error);
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (thread != null) {
            thread.join(5000);
        }
        connection.close();
    }
}

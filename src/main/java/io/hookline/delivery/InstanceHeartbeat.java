package io.hookline.delivery;

import io.hookline.config.HooklineConfig;
import io.hookline.store.Database;
import io.hookline.store.DestinationOwners;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this instance to the others every {@code delivery.pollIntervalMs} (destinations are shared out over the
 * live instances) and leaves at shutdown; refreshes the queue gauges of {@code /metrics} every 10 s.
 */
public final class InstanceHeartbeat extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceHeartbeat.class);
    private static final String[] IMPORT_STATUSES = {"QUEUED", "SENDING", "COMPLETED", "PARTIALLY_DELIVERED", "FAILED"};

    private final HooklineConfig config;
    private final Database db;
    private DestinationOwners owners;
    private final AtomicLong chunksPending = new AtomicLong();
    private final Map<String, AtomicLong> importsByStatus = new HashMap<>();
    private long beatTimer;
    private long gaugeTimer;

    public InstanceHeartbeat(HooklineConfig config, Database db) {
        this.config = config;
        this.db = db;
    }

    @Override
    public Future<?> start() {
        owners = new DestinationOwners(db.pool());
        MeterRegistry registry = DeliveryMetrics.registry(config.instanceId());
        registry.gauge("hookline_chunks_pending", chunksPending);
        for (String s : IMPORT_STATUSES) {
            AtomicLong n = new AtomicLong();
            importsByStatus.put(s, n);
            registry.gauge("hookline_imports", Tags.of("status", s), n);
        }
        long every = config.delivery().pollIntervalMs();
        beatTimer = vertx.setPeriodic(
                every,
                every,
                id -> beat().onFailure(err -> LOG.warn("announcing this instance failed: {}", err.toString())));
        gaugeTimer = vertx.setPeriodic(1_000, 10_000, id -> refreshGauges());
        return beat();
    }

    private Future<Void> beat() {
        return owners.heartbeat(config.instanceId(), config.delivery().leaseMs());
    }

    private void refreshGauges() {
        // pending chunks from the counters of the unfinished imports: no count over the chunks table
        db.pool()
                .query("""
        /* hookline:gauges */
        SELECT 'CHUNKS_PENDING' AS k, COALESCE(sum(total_pages - chunks_delivered - chunks_undelivered), 0)::bigint AS n
        FROM imports WHERE status IN ('QUEUED', 'SENDING')
        UNION ALL SELECT status, count(*) FROM imports GROUP BY status""")
                .execute()
                .onSuccess(rows -> rows.forEach(r -> {
                    String k = r.getString("k");
                    long n = r.getLong("n");
                    if (k.equals("CHUNKS_PENDING")) {
                        chunksPending.set(n);
                    } else if (importsByStatus.containsKey(k)) {
                        importsByStatus.get(k).set(n);
                    }
                }));
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(beatTimer);
        vertx.cancelTimer(gaugeTimer);
        return owners.leave(config.instanceId()).recover(err -> Future.succeededFuture());
    }
}

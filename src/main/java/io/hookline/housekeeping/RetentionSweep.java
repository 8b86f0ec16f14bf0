package io.hookline.housekeeping;

import io.hookline.store.RetentionRepository;
import io.hookline.store.RetentionRepository.Table;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes imports that have been finished for longer than {@code HOOKLINE_RETENTION}, with their chunks, bodies and
 * attempts, every {@code HOOKLINE_RETENTION_SWEEP}: a hundred imports at a time, at most ten thousand rows per
 * statement, one statement after another (see {@link RetentionRepository}). Unfinished imports are never touched.
 * Rows deleted are counted in {@code hookline_retention_deleted_rows_total}, by table. Several instances may sweep
 * at once: they skip each other's imports.
 */
public final class RetentionSweep extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);

    private final RetentionRepository repository;
    private final long keepMs;
    private final long sweepMs;
    private final Map<Table, Counter> deleted = new EnumMap<>(Table.class);
    private long timer = -1;
    private boolean sweeping;
    private boolean stopped;

    public RetentionSweep(RetentionRepository repository, long keepMs, long sweepMs, MeterRegistry registry) {
        this.repository = repository;
        this.keepMs = keepMs;
        this.sweepMs = sweepMs;
        for (Table t : Table.values()) {
            deleted.put(
                    t,
                    Counter.builder("hookline_retention_deleted_rows")
                            .description("rows deleted by the retention sweep, by table")
                            .tag("table", t.name().toLowerCase())
                            .register(registry));
        }
    }

    @Override
    public Future<?> start() {
        if (keepMs > 0) {
            timer = vertx.setPeriodic(sweepMs, id -> sweep());
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    private void sweep() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        repository.expire(keepMs).compose(n -> deleteExpired(0)).onComplete(ar -> {
            sweeping = false;
            if (ar.failed()) {
                LOG.warn(
                        "retention sweep failed (it goes on at the next one): {}",
                        ar.cause().toString());
            } else if (ar.result() > 0) {
                LOG.info(
                        "retention: deleted {} imports finished more than {} ago",
                        ar.result(),
                        Duration.ofMillis(keepMs));
            }
        });
    }

    /** Deletes the imports marked EXPIRED, a batch at a time, marking the next batch after each; answers how many. */
    private Future<Integer> deleteExpired(int done) {
        if (stopped) {
            return Future.succeededFuture(done);
        }
        return repository.expired().compose(ids -> {
            if (ids.length == 0) {
                return Future.succeededFuture(done);
            }
            return drain(Table.ATTEMPTS, ids)
                    .compose(v -> drain(Table.CHUNK_BODIES, ids))
                    .compose(v -> drain(Table.NOTICES, ids))
                    .compose(v -> drain(Table.CHUNKS, ids))
                    .compose(v -> repository.delete(Table.IMPORTS, ids, keepMs))
                    .compose(n -> {
                        deleted.get(Table.IMPORTS).increment(n);
                        return repository.expire(keepMs).compose(more -> deleteExpired(done + n));
                    });
        });
    }

    /** Deletes the rows of these imports from one table, one bounded statement after another. */
    private Future<Void> drain(Table table, Long[] ids) {
        return repository.delete(table, ids, keepMs).compose(n -> {
            deleted.get(table).increment(n);
            return n < RetentionRepository.ROWS_PER_STATEMENT || stopped ? Future.succeededFuture() : drain(table, ids);
        });
    }
}

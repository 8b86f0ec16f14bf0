package io.hookline.housekeeping;

import io.hookline.store.ImportRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets each import's stored auth value once the import has been finished for
 * {@code delivery.authValueRetentionDays} (7): until then a redeliver still sends it. Runs every hour.
 */
public final class AuthValueRetention extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(AuthValueRetention.class);

    private final ImportRepository imports;
    private final int days;
    private long timer;

    public AuthValueRetention(ImportRepository imports, int days) {
        this.imports = imports;
        this.days = days;
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(
                60_000,
                3_600_000,
                id -> imports.forgetAuthValues(days)
                        .onSuccess(n -> {
                            if (n > 0) {
                                LOG.info(
                                        "deleted the stored auth values of {} imports finished more than {} days ago",
                                        n,
                                        days);
                            }
                        })
                        .onFailure(err -> LOG.warn("deleting old auth values failed: {}", err.toString())));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }
}

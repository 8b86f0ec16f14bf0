package io.hookline.housekeeping;

import io.hookline.store.DestinationRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hookline_destination_state{destination, state}}: for every destination, 1 for the state it is in
 * (ACTIVE, PAUSED or CIRCUIT_OPEN) and 0 for the others, read from the database every few seconds, so that an
 * alert can fire on {@code hookline_destination_state{state="CIRCUIT_OPEN"} == 1}. Every instance reports every
 * destination (they read the same rows); a deleted destination's series go away.
 */
public final class DestinationStateMetrics extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationStateMetrics.class);
    private static final List<String> STATES = List.of("ACTIVE", "PAUSED", "CIRCUIT_OPEN");
    private static final long REFRESH_MS = 5_000;

    private final DestinationRepository destinations;
    private final MultiGauge gauge;
    private long timer = -1;

    public DestinationStateMetrics(DestinationRepository destinations, MeterRegistry registry) {
        this.destinations = destinations;
        this.gauge = MultiGauge.builder("hookline_destination_state")
                .description("1 for the state each destination is in (ACTIVE, PAUSED, CIRCUIT_OPEN), 0 for the others")
                .register(registry);
    }

    @Override
    public Future<?> start() {
        refresh();
        timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    private void refresh() {
        destinations
                .states()
                .onSuccess(this::show)
                .onFailure(err -> LOG.debug("reading destination states failed: {}", err.toString()));
    }

    private void show(Map<String, String> states) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(states.size() * STATES.size());
        states.forEach((template, state) -> {
            for (String s : STATES) {
                rows.add(MultiGauge.Row.of(Tags.of("destination", template, "state", s), s.equals(state) ? 1 : 0));
            }
        });
        gauge.register(rows, true);
    }
}

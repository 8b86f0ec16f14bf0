package io.hookline.store;

import java.time.Instant;

/**
 * A destination as its owner needs it: the settings, their version, and the delivery state kept in the database so
 * that it survives a restart and a change of owner: paused through the API, the circuit, the slow-down after a 429.
 */
public record DestinationSnapshot(
        Destination destination,
        long version,
        boolean paused,
        Instant circuitOpenSince,
        Instant circuitProbeAt,
        Double slowdownRate) {}

package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * How a destination is doing, kept in its row so that the API shows it and the next owner continues from it: the
 * circuit (open after the destination failed every request for the circuit window, probed one chunk at a time until
 * a success closes it) and the slow-down its receiver asked for with a 429/503. Written by the destination's owner.
 */
public final class DestinationHealth {

  private static final String OPEN = """
      /* hookline:circuit-open */
      UPDATE destinations SET circuit_open_since = COALESCE(circuit_open_since, now()), circuit_probe_at = $2
      WHERE template = $1""";

  private static final String PROBED = """
      /* hookline:circuit-probe */
      UPDATE destinations SET circuit_probe_at = $2 WHERE template = $1 AND circuit_open_since IS NOT NULL""";

  private static final String CLOSE = """
      /* hookline:circuit-close */
      UPDATE destinations SET circuit_open_since = NULL, circuit_probe_at = NULL
      WHERE template = $1 AND circuit_open_since IS NOT NULL""";

  private static final String SLOWDOWN = """
      /* hookline:slowdown */
      UPDATE destinations SET slowdown_rate = $2 WHERE template = $1""";

  private final Pool pool;

  public DestinationHealth(Pool pool) {
    this.pool = pool;
  }

  /** Opens the circuit; the next probe is due at {@code probeAt}. */
  public Future<Void> open(String template, Instant probeAt) {
    return pool.preparedQuery(OPEN).execute(Tuple.of(template, DestinationRepository.utc(probeAt))).mapEmpty();
  }

  /** A probe failed: the next one is due at {@code probeAt}. */
  public Future<Void> probed(String template, Instant probeAt) {
    return pool.preparedQuery(PROBED).execute(Tuple.of(template, DestinationRepository.utc(probeAt))).mapEmpty();
  }

  public Future<Void> close(String template) {
    return pool.preparedQuery(CLOSE).execute(Tuple.of(template)).mapEmpty();
  }

  /** The pace the receiver asked for, in requests per second; null when it is back to its configured pace. */
  public Future<Void> slowedDown(String template, Double rate) {
    return pool.preparedQuery(SLOWDOWN).execute(Tuple.tuple().addString(template).addDouble(rate)).mapEmpty();
  }
}

package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * A destination's circuit, kept in the database so every instance and the API agree on it. The sender opens it
 * after a destination failed every request for the circuit window, and closes it on the first success; while it is
 * open the claim statement hands out one probe chunk per probe interval.
 */
public final class CircuitRepository {

  private static final String OPEN = """
      UPDATE destinations SET circuit_open_since = COALESCE(circuit_open_since, now()),
        circuit_probe_at = now() + make_interval(secs => $2::float8 / 1000), circuit_probe_ms = $2
      WHERE template = $1""";

  private static final String CLOSE = """
      UPDATE destinations SET circuit_open_since = NULL, circuit_probe_at = NULL, circuit_probe_ms = NULL
      WHERE template = $1 AND circuit_open_since IS NOT NULL""";

  private final Pool pool;

  public CircuitRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> open(String template, long probeIntervalMs) {
    return pool.preparedQuery(OPEN).execute(Tuple.of(template, probeIntervalMs)).mapEmpty();
  }

  public Future<Void> close(String template) {
    return pool.preparedQuery(CLOSE).execute(Tuple.of(template)).mapEmpty();
  }
}

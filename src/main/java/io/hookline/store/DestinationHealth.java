package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * How a destination is doing, kept in its row so that the API shows it and the next owner continues from it: the
 * circuit (open after the destination failed every request for the circuit window, probed one chunk at a time until
 * a success closes it; each change notified to its notifyUrl) and the slow-down its receiver asked for with a
 * 429/503. Written by the destination's owner.
 */
public final class DestinationHealth {

    /** Opening or closing the circuit writes the destination.circuit_* notice too, when there is a notifyUrl. */
    private static final String OPEN = """
      /* hookline:circuit-open */
      WITH changed AS (
        UPDATE destinations d SET circuit_open_since = now(), circuit_probe_at = $2
        WHERE d.template = $1 AND d.circuit_open_since IS NULL
        RETURNING d.template, d.notify_url)
      INSERT INTO notices (template, webhook_key, type, body)
      SELECT template, replace(gen_random_uuid()::text, '-', ''), 'destination.circuit_opened',
        convert_to(json_build_object('type', 'destination.circuit_opened', 'template', template,
          'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastError', $3::text)::text,
          'UTF8')
      FROM changed WHERE notify_url IS NOT NULL""";

    private static final String PROBED = """
      /* hookline:circuit-probe */
      UPDATE destinations SET circuit_probe_at = $2 WHERE template = $1 AND circuit_open_since IS NOT NULL""";

    private static final String CLOSE = """
      /* hookline:circuit-close */
      WITH changed AS (
        UPDATE destinations d SET circuit_open_since = NULL, circuit_probe_at = NULL
        WHERE d.template = $1 AND d.circuit_open_since IS NOT NULL
        RETURNING d.template, d.notify_url)
      INSERT INTO notices (template, webhook_key, type, body)
      SELECT template, replace(gen_random_uuid()::text, '-', ''), 'destination.circuit_closed',
        convert_to(json_build_object('type', 'destination.circuit_closed', 'template', template,
          'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastError', $2::text)::text,
          'UTF8')
      FROM changed WHERE notify_url IS NOT NULL""";

    private static final String SLOWDOWN = """
      /* hookline:slowdown */
      UPDATE destinations SET slowdown_rate = $2 WHERE template = $1""";

    private final Pool pool;

    public DestinationHealth(Pool pool) {
        this.pool = pool;
    }

    /** Opens the circuit; the next probe is due at {@code probeAt}; {@code lastError} is the failure that opened it. */
    public Future<Void> open(String template, Instant probeAt, String lastError) {
        return pool.preparedQuery(OPEN)
                .execute(Tuple.tuple()
                        .addString(template)
                        .addOffsetDateTime(DestinationRepository.utc(probeAt))
                        .addString(lastError))
                .mapEmpty();
    }

    /** A probe failed: the next one is due at {@code probeAt}. */
    public Future<Void> probed(String template, Instant probeAt) {
        return pool.preparedQuery(PROBED)
                .execute(Tuple.of(template, DestinationRepository.utc(probeAt)))
                .mapEmpty();
    }

    /** Closes the circuit; {@code lastError} is the last failure before the success that closed it. */
    public Future<Void> close(String template, String lastError) {
        return pool.preparedQuery(CLOSE)
                .execute(Tuple.tuple().addString(template).addString(lastError))
                .mapEmpty();
    }

    /** The pace the receiver asked for, in requests per second; null when it is back to its configured pace. */
    public Future<Void> slowedDown(String template, Double rate) {
        return pool.preparedQuery(SLOWDOWN)
                .execute(Tuple.tuple().addString(template).addDouble(rate))
                .mapEmpty();
    }
}

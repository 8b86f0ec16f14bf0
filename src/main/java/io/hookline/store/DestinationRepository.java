package io.hookline.store;

import io.hookline.security.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/** Destinations, one per template code. Secrets are sealed with {@link SecretBox} before they reach the table. */
public final class DestinationRepository {

    static final String COLUMNS = "d.template, d.callback_url, d.auth_header_name, d.chunk_size, d.retry_count, "
            + "d.retry_interval_ms, d.timeout_ms, d.rate_limit, d.max_concurrency, d.ordered, d.retry_backoff, "
            + "d.max_retry_interval_ms, d.no_retry_statuses, d.signing_secret, d.previous_signing_secret, "
            + "d.previous_secret_until, d.record_format, d.chunk_format, d.notify_url";

    private static final String SNAPSHOT_COLUMNS =
            COLUMNS + ", d.version, d.paused_at, d.circuit_open_since, " + "d.circuit_probe_at, d.slowdown_rate";

    private static final String UPSERT = """
      INSERT INTO destinations (template, callback_url, auth_header_name, chunk_size, retry_count, retry_interval_ms,
        timeout_ms, rate_limit, max_concurrency, ordered, retry_backoff, max_retry_interval_ms, no_retry_statuses,
        signing_secret, record_format, chunk_format, notify_url)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
      ON CONFLICT (template) DO UPDATE SET callback_url = EXCLUDED.callback_url,
        auth_header_name = EXCLUDED.auth_header_name, chunk_size = EXCLUDED.chunk_size,
        retry_count = EXCLUDED.retry_count, retry_interval_ms = EXCLUDED.retry_interval_ms,
        timeout_ms = EXCLUDED.timeout_ms, rate_limit = EXCLUDED.rate_limit,
        max_concurrency = EXCLUDED.max_concurrency, ordered = EXCLUDED.ordered,
        retry_backoff = EXCLUDED.retry_backoff, max_retry_interval_ms = EXCLUDED.max_retry_interval_ms,
        no_retry_statuses = EXCLUDED.no_retry_statuses, signing_secret = EXCLUDED.signing_secret,
        record_format = EXCLUDED.record_format, chunk_format = EXCLUDED.chunk_format, notify_url = EXCLUDED.notify_url,
        previous_signing_secret = NULL, previous_secret_until = NULL, updated_at = now(),
        -- new settings (a corrected URL) deserve a fresh start rather than waiting for the next probe, and a fresh
        -- pace: a slow-down after a 429 belonged to the old settings
        circuit_open_since = NULL, circuit_probe_at = NULL, slowdown_rate = NULL,
        version = destinations.version + 1
      RETURNING (xmax = 0) AS created, pg_notify('hookline_' || current_schema(), 'settings:' || template)""";

    private static final String UNFINISHED = """
      SELECT count(*) AS n FROM chunks WHERE template = $1 AND status IN ('PENDING', 'RETRYING')""";

    /** Force-delete: every unfinished chunk ends UNDELIVERED; a late outcome of its owner finds it finished and is ignored. */
    private static final String ABANDON_CHUNKS = """
      WITH ended AS (
        UPDATE chunks SET status = 'UNDELIVERED', last_error = 'destination deleted'
        WHERE template = $1 AND status IN ('PENDING', 'RETRYING')
        RETURNING import_id),
      per_import AS (SELECT import_id, count(*) AS n FROM ended GROUP BY import_id)
      UPDATE imports i SET chunks_undelivered = i.chunks_undelivered + p.n,
        status = CASE WHEN i.chunks_delivered + i.chunks_undelivered + p.n < i.total_pages THEN i.status
                      WHEN i.chunks_delivered = 0 THEN 'FAILED' ELSE 'PARTIALLY_DELIVERED' END,
        completed_at = CASE WHEN i.chunks_delivered + i.chunks_undelivered + p.n >= i.total_pages THEN now()
                            ELSE i.completed_at END
      FROM per_import p WHERE i.id = p.import_id""";

    private static final String ROTATE = """
      UPDATE destinations SET previous_signing_secret = signing_secret,
        previous_secret_until = CASE WHEN signing_secret IS NULL THEN NULL ELSE now() + interval '24 hours' END,
        signing_secret = $2, updated_at = now(), version = version + 1
      WHERE template = $1
      RETURNING previous_signing_secret IS NOT NULL AS had_secret,
        pg_notify('hookline_' || current_schema(), 'settings:' || template)""";

    /** Pauses ($2 true) or resumes a destination; answers the destination, or nothing when there is none. */
    private static final String PAUSE = """
      UPDATE destinations SET paused_at = CASE WHEN $2 THEN COALESCE(paused_at, now()) END,
        version = version + CASE WHEN (paused_at IS NOT NULL) = $2 THEN 0 ELSE 1 END
      WHERE template = $1
      RETURNING template, pg_notify('hookline_' || current_schema(), 'settings:' || template)""";

    public enum DeleteResult {
        DELETED,
        NOT_FOUND,
        HAS_UNFINISHED_CHUNKS
    }

    private final Pool pool;
    private final SecretBox secrets;

    public DestinationRepository(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    /** The destination with its version and delivery state, for its owner; null when there is none. */
    public Future<DestinationSnapshot> snapshot(String template) {
        return pool.preparedQuery("/* hookline:settings */ SELECT " + SNAPSHOT_COLUMNS
                        + " FROM destinations d WHERE d.template = $1")
                .execute(Tuple.of(template))
                .map(rows ->
                        rows.size() == 0 ? null : snapshotOf(rows.iterator().next()));
    }

    /**
     * Every destination, ordered by template code (byte order, so that the cursor, the last code of a page, means the
     * same whatever the database's collation); {@code after} is that cursor.
     */
    public Future<List<DestinationSnapshot>> list(String after, int limit) {
        return pool.preparedQuery(
                        "SELECT " + SNAPSHOT_COLUMNS + " FROM destinations d"
                                + " WHERE $1::text IS NULL OR d.template COLLATE \"C\" > $1 ORDER BY d.template COLLATE \"C\" LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<DestinationSnapshot> list = new java.util.ArrayList<>(rows.size());
                    rows.forEach(r -> list.add(snapshotOf(r)));
                    return list;
                });
    }

    /** The state of every destination (ACTIVE, PAUSED, CIRCUIT_OPEN), by template code; no settings, no secrets. */
    public Future<java.util.Map<String, String>> states() {
        return pool.preparedQuery(
                        "SELECT template, CASE WHEN paused_at IS NOT NULL THEN 'PAUSED' "
                                + "WHEN circuit_open_since IS NOT NULL THEN 'CIRCUIT_OPEN' ELSE 'ACTIVE' END AS state FROM destinations")
                .execute()
                .map(rows -> {
                    java.util.Map<String, String> states = new java.util.HashMap<>();
                    rows.forEach(r -> states.put(r.getString("template"), r.getString("state")));
                    return states;
                });
    }

    private DestinationSnapshot snapshotOf(Row r) {
        return new DestinationSnapshot(
                fromRow(r),
                r.getLong("version"),
                r.getOffsetDateTime("paused_at") != null,
                instant(r.getOffsetDateTime("circuit_open_since")),
                instant(r.getOffsetDateTime("circuit_probe_at")),
                r.getDouble("slowdown_rate"));
    }

    /** Pauses or resumes; false when there is no such destination. Idempotent. */
    public Future<Boolean> setPaused(String template, boolean paused) {
        return pool.preparedQuery(PAUSE).execute(Tuple.of(template, paused)).map(rows -> rows.size() > 0);
    }

    public Future<Destination> find(String template) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destinations d WHERE d.template = $1")
                .execute(Tuple.of(template))
                .map(rows -> rows.size() == 0 ? null : fromRow(rows.iterator().next()));
    }

    /** Creates or replaces; true when it was created. */
    public Future<Boolean> upsert(Destination d) {
        Tuple t = Tuple.tuple()
                .addString(d.template())
                .addString(d.callbackUrl())
                .addString(d.authHeaderName())
                .addInteger(d.chunkSize())
                .addInteger(d.retryCount())
                .addLong(d.retryIntervalMs())
                .addInteger(d.timeoutMs())
                .addDouble(d.rateLimit())
                .addInteger(d.maxConcurrency())
                .addBoolean(d.ordered())
                .addString(d.retryBackoff().wireName())
                .addLong(d.maxRetryIntervalMs())
                .addArrayOfInteger(d.noRetryStatuses().toArray(Integer[]::new))
                .addBuffer(sealed(d.signingSecret()))
                .addString(d.recordFormat() == null ? null : d.recordFormat().encode())
                .addString(d.chunkFormat() == null ? null : d.chunkFormat().encode())
                .addString(d.notifyUrl());
        return pool.preparedQuery(UPSERT)
                .execute(t)
                .map(rows -> rows.iterator().next().getBoolean("created"));
    }

    /**
     * Deletes the destination, and with {@code force} ends its unfinished chunks first. Ending them races with the
     * owner's outcome writes (both lock chunk rows, then import rows), so a deadlock, which PostgreSQL breaks by failing
     * one side, is tried again a few times rather than answered as an error.
     */
    public Future<DeleteResult> delete(String template, boolean force) {
        return delete(template, force, 3);
    }

    private Future<DeleteResult> delete(String template, boolean force, int retries) {
        return deleteOnce(template, force)
                .recover(err -> retries > 0 && err instanceof PgException pg && "40P01".equals(pg.getSqlState())
                        ? delete(template, force, retries - 1)
                        : Future.failedFuture(err));
    }

    private Future<DeleteResult> deleteOnce(String template, boolean force) {
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "SELECT template FROM destinations WHERE template = $1 FOR UPDATE")
                .execute(Tuple.of(template))
                .compose(found -> {
                    if (found.size() == 0) {
                        return Future.succeededFuture(DeleteResult.NOT_FOUND);
                    }
                    return conn.preparedQuery(UNFINISHED)
                            .execute(Tuple.of(template))
                            .compose(count -> {
                                long unfinished = count.iterator().next().getLong("n");
                                if (unfinished > 0 && !force) {
                                    return Future.succeededFuture(DeleteResult.HAS_UNFINISHED_CHUNKS);
                                }
                                Future<RowSet<Row>> abandon = unfinished > 0
                                        ? conn.preparedQuery(ABANDON_CHUNKS).execute(Tuple.of(template))
                                        : Future.succeededFuture();
                                return abandon.compose(v -> conn.preparedQuery(
                                                        "DELETE FROM destinations WHERE template = $1 "
                                                                + "RETURNING pg_notify('hookline_' || current_schema(), 'settings:' || template)")
                                                .execute(Tuple.of(template)))
                                        .map(DeleteResult.DELETED);
                            });
                }));
    }

    /** Makes {@code newSecret} current and keeps the old one signing for 24 h; false when there is no destination. */
    /** What a rotation found: no destination, a destination that did not sign yet, or one whose old secret goes on. */
    public enum Rotation {
        NOT_FOUND,
        FIRST_SECRET,
        PREVIOUS_KEPT
    }

    public Future<Rotation> rotateSecret(String template, String newSecret) {
        return pool.preparedQuery(ROTATE)
                .execute(Tuple.of(template, sealed(newSecret)))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return Rotation.NOT_FOUND;
                    }
                    return rows.iterator().next().getBoolean("had_secret")
                            ? Rotation.PREVIOUS_KEPT
                            : Rotation.FIRST_SECRET;
                });
    }

    Destination fromRow(Row r) {
        return fromRow(r, secrets);
    }

    static Destination fromRow(Row r, SecretBox secrets) {
        OffsetDateTime previousUntil = r.getOffsetDateTime("previous_secret_until");
        Integer[] noRetry = r.getArrayOfIntegers("no_retry_statuses");
        return new Destination(
                r.getString("template"),
                r.getString("callback_url"),
                r.getString("auth_header_name"),
                r.getInteger("chunk_size"),
                r.getInteger("retry_count"),
                r.getLong("retry_interval_ms"),
                r.getInteger("timeout_ms"),
                r.getDouble("rate_limit"),
                r.getInteger("max_concurrency"),
                r.getBoolean("ordered"),
                Destination.RetryBackoff.valueOf(r.getString("retry_backoff").toUpperCase()),
                r.getLong("max_retry_interval_ms"),
                noRetry == null ? List.of() : Arrays.asList(noRetry),
                opened(secrets, r.getBuffer("signing_secret")),
                opened(secrets, r.getBuffer("previous_signing_secret")),
                previousUntil == null ? null : previousUntil.toInstant(),
                format(r.getString("record_format")),
                format(r.getString("chunk_format")),
                r.getString("notify_url"));
    }

    private static JsonObject format(String stored) {
        return stored == null ? null : new JsonObject(stored);
    }

    private Buffer sealed(String secret) {
        return secret == null ? null : Buffer.buffer(secrets.seal(secret));
    }

    private static String opened(SecretBox secrets, Buffer sealed) {
        return sealed == null ? null : secrets.open(sealed.getBytes());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

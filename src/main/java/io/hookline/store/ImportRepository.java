package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Imports: the durable write of an upload (inside the chunker's transaction) and the reads of stored imports. */
public final class ImportRepository {

    private static final String VIEW_COLUMNS = "id, upload_id, template, status, total_records, total_pages, "
            + "chunks_delivered, chunks_undelivered, created_at, completed_at, body_sha256, "
            // From the destination row, which the sender of any instance writes: every instance answers the same.
            // A deleted destination sends nothing more, and pauses nothing either: ACTIVE.
            + "COALESCE((SELECT CASE WHEN d.paused_at IS NOT NULL THEN 'PAUSED' "
            + "WHEN d.circuit_open_since IS NOT NULL THEN 'CIRCUIT_OPEN' ELSE 'ACTIVE' END "
            + "FROM destinations d WHERE d.template = imports.template), 'ACTIVE') AS destination_state";

    private static final String INSERT_IMPORT = """
      INSERT INTO imports (id, upload_id, idempotency_key, template, webhook_key, chunk_size, total_records,
        total_pages, extra, auth_value, body_sha256, status, completed_at, record_format, chunk_format)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $8::int = 0 THEN now() END, $13, $14)
      ON CONFLICT DO NOTHING
      RETURNING""" + " " + VIEW_COLUMNS;

    /** Every page of an import gets its chunk row in one statement; only the last page can be short. */
    private static final String INSERT_CHUNKS = """
      INSERT INTO chunks (import_id, page, template, records)
      SELECT $1::bigint, p, $2::text, CASE WHEN p = $3::int THEN $4::int ELSE $5::int END
      FROM generate_series(1, $3::int) AS p""";

    private static final String INSERT_BODY =
            "INSERT INTO chunk_bodies (import_id, page, template, data) VALUES ($1, $2, $3, $4)";

    /** The import's row is locked first: an import the retention sweep has begun to delete stays deleted. */
    private static final String REDELIVER = """
      WITH live AS (SELECT id FROM imports WHERE id = $1 AND status <> 'EXPIRED' FOR UPDATE),
      requeued AS (
        UPDATE chunks SET status = 'PENDING', budget_start = attempts, next_attempt_at = now()
        WHERE import_id = (SELECT id FROM live) AND template = $2 AND status = 'UNDELIVERED'
        RETURNING page),
      n AS (SELECT count(*)::int AS n FROM requeued)
      UPDATE imports SET chunks_undelivered = chunks_undelivered - n.n,
        status = CASE WHEN n.n > 0 THEN 'SENDING' ELSE status END,
        completed_at = CASE WHEN n.n > 0 THEN NULL ELSE completed_at END
      FROM n WHERE id = $1
      RETURNING n.n, CASE WHEN n.n > 0 THEN pg_notify('hookline_' || current_schema(), 'work:' || $2) END""";

    private static final String FORGET_AUTH_VALUES = """
      UPDATE imports SET auth_value = NULL
      WHERE auth_value IS NOT NULL AND completed_at IS NOT NULL AND completed_at < now() - make_interval(days => $1)""";

    /**
     * What {@link #insertImport} needs besides the id, which the chunker took from the sequence. The formats are the
     * destination's when the upload began (compact JSON, or null), fixed for the import from then on.
     */
    public record NewImport(
            String uploadId,
            String idempotencyKey,
            String template,
            String webhookKey,
            int chunkSize,
            long totalRecords,
            int totalPages,
            Buffer extra,
            Buffer sealedAuthValue,
            byte[] bodySha256,
            String recordFormat,
            String chunkFormat) {}

    private final Pool pool;

    public ImportRepository(Pool pool) {
        this.pool = pool;
    }

    // ---- writes, on the ingest transaction's connection ----

    public static Future<Long> nextImportId(SqlClient conn) {
        return conn.preparedQuery("SELECT nextval('imports_id_seq') AS id")
                .execute()
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    public static Future<Void> insertBodies(
            SqlClient conn, long importId, String template, int firstPage, List<Buffer> pages) {
        List<Tuple> batch = new ArrayList<>(pages.size());
        for (int i = 0; i < pages.size(); i++) {
            batch.add(Tuple.of(importId, firstPage + i, template, pages.get(i)));
        }
        return conn.preparedQuery(INSERT_BODY).executeBatch(batch).mapEmpty();
    }

    /** Inserts the import row and its chunk rows; null when the upload id or idempotency key is already taken. */
    public static Future<StoredImport> insertImport(SqlClient conn, long id, NewImport i) {
        String status = i.totalPages() == 0 ? "COMPLETED" : "QUEUED";
        Tuple t = Tuple.tuple()
                .addLong(id)
                .addString(i.uploadId())
                .addString(i.idempotencyKey())
                .addString(i.template())
                .addString(i.webhookKey())
                .addInteger(i.chunkSize())
                .addLong(i.totalRecords())
                .addInteger(i.totalPages())
                .addBuffer(i.extra())
                .addBuffer(i.sealedAuthValue())
                .addBuffer(Buffer.buffer(i.bodySha256()))
                .addString(status)
                .addString(i.recordFormat())
                .addString(i.chunkFormat());
        return conn.preparedQuery(INSERT_IMPORT).execute(t).compose(rows -> {
            if (rows.size() == 0) {
                return Future.succeededFuture(null);
            }
            StoredImport stored = stored(rows.iterator().next());
            if (i.totalPages() == 0) {
                return Future.succeededFuture(stored);
            }
            int lastPageRecords = (int) (i.totalRecords() - (long) (i.totalPages() - 1) * i.chunkSize());
            return conn.preparedQuery(INSERT_CHUNKS)
                    .execute(Tuple.of(id, i.template(), i.totalPages(), lastPageRecords, i.chunkSize()))
                    // delivered with the commit: the destination's owner, on whichever instance, hears of the work at
                    // once
                    .compose(v -> conn.preparedQuery("SELECT pg_notify('hookline_' || current_schema(), 'work:' || $1)")
                            .execute(Tuple.of(i.template())))
                    .map(stored);
        });
    }

    // ---- reads ----

    /** The import holding this upload id, or, when uploadId is null, this idempotency key. */
    public Future<StoredImport> findForIdempotency(String uploadId, String idempotencyKey) {
        // an EXPIRED import is being deleted by the retention sweep: gone for the API already
        String where = (uploadId != null ? "upload_id = $1" : "idempotency_key = $1") + " AND status <> 'EXPIRED'";
        return pool.preparedQuery("SELECT " + VIEW_COLUMNS + " FROM imports WHERE " + where)
                .execute(Tuple.of(uploadId != null ? uploadId : idempotencyKey))
                .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
    }

    public Future<StoredImport> find(String uploadId) {
        return findForIdempotency(uploadId, null);
    }

    /** Newest first; {@code before} is the cursor (an import id) from the previous page. */
    public Future<Page<StoredImport>> list(String template, String status, int limit, Long before) {
        StringBuilder sql = new StringBuilder("SELECT " + VIEW_COLUMNS + " FROM imports WHERE status <> 'EXPIRED'");
        Tuple t = Tuple.tuple();
        if (template != null) {
            t.addString(template);
            sql.append(" AND template = $").append(t.size());
        }
        if (status != null) {
            t.addString(status);
            sql.append(" AND status = $").append(t.size());
        }
        if (before != null) {
            t.addLong(before);
            sql.append(" AND id < $").append(t.size());
        }
        t.addInteger(limit + 1);
        sql.append(" ORDER BY id DESC LIMIT $").append(t.size());
        return pool.preparedQuery(sql.toString()).execute(t).map(rows -> {
            List<StoredImport> items = new ArrayList<>(limit);
            for (Row r : rows) {
                if (items.size() == limit) {
                    return new Page<>(items, String.valueOf(items.get(limit - 1).id()));
                }
                items.add(stored(r));
            }
            return new Page<>(items, null);
        });
    }

    /** Puts every UNDELIVERED chunk back to PENDING with a fresh retry budget; answers how many. */
    public Future<Integer> redeliver(long importId, String template) {
        return pool.preparedQuery(REDELIVER)
                .execute(Tuple.of(importId, template))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger("n"));
    }

    /**
     * Deletes the stored auth values of imports finished more than {@code days} ago: they are kept only while a
     * delivery or a redeliver may still need them. Answers how many were deleted.
     */
    public Future<Integer> forgetAuthValues(int days) {
        return pool.preparedQuery(FORGET_AUTH_VALUES).execute(Tuple.of(days)).map(rows -> rows.rowCount());
    }

    private static StoredImport stored(Row r) {
        String destinationState = r.getString("destination_state");
        return new StoredImport(
                r.getLong("id"),
                r.getString("upload_id"),
                r.getString("template"),
                r.getString("status"),
                r.getLong("total_records"),
                r.getInteger("total_pages"),
                r.getInteger("chunks_delivered"),
                r.getInteger("chunks_undelivered"),
                instant(r, "created_at"),
                instant(r, "completed_at"),
                destinationState == null ? "ACTIVE" : destinationState,
                r.getBuffer("body_sha256").getBytes());
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}

package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Uploads in progress (table {@code uploads}): pages staged in {@code chunk_bodies} by short statements while the
 * body streams, the liveness that tells a live upload from one whose instance died, and the sweep of abandoned
 * ones. Staged pages have no chunk row, so nothing reads them until the upload is accepted.
 */
public final class UploadRepository {

    /** The first pages of an upload: its row (taking the id its import will have) and the pages, in one statement. */
    private static final String STAGE_FIRST = """
      WITH u AS (
        INSERT INTO uploads (id, template, owner) VALUES (nextval('imports_id_seq'), $1, $2) RETURNING id)
      INSERT INTO chunk_bodies (import_id, page, template, data)
      SELECT u.id, $3::int + p.i - 1, $1, p.data FROM u, unnest($4::bytea[]) WITH ORDINALITY AS p(data, i)
      RETURNING import_id""";

    /** More pages: only while the upload is live, which also marks it active and locks it against the sweep. */
    private static final String STAGE_MORE = """
      WITH u AS (
        UPDATE uploads SET last_activity = now() WHERE id = $1 AND abandoned_at IS NULL RETURNING id)
      INSERT INTO chunk_bodies (import_id, page, template, data)
      SELECT u.id, $3::int + p.i - 1, $2, p.data FROM u, unnest($4::bytea[]) WITH ORDINALITY AS p(data, i)""";

    private static final String HEARTBEAT =
            "UPDATE uploads SET last_activity = now() WHERE id = ANY($1) AND abandoned_at IS NULL";

    private static final String ABANDON =
            "UPDATE uploads SET abandoned_at = now() WHERE id = $1 AND abandoned_at IS NULL";

    /** Inside the accepting transaction: the upload must still be live; its row goes with the commit. */
    private static final String FINISH = "DELETE FROM uploads WHERE id = $1 AND abandoned_at IS NULL";

    /** Uploads that no instance touched for a while; rows being staged to or accepted right now are skipped. */
    private static final String MARK_STALE = """
      UPDATE uploads SET abandoned_at = now()
      WHERE id IN (SELECT id FROM uploads
                   WHERE abandoned_at IS NULL AND last_activity < now() - $1 * interval '1 millisecond'
                   LIMIT 100 FOR UPDATE SKIP LOCKED)""";

    private static final String DELETE_ABANDONED_BODIES = """
      DELETE FROM chunk_bodies
      WHERE (import_id, page) IN (
        SELECT b.import_id, b.page FROM uploads u JOIN chunk_bodies b ON b.import_id = u.id
        WHERE u.abandoned_at IS NOT NULL LIMIT $1)""";

    private static final String DELETE_EMPTY_ABANDONED = """
      DELETE FROM uploads u
      WHERE abandoned_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chunk_bodies b WHERE b.import_id = u.id)""";

    private static final int SWEEP_BATCH = 500;

    private final Pool pool;

    public UploadRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stages the first pages (numbered from 1) of a new upload; answers the id its import will have. */
    public Future<Long> stageFirst(String template, String owner, List<Buffer> pages) {
        return pool.preparedQuery(STAGE_FIRST)
                .execute(Tuple.of(template, owner, 1, pages.toArray(new Buffer[0])))
                .map(rows -> rows.iterator().next().getLong("import_id"));
    }

    /** Stages more pages, numbered from {@code firstPage}; false when the upload is no longer live (swept). */
    public Future<Boolean> stageMore(long id, String template, int firstPage, List<Buffer> pages) {
        return pool.preparedQuery(STAGE_MORE)
                .execute(Tuple.of(id, template, firstPage, pages.toArray(new Buffer[0])))
                .map(rows -> rows.rowCount() == pages.size());
    }

    /** Keeps uploads that are still streaming from being taken for abandoned. */
    public Future<Void> heartbeat(List<Long> ids) {
        return pool.preparedQuery(HEARTBEAT)
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .mapEmpty();
    }

    /** The upload ended without being accepted: its pages are left to the sweep. */
    public Future<Void> abandon(long id) {
        return pool.preparedQuery(ABANDON).execute(Tuple.of(id)).mapEmpty();
    }

    /** In the accepting transaction: false when the upload is no longer live (it was swept). */
    public static Future<Boolean> finish(SqlClient conn, long id) {
        return conn.preparedQuery(FINISH).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Marks uploads untouched for {@code abandonedAfterMs} as abandoned, then deletes the pages of abandoned uploads,
     * {@value #SWEEP_BATCH} at a time (each batch its own short statement), and their rows once empty. Answers the
     * number of pages deleted.
     */
    public Future<Long> sweep(long abandonedAfterMs) {
        return pool.preparedQuery(MARK_STALE)
                .execute(Tuple.of(abandonedAfterMs))
                .compose(marked -> deleteBodies(0))
                .compose(deleted ->
                        pool.preparedQuery(DELETE_EMPTY_ABANDONED).execute().map(deleted));
    }

    private Future<Long> deleteBodies(long soFar) {
        return pool.preparedQuery(DELETE_ABANDONED_BODIES)
                .execute(Tuple.of(SWEEP_BATCH))
                .compose(rows -> {
                    long total = soFar + rows.rowCount();
                    return rows.rowCount() < SWEEP_BATCH ? Future.succeededFuture(total) : deleteBodies(total);
                });
    }
}

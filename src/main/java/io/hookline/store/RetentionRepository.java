package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Deletes finished imports past their retention, each step one short statement: a batch of imports is marked
 * EXPIRED (from then on the API does not show them and a redeliver cannot revive them), then their attempts, bodies,
 * notices and chunks go a bounded number of rows at a time, then the import rows. Only rows of finished imports are touched,
 * which the sender never reads or writes, so delivery is never held up by a lock of the sweep.
 */
public final class RetentionRepository {

    public static final int IMPORTS_PER_BATCH = 100;
    public static final int ROWS_PER_STATEMENT = 10_000;

    private static final String EXPIRE = """
      /* hookline:retention-expire */
      UPDATE imports SET status = 'EXPIRED'
      WHERE id IN (SELECT id FROM imports
                   WHERE status IN ('COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED')
                     AND completed_at < now() - make_interval(secs => $1::bigint / 1000.0)
                   ORDER BY completed_at, id LIMIT $2
                   FOR UPDATE SKIP LOCKED)
        AND status IN ('COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED')""";

    private static final String EXPIRED = """
      /* hookline:retention-expired */
      SELECT id FROM imports WHERE status = 'EXPIRED' ORDER BY id LIMIT $1""";

    private static final String DELETE_ATTEMPTS = """
      /* hookline:retention-attempts */
      DELETE FROM attempts WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM attempts WHERE import_id = ANY ($1::bigint[]) LIMIT $2))""";

    private static final String DELETE_BODIES = """
      /* hookline:retention-bodies */
      DELETE FROM chunk_bodies WHERE (import_id, page) IN (
        SELECT import_id, page FROM chunk_bodies WHERE import_id = ANY ($1::bigint[]) LIMIT $2)""";

    /** The notices of these imports, and, riding along, circuit notices finished more than a retention ago. */
    private static final String DELETE_NOTICES = """
      /* hookline:retention-notices */
      DELETE FROM notices WHERE id IN (
        SELECT id FROM notices WHERE import_id = ANY ($1::bigint[])
        UNION ALL
        (SELECT id FROM notices WHERE import_id IS NULL AND status IN ('DELIVERED', 'UNDELIVERED')
           AND created_at < now() - make_interval(secs => $3::bigint / 1000.0) LIMIT $2)
        LIMIT $2)""";

    private static final String DELETE_CHUNKS = """
      /* hookline:retention-chunks */
      DELETE FROM chunks WHERE (import_id, page) IN (
        SELECT import_id, page FROM chunks WHERE import_id = ANY ($1::bigint[]) LIMIT $2)""";

    private static final String DELETE_IMPORTS = """
      /* hookline:retention-imports */
      DELETE FROM imports WHERE id = ANY ($1::bigint[]) AND status = 'EXPIRED'
        AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.import_id = imports.id)""";

    /** The tables rows are deleted from, in the order they are. */
    public enum Table {
        ATTEMPTS,
        CHUNK_BODIES,
        NOTICES,
        CHUNKS,
        IMPORTS
    }

    private final Pool pool;

    public RetentionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Marks up to {@link #IMPORTS_PER_BATCH} imports finished more than {@code keepMs} ago; answers how many. */
    public Future<Integer> expire(long keepMs) {
        return pool.preparedQuery(EXPIRE)
                .execute(Tuple.of(keepMs, IMPORTS_PER_BATCH))
                .map(rows -> rows.rowCount());
    }

    /** Up to {@link #IMPORTS_PER_BATCH} imports marked EXPIRED (by this sweep, or by one that was interrupted). */
    public Future<Long[]> expired() {
        return pool.preparedQuery(EXPIRED).execute(Tuple.of(IMPORTS_PER_BATCH)).map(rows -> {
            Long[] ids = new Long[rows.size()];
            int i = 0;
            for (var r : rows) {
                ids[i++] = r.getLong("id");
            }
            return ids;
        });
    }

    /**
     * Deletes up to {@link #ROWS_PER_STATEMENT} rows of these imports from {@code table}; answers how many. {@code keepMs}
     * is the retention, for the notices that belong to no import.
     */
    public Future<Integer> delete(Table table, Long[] importIds, long keepMs) {
        String sql = switch (table) {
            case ATTEMPTS -> DELETE_ATTEMPTS;
            case CHUNK_BODIES -> DELETE_BODIES;
            case NOTICES -> DELETE_NOTICES;
            case CHUNKS -> DELETE_CHUNKS;
            case IMPORTS -> DELETE_IMPORTS;
        };
        Tuple t = Tuple.tuple().addArrayOfLong(importIds);
        if (table != Table.IMPORTS) {
            t.addInteger(ROWS_PER_STATEMENT);
        }
        if (table == Table.NOTICES) {
            t.addLong(keepMs);
        }
        return pool.preparedQuery(sql).execute(t).map(rows -> rows.rowCount());
    }
}

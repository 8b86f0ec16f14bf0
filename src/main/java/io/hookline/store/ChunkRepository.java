package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The chunks and attempts of an import, listed page by page (the sender's queue work is {@link ChunkQueue}'s). */
public final class ChunkRepository {

    /** A chunk's delivery state. {@code nextAttemptAt} is stored on every row; it means something only while open. */
    public record Chunk(
            int page,
            Integer records,
            String status,
            Integer attempts,
            Integer lastStatusCode,
            String lastError,
            Instant nextAttemptAt,
            Instant deliveredAt) {

        public boolean open() {
            return status.equals("PENDING") || status.equals("RETRYING");
        }
    }

    /** One request made for a chunk, as logged. */
    public record Attempt(
            long id,
            Integer page,
            Integer attempt,
            Instant startedAt,
            Integer durationMs,
            Integer statusCode,
            String error,
            String responseExcerpt) {}

    private final Pool pool;

    public ChunkRepository(Pool pool) {
        this.pool = pool;
    }

    public Future<Page<Chunk>> listChunks(long importId, String template, String status, int limit, Integer after) {
        StringBuilder sql = new StringBuilder("SELECT page, records, status, attempts, last_status_code, last_error, "
                + "next_attempt_at, delivered_at FROM chunks WHERE import_id = $1 AND template = $2");
        Tuple t = Tuple.of(importId, template);
        if (status != null) {
            t.addString(status);
            sql.append(" AND status = $").append(t.size());
        }
        if (after != null) {
            t.addInteger(after);
            sql.append(" AND page > $").append(t.size());
        }
        t.addInteger(limit + 1);
        sql.append(" ORDER BY page LIMIT $").append(t.size());
        return pool.preparedQuery(sql.toString()).execute(t).map(rows -> {
            List<Chunk> items = new ArrayList<>(limit);
            for (Row r : rows) {
                if (items.size() == limit) {
                    return new Page<>(items, String.valueOf(items.get(limit - 1).page()));
                }
                items.add(new Chunk(
                        r.getInteger("page"),
                        r.getInteger("records"),
                        r.getString("status"),
                        r.getInteger("attempts"),
                        r.getInteger("last_status_code"),
                        r.getString("last_error"),
                        ImportRepository.instant(r, "next_attempt_at"),
                        ImportRepository.instant(r, "delivered_at")));
            }
            return new Page<>(items, null);
        });
    }

    public Future<Page<Attempt>> listAttempts(
            long importId, String template, boolean failedOnly, int limit, Long after) {
        StringBuilder sql = new StringBuilder("SELECT id, page, attempt, started_at, duration_ms, status_code, error, "
                + "response_excerpt FROM attempts WHERE import_id = $1 AND template = $2");
        Tuple t = Tuple.of(importId, template);
        if (failedOnly) {
            sql.append(" AND (status_code IS NULL OR status_code < 200 OR status_code > 299)");
        }
        if (after != null) {
            t.addLong(after);
            sql.append(" AND id > $").append(t.size());
        }
        t.addInteger(limit + 1);
        sql.append(" ORDER BY id LIMIT $").append(t.size());
        return pool.preparedQuery(sql.toString()).execute(t).map(rows -> {
            List<Attempt> items = new ArrayList<>(limit);
            for (Row r : rows) {
                if (items.size() == limit) {
                    return new Page<>(items, String.valueOf(items.get(limit - 1).id()));
                }
                items.add(new Attempt(
                        r.getLong("id"),
                        r.getInteger("page"),
                        r.getInteger("attempt"),
                        ImportRepository.instant(r, "started_at"),
                        r.getInteger("duration_ms"),
                        r.getInteger("status_code"),
                        r.getString("error"),
                        r.getString("response_excerpt")));
            }
            return new Page<>(items, null);
        });
    }
}

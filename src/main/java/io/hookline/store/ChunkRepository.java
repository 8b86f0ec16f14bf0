package io.hookline.store;

import io.hookline.security.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Chunks and attempts as the API lists them. */
public final class ChunkRepository {

  private final Pool pool;

  public ChunkRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Page> listChunks(long importId, String template, String status, int limit, Integer after) {
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
      JsonArray items = new JsonArray();
      for (Row r : rows) {
        if (items.size() == limit) {
          return new Page(items, String.valueOf(items.getJsonObject(limit - 1).getInteger("page")));
        }
        String st = r.getString("status");
        boolean open = st.equals("PENDING") || st.equals("RETRYING");
        items.add(new JsonObject()
            .put("page", r.getInteger("page"))
            .put("records", r.getInteger("records"))
            .put("status", st)
            .put("attempts", r.getInteger("attempts"))
            .put("lastStatusCode", r.getInteger("last_status_code"))
            .put("lastError", r.getString("last_error"))
            .put("nextAttemptAt", open ? ImportRepository.iso(r.getOffsetDateTime("next_attempt_at")) : null)
            .put("deliveredAt", ImportRepository.iso(r.getOffsetDateTime("delivered_at"))));
      }
      return new Page(items, null);
    });
  }

  public Future<Page> listAttempts(long importId, String template, boolean failedOnly, int limit, Long after) {
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
      JsonArray items = new JsonArray();
      long last = 0;
      for (Row r : rows) {
        if (items.size() == limit) {
          return new Page(items, String.valueOf(last));
        }
        items.add(new JsonObject()
            .put("page", r.getInteger("page"))
            .put("attempt", r.getInteger("attempt"))
            .put("startedAt", ImportRepository.iso(r.getOffsetDateTime("started_at")))
            .put("durationMs", r.getInteger("duration_ms"))
            .put("statusCode", r.getInteger("status_code"))
            .put("error", r.getString("error"))
            .put("responseExcerpt", r.getString("response_excerpt")));
        last = r.getLong("id");
      }
      return new Page(items, null);
    });
  }
}

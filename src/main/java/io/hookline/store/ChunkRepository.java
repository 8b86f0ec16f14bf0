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

/** Chunks as a queue: claim with a lease, record outcomes under the lease's fencing token, list for the API. */
public final class ChunkRepository {

  /**
   * One statement: lease the next chunks of one destination and return them with their body, their import's fields
   * and the destination's settings as they are now. Parameters: $1 template, $2 owner, $3 most chunks wanted (the
   * rate limiter's batch), $4 chunk lease seconds, $5 chunks this instance holds there (in flight or claimed
   * ahead), $6 the default maxConcurrency, $7 destination lease ms, $8 circuit probe interval ms, $9 the import the
   * previous claim served last, $10 how many caps' worth may be held (2: one in flight, one claimed ahead).
   *
   * <ul>
   *   <li>room: never more than $10 × maxConcurrency held, whatever the caller believes the setting is (the
   *       sender starts at most maxConcurrency of them at once).</li>
   *   <li>rate_lease: a rate-limited destination is sent to by one instance at a time (its token bucket is in
   *       memory); the claim takes or renews that lease, and claims nothing when another instance holds it.</li>
   *   <li>probe: while the circuit is open only one chunk per probe interval is claimable, over all instances.</li>
   *   <li>fairness: the lowest due pages of each of the 64 oldest unfinished imports, interleaved round-robin (first
   *       page of every import, then the second, ...), so a huge import does not starve a small one.</li>
   *   <li>ordered: only the lowest unfinished page of an import is claimable.</li>
   * </ul>
   */
  private static final String CLAIM = """
      WITH d AS (
        SELECT template, ordered, timeout_ms, rate_limit, circuit_open_since,
          GREATEST(0, LEAST($3::int, $10::int * COALESCE(max_concurrency, $6::int) - $5::int)) AS room
        FROM destinations WHERE template = $1),
      rate_lease AS (
        INSERT INTO destination_leases AS l (template, owner, expires_at)
        -- outlives the longest attempt: a sender whose every slot waits on a slow answer claims (and so renews)
        -- again only when one comes back
        SELECT template, $2, now() + make_interval(secs => GREATEST($7::float8 / 1000, timeout_ms / 1000.0 + 10))
        FROM d
        WHERE rate_limit IS NOT NULL AND room > 0
        ON CONFLICT (template) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
          WHERE l.owner = EXCLUDED.owner OR l.expires_at < now()
        RETURNING owner),
      may_send AS (
        SELECT room, ordered, circuit_open_since IS NOT NULL AS open FROM d
        WHERE room > 0 AND (rate_limit IS NULL OR EXISTS (SELECT 1 FROM rate_lease))),
      probe AS (
        UPDATE destinations p
        SET circuit_probe_at = now() + make_interval(secs => COALESCE(p.circuit_probe_ms, $8::bigint) / 1000.0)
        FROM may_send m
        WHERE p.template = $1 AND m.open AND (p.circuit_probe_at IS NULL OR p.circuit_probe_at <= now())
        RETURNING p.template),
      gate AS (
        SELECT ordered, open, CASE WHEN NOT open THEN room WHEN EXISTS (SELECT 1 FROM probe) THEN 1 ELSE 0 END AS n
        FROM may_send),
      open_imports AS (
        SELECT i.id FROM imports i
        WHERE i.template = $1 AND i.status IN ('QUEUED', 'SENDING') AND (SELECT n FROM gate) > 0
        ORDER BY i.id
        -- Not filtered by "has a due chunk": that check cost a scan of every open chunk of each import. An
        -- import whose open chunks all wait for a retry still takes one of these places until it is due.
        LIMIT 64),
      candidates AS (
        SELECT p.import_id, p.page FROM open_imports oi CROSS JOIN LATERAL (
          SELECT c.import_id, c.page, row_number() OVER (ORDER BY c.page) AS rn
          FROM chunks c
          WHERE c.import_id = oi.id AND c.status IN ('PENDING', 'RETRYING') AND c.next_attempt_at <= now()
            AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now())
            AND NOT ((SELECT ordered FROM gate) AND EXISTS (
              SELECT 1 FROM chunks e WHERE e.import_id = c.import_id AND e.page < c.page
                AND e.status IN ('PENDING', 'RETRYING')))
          ORDER BY c.page
          LIMIT (SELECT n FROM gate)) p
        -- round robin over imports, across claims too: after the import served last ($9), then from the start
        ORDER BY p.rn, p.import_id <= $9::bigint, p.import_id
        LIMIT (SELECT n FROM gate)),
      -- Each candidate is locked by its primary key: a join here let the planner scan every due chunk of the
      -- destination (thousands for a large import) to find the few candidates.
      due AS (
        SELECT l.import_id, l.page FROM candidates cd CROSS JOIN LATERAL (
          SELECT c.import_id, c.page FROM chunks c
          WHERE c.import_id = cd.import_id AND c.page = cd.page AND c.template = $1
            AND c.status IN ('PENDING', 'RETRYING') AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now())
          FOR UPDATE SKIP LOCKED) l),
      claimed AS (
        UPDATE chunks c SET lease_owner = $2,
          -- the sender renews the leases it holds (see renew), so a lease outlives a long attempt while its
          -- owner lives, and a dead owner's chunks are free again leaseSeconds after its last renewal
          lease_expires_at = now() + make_interval(secs => $4::float8),
          lease_token = nextval('lease_tokens')
        FROM due
        WHERE c.import_id = due.import_id AND c.page = due.page
        RETURNING c.import_id, c.page, c.template, c.records, c.attempts, c.budget_start, c.lease_token)
      SELECT cl.*, i.upload_id, i.webhook_key, i.total_records, i.total_pages, i.extra, i.auth_value, b.data,
        (SELECT open FROM gate) AS probe,
        """ + DestinationRepository.COLUMNS + """

      FROM claimed cl
        JOIN imports i ON i.id = cl.import_id
        JOIN chunk_bodies b ON b.import_id = cl.import_id AND b.page = cl.page
        JOIN destinations d ON d.template = cl.template
      ORDER BY cl.import_id, cl.page""";

  /**
   * One statement per batch of outcomes: chunk rows (fenced by lease token), attempt rows and the import counters.
   * Counters move only for rows whose token matched, so each outcome is counted once.
   */
  private static final String RECORD = """
      WITH o AS (
        SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::timestamptz[], $6::int[],
                             $7::int[], $8::text[], $9::text[], $10::timestamptz[], $11::bool[])
          AS o(import_id, page, token, status, started_at, duration_ms, status_code, error, excerpt, next_at,
               free)),
      upd AS (
        -- a free attempt (a failed circuit probe) is logged but moves the budget's start along with it
        UPDATE chunks c SET status = o.status, attempts = c.attempts + 1, last_status_code = o.status_code,
          budget_start = c.budget_start + CASE WHEN o.free THEN 1 ELSE 0 END,
          last_error = o.error, next_attempt_at = COALESCE(o.next_at, c.next_attempt_at),
          delivered_at = CASE WHEN o.status = 'DELIVERED' THEN now() END,
          lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL
        FROM o
        WHERE c.import_id = o.import_id AND c.page = o.page AND c.lease_token = o.token
        RETURNING c.import_id, c.page, c.template, c.attempts, c.status),
      att AS (
        INSERT INTO attempts (import_id, page, template, attempt, started_at, duration_ms, status_code, error,
                              response_excerpt)
        SELECT upd.import_id, upd.page, upd.template, upd.attempts, o.started_at, o.duration_ms, o.status_code,
               o.error, o.excerpt
        FROM upd JOIN o ON o.import_id = upd.import_id AND o.page = upd.page),
      per_import AS (
        SELECT import_id, count(*) FILTER (WHERE status = 'DELIVERED') AS delivered,
               count(*) FILTER (WHERE status = 'UNDELIVERED') AS undelivered
        FROM upd GROUP BY import_id),
      imp AS (
        UPDATE imports i SET chunks_delivered = i.chunks_delivered + p.delivered,
          chunks_undelivered = i.chunks_undelivered + p.undelivered,
          status = CASE
            WHEN i.chunks_delivered + p.delivered + i.chunks_undelivered + p.undelivered < i.total_pages THEN 'SENDING'
            WHEN i.chunks_undelivered + p.undelivered = 0 THEN 'COMPLETED'
            WHEN i.chunks_delivered + p.delivered = 0 THEN 'FAILED'
            ELSE 'PARTIALLY_DELIVERED' END,
          completed_at = CASE
            WHEN i.chunks_delivered + p.delivered + i.chunks_undelivered + p.undelivered < i.total_pages THEN NULL
            ELSE now() END
        FROM per_import p WHERE i.id = p.import_id)
      SELECT count(*)::int AS applied FROM upd""";

  private static final String DUE_TEMPLATES = """
      SELECT d.template FROM destinations d
      WHERE EXISTS (SELECT 1 FROM chunks c
                    WHERE c.template = d.template AND c.status IN ('PENDING', 'RETRYING')
                      AND c.next_attempt_at <= now() AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now()))""";

  private static final String RELEASE = """
      UPDATE chunks SET lease_owner = NULL, lease_expires_at = NULL, lease_token = NULL
      WHERE lease_owner = $1 AND lease_token = ANY($2::bigint[])""";

  private static final String RENEW = """
      UPDATE chunks SET lease_expires_at = now() + make_interval(secs => $3::float8)
      WHERE lease_owner = $1 AND lease_token = ANY($2::bigint[])""";

  private final Pool pool;
  private final SecretBox secrets;

  public ChunkRepository(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** What the sender asks of one claim; see {@link #CLAIM} for how each part is used. */
  /** {@code lastImportId}: the import this destination's previous claim served last, where the turn goes on. */
  public record ClaimRequest(String template, String owner, int limit, int leaseSeconds, int inFlight,
      int defaultMaxConcurrency, long destinationLeaseMs, long probeIntervalMs, long lastImportId, int ahead) {}

  public Future<Claim> claim(ClaimRequest q) {
    Tuple t = Tuple.of(q.template(), q.owner(), q.limit(), q.leaseSeconds(), q.inFlight(),
        q.defaultMaxConcurrency(), q.destinationLeaseMs(), q.probeIntervalMs(), q.lastImportId(), q.ahead());
    return pool.preparedQuery(CLAIM).execute(t).map(rows -> {
      if (rows.size() == 0) {
        return new Claim(null, List.of(), false);
      }
      boolean probe = false;
      List<ClaimedChunk> chunks = new ArrayList<>(rows.size());
      Destination destination = null;
      for (Row r : rows) {
        if (destination == null) {
          destination = DestinationRepository.fromRow(r, secrets);
          probe = Boolean.TRUE.equals(r.getBoolean("probe"));
        }
        Buffer auth = r.getBuffer("auth_value");
        String authValue = null;
        boolean authUnreadable = false;
        if (auth != null) {
          try {
            authValue = secrets.open(auth.getBytes());
          } catch (IllegalStateException e) {
            authUnreadable = true;
          }
        }
        chunks.add(new ClaimedChunk(
            r.getLong("import_id"), r.getInteger("page"), r.getString("template"), r.getInteger("records"),
            r.getInteger("attempts"), r.getInteger("budget_start"), r.getLong("lease_token"),
            r.getString("upload_id"), r.getString("webhook_key"), r.getLong("total_records"),
            r.getInteger("total_pages"), r.getBuffer("extra"), authValue, authUnreadable, r.getBuffer("data")));
      }
      return new Claim(destination, chunks, probe);
    });
  }

  /** Writes a batch of outcomes in one round trip; answers how many were applied (the rest lost their lease). */
  public Future<Integer> record(List<Outcome> outcomes) {
    int n = outcomes.size();
    Long[] importIds = new Long[n];
    Integer[] pages = new Integer[n];
    Long[] tokens = new Long[n];
    String[] statuses = new String[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    Integer[] durations = new Integer[n];
    Integer[] codes = new Integer[n];
    String[] errors = new String[n];
    String[] excerpts = new String[n];
    OffsetDateTime[] nextAt = new OffsetDateTime[n];
    Boolean[] free = new Boolean[n];
    for (int i = 0; i < n; i++) {
      Outcome o = outcomes.get(i);
      importIds[i] = o.importId();
      pages[i] = o.page();
      tokens[i] = o.leaseToken();
      statuses[i] = o.status().name();
      started[i] = DestinationRepository.utc(o.startedAt());
      durations[i] = o.durationMs();
      codes[i] = o.statusCode();
      errors[i] = o.error();
      excerpts[i] = o.responseExcerpt();
      nextAt[i] = DestinationRepository.utc(o.nextAttemptAt());
      free[i] = o.freeAttempt();
    }
    Tuple t = Tuple.tuple().addArrayOfLong(importIds).addArrayOfInteger(pages).addArrayOfLong(tokens)
        .addArrayOfString(statuses).addArrayOfOffsetDateTime(started).addArrayOfInteger(durations)
        .addArrayOfInteger(codes).addArrayOfString(errors).addArrayOfString(excerpts)
        .addArrayOfOffsetDateTime(nextAt).addArrayOfBoolean(free);
    return pool.preparedQuery(RECORD).execute(t).map(rows -> rows.iterator().next().getInteger("applied"));
  }

  /** Templates that have a chunk ready to send and not leased: what a poll wakes up. */
  public Future<List<String>> dueTemplates() {
    return pool.query(DUE_TEMPLATES).execute().map(rows -> {
      List<String> templates = new ArrayList<>(rows.size());
      rows.forEach(r -> templates.add(r.getString("template")));
      return templates;
    });
  }

  /** At shutdown: rate-limited destinations this instance sent to pass to another instance at once. */
  public Future<Integer> releaseDestinationLeases(String owner) {
    return pool.preparedQuery("DELETE FROM destination_leases WHERE owner = $1").execute(Tuple.of(owner))
        .map(RowSet::rowCount);
  }

  /** Gives back leases this instance holds but will not use (shutdown, a claim it could not start). */
  public Future<Integer> release(String owner, List<Long> tokens) {
    if (tokens.isEmpty()) {
      return Future.succeededFuture(0);
    }
    // Not Tuple.of(owner, array): with two arguments that resolves to of(Object, Object...) and spreads the array.
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.tuple().addString(owner).addArrayOfLong(tokens.toArray(Long[]::new)))
        .map(RowSet::rowCount);
  }

  /** Extends the leases this instance still holds (requests in flight, outcomes not yet written). */
  public Future<Integer> renew(String owner, List<Long> tokens, int leaseSeconds) {
    if (tokens.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(RENEW)
        .execute(Tuple.tuple().addString(owner).addArrayOfLong(tokens.toArray(Long[]::new)).addInteger(leaseSeconds))
        .map(RowSet::rowCount);
  }

  /** For the gauges: unfinished chunks, and imports per status. */
  public Future<java.util.Map<String, Long>> counts() {
    return pool.query("""
        SELECT 'CHUNKS_PENDING' AS k, count(*) AS n FROM chunks WHERE status IN ('PENDING', 'RETRYING')
        UNION ALL SELECT status, count(*) FROM imports GROUP BY status""").execute().map(rows -> {
          java.util.Map<String, Long> counts = new java.util.HashMap<>();
          rows.forEach(r -> counts.put(r.getString("k"), r.getLong("n")));
          return counts;
        });
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

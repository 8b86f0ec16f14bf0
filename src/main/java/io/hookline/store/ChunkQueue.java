package io.hookline.store;

import io.hookline.format.ChunkFormat;
import io.hookline.security.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chunks as a queue, for the owner of a destination: read the next batch with its bodies, write a batch of outcomes
 * under the owner's epoch. One instance per sender shard, used from that shard's event loop only; its pool's
 * connections prepare each statement once.
 */
public final class ChunkQueue {

    private static final String CLAIM = Sql.load("claim");
    private static final String RECORD = Sql.load("record");
    /** Decrypted auth values of the imports being sent lately: one decryption per import, not one per chunk. */
    private static final int AUTH_CACHE_SIZE = 256;

    private final Pool pool;
    private final SecretBox secrets;
    private final Map<Long, AuthValue> authValues = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, AuthValue> eldest) {
            return size() > AUTH_CACHE_SIZE;
        }
    };

    private record AuthValue(Buffer sealed, String value, boolean unreadable) {}

    /**
     * What one claim asks for; see claim.sql. {@code cursors}: import id → the highest page of it claimed so far, only
     * later pages are looked at; {@code held}: chunks of the other imports that the owner holds, not to be returned.
     */
    public record ClaimRequest(
            String template,
            String owner,
            long epoch,
            int maxChunks,
            long maxBytes,
            long lastImportId,
            boolean ordered,
            Map<Long, Integer> cursors,
            List<ChunkKey> held) {}

    /** A chunk's key. */
    public record ChunkKey(long importId, int page) {}

    public ChunkQueue(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    public Future<Claim> claim(ClaimRequest q) {
        Long[] cursorImports = new Long[q.cursors().size()];
        Integer[] cursorPages = new Integer[q.cursors().size()];
        int i = 0;
        for (Map.Entry<Long, Integer> e : q.cursors().entrySet()) {
            cursorImports[i] = e.getKey();
            cursorPages[i++] = e.getValue();
        }
        Long[] heldImports = new Long[q.held().size()];
        Integer[] heldPages = new Integer[q.held().size()];
        for (int k = 0; k < heldImports.length; k++) {
            heldImports[k] = q.held().get(k).importId();
            heldPages[k] = q.held().get(k).page();
        }
        Tuple t = Tuple.tuple()
                .addString(q.template())
                .addString(q.owner())
                .addLong(q.epoch())
                .addInteger(q.maxChunks())
                .addLong(q.maxBytes())
                .addLong(q.lastImportId())
                .addBoolean(q.ordered())
                .addArrayOfLong(cursorImports)
                .addArrayOfInteger(cursorPages)
                .addArrayOfLong(heldImports)
                .addArrayOfInteger(heldPages);
        return pool.preparedQuery(CLAIM).execute(t).map(rows -> {
            if (rows.size() == 0) {
                return Claim.NOT_OWNED;
            }
            List<ClaimedChunk> chunks = new ArrayList<>(rows.size());
            long version = 0;
            boolean more = false;
            Instant nextDue = null;
            for (Row r : rows) {
                version = r.getLong("version");
                more = r.getBoolean("more");
                OffsetDateTime due = r.getOffsetDateTime("next_due");
                nextDue = due == null ? null : due.toInstant();
                Long importId = r.getLong("import_id");
                if (importId == null) {
                    continue; // the one row of a claim that took nothing
                }
                AuthValue auth = authValue(importId, r.getBuffer("auth_value"));
                chunks.add(new ClaimedChunk(
                        importId,
                        r.getInteger("page"),
                        q.template(),
                        r.getInteger("records"),
                        r.getInteger("attempts"),
                        r.getInteger("budget_start"),
                        q.epoch(),
                        r.getString("upload_id"),
                        r.getString("webhook_key"),
                        r.getLong("total_records"),
                        r.getInteger("total_pages"),
                        r.getBuffer("extra"),
                        auth.value(),
                        auth.unreadable(),
                        r.getBuffer("data"),
                        ChunkFormat.of(r.getString("chunk_format"))));
            }
            return new Claim(true, version, chunks, more, nextDue);
        });
    }

    private AuthValue authValue(long importId, Buffer sealed) {
        AuthValue cached = authValues.get(importId);
        if (cached != null && java.util.Objects.equals(cached.sealed(), sealed)) {
            return cached;
        }
        AuthValue opened;
        if (sealed == null) {
            opened = new AuthValue(null, null, false);
        } else {
            String value = null;
            boolean unreadable = false;
            try {
                value = secrets.open(sealed.getBytes());
            } catch (IllegalStateException e) {
                unreadable = true;
            }
            opened = new AuthValue(sealed, value, unreadable);
        }
        authValues.put(importId, opened);
        return opened;
    }

    /**
     * What a batch of outcomes came to: how many were applied (the rest were fenced out, their writer no longer owning
     * the destination, or the chunk finished meanwhile: a forced delete), and the destinations that got a notice
     * because an import of theirs ended.
     */
    public record Recorded(int applied, List<String> noticed) {}

    /** Writes a batch of outcomes (of any destinations) in one round trip. */
    public Future<Recorded> record(List<Outcome> outcomes) {
        int n = outcomes.size();
        Long[] importIds = new Long[n];
        Integer[] pages = new Integer[n];
        String[] templates = new String[n];
        Long[] epochs = new Long[n];
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
            templates[i] = o.template();
            epochs[i] = o.epoch();
            statuses[i] = o.status().name();
            started[i] = DestinationRepository.utc(o.startedAt());
            durations[i] = o.durationMs();
            codes[i] = o.statusCode();
            errors[i] = o.error();
            excerpts[i] = o.responseExcerpt();
            nextAt[i] = DestinationRepository.utc(o.nextAttemptAt());
            free[i] = o.freeAttempt();
        }
        Tuple t = Tuple.tuple()
                .addArrayOfLong(importIds)
                .addArrayOfInteger(pages)
                .addArrayOfString(templates)
                .addArrayOfLong(epochs)
                .addArrayOfString(statuses)
                .addArrayOfOffsetDateTime(started)
                .addArrayOfInteger(durations)
                .addArrayOfInteger(codes)
                .addArrayOfString(errors)
                .addArrayOfString(excerpts)
                .addArrayOfOffsetDateTime(nextAt)
                .addArrayOfBoolean(free);
        return pool.preparedQuery(RECORD).execute(t).map(rows -> {
            Row r = rows.iterator().next();
            return new Recorded(r.getInteger("applied"), List.of(r.getArrayOfStrings("noticed")));
        });
    }
}

package io.hookline.store;

import io.hookline.security.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Notices as a queue, for the owner of their destination: the next due one with where it goes now, and one attempt's
 * outcome at a time (notices are few: one per import that ends, one per circuit change).
 */
public final class NoticeQueue {

    private static final String CLAIM = Sql.load("claim-notices");
    private static final String RECORD = Sql.load("record-notice");

    /** A notice to send: its id, {@code webhook-id} key, exact body, attempts made, and where it goes now. */
    public record Notice(
            long id,
            String webhookKey,
            Buffer body,
            int attempts,
            String type,
            String notifyUrl,
            String authValue,
            boolean authUnreadable) {

        public String webhookId() {
            return "ntc_" + webhookKey;
        }
    }

    private final Pool pool;
    private final SecretBox secrets;

    public NoticeQueue(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    /** The next due notice of the destination, or null (none due, or no longer the owner). */
    public Future<Notice> next(String template, String owner, long epoch) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(template, owner, epoch))
                .map(rows -> {
                    for (Row r : rows) {
                        Buffer sealed = r.getBuffer("auth_value");
                        String auth = null;
                        boolean unreadable = false;
                        if (sealed != null) {
                            try {
                                auth = secrets.open(sealed.getBytes());
                            } catch (IllegalStateException e) {
                                unreadable = true;
                            }
                        }
                        return new Notice(
                                r.getLong("id"),
                                r.getString("webhook_key"),
                                r.getBuffer("body"),
                                r.getInteger("attempts"),
                                r.getString("type"),
                                r.getString("notify_url"),
                                auth,
                                unreadable);
                    }
                    return null;
                });
    }

    /** Answers whether the outcome was written (false: fenced out). */
    public Future<Boolean> record(
            long id,
            String template,
            long epoch,
            Outcome.ChunkStatus status,
            Integer statusCode,
            String error,
            Instant nextAttemptAt) {
        Tuple t = Tuple.tuple()
                .addLong(id)
                .addString(template)
                .addLong(epoch)
                .addString(status.name())
                .addInteger(statusCode)
                .addString(error)
                .addOffsetDateTime(DestinationRepository.utc(nextAttemptAt));
        return pool.preparedQuery(RECORD).execute(t).map(rows -> rows.rowCount() > 0);
    }
}

package io.hookline.store;

import io.hookline.security.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a key rotation (HOOKLINE_ENCRYPTION_KEY new, HOOKLINE_ENCRYPTION_KEY_PREVIOUS the old one), seals every stored
 * secret that the current key did not seal again with it: the destinations' signing secrets, then the imports' auth
 * values, a batch at a time. Each row is written only if it still holds what was read (a PUT or a rotation meanwhile
 * wins). Once it has logged that it is done, the previous key is no longer needed.
 */
public final class SecretReseal {

    private static final Logger LOG = LoggerFactory.getLogger(SecretReseal.class);
    private static final int BATCH = 500;

    private static final String RESEAL_DESTINATION = """
      UPDATE destinations SET signing_secret = $2, previous_signing_secret = $3
      WHERE template = $1 AND signing_secret IS NOT DISTINCT FROM $4
        AND previous_signing_secret IS NOT DISTINCT FROM $5""";

    private static final String AUTH_VALUES = """
      SELECT id, auth_value FROM imports WHERE id > $1 AND auth_value IS NOT NULL ORDER BY id LIMIT $2""";

    private static final String RESEAL_AUTH_VALUES = """
      UPDATE imports i SET auth_value = u.sealed
      FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS u(id, sealed, was)
      WHERE i.id = u.id AND i.auth_value = u.was""";

    private final Pool pool;
    private final SecretBox secrets;
    private int resealed;
    private int unreadable;

    public SecretReseal(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    /** Runs to the end; answers how many secrets it sealed again. */
    public Future<Integer> run() {
        return destinations().compose(v -> authValues(0)).map(v -> {
            LOG.info(
                    "re-sealed {} stored secrets with the current encryption key{}",
                    resealed,
                    unreadable == 0
                            ? "; the previous key is no longer needed"
                            : "; " + unreadable + " could be opened with neither key and were left as they are");
            return resealed;
        });
    }

    private Future<Void> destinations() {
        return pool.query("SELECT template, signing_secret, previous_signing_secret FROM destinations")
                .execute()
                .compose(rows -> {
                    List<Tuple> updates = new ArrayList<>();
                    for (Row r : rows) {
                        Buffer current = r.getBuffer("signing_secret");
                        Buffer previous = r.getBuffer("previous_signing_secret");
                        if (stale(current) || stale(previous)) {
                            Buffer newCurrent = reseal(current);
                            Buffer newPrevious = reseal(previous);
                            boolean opened = (current == null || newCurrent != null)
                                    && (previous == null || newPrevious != null);
                            if (opened) {
                                updates.add(
                                        Tuple.of(r.getString("template"), newCurrent, newPrevious, current, previous));
                            }
                        }
                    }
                    return updates.isEmpty()
                            ? Future.succeededFuture()
                            : pool.preparedQuery(RESEAL_DESTINATION)
                                    .executeBatch(updates)
                                    .map(done -> {
                                        resealed += updates.size();
                                        return null;
                                    });
                });
    }

    private Future<Void> authValues(long after) {
        return pool.preparedQuery(AUTH_VALUES).execute(Tuple.of(after, BATCH)).compose(rows -> {
            List<Long> ids = new ArrayList<>();
            List<Buffer> sealed = new ArrayList<>();
            List<Buffer> was = new ArrayList<>();
            long last = after;
            for (Row r : rows) {
                last = r.getLong("id");
                Buffer value = r.getBuffer("auth_value");
                Buffer again = stale(value) ? reseal(value) : null;
                if (again != null) {
                    ids.add(last);
                    sealed.add(again);
                    was.add(value);
                }
            }
            long next = last;
            Future<Void> written = ids.isEmpty()
                    ? Future.succeededFuture()
                    : pool.preparedQuery(RESEAL_AUTH_VALUES)
                            .execute(Tuple.tuple()
                                    .addArrayOfLong(ids.toArray(Long[]::new))
                                    .addArrayOfBuffer(sealed.toArray(Buffer[]::new))
                                    .addArrayOfBuffer(was.toArray(Buffer[]::new)))
                            .map(done -> {
                                resealed += done.rowCount();
                                return null;
                            });
            return written.compose(v -> rows.size() < BATCH ? Future.succeededFuture() : authValues(next));
        });
    }

    private boolean stale(Buffer sealed) {
        return sealed != null && !secrets.isCurrent(sealed.getBytes());
    }

    /** The value sealed with the current key; null when it is null or cannot be opened. */
    private Buffer reseal(Buffer sealed) {
        if (sealed == null) {
            return null;
        }
        if (!stale(sealed)) {
            return sealed;
        }
        try {
            return Buffer.buffer(secrets.seal(secrets.open(sealed.getBytes())));
        } catch (IllegalStateException e) {
            unreadable++;
            return null;
        }
    }
}

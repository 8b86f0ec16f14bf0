package io.hookline.store;

import io.vertx.pgclient.PgException;

/** Tells a database that does not answer (try again later) from a statement of ours that failed (a bug). */
public final class DatabaseErrors {

    private DatabaseErrors() {}

    /** Anything from the database layer that is not our own SQL's fault: refused, reset, closed, timed out. */
    public static boolean isUnavailable(Throwable t) {
        if (t instanceof PgException pg) {
            String state = pg.getSqlState();
            // 08: connection exceptions, 57P: operator intervention (shutdown), 53: insufficient resources
            return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
        }
        return t instanceof java.io.IOException
                || t instanceof java.util.concurrent.TimeoutException
                || t instanceof io.vertx.core.VertxException
                || t instanceof io.vertx.core.eventbus.ReplyException
                || (t.getCause() != null && t.getCause() != t && isUnavailable(t.getCause()));
    }
}

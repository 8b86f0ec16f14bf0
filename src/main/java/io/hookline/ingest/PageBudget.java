package io.hookline.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of finished pages that wait to be written, over every upload of one server. While they are over the
 * limit, uploads that finish another page stop reading their request (TCP pushes back on the client) until writes
 * bring the total down: the heap holds at most about this much page data however many uploads run at once.
 *
 * <p>Whoever holds bytes is writing them or will at its next check (see ImportUpload), so the total always falls.
 */
final class PageBudget implements Shareable {

    private final long limit;
    private long used;
    private final List<Runnable> waiting = new ArrayList<>();

    private PageBudget(long limit) {
        this.limit = limit;
    }

    /** The budget of this Vert.x instance (one server), made by the first ApiVerticle that asks. */
    static PageBudget of(Vertx vertx, long limit) {
        return vertx.sharedData()
                .<String, PageBudget>getLocalMap("hookline.ingest")
                .computeIfAbsent("pageBudget", k -> new PageBudget(limit));
    }

    synchronized void take(long bytes) {
        used += bytes;
    }

    synchronized boolean over() {
        return used > limit;
    }

    /** Gives bytes back; when that brings the total under the limit, runs everything that waited for it. */
    void give(long bytes) {
        if (bytes == 0) {
            return;
        }
        List<Runnable> wake;
        synchronized (this) {
            used -= bytes;
            if (used > limit || waiting.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(Runnable::run);
    }

    /** Runs {@code whenUnder} once the total is under the limit: at once when it is, else from a later give. */
    void whenUnder(Runnable whenUnder) {
        synchronized (this) {
            if (used > limit) {
                waiting.add(whenUnder);
                return;
            }
        }
        whenUnder.run();
    }
}

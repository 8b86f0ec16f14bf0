package io.hookline.ingest;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.HashMap;
import java.util.Map;

/**
 * How many uploads run at once, overall and per API key, over every ApiVerticle instance of one server. An upload
 * that finds no free slot is refused at once (429) instead of waiting in a queue behind the others: a client
 * holding many uploads open cannot crowd out the rest.
 */
final class UploadSlots implements Shareable {

    private final int overall;
    private final int perKey;
    private final Map<String, Integer> byKey = new HashMap<>();
    private int inUse;

    private UploadSlots(int overall, int perKey) {
        this.overall = overall;
        this.perKey = perKey;
    }

    /** The slots of this Vert.x instance (one server), made by the first ApiVerticle that asks. */
    static UploadSlots of(Vertx vertx, int overall, int perKey) {
        return vertx.sharedData()
                .<String, UploadSlots>getLocalMap("hookline.ingest")
                .computeIfAbsent("uploadSlots", k -> new UploadSlots(overall, perKey));
    }

    /**
     * Takes a slot for an upload of this API key (null: the server has no keys, and only the overall cap applies).
     * Answers null when it did, else which cap is reached (and takes nothing).
     */
    synchronized String tryTake(String key) {
        if (key != null) {
            int mine = byKey.getOrDefault(key, 0);
            if (mine >= perKey) {
                return perKey + " uploads at once per API key (ingest.maxConcurrentUploadsPerKey)";
            }
            if (inUse >= overall) {
                return overall + " uploads at once (ingest.maxConcurrentUploads)";
            }
            byKey.put(key, mine + 1);
        } else if (inUse >= overall) {
            return overall + " uploads at once (ingest.maxConcurrentUploads)";
        }
        inUse++;
        return null;
    }

    synchronized void give(String key) {
        inUse--;
        if (key != null) {
            byKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }
}

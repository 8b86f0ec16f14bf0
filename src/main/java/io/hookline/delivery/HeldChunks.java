package io.hookline.delivery;

import io.hookline.store.ChunkQueue.ChunkKey;
import io.hookline.store.ClaimedChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chunks a destination's owner holds (buffered, waiting for the limiter, in flight, or waiting for their outcome
 * to be written) and, per import, the highest page it claimed while holding any: the claim's cursors. Claimed pages
 * of an import come in page order, so a claim that looks only past an import's cursor cannot return one of these;
 * a claim that looks from the start (after a wake: a retry may have come due below a cursor) excludes them by key.
 */
final class HeldChunks {

    private final Set<ChunkKey> keys = new HashSet<>();
    /** import id → [chunks held, highest page claimed]. */
    private final Map<Long, int[]> perImport = new HashMap<>();

    void add(ClaimedChunk c) {
        if (keys.add(new ChunkKey(c.importId(), c.page()))) {
            int[] held = perImport.computeIfAbsent(c.importId(), id -> new int[2]);
            held[0]++;
            held[1] = Math.max(held[1], c.page());
        }
    }

    void remove(ClaimedChunk c) {
        if (keys.remove(new ChunkKey(c.importId(), c.page()))) {
            int[] held = perImport.get(c.importId());
            if (--held[0] == 0) {
                perImport.remove(c.importId());
            }
        }
    }

    int size() {
        return keys.size();
    }

    /** import id → the page after which the next pages of it are, for imports with chunks held. */
    Map<Long, Integer> cursors() {
        Map<Long, Integer> cursors = new HashMap<>(perImport.size() * 2);
        perImport.forEach((id, held) -> cursors.put(id, held[1]));
        return cursors;
    }

    List<ChunkKey> keys() {
        return new ArrayList<>(keys);
    }
}

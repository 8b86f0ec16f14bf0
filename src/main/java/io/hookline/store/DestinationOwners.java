package io.hookline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who sends to which destination: live instances announce themselves, and each destination with work has one owner
 * at a time, holding a lease that it renews and that another instance takes over once it runs out.
 */
public final class DestinationOwners {

    private static final String HEARTBEAT = Sql.load("instance-heartbeat");
    private static final String BUSY = Sql.load("busy-destinations");
    private static final String ACQUIRE = Sql.load("acquire-destinations");
    private static final String RENEW = Sql.load("renew-destinations");
    private static final String GIVE_BACK = Sql.load("release-destinations");

    /** A destination as the ownership round sees it: its owner (null: none), whether that owner's lease is valid. */
    public record Candidate(String template, String owner, boolean ownerAlive, boolean busy) {}

    /** The busy destinations and those the asking instance owns, and how many instances are alive. */
    public record Survey(List<Candidate> destinations, int liveInstances) {}

    private final Pool pool;

    public DestinationOwners(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> heartbeat(String instanceId, long ttlMs) {
        return pool.preparedQuery(HEARTBEAT)
                .execute(Tuple.of(instanceId, ttlMs))
                .mapEmpty();
    }

    /** At shutdown: the instance is gone at once rather than when its heartbeat runs out. */
    public Future<Void> leave(String instanceId) {
        return pool.preparedQuery("/* hookline:leave */ DELETE FROM instances WHERE id = $1")
                .execute(Tuple.of(instanceId))
                .mapEmpty();
    }

    public Future<Survey> survey(String instanceId) {
        return pool.preparedQuery(BUSY).execute(Tuple.of(instanceId)).map(rows -> {
            List<Candidate> all = new ArrayList<>(rows.size());
            int instances = 1;
            for (Row r : rows) {
                all.add(new Candidate(
                        r.getString("template"),
                        r.getString("owner"),
                        r.getBoolean("owner_alive"),
                        r.getBoolean("busy")));
                instances = Math.max(1, r.getLong("instances").intValue());
            }
            return new Survey(all, instances);
        });
    }

    /** Takes the given destinations where they are free; answers template → epoch of those taken. */
    public Future<Map<String, Long>> acquire(String instanceId, List<String> templates, long ttlMs) {
        if (templates.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return pool.preparedQuery(ACQUIRE)
                .execute(Tuple.tuple()
                        .addString(instanceId)
                        .addArrayOfString(templates.toArray(String[]::new))
                        .addLong(ttlMs))
                .map(rows -> {
                    Map<String, Long> taken = new HashMap<>();
                    rows.forEach(r -> taken.put(r.getString("template"), r.getLong("epoch")));
                    return taken;
                });
    }

    /** Extends the leases held (template → epoch); answers the templates still held. */
    public Future<Set<String>> renew(String instanceId, Map<String, Long> held, long ttlMs) {
        if (held.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        String[] templates = new String[held.size()];
        Long[] epochs = new Long[held.size()];
        int i = 0;
        for (Map.Entry<String, Long> e : held.entrySet()) {
            templates[i] = e.getKey();
            epochs[i++] = e.getValue();
        }
        return pool.preparedQuery(RENEW)
                .execute(Tuple.tuple()
                        .addString(instanceId)
                        .addArrayOfString(templates)
                        .addArrayOfLong(epochs)
                        .addLong(ttlMs))
                .map(rows -> {
                    Set<String> kept = new HashSet<>();
                    rows.forEach(r -> kept.add(r.getString("template")));
                    return kept;
                });
    }

    /** Gives the destinations back (all of this instance's when {@code templates} is null); others are told. */
    public Future<Integer> giveBack(String instanceId, List<String> templates) {
        Tuple t = Tuple.tuple()
                .addString(instanceId)
                .addArrayOfString(templates == null ? null : templates.toArray(String[]::new));
        return pool.preparedQuery(GIVE_BACK).execute(t).map(rows -> rows.size());
    }
}

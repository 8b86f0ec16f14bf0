package io.hookline.delivery;

import io.hookline.store.DestinationOwners;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one sender shard does in an ownership round, decided from a survey of the busy destinations and their owners:
 * which free destinations of its own share to take, which idle ones to give back, and whether to hand one over so
 * that the busy destinations spread evenly over the live instances. Each instance takes at most its fair share,
 * {@code ceil(busy / instances)}; an instance holding more than that, or two more than the instance holding fewest,
 * hands one over per round.
 *
 * @param acquire free busy destinations to try to take, in a per-instance order that keeps instances from all
 *     reaching for the same one first
 * @param handOver a busy destination of this shard to give to another instance, or null
 */
record OwnershipPlan(List<String> acquire, String handOver) {

    /**
     * @param survey the busy destinations (and this instance's own) with their owners
     * @param instanceId this instance
     * @param mine whether a template belongs to this shard (destinations are spread over the shards by hash)
     * @param held the destinations this shard holds now
     * @param mayHandOver false while another shard of this instance is handing one over
     */
    static OwnershipPlan decide(
            DestinationOwners.Survey survey,
            String instanceId,
            Predicate<String> mine,
            Set<String> held,
            boolean mayHandOver) {
        int instances = Math.max(1, survey.liveInstances());
        int busy = 0;
        int ownedHere = 0;
        Map<String, Integer> perOwner = new HashMap<>();
        List<String> free = new ArrayList<>();
        for (DestinationOwners.Candidate c : survey.destinations()) {
            boolean owned = c.owner() != null && c.ownerAlive();
            if (c.busy()) {
                busy++;
                if (owned) {
                    perOwner.merge(c.owner(), 1, Integer::sum);
                }
            }
            if (owned && c.owner().equals(instanceId)) {
                if (c.busy()) {
                    ownedHere++; // an idle one goes back in this round: it takes no room from a busy one
                }
            } else if (c.busy() && !owned && mine.test(c.template()) && !held.contains(c.template())) {
                free.add(c.template());
            }
        }
        int share = (busy + instances - 1) / instances;
        int room = Math.max(0, share - ownedHere);
        free.sort(Comparator.comparingInt(t -> (t + '\0' + instanceId).hashCode()));
        List<String> acquire = free.subList(0, Math.min(room, free.size()));

        String handOver = null;
        int busyHere = perOwner.getOrDefault(instanceId, 0);
        // instances that own no busy destination do not appear in perOwner: they hold 0
        int fewest = perOwner.size() < instances
                ? 0
                : perOwner.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (mayHandOver && instances > 1 && acquire.isEmpty() && (busyHere > share || busyHere >= fewest + 2)) {
            handOver = survey.destinations().stream()
                    .filter(c ->
                            c.busy() && instanceId.equals(c.owner()) && c.ownerAlive() && held.contains(c.template()))
                    .map(DestinationOwners.Candidate::template)
                    .findFirst()
                    .orElse(null);
        }
        return new OwnershipPlan(List.copyOf(acquire), handOver);
    }
}

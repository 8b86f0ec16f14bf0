package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.store.DestinationOwners.Candidate;
import io.hookline.store.DestinationOwners.Survey;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who takes what: every instance its fair share of the busy destinations, handing over when out of balance. */
class OwnershipPlanTest {

    private static Candidate busy(String template, String owner) {
        return new Candidate(template, owner, owner != null, true);
    }

    @Test
    void aLoneInstanceTakesEveryFreeBusyDestinationOfItsShard() {
        Survey s = new Survey(List.of(busy("a", null), busy("b", null), busy("c", "me")), 1);
        OwnershipPlan plan = OwnershipPlan.decide(s, "me", t -> !t.equals("b"), Set.of("c"), true);
        assertThat(plan.acquire()).containsExactly("a");
        assertThat(plan.handOver()).isNull();
    }

    @Test
    void anIdleDestinationStillHeldLeavesRoomForANewlyBusyOne() {
        // "old" finished its imports and goes back in this round; "new" just got an import: taken now, not a round
        // later
        Survey s = new Survey(List.of(new Candidate("old", "me", true, false), busy("new", null)), 1);
        assertThat(OwnershipPlan.decide(s, "me", t -> true, Set.of("old"), true).acquire())
                .containsExactly("new");
    }

    @Test
    void noInstanceTakesMoreThanItsFairShare() {
        Survey s = new Survey(List.of(busy("a", null), busy("b", null), busy("c", null), busy("d", null)), 2);
        assertThat(OwnershipPlan.decide(s, "me", t -> true, Set.of(), true).acquire())
                .hasSize(2);
        Survey some = new Survey(List.of(busy("a", "me"), busy("b", null), busy("c", null), busy("d", null)), 2);
        assertThat(OwnershipPlan.decide(some, "me", t -> true, Set.of("a"), true)
                        .acquire())
                .hasSize(1);
    }

    @Test
    void anInstanceOverItsShareHandsOneOverWhenAnotherHasRoom() {
        Survey s = new Survey(List.of(busy("a", "me"), busy("b", "me"), busy("c", "me"), busy("d", "other")), 2);
        OwnershipPlan plan = OwnershipPlan.decide(s, "me", t -> true, Set.of("a", "b", "c"), true);
        assertThat(plan.handOver()).isIn("a", "b", "c");
        assertThat(OwnershipPlan.decide(s, "me", t -> true, Set.of("a", "b", "c"), false)
                        .handOver())
                .as("not while another shard of this instance is handing one over")
                .isNull();
    }

    @Test
    void aBalancedSpreadStaysAsItIs() {
        Survey s = new Survey(List.of(busy("a", "me"), busy("b", "me"), busy("c", "other")), 2);
        OwnershipPlan plan = OwnershipPlan.decide(s, "me", t -> true, Set.of("a", "b"), true);
        assertThat(plan.handOver()).isNull();
        assertThat(plan.acquire()).isEmpty();
        Survey one = new Survey(List.of(busy("a", "me")), 3);
        assertThat(OwnershipPlan.decide(one, "me", t -> true, Set.of("a"), true).handOver())
                .as("a single busy destination stays with its owner")
                .isNull();
    }

    @Test
    void aDestinationWhoseOwnersLeaseRanOutIsFree() {
        Survey s = new Survey(List.of(new Candidate("a", "dead", false, true)), 1);
        assertThat(OwnershipPlan.decide(s, "me", t -> true, Set.of(), true).acquire())
                .containsExactly("a");
    }
}

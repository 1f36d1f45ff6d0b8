package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The adaptive policy's decisions for one node at a time, on nodes made by hand. */
class AdaptivePolicyTest {
    private static final NodeLimits M5_LARGE = new NodeLimits(3, 9, 27);
    private static final long REFILL = 3_450;

    /** A node as the policy sees it; the future is not asked for. */
    private record Node(int index, long now, int running, int pending, int free) implements NodeView {
        @Override
        public NodeLimits limits() {
            return M5_LARGE;
        }

        @Override
        public int[] peakDemand(long... windowsMillis) {
            throw new AssertionError("the adaptive policy read the future");
        }

        @Override
        public long nextArrival() {
            throw new AssertionError("the adaptive policy read the future");
        }
    }

    /** The account allows 1 call per second, 1 at once; the policy's budget is 0.9 of that. */
    private static AdaptivePolicy policy() {
        return (AdaptivePolicy) Policies.forNode("podnet-adaptive",
                new PolicyContext(REFILL, 1, 1, () -> 3, CallBudget::tokenBucket, null));
    }

    @Test
    void aNodeBelowTheFloorRefillsAtOnceWhenNoCallQueues() {
        AdaptivePolicy policy = policy();
        assertThat(policy.targets(new Node(0, 0, 10, 0, 5)))
                .hasValueSatisfying(c -> assertThat(c.warmIpTarget()).isEqualTo(7 + 3));
        assertThat(policy.targets(new Node(1, 0, 10, 0, 8))).as("at the floor and within the batch").isEmpty();
    }

    @Test
    void whileCallsQueueANodeThatCanWaitPutsItsRefillOffAndOneAboutToRunDryDoesNot() {
        AdaptivePolicy policy = policy();
        long last = 0;
        for (int i = 0; i < 20; i++) {
            last = policy.reserveCall(0);
        }
        assertThat(last).as("20 calls at 0.9/s queue for about 20 s").isGreaterThan(20_000);

        Node canWait = new Node(0, 0, 10, 0, 5);
        assertThat(policy.targets(canWait)).isEmpty();
        assertThat(policy.wakeAt(canWait).orElseThrow()).as("it looks again once the queue is gone")
                .isBetween(20_000L, last + 2_000);

        assertThat(policy.targets(new Node(1, 0, 10, 0, 1))).as("one address left").isPresent();
        assertThat(policy.targets(new Node(2, 0, 10, 1, 5))).as("a pod waits already").isPresent();
    }

    @Test
    void theBurstsANodeSeesRaiseItsTargetButTheBacklogItJoinsWithDoesNot() {
        AdaptivePolicy policy = policy();
        for (int i = 0; i < 20; i++) {
            policy.onArrival(new Node(0, 0, i, 0, 0));
        }
        assertThat(policy.target(new Node(0, 1_000, 20, 0, 0))).as("the pods it joined with").isEqualTo(7);
        for (int i = 0; i < 12; i++) {
            policy.onArrival(new Node(0, 60_000, 20 + i, 0, 0));
        }
        assertThat(policy.target(new Node(0, 60_000, 32, 0, 0))).as("a 12-pod burst later on")
                .isGreaterThanOrEqualTo(12);
        assertThat(policy.wakeAt(new Node(0, 60_000, 32, 0, 0))).isEqualTo(OptionalLong.empty());
    }

    @Test
    void addressesBeyondTheBatchGoBackOnlyAfterTheCooldown() {
        AdaptivePolicy policy = policy();
        Node flush = new Node(0, 0, 10, 0, 15);
        assertThat(policy.targets(flush)).as("first seen: kept for one cooldown").isEmpty();
        assertThat(policy.wakeAt(flush)).hasValue(600_000);
        assertThat(policy.targets(new Node(0, 600_000, 10, 0, 15)))
                .hasValueSatisfying(c -> assertThat(c).isEqualTo(WarmPoolConfig.builder().warmEniTarget(0)
                        .warmIpTarget(7 + 3).minimumIpTarget(0).build()));
    }
}

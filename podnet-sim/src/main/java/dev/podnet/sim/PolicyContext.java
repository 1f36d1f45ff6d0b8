package dev.podnet.sim;

import java.util.function.IntSupplier;

/**
 * What a policy is made with, in the simulator or on a node: EC2's refill latency, the account's call rate, how many
 * nodes share it, and where the shared call budget lives.
 *
 * @param refillMillis    from "pool empty" to a usable address on a new ENI (create, attach, assign, attach delay)
 * @param callsPerSecond  the account's EC2 rate for calls that change ENIs
 * @param callBurst       the account's EC2 bucket size
 * @param nodes           how many nodes share the account now
 * @param budgets         a shared budget of the given rate (per second) and burst
 * @param scenario        the scenario, for the oracle only (it reads the future); null on a node
 */
public record PolicyContext(long refillMillis, double callsPerSecond, double callBurst, IntSupplier nodes,
                            Budgets budgets, Scenario scenario) {

    /** Makes the shared budget. */
    public interface Budgets {
        CallBudget create(double perSecond, double burst);
    }

    /** The simulator's: one in-memory bucket shared by every node of the run. */
    public static PolicyContext of(Scenario s) {
        int nodes = s.nodeGroups().stream().mapToInt(s::nodesEver).sum();
        return new PolicyContext(s.ec2().attachRefill().toMillis(), s.ec2().throttleRate(), s.ec2().throttleBurst(),
                () -> nodes, CallBudget::tokenBucket, s);
    }
}

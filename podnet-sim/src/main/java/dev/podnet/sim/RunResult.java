package dev.podnet.sim;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One policy's numbers over the measured part of a run (after the warmup).
 *
 * @param heldPerRunningPod    VPC addresses the nodes hold for pods per running pod, time-weighted: secondary
 *                             addresses and prefixes, and the primary address of every ENI but the node's first
 *                             (the node's own address, which any CNI, an overlay too, needs)
 * @param coldStarts           pods that found no free address and waited for EC2
 * @param ec2Calls             EC2 requests made, throttled ones included
 * @param peakSubnetUsed       the most any node-group subnet was used, as a fraction of its usable addresses
 * @param failedCalls          EC2 refusals other than throttling, by error code (a limit or quota reached)
 * @param scaleUpSeconds       the longest time from a join or burst until each of its pods had an address (empty:
 *                             none in the measured part); a scale-up unfinished at the end counts until the end
 * @param commonViolations     broken bookkeeping invariants every policy promises (an address given twice, more ENIs
 *                             or slots than the instance type allows)
 * @param violations           what {@link Policy#check} found broken, those above included
 */
public record RunResult(String name, double heldPerRunningPod, double heldPerRunningPodP95, long coldStarts,
                        double waitP50Seconds, double waitP99Seconds, long ec2Calls, long throttledCalls,
                        double peakSubnetUsed, long peakSubnetAddresses, OptionalDouble scaleUpSeconds,
                        double running, long podsStarted, long rejected, Map<String, Long> failedCalls,
                        List<String> commonViolations, List<String> violations, List<Sample> samples,
                        double wallSeconds, long events) {

    public RunResult {
        failedCalls = Map.copyOf(failedCalls);
        commonViolations = List.copyOf(commonViolations);
        violations = List.copyOf(violations);
        samples = List.copyOf(samples);
    }

    /**
     * The cluster at one sampling time (seconds since the measured part began). {@code ec2Calls},
     * {@code throttledCalls} and {@code coldStarts} count from the start of the measured part, so they only grow.
     */
    public record Sample(double seconds, long running, long pending, long held, long free, long ec2Calls,
                         long throttledCalls, double subnetUsed, long coldStarts) {
    }

    RunResult withChecks(List<String> found, double wall, long eventCount) {
        return new RunResult(name, heldPerRunningPod, heldPerRunningPodP95, coldStarts, waitP50Seconds, waitP99Seconds,
                ec2Calls, throttledCalls, peakSubnetUsed, peakSubnetAddresses, scaleUpSeconds, running, podsStarted,
                rejected, failedCalls, commonViolations, found, samples, wall, eventCount);
    }
}

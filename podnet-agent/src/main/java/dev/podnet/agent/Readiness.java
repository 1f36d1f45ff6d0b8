package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the node can address a new pod now: the DaemonSet's readiness probe ({@code /readyz}). A node whose agent
 * runs but whose warm pool is still empty (EC2 not answering, no ENIConfig, subnet full) must not look ready, or the
 * scheduler sends pods that then fail sandbox creation over and over (aws/amazon-vpc-cni-k8s#2808, #1724).
 *
 * @param ready  true when some pool has a free address, or grows on demand
 * @param reason why not, naming each pool and its counts; on success, which pool can serve
 */
public record Readiness(boolean ready, String reason) {

    /**
     * @param onDemand pools that take addresses when asked (a cluster pool claims a block in the store on the first
     *                 ADD), so an empty one can still serve
     */
    public static Readiness of(List<AgentReply.PoolStatus> pools, Set<String> onDemand) {
        if (pools.isEmpty()) {
            return new Readiness(false, "no pools");
        }
        for (AgentReply.PoolStatus p : pools) {
            if (p.free() > 0) {
                return new Readiness(true, "pool " + p.name() + " has " + p.free() + " free addresses");
            }
            if (onDemand.contains(p.name())) {
                return new Readiness(true, "pool " + p.name() + " claims addresses on demand");
            }
        }
        return new Readiness(false, "no pool has a free address: " + pools.stream()
                .map(p -> p.name() + " (" + p.total() + " total, " + p.used() + " used, " + p.quarantined()
                        + " quarantined)")
                .collect(Collectors.joining(", ")));
    }

    /** 200 with the reason when ready, else 503: what kubelet's httpGet probe reads. */
    LoopbackHttp.Reply reply() {
        return new LoopbackHttp.Reply(ready ? 200 : 503, (ready ? "ok: " : "not ready: ") + reason + "\n");
    }
}

package dev.podnet.api;

import java.util.Arrays;
import java.util.List;

/**
 * The agent's answer to one request, a single JSON line: {@code {"ok":true,...}} or {@code {"ok":false,"error":...}}.
 * A sealed family so the plugin handles every shape; the error carries the CNI code the plugin must print,
 * because only the agent knows whether a failure is transient (11) or final.
 */
public sealed interface AgentReply permits AgentReply.Success, AgentReply.Failure, AgentReply.Status, AgentReply.Exec {
    boolean ok();

    /**
     * add, del, check, gc succeeded.
     *
     * @param result     for add and check, the attachment's addresses with their gateways and routes; null otherwise
     * @param routeTable for add and check, the node's route table for traffic from these addresses (the table of the
     *                   ENI that holds them, for the main plugin's policy rules); null for the main table
     * @param vpcCidrs   the destinations the route table is for, when the node SNATs traffic leaving the VPC: the
     *                   plugin then scopes its rule to each (aws-vpc-cni's {@code from POD to CIDR lookup T}), so
     *                   traffic off the VPC takes the main table and leaves SNATed from the primary ENI; empty for
     *                   one rule for every destination
     */
    record Success(CniResult result, Integer routeTable, List<String> vpcCidrs) implements AgentReply {
        public Success {
            if (routeTable != null && (routeTable < 1 || routeTable > 0x7fffffff)) {
                throw new IllegalArgumentException("a route table is 1..2^31-1, got " + routeTable);
            }
            vpcCidrs = vpcCidrs == null ? List.of() : List.copyOf(vpcCidrs);
            if (!vpcCidrs.isEmpty() && routeTable == null) {
                throw new IllegalArgumentException("VPC CIDRs scope a route table's rule; there is no route table");
            }
            for (String cidr : vpcCidrs) {
                if (IpText.parsePrefixed(cidr) == null) {
                    throw new IllegalArgumentException("not a CIDR: " + cidr);
                }
            }
        }

        public Success(CniResult result, Integer routeTable) {
            this(result, routeTable, List.of());
        }

        public Success(CniResult result) {
            this(result, null);
        }

        @Override
        public boolean ok() {
            return true;
        }
    }

    /** The request failed; {@code code} is the CNI error code for the plugin to report. */
    record Failure(int code, String msg, String details) implements AgentReply {
        public Failure {
            if (code <= 0) {
                throw new IllegalArgumentException("CNI error codes are positive, got " + code);
            }
            msg = msg == null ? "" : msg;
            details = details == null ? "" : details;
        }

        public static Failure of(CniException failure) {
            return new Failure(failure.code(), failure.msg(), failure.details());
        }

        public CniException toException() {
            return new CniException(code, msg, details);
        }

        @Override
        public boolean ok() {
            return false;
        }
    }

    /** The answer to status: every pool's counts and every live allocation. */
    record Status(List<PoolStatus> pools, List<Allocation> allocations) implements AgentReply {
        public Status {
            pools = pools == null ? List.of() : List.copyOf(pools);
            allocations = allocations == null ? List.of() : List.copyOf(allocations);
        }

        @Override
        public boolean ok() {
            return true;
        }
    }

    /**
     * The answer to exec: what the plugin, run in the agent, printed and the status it exited with, for the plugin
     * process to pass on byte for byte. A failure reply to exec means "run it yourself" (an older agent, or a
     * configuration this agent does not serve); the plugin then never prints it.
     */
    record Exec(int exit, byte[] stdout, byte[] stderr) implements AgentReply {
        public Exec {
            if (exit < 0 || exit > 255) {
                throw new CniException(CniException.DECODING_FAILURE, "invalid agent reply", "exit must be 0..255, got " + exit);
            }
            stdout = stdout == null ? new byte[0] : stdout.clone();
            stderr = stderr == null ? new byte[0] : stderr.clone();
        }

        @Override
        public byte[] stdout() {
            return stdout.clone();
        }

        @Override
        public byte[] stderr() {
            return stderr.clone();
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Exec e && exit == e.exit && Arrays.equals(stdout, e.stdout) && Arrays.equals(stderr, e.stderr);
        }

        @Override
        public int hashCode() {
            return (exit * 31 + Arrays.hashCode(stdout)) * 31 + Arrays.hashCode(stderr);
        }

        @Override
        public String toString() {
            return "Exec[exit=" + exit + ", stdout=" + stdout.length + " bytes, stderr=" + stderr.length + " bytes]";
        }
    }

    /**
     * Address counts of one pool. An IPv6 prefix pool can exceed a long: the agent reports Long.MAX_VALUE then.
     *
     * @param quarantined released addresses still cooling down before reuse
     */
    record PoolStatus(String name, long total, long used, long free, long quarantined) {
        public PoolStatus {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a pool needs a name");
            }
            if (total < 0 || used < 0 || free < 0 || quarantined < 0) {
                throw new IllegalArgumentException("pool counts must not be negative");
            }
        }
    }

    /** One address held by one attachment, and the Kubernetes pod behind it (null when the ADD named none). */
    record Allocation(String address, String containerId, String ifName, String pool, Pod pod) {
        public Allocation(String address, String containerId, String ifName, String pool) {
            this(address, containerId, ifName, pool, null);
        }

        public Allocation {
            if (address == null || containerId == null || ifName == null) {
                throw new IllegalArgumentException("an allocation needs an address, a containerId and an ifName");
            }
            if (IpText.parseAddress(address) == null && IpText.parsePrefixed(address) == null) {
                throw new IllegalArgumentException("not an IP address: " + address);
            }
            pool = CniResult.emptyToNull(pool);
        }
    }

    /** A Kubernetes pod, from the CNI_ARGS of its ADD ({@code K8S_POD_NAMESPACE}, {@code K8S_POD_NAME}, {@code K8S_POD_UID}). */
    record Pod(String namespace, String name, String uid) {
        public Pod {
            if (namespace == null || name == null || uid == null) {
                throw new IllegalArgumentException("a pod needs a namespace, a name and a uid");
            }
        }
    }
}

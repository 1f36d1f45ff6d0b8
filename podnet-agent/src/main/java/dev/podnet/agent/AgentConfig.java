package dev.podnet.agent;

import dev.podnet.blocks.ClusterSettings;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.Pool;
import dev.podnet.net.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.podnet.linux.NetNamespace;

/**
 * The node agent's settings, validated as a whole before anything starts.
 *
 * @param metricsListen       {@code 127.0.0.1:PORT} for Prometheus metrics, or empty for none
 * @param introspectionListen {@code 127.0.0.1:PORT} for the status endpoint, or empty for none
 * @param quarantine          how long a released address waits before reuse
 * @param cloud               a pool fed from the cloud, served first, beside the fixed {@code pools}
 * @param cluster             a cluster-wide pool handed out in blocks claimed in the cluster store
 * @param routeTables         by pool name: the node's route table for traffic from the pool's addresses (the table of
 *                            the secondary ENI that holds them), told to the main plugin with each ADD so it adds
 *                            aws-vpc-cni's policy rules; pools not named here use the main table
 * @param node                the node's network namespace: where every kernel change goes (ENI setup, SNAT, the
 *                            node side of pods the agent wires for exec); the agent itself may run elsewhere
 *                            ({@code --netns}), where it reaches EC2
 * @param kube                the Kubernetes API server, when there is one: allocations whose pod is gone are released
 */
public record AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen,
                          Optional<String> introspectionListen, List<Pool> pools, Duration quarantine,
                          Optional<CloudPoolConfig> cloud, Optional<ClusterSettings> cluster,
                          Map<String, Integer> routeTables, NetNamespace node, Optional<KubeApi> kube) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/podnet/agent.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/podnet");
    private static final String TABLE = "table=";

    public AgentConfig {
        pools = List.copyOf(pools);
        if (pools.isEmpty() && cloud.isEmpty() && cluster.isEmpty()) {
            throw new InvalidInputException("no pool: give at least one --pool NAME=CIDR[,CIDR6], --cluster-pool "
                    + "NAME=CIDR or --cloud aws");
        }
        Set<String> names = new HashSet<>();
        for (Pool p : pools) {
            if (!names.add(p.name())) {
                throw new InvalidInputException("pool \"" + p.name() + "\" is defined twice");
            }
        }
        cloud.ifPresent(c -> {
            if (names.contains(c.pool())) {
                throw new InvalidInputException("pool \"" + c.pool() + "\" is both a --pool and the cloud pool");
            }
        });
        cluster.ifPresent(c -> {
            String name = c.pool().pool();
            if (names.contains(name) || cloud.map(x -> x.pool().equals(name)).orElse(false)) {
                throw new InvalidInputException("pool \"" + name + "\" is both the cluster pool and another pool");
            }
        });
        routeTables = Map.copyOf(routeTables);
        for (String pool : routeTables.keySet()) {
            if (!names.contains(pool)) {
                throw new InvalidInputException("route table for \"" + pool + "\", which is not a --pool");
            }
        }
        if (quarantine.isNegative()) {
            throw new InvalidInputException("the quarantine must not be negative, got " + quarantine);
        }
    }

    /** Without an API server. */
    public AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen, Optional<String> introspectionListen,
                       List<Pool> pools, Duration quarantine, Optional<CloudPoolConfig> cloud,
                       Optional<ClusterSettings> cluster, Map<String, Integer> routeTables, NetNamespace node) {
        this(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, cloud, cluster, routeTables, node,
                Optional.empty());
    }

    public AgentConfig withKube(Optional<KubeApi> kube) {
        return new AgentConfig(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, cloud, cluster,
                routeTables, node, kube);
    }

    /** The node is the agent's own namespace. */
    public AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen, Optional<String> introspectionListen,
                       List<Pool> pools, Duration quarantine, Optional<CloudPoolConfig> cloud,
                       Optional<ClusterSettings> cluster, Map<String, Integer> routeTables) {
        this(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, cloud, cluster, routeTables,
                NetNamespace.current());
    }

    /** Every pool on the main table. */
    public AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen, Optional<String> introspectionListen,
                       List<Pool> pools, Duration quarantine, Optional<CloudPoolConfig> cloud,
                       Optional<ClusterSettings> cluster) {
        this(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, cloud, cluster, Map.of());
    }

    /** No cluster pool. */
    public AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen, Optional<String> introspectionListen,
                       List<Pool> pools, Duration quarantine, Optional<CloudPoolConfig> cloud) {
        this(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, cloud, Optional.empty());
    }

    /** Fixed pools only. */
    public AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen, Optional<String> introspectionListen,
                       List<Pool> pools, Duration quarantine) {
        this(socket, stateDir, metricsListen, introspectionListen, pools, quarantine, Optional.empty(), Optional.empty());
    }

    /**
     * {@code NAME=CIDR[,CIDR6][,table=N]}: a pool of one IPv4 range, one IPv6 range, or both (dual stack). The
     * {@code table=N} part is read by {@link #parseRouteTable}.
     */
    public static Pool parsePool(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 1 || eq == spec.length() - 1) {
            throw new InvalidInputException("--pool \"" + spec + "\" is not NAME=CIDR[,CIDR6], e.g. default=10.1.0.0/24");
        }
        String name = spec.substring(0, eq);
        List<IpRange> ranges = new ArrayList<>();
        for (String cidr : spec.substring(eq + 1).split(",", -1)) {
            if (cidr.strip().startsWith(TABLE)) {
                continue;
            }
            try {
                ranges.add(IpRange.of(cidr.strip()));
            } catch (InvalidInputException | IpamException e) {
                throw new InvalidInputException("--pool \"" + spec + "\": " + e.getMessage());
            }
        }
        if (ranges.size() > 2 || (ranges.size() == 2 && ranges.get(0).isIpv4() == ranges.get(1).isIpv4())) {
            throw new InvalidInputException("--pool \"" + spec + "\": give one IPv4 CIDR, one IPv6 CIDR, or one of each");
        }
        try {
            return Pool.of(name, ranges.toArray(IpRange[]::new));
        } catch (IpamException e) {
            throw new InvalidInputException("--pool \"" + spec + "\": " + e.getMessage());
        }
    }

    /**
     * The {@code table=N} of a {@code --pool} spec: the route table of the secondary ENI whose addresses the pool
     * holds (aws-vpc-cni numbers them 2, 3, ... by device index); empty when the spec has none (main table).
     */
    public static Optional<Integer> parseRouteTable(String spec) {
        Optional<Integer> table = Optional.empty();
        int eq = spec.indexOf('=');
        for (String part : spec.substring(eq + 1).split(",", -1)) {
            part = part.strip();
            if (!part.startsWith(TABLE)) {
                continue;
            }
            try {
                int n = Integer.parseInt(part.substring(TABLE.length()));
                // 253-255 are the kernel's default, main and local tables.
                if (n < 1 || n >= 253 && n <= 255 || table.isPresent()) {
                    throw new NumberFormatException();
                }
                table = Optional.of(n);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--pool \"" + spec + "\": " + part
                        + " is not one route table number (1..252 or 256 and up)");
            }
        }
        return table;
    }
}

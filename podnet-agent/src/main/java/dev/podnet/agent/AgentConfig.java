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
import java.util.Optional;
import java.util.Set;

/**
 * The node agent's settings, validated as a whole before anything starts.
 *
 * @param metricsListen       {@code 127.0.0.1:PORT} for Prometheus metrics, or empty for none
 * @param introspectionListen {@code 127.0.0.1:PORT} for the status endpoint, or empty for none
 * @param quarantine          how long a released address waits before reuse
 * @param cloud               a pool fed from the cloud, served first, beside the fixed {@code pools}
 * @param cluster             a cluster-wide pool handed out in blocks claimed in the cluster store
 */
public record AgentConfig(Path socket, Path stateDir, Optional<String> metricsListen,
                          Optional<String> introspectionListen, List<Pool> pools, Duration quarantine,
                          Optional<CloudPoolConfig> cloud, Optional<ClusterSettings> cluster) {
    public static final Path DEFAULT_SOCKET = Path.of("/run/podnet/agent.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/podnet");

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
        if (quarantine.isNegative()) {
            throw new InvalidInputException("the quarantine must not be negative, got " + quarantine);
        }
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

    /** {@code NAME=CIDR[,CIDR6]}: a pool of one IPv4 range, one IPv6 range, or both (dual stack). */
    public static Pool parsePool(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 1 || eq == spec.length() - 1) {
            throw new InvalidInputException("--pool \"" + spec + "\" is not NAME=CIDR[,CIDR6], e.g. default=10.1.0.0/24");
        }
        String name = spec.substring(0, eq);
        List<IpRange> ranges = new ArrayList<>();
        for (String cidr : spec.substring(eq + 1).split(",", -1)) {
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
}

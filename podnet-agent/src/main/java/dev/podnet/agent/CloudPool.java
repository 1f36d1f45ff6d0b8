package dev.podnet.agent;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.Pool;
import dev.podnet.ipam.warm.NodeLimits;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import dev.podnet.net.InvalidInputException;
import dev.podnet.warm.EniConfigSource;
import dev.podnet.warm.NoEniConfigException;
import dev.podnet.warm.NodeContext;
import dev.podnet.warm.NodeInterfaces;
import dev.podnet.linux.EniRouting;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Iptables;
import dev.podnet.linux.NetNamespace;
import dev.podnet.warm.WarmPool;
import dev.podnet.warm.WarmPoolLoop;
import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.sim.CallBudget;
import dev.podnet.sim.Policy;
import dev.podnet.store.ClusterStore;
import dev.podnet.warm.WarmTargets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Assembles the cloud-fed pool in two steps around the engine's start: {@link #describe} asks EC2 who the node is
 * and which subnets its pod addresses come from (the engine's pool ranges), {@link #start} adopts the node's ENIs and
 * starts the warm-pool loop.
 */
final class CloudPool {
    private static final System.Logger LOG = System.getLogger(CloudPool.class.getName());
    private final CloudPoolConfig config;
    private final CloudNetwork cloud;
    private final NodeContext node;
    private final NodeLimits limits;
    private final Pool pool;
    private final Instance instance;

    private CloudPool(CloudPoolConfig config, CloudNetwork cloud, NodeContext node, NodeLimits limits, Pool pool,
                      Instance instance) {
        this.instance = instance;
        this.config = config;
        this.cloud = cloud;
        this.node = node;
        this.limits = limits;
        this.pool = pool;
    }

    static CloudPool describe(CloudPoolConfig config, CloudNetwork cloud) {
        Instance instance = cloud.describeInstance(config.instanceId());
        InstanceType type = InstanceCatalogue.bundled().find(instance.instanceType()).orElseThrow(() ->
                new InvalidInputException("instance " + instance.id() + " is a " + instance.instanceType()
                        + ", which the instance catalogue does not know"));
        Optional<EniConfigSource> eniConfigs = Optional.empty();
        List<Subnet> subnets;
        if (config.warm().customNetworking()) {
            // The next ENIConfig may name any subnet of the zone, so the pool serves them all.
            subnets = cloud.describeSubnets(List.of()).stream().filter(s -> s.vpcId().equals(instance.vpcId())
                    && s.availabilityZone().equals(instance.availabilityZone())).toList();
            eniConfigs = Optional.of(eniConfigs(config, instance, subnets));
        } else {
            subnets = cloud.describeSubnets(List.of(instance.subnetId()));
        }
        List<IpRange> ranges = new ArrayList<>();
        if (config.families().ipv4()) {
            subnets.forEach(s -> ranges.add(IpRange.of(s.cidrBlock())));
        }
        if (config.families().ipv6()) {
            ranges.add(IpRange.of(ipv6Prefix(cloud, instance)));
        }
        Pool pool = Pool.of(config.pool(), ranges.toArray(IpRange[]::new));
        NodeLimits limits = NodeLimits.of(type, config.warm(), config.maxPods().applyAsInt(type));
        return new CloudPool(config, cloud, new NodeContext(instance.id(), config.clusterName(), eniConfigs), limits,
                pool, instance);
    }

    /**
     * Where the node's new ENIs find their ENIConfig: only a subnet of its zone will do (an ENI attaches only in its
     * instance's zone) that existed at start (the zone's subnets then are the pool's ranges). A file's ENIConfig
     * cannot change, so it is checked now; one from the API server is checked at each new ENI.
     */
    private static EniConfigSource eniConfigs(CloudPoolConfig config, Instance instance, List<Subnet> zoneSubnets) {
        EniConfigSource given = config.eniConfigs().orElseThrow(() -> new InvalidInputException(
                "custom networking is on but no ENIConfigs are given")).apply(instance.availabilityZone());
        List<String> ids = zoneSubnets.stream().map(Subnet::id).toList();
        EniConfigSource usable = given.within(Set.copyOf(ids), "a subnet of " + instance.vpcId() + " in "
                + instance.availabilityZone() + " when the agent started " + ids + ": an ENI attaches only in its "
                + "instance's zone, and a subnet made since needs a restart of the agent");
        if (given instanceof EniConfigSource.Fixed) {
            try {
                usable.current();
            } catch (NoEniConfigException e) {
                throw new InvalidInputException(e.getMessage());
            }
        }
        return usable;
    }

    /**
     * The /80 pods' IPv6 addresses come from, as the VPC CNI's IPv6 mode has it: the one on the primary ENI (a
     * restarted agent adopts it), or a new one assigned now. Before the engine opens, because it is the pool's range.
     */
    private static String ipv6Prefix(CloudNetwork cloud, Instance instance) {
        NetworkInterface primary = primaryEni(instance);
        if (!primary.ipv6Prefixes().isEmpty()) {
            return primary.ipv6Prefixes().getFirst();
        }
        return cloud.assignIpv6Prefixes(primary.id(), 1).getFirst();
    }

    private static NetworkInterface primaryEni(Instance instance) {
        return instance.networkInterfaces().stream()
                .filter(n -> n.attachment().map(a -> a.deviceIndex() == 0).orElse(false)).findFirst()
                .orElseThrow(() -> new InvalidInputException("EC2 reports no primary ENI on " + instance.id()));
    }

    Pool pool() {
        return pool;
    }

    /**
     * Whether the pool's IPv4 addresses come from EC2 through the warm pool; without IPv4 (the VPC CNI's IPv6 mode)
     * the engine serves the /80 alone and no ENI beyond the primary is needed.
     */
    boolean fedFromEc2() {
        return config.families().ipv4();
    }

    /**
     * Sets up the SNAT chain in {@code node} when the configuration asks for node setup: the node's primary address
     * is its primary ENI's, the VPC's blocks come from DescribeVpcs.
     */
    Optional<SnatSetup> snat(NetNamespace nodeNs, Exec exec) {
        return config.nodeSetup().map(setup -> {
            String primary = primaryEni(instance).primaryIpv4();
            return SnatSetup.start(new Iptables(exec, nodeNs), setup, primary, cloud.describeVpc(instance.vpcId()).ipv4());
        });
    }

    /** The node's side of the ENIs: set up in {@code nodeNs} when the configuration asks for it, else nothing. */
    NodeInterfaces interfaces(NetNamespace nodeNs, Exec exec) {
        return config.nodeSetup().<NodeInterfaces>map(s -> new EniSetup(new EniRouting(exec, nodeNs), cloud,
                limits.maxEnis())).orElse(NodeInterfaces.NONE);
    }

    /**
     * Where the warm pool's targets come from: the fixed ones, or the configured policy with its EC2 call budget,
     * shared through {@code store} by the nodes using it (their membership is added to {@code closeAtStop}), else
     * this node's alone.
     */
    WarmTargets targets(Supplier<Optional<ClusterStore>> stores, InstantSource clock,
                        Consumer<AutoCloseable> closeAtStop) {
        if (config.policy().isEmpty()) {
            return WarmTargets.fixed(config.warm());
        }
        WarmPolicySetting setting = config.policy().get();
        Optional<ClusterStore> store = stores.get();
        Policy policy;
        if (store.isPresent()) {
            BudgetMembers members = BudgetMembers.join(store.get(), node.instanceId(), clock);
            closeAtStop.accept(members);
            policy = setting.create(StoreCallBudget.in(store.get()), members::count);
            LOG.log(System.Logger.Level.INFO, "warm-pool policy {0}; EC2 calls share the cluster''s budget of {1}/s "
                    + "in the cluster store ({2})", policy.name(), setting.callsPerSecond(), StoreCallBudget.KEY);
        } else {
            policy = setting.create(CallBudget::tokenBucket, () -> 1);
            LOG.log(System.Logger.Level.WARNING, "warm-pool policy {0}; without a cluster store its EC2 call budget is "
                    + "this node''s alone, so nodes starting together may still be throttled", policy.name());
        }
        return new PolicyTargets(policy, clock, Sleeper.REAL);
    }

    WarmPool adopt(Ipam ipam, Path stateDir, NodeInterfaces interfaces, WarmTargets targets) {
        WarmPool warm = new WarmPool(cloud, ipam, config.pool(), node, config.warm(), limits, stateDir, new SecureRandom(),
                interfaces, targets);
        warm.recover();
        return warm;
    }

    WarmPoolLoop loop(WarmPool warm) {
        return new WarmPoolLoop(warm, config.interval(), new SecureRandom()).start();
    }
}

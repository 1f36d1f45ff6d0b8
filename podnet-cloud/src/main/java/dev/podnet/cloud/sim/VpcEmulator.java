package dev.podnet.cloud.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.cloud.VpcCidrs;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import dev.podnet.cloud.sim.VpcResources.CidrReservation;
import dev.podnet.cloud.sim.VpcResources.NewVpcEndpoint;
import dev.podnet.cloud.sim.VpcResources.RouteTable;
import dev.podnet.cloud.sim.VpcResources.SecurityGroup;
import dev.podnet.cloud.sim.VpcResources.Tag;
import dev.podnet.cloud.sim.VpcResources.Vpc;
import dev.podnet.cloud.sim.VpcResources.VpcCidrChange;
import dev.podnet.cloud.sim.VpcResources.VpcEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An in-process EC2 VPC: the {@link CloudNetwork} calls with EC2's limits, error codes, throttling, latency and
 * injected faults, on an injected clock. Every call goes: throttle, then injected fault, then latency, then
 * validation and the change of state, which happens whole or not at all. Thread-safe: one lock guards the state
 * (latency is waited out before taking it, so slow calls overlap as they do against EC2).
 */
public final class VpcEmulator implements CloudNetwork {

    private final WorldSpec spec;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final Duration callLatency;
    private final Throttle throttle;
    private final Faults faults;
    private final CallLog calls = new CallLog();
    private final VpcState state;
    private final VpcTopology topology;
    private final VpcServices services;
    private final Tagging tagging;

    private VpcEmulator(Builder b) {
        this.spec = b.spec;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.callLatency = b.callLatency;
        this.throttle = new Throttle(b.throttle, b.clock);
        this.faults = new Faults(b.seed * 31 + 7);
        this.state = new VpcState(b.spec, b.clock, b.attachDelay, b.seed, b.eniQuota);
        this.topology = new VpcTopology(b.spec, state);
        this.services = new VpcServices(b.spec, state, topology);
        this.tagging = new Tagging(state, topology, services);
    }

    public static Builder builder(WorldSpec spec) {
        return new Builder(spec);
    }

    public WorldSpec spec() {
        return spec;
    }

    public Faults faults() {
        return faults;
    }

    public CallLog calls() {
        return calls;
    }

    /**
     * The world as a data plane sees it, read under the lock but outside the API: no throttling, no injected fault and
     * no call-log entry, because the fabric reads it after every change and is not a client of EC2.
     */
    public WorldSnapshot snapshot() {
        synchronized (state) {
            return new WorldSnapshot(state.describeSubnets(List.of()), state.describeInstances(List.of()));
        }
    }

    /** DescribeVpcs; an empty list means every VPC; an unknown id is InvalidVpcID.NotFound. */
    public List<Vpc> describeVpcs(List<String> vpcIds) {
        List<String> ids = copy(vpcIds);
        return call(Actions.DESCRIBE_VPCS, () -> topology.describeVpcs(ids));
    }

    @Override
    public VpcCidrs describeVpc(String vpcId) {
        Vpc vpc = describeVpcs(List.of(vpcId)).getFirst();
        return new VpcCidrs(vpc.id(), vpc.cidrBlocks().stream().filter(c -> c.state().equals("associated"))
                .map(VpcResources.CidrAssociation::cidrBlock).toList(), vpc.ipv6CidrBlock().stream().toList());
    }

    /** AssociateVpcCidrBlock of an IPv4 block, under AWS's secondary-block rules. */
    public VpcCidrChange associateVpcCidrBlock(String vpcId, String cidrBlock) {
        return call(Actions.ASSOCIATE_VPC_CIDR_BLOCK, () -> topology.associateCidr(vpcId, cidrBlock));
    }

    public VpcCidrChange disassociateVpcCidrBlock(String associationId) {
        return call(Actions.DISASSOCIATE_VPC_CIDR_BLOCK, () -> topology.disassociateCidr(associationId));
    }

    /** ModifyVpcAttribute: exactly one of the two DNS attributes per call, as EC2 requires. */
    public void modifyVpcAttribute(String vpcId, Optional<Boolean> dnsSupport, Optional<Boolean> dnsHostnames) {
        call(Actions.MODIFY_VPC_ATTRIBUTE, () -> {
            topology.modifyVpcAttribute(vpcId, dnsSupport, dnsHostnames);
            return null;
        });
    }

    /** CreateSubnet; a null zone lets the emulator pick one. */
    public Subnet createSubnet(String vpcId, String availabilityZone, String cidrBlock, Map<String, String> tags) {
        Map<String, String> copy = Map.copyOf(tags);
        return call(Actions.CREATE_SUBNET, () -> topology.createSubnet(vpcId, availabilityZone, cidrBlock, copy).toSubnet());
    }

    public void deleteSubnet(String subnetId) {
        call(Actions.DELETE_SUBNET, () -> {
            topology.deleteSubnet(subnetId, subnetId != null && services.endpointsIn(subnetId));
            return null;
        });
    }

    public List<RouteTable> describeRouteTables(List<String> routeTableIds) {
        List<String> ids = copy(routeTableIds);
        return call(Actions.DESCRIBE_ROUTE_TABLES, () -> topology.describeRouteTables(ids));
    }

    /** AssociateRouteTable of a subnet; returns the association id. */
    public String associateRouteTable(String routeTableId, String subnetId) {
        return call(Actions.ASSOCIATE_ROUTE_TABLE, () -> topology.associateRouteTable(routeTableId, subnetId));
    }

    public void createTags(List<String> resourceIds, Map<String, String> tags) {
        List<String> ids = copy(resourceIds);
        Map<String, String> copy = new LinkedHashMap<>(tags);
        call(Actions.CREATE_TAGS, () -> {
            tagging.createTags(ids, copy);
            return null;
        });
    }

    /** Every tag of every resource; DescribeTags' filters are the caller's to apply. */
    public List<Tag> describeTags() {
        return call(Actions.DESCRIBE_TAGS, tagging::describeTags);
    }

    public CidrReservation createSubnetCidrReservation(String subnetId, String cidr, String reservationType,
                                                       String description, Map<String, String> tags) {
        Map<String, String> copy = Map.copyOf(tags);
        return call(Actions.CREATE_SUBNET_CIDR_RESERVATION,
                () -> services.reserve(subnetId, cidr, reservationType, description, copy));
    }

    public List<CidrReservation> getSubnetCidrReservations(String subnetId) {
        return call(Actions.GET_SUBNET_CIDR_RESERVATIONS, () -> services.reservations(subnetId));
    }

    public VpcEndpoint createVpcEndpoint(NewVpcEndpoint request) {
        Objects.requireNonNull(request, "request");
        return call(Actions.CREATE_VPC_ENDPOINT, () -> services.createEndpoint(request));
    }

    public List<VpcEndpoint> describeVpcEndpoints(List<String> vpcEndpointIds) {
        List<String> ids = copy(vpcEndpointIds);
        return call(Actions.DESCRIBE_VPC_ENDPOINTS, () -> services.describeEndpoints(ids));
    }

    public List<SecurityGroup> describeSecurityGroups(List<String> groupIds, List<String> groupNames) {
        List<String> ids = copy(groupIds);
        List<String> names = copy(groupNames);
        return call(Actions.DESCRIBE_SECURITY_GROUPS, () -> services.describeSecurityGroups(ids, names));
    }

    /** A copy that keeps null elements, so that they are refused as EC2 would, not as an NPE. */
    private static List<String> copy(List<String> values) {
        return Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** DescribeInstances; an empty list means every instance; an unknown id is InvalidInstanceID.NotFound. */
    public List<Instance> describeInstances(List<String> instanceIds) {
        // a copy that keeps null elements, so that they are refused as EC2 would (MissingParameter), not as an NPE
        List<String> ids = Collections.unmodifiableList(new ArrayList<>(instanceIds));
        return call(Actions.DESCRIBE_INSTANCES, () -> state.describeInstances(ids));
    }

    @Override
    public Instance describeInstance(String instanceId) {
        return call(Actions.DESCRIBE_INSTANCES, () -> state.describeInstance(instanceId));
    }

    @Override
    public List<Subnet> describeSubnets(List<String> subnetIds) {
        List<String> ids = Collections.unmodifiableList(new ArrayList<>(subnetIds));
        return call(Actions.DESCRIBE_SUBNETS, () -> state.describeSubnets(ids));
    }

    @Override
    public List<NetworkInterface> describeNetworkInterfaces(EniFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return call(Actions.DESCRIBE_NETWORK_INTERFACES, () -> state.describeNetworkInterfaces(filter));
    }

    @Override
    public NetworkInterface createNetworkInterface(CreateEni request) {
        Objects.requireNonNull(request, "request");
        return call(Actions.CREATE_NETWORK_INTERFACE, () -> state.createNetworkInterface(request));
    }

    @Override
    public String attachNetworkInterface(String eniId, String instanceId, int deviceIndex) {
        return call(Actions.ATTACH_NETWORK_INTERFACE, () -> state.attach(eniId, instanceId, deviceIndex));
    }

    @Override
    public void detachNetworkInterface(String attachmentId, boolean force) {
        call(Actions.DETACH_NETWORK_INTERFACE, () -> {
            state.detach(attachmentId);
            return null;
        });
    }

    @Override
    public void deleteNetworkInterface(String eniId) {
        call(Actions.DELETE_NETWORK_INTERFACE, () -> {
            state.delete(eniId);
            return null;
        });
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, int count) {
        return call(Actions.ASSIGN_PRIVATE_IP_ADDRESSES, () -> state.addresses().assignCount(eniId, count));
    }

    @Override
    public List<String> assignPrivateIpAddresses(String eniId, List<String> addresses, boolean allowReassignment) {
        List<String> wanted = List.copyOf(addresses);
        return call(Actions.ASSIGN_PRIVATE_IP_ADDRESSES,
                () -> state.addresses().assignAddresses(eniId, wanted, allowReassignment));
    }

    @Override
    public void unassignPrivateIpAddresses(String eniId, List<String> addresses) {
        List<String> unwanted = List.copyOf(addresses);
        call(Actions.UNASSIGN_PRIVATE_IP_ADDRESSES, () -> {
            state.addresses().unassignAddresses(eniId, unwanted);
            return null;
        });
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, int count) {
        return call(Actions.ASSIGN_PRIVATE_IP_ADDRESSES, () -> state.addresses().assignIpv4Prefixes(eniId, count));
    }

    @Override
    public List<String> assignIpv4Prefixes(String eniId, List<String> prefixes) {
        List<String> wanted = List.copyOf(prefixes);
        return call(Actions.ASSIGN_PRIVATE_IP_ADDRESSES, () -> state.addresses().assignIpv4Prefixes(eniId, wanted));
    }

    @Override
    public void unassignIpv4Prefixes(String eniId, List<String> prefixes) {
        List<String> unwanted = List.copyOf(prefixes);
        call(Actions.UNASSIGN_PRIVATE_IP_ADDRESSES, () -> {
            state.addresses().unassignIpv4Prefixes(eniId, unwanted);
            return null;
        });
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, int count) {
        return call(Actions.ASSIGN_IPV6_ADDRESSES, () -> state.addresses().assignIpv6Prefixes(eniId, count));
    }

    @Override
    public List<String> assignIpv6Prefixes(String eniId, List<String> prefixes) {
        List<String> wanted = List.copyOf(prefixes);
        return call(Actions.ASSIGN_IPV6_ADDRESSES, () -> state.addresses().assignIpv6Prefixes(eniId, wanted));
    }

    @Override
    public void unassignIpv6Prefixes(String eniId, List<String> prefixes) {
        List<String> unwanted = List.copyOf(prefixes);
        call(Actions.UNASSIGN_IPV6_ADDRESSES, () -> {
            state.addresses().unassignIpv6Prefixes(eniId, unwanted);
            return null;
        });
    }

    private <T> T call(String action, Supplier<T> work) {
        try {
            if (!throttle.tryAcquire(Actions.isDescribe(action))) {
                throw new CloudException(Ec2Error.REQUEST_LIMIT_EXCEEDED, "Request limit exceeded.");
            }
            Optional<CloudException> fault = faults.next(action);
            if (fault.isPresent()) {
                throw fault.get();
            }
            if (!callLatency.isZero()) {
                sleeper.sleep(callLatency);
            }
            T result;
            synchronized (state) {
                result = work.get();
            }
            calls.record(action, CallLog.OK);
            return result;
        } catch (CloudException e) {
            calls.record(action, e.code());
            throw e;
        }
    }

    /** Builds an emulator; every setting has EC2's or a test-friendly default (see each method). */
    public static final class Builder {
        private final WorldSpec spec;
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Sleeper.REAL;
        private ThrottleConfig throttle = ThrottleConfig.EC2_DEFAULT;
        private Duration attachDelay = Duration.ZERO;
        private Duration callLatency = Duration.ZERO;
        private long seed = 1;
        private int eniQuota = VpcState.MAX_ENIS_PER_REGION;

        private Builder(WorldSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** The clock for throttle refill and attach delay; default the system clock. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How call latency is waited out; default {@link Sleeper#REAL}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Default {@link ThrottleConfig#EC2_DEFAULT}. */
        public Builder throttle(ThrottleConfig throttle) {
            this.throttle = Objects.requireNonNull(throttle, "throttle");
            return this;
        }

        /** How long an attachment shows "attaching" before "attached"; default zero. */
        public Builder attachDelay(Duration attachDelay) {
            this.attachDelay = nonNegative("attachDelay", attachDelay);
            return this;
        }

        /** Slept before each call that passed throttling and faults; default zero. */
        public Builder callLatency(Duration callLatency) {
            this.callLatency = nonNegative("callLatency", callLatency);
            return this;
        }

        /** Seeds the choice of addresses, ids and MACs, and the fault rate; default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The region's ENI quota (NetworkInterfaceLimitExceeded beyond it); default AWS's 5000. A cluster of thousands
         * of nodes needs it raised, as it would in AWS, since every node's primary ENI counts.
         */
        public Builder eniQuota(int eniQuota) {
            if (eniQuota < 1) {
                throw new IllegalArgumentException("eniQuota must be at least 1, got " + eniQuota);
            }
            this.eniQuota = eniQuota;
            return this;
        }

        public VpcEmulator build() {
            return new VpcEmulator(this);
        }

        private static Duration nonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + d);
            }
            return d;
        }
    }
}

package dev.podnet.cloud.sim;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.Instance;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.net.InstanceCatalogue;
import dev.podnet.net.InstanceType;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The emulated region's state and the ENI lifecycle (create, attach, detach, delete, describe). Not thread-safe:
 * {@link VpcEmulator} calls it under one lock. Every method checks everything before it changes anything, so a
 * failed call leaves no trace.
 */
final class VpcState {
    /** EC2's default "network interfaces per region" quota. */
    static final int MAX_ENIS_PER_REGION = 5000;
    /** The region's ENI quota: AWS's default unless raised (a quota increase, as large clusters ask for). */
    private final int eniQuota;

    record RunningInstance(InstanceSpec spec, InstanceType type, SubnetPool subnet) {
    }

    private final WorldSpec spec;
    private final InstantSource clock;
    private final Duration attachDelay;
    final Random random;
    private final Ids ids;
    private final Map<String, SubnetPool> subnets = new LinkedHashMap<>();
    private final Map<String, RunningInstance> instances = new LinkedHashMap<>();
    /** In creation order, which is the order Describe answers in. */
    final Map<String, Eni> enis = new LinkedHashMap<>();
    private final Map<String, Eni> byAttachment = new HashMap<>();
    private final Set<String> macs = new LinkedHashSet<>();
    private final AddressAssignments addresses;

    VpcState(WorldSpec spec, InstantSource clock, Duration attachDelay, long seed) {
        this(spec, clock, attachDelay, seed, MAX_ENIS_PER_REGION);
    }

    VpcState(WorldSpec spec, InstantSource clock, Duration attachDelay, long seed, int eniQuota) {
        this.eniQuota = eniQuota;
        this.spec = spec;
        this.clock = clock;
        this.attachDelay = attachDelay;
        this.random = new Random(seed);
        this.ids = new Ids(random);
        for (SubnetSpec s : spec.subnets()) {
            subnets.put(s.id(), new SubnetPool(s, spec.vpcOf(s).id()));
        }
        for (InstanceSpec i : spec.instances()) {
            RunningInstance running = new RunningInstance(i, InstanceCatalogue.bundled().get(i.instanceType()),
                    subnets.get(i.subnetId()));
            instances.put(i.id(), running);
            List<String> groups = i.securityGroups().isEmpty() ? List.of(spec.defaultSecurityGroup()) : i.securityGroups();
            Eni primary;
            try {
                primary = newEni(running.subnet(), groups, "Primary network interface", Map.of());
            } catch (CloudException e) {
                throw new IllegalArgumentException("world: subnet " + i.subnetId() + " has no free address for instance "
                        + i.id(), e);
            }
            attachNow(primary, running, 0, Instant.MIN);
        }
        this.addresses = new AddressAssignments(this);
    }

    /** The subnets by id, in creation order; VpcTopology adds and removes them. */
    Map<String, SubnetPool> subnetPools() {
        return subnets;
    }

    Ids ids() {
        return ids;
    }

    boolean hasInstance(String instanceId) {
        return instances.containsKey(instanceId);
    }

    /** Whether an ENI lives in the subnet (DeleteSubnet's dependency). */
    boolean hasEnisIn(String subnetId) {
        return enis.values().stream().anyMatch(e -> e.subnet.id().equals(subnetId));
    }

    AddressAssignments addresses() {
        return addresses;
    }

    Instant now() {
        return clock.instant();
    }

    List<Instance> describeInstances(List<String> instanceIds) {
        List<RunningInstance> found = instanceIds.isEmpty() ? List.copyOf(instances.values())
                : instanceIds.stream().distinct().map(this::instance).toList();
        return found.stream().map(this::view).toList();
    }

    Instance describeInstance(String instanceId) {
        return view(instance(instanceId));
    }

    private Instance view(RunningInstance r) {
        Instant now = now();
        return new Instance(r.spec().id(), r.type().name(), r.subnet().vpcId(), r.subnet().id(),
                r.subnet().availabilityZone(), attachedTo(r.spec().id()).stream().map(e -> e.view(now)).toList());
    }

    List<Subnet> describeSubnets(List<String> subnetIds) {
        subnetIds.forEach(this::subnet);
        return subnets.values().stream().filter(s -> subnetIds.isEmpty() || subnetIds.contains(s.id()))
                .map(SubnetPool::toSubnet).toList();
    }

    List<NetworkInterface> describeNetworkInterfaces(EniFilter filter) {
        filter.eniIds().forEach(this::eni);
        Instant now = now();
        return enis.values().stream()
                .filter(e -> filter.eniIds().isEmpty() || filter.eniIds().contains(e.id))
                .filter(e -> filter.instanceId().isEmpty()
                        || e.attachment.filter(a -> a.instanceId().equals(filter.instanceId().get())).isPresent())
                .filter(e -> filter.status().isEmpty() || filter.status().get().equals(e.status(now)))
                .filter(e -> filter.subnetId().isEmpty() || filter.subnetId().get().equals(e.subnet.id()))
                .filter(e -> filter.tags().entrySet().stream()
                        .allMatch(t -> t.getValue().equals(e.tags.get(t.getKey()))))
                .map(e -> e.view(now)).toList();
    }

    NetworkInterface createNetworkInterface(CreateEni request) {
        if (request.subnetId() == null) {
            throw Errors.missing("SubnetId");
        }
        SubnetPool subnet = subnet(request.subnetId());
        for (String group : request.securityGroups()) {
            if (!spec.securityGroups().contains(group)) {
                throw Errors.groupNotFound(group);
            }
        }
        if (enis.size() >= eniQuota) {
            throw Errors.of(Ec2Error.NETWORK_INTERFACE_LIMIT_EXCEEDED,
                    "You have reached the maximum number of network interfaces (" + eniQuota + ") for this region.");
        }
        List<String> groups = request.securityGroups().isEmpty() ? List.of(spec.defaultSecurityGroup())
                : List.copyOf(new LinkedHashSet<>(request.securityGroups()));
        String description = request.description() == null ? "" : request.description();
        return newEni(subnet, groups, description, request.tags()).view(now());
    }

    String attach(String eniId, String instanceId, int deviceIndex) {
        Eni eni = eni(eniId);
        RunningInstance instance = instance(instanceId);
        if (eni.attachment.isPresent()) {
            throw Errors.inUse(eniId);
        }
        if (!eni.subnet.vpcId().equals(instance.subnet().vpcId())) {
            throw Errors.invalid("The network interface " + eniId + " and instance " + instanceId
                    + " must be in the same VPC.");
        }
        if (!eni.subnet.availabilityZone().equals(instance.subnet().availabilityZone())) {
            throw Errors.invalid("The network interface " + eniId + " (" + eni.subnet.availabilityZone()
                    + ") and instance " + instanceId + " (" + instance.subnet().availabilityZone()
                    + ") must be in the same availability zone.");
        }
        if (deviceIndex < 0) {
            throw Errors.invalid("Invalid value '" + deviceIndex + "' for deviceIndex.");
        }
        List<Eni> attached = attachedTo(instanceId);
        if (attached.stream().anyMatch(e -> e.attachment.orElseThrow().deviceIndex() == deviceIndex)) {
            throw Errors.invalid("Instance '" + instanceId + "' already has an interface attached at device index '"
                    + deviceIndex + "'.");
        }
        InstanceType type = instance.type();
        if (attached.size() >= type.maxEnis()) {
            throw Errors.of(Ec2Error.ATTACHMENT_LIMIT_EXCEEDED, "Interface count " + (attached.size() + 1)
                    + " exceeds the limit for " + type.name());
        }
        // Addresses assigned while the ENI was detached meet the instance type's limits only now.
        if (!eni.ipv4Prefixes.isEmpty() || !eni.ipv6Prefixes.isEmpty()) {
            AddressAssignments.requirePrefixSupport(type, eniId);
        }
        if (eni.ipv4SlotsUsed() > type.ipv4PerEni() || eni.ipv6Prefixes.size() > type.ipv4PerEni()) {
            throw Errors.addressLimit(eniId);
        }
        return attachNow(eni, instance, deviceIndex, now().plus(attachDelay)).id();
    }

    void detach(String attachmentId) {
        if (attachmentId == null) {
            throw Errors.missing("AttachmentId");
        }
        Eni eni = byAttachment.get(attachmentId);
        if (eni == null) {
            throw Errors.attachmentNotFound(attachmentId);
        }
        if (eni.attachment.orElseThrow().deviceIndex() == 0) {
            // EC2 answers OperationNotPermitted; podnet treats both as "the call was wrong".
            throw Errors.invalid("The network interface at device index 0 cannot be detached.");
        }
        byAttachment.remove(attachmentId);
        eni.attachment = Optional.empty();
    }

    void delete(String eniId) {
        Eni eni = eni(eniId);
        if (eni.attachment.isPresent()) {
            throw Errors.inUse(eniId);
        }
        eni.releaseAll();
        enis.remove(eniId);
        macs.remove(eni.macAddress);
    }

    Eni eni(String eniId) {
        if (eniId == null) {
            throw Errors.missing("NetworkInterfaceId");
        }
        if (!eniId.startsWith("eni-")) {
            throw Errors.eniMalformed(eniId);
        }
        Eni eni = enis.get(eniId);
        if (eni == null) {
            throw Errors.eniNotFound(eniId);
        }
        return eni;
    }

    /** The instance type the ENI is attached to, which decides its limits; empty while it is detached. */
    Optional<InstanceType> typeOf(Eni eni) {
        return eni.attachment.map(a -> instances.get(a.instanceId()).type());
    }

    private RunningInstance instance(String instanceId) {
        if (instanceId == null) {
            throw Errors.missing("InstanceId");
        }
        if (!instanceId.startsWith("i-")) {
            throw Errors.instanceMalformed(instanceId);
        }
        RunningInstance instance = instances.get(instanceId);
        if (instance == null) {
            throw Errors.instanceNotFound(instanceId);
        }
        return instance;
    }

    SubnetPool subnet(String subnetId) {
        SubnetPool subnet = subnetId == null ? null : subnets.get(subnetId);
        if (subnet == null) {
            throw Errors.subnetNotFound(subnetId);
        }
        return subnet;
    }

    private List<Eni> attachedTo(String instanceId) {
        List<Eni> attached = new ArrayList<>();
        for (Eni e : enis.values()) {
            if (e.attachment.filter(a -> a.instanceId().equals(instanceId)).isPresent()) {
                attached.add(e);
            }
        }
        attached.sort(Comparator.comparingInt(e -> e.attachment.orElseThrow().deviceIndex()));
        return attached;
    }

    private Eni newEni(SubnetPool subnet, List<String> groups, String description, Map<String, String> tags) {
        if (subnet.available() < 1) {
            throw Errors.of(Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, "The specified subnet " + subnet.id()
                    + " does not have enough free addresses to satisfy the request.");
        }
        String id = ids.next("eni-", enis::containsKey);
        String mac = ids.mac(macs::contains);
        int primary = subnet.takeAddresses(1, id, random).getFirst();
        Eni eni = new Eni(id, subnet, mac, description, groups, tags, primary);
        enis.put(id, eni);
        macs.add(mac);
        return eni;
    }

    private Eni.Attachment attachNow(Eni eni, RunningInstance instance, int deviceIndex, Instant readyAt) {
        String id = ids.next("eni-attach-", byAttachment::containsKey);
        Eni.Attachment attachment = new Eni.Attachment(id, instance.spec().id(), deviceIndex, readyAt, deviceIndex == 0);
        eni.attachment = Optional.of(attachment);
        byAttachment.put(id, eni);
        return attachment;
    }
}

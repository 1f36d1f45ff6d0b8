package dev.podnet.warm;

import dev.podnet.cloud.CloudException;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.CreateEni;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.Subnet;
import dev.podnet.ipam.warm.PoolAction;
import dev.podnet.ipam.warm.WarmPoolConfig;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Performs the ENI-level cloud calls of the warm pool: create + attach, detach + delete, the recovery of an
 * operation a crash interrupted, and assigning addresses or prefixes. Giving addresses back needs the pool's free
 * list and stays in {@link WarmPool}. Every multi-call operation writes its {@link PendingOperation} first.
 */
final class PoolExecutor {
    private static final System.Logger LOG = System.getLogger(PoolExecutor.class.getName());

    private final CloudNetwork cloud;
    private final NodeContext node;
    private final PendingOperation.Store pending;
    private final RandomGenerator random;

    PoolExecutor(CloudNetwork cloud, NodeContext node, PendingOperation.Store pending, RandomGenerator random) {
        this.cloud = cloud;
        this.node = node;
        this.pending = pending;
        this.random = random;
    }

    /**
     * Creates an ENI in the pod subnet (under custom networking, the subnet of the ENIConfig of this moment), attaches
     * it at the next free device index; returns its id.
     *
     * @throws NoEniConfigException before any cloud call, when custom networking has no ENIConfig to use
     */
    String createAndAttach(NodeSupply supply, int slots, boolean prefixMode) {
        Optional<EniConfig> eniConfig = node.eniConfigs().map(EniConfigSource::current);
        NodeSupply.Eni primary = supply.primary().orElseThrow(() -> new IllegalStateException(
                "EC2 reports no primary ENI (device index 0) on " + node.instanceId()));
        NetworkInterface primaryEni = describe(primary.id()).orElseThrow(() -> new IllegalStateException(
                "the primary ENI " + primary.id() + " vanished"));
        String subnet = eniConfig.map(EniConfig::subnet).orElse(primary.subnetId());
        List<String> groups = eniConfig.map(EniConfig::securityGroups).filter(g -> !g.isEmpty())
                .orElse(primaryEni.securityGroups());
        String token = HexFormat.of().toHexDigits(random.nextLong());
        pending.write(new PendingOperation.Create(token));
        Map<String, String> tags = new HashMap<>(node.ownerTags());
        tags.put(NodeContext.TAG_CREATE_TOKEN, token);
        NetworkInterface eni = cloud.createNetworkInterface(new CreateEni(subnet, groups,
                "podnet: pod addresses of " + node.instanceId(), tags));
        int index = supply.nextDeviceIndex();
        pending.write(new PendingOperation.Attach(eni.id(), index));
        attach(eni.id(), index);
        pending.clear();
        LOG.log(System.Logger.Level.INFO, "attached {0} ({1}) at device index {2} for {3} {4}", eni.id(),
                eniConfig.map(c -> subnet + " of ENIConfig " + c.name()).orElse(subnet), index, slots,
                prefixMode ? "prefixes" : "addresses");
        return eni.id();
    }

    /**
     * Assigns {@code count} addresses, or prefixes in prefix mode, to the ENI. A fragmented subnet has free addresses
     * but no free aligned /28: rather than fail pods as the VPC CNI does, it fills the ENI's free slots with single
     * addresses and tells {@code fragmented} why. Each later growth tries a prefix first, and single addresses are the
     * first to be given back once the pool has whole prefixes to spare, so the node returns to prefixes.
     */
    void assign(NodeSupply supply, String eni, int count, boolean prefixMode, int slotsPerEni,
                Consumer<String> fragmented) {
        if (!prefixMode) {
            cloud.assignPrivateIpAddresses(eni, count);
            return;
        }
        try {
            cloud.assignIpv4Prefixes(eni, count);
        } catch (CloudException e) {
            if (!e.is(Ec2Error.INSUFFICIENT_CIDR_BLOCKS)) {
                throw e;
            }
            int used = supply.eni(eni).map(x -> x.slots().size()).orElse(0);
            int singles = Math.min(slotsPerEni - used, count * WarmPoolConfig.ADDRESSES_PER_PREFIX);
            String subnet = supply.eni(eni).map(NodeSupply.Eni::subnetId).orElse("?");
            long free = cloud.describeSubnets(List.of(subnet)).stream().mapToLong(Subnet::availableIpAddressCount).sum();
            String why = "subnet " + subnet + " has " + free + " free addresses but no free aligned /28 block ("
                    + e.code() + ")";
            fragmented.accept(why);
            if (singles <= 0) {
                throw e;
            }
            cloud.assignPrivateIpAddresses(eni, singles);
            LOG.log(System.Logger.Level.WARNING, "{0}; assigned {1} single addresses to {2} instead of {3} prefixes",
                    why, singles, eni, count);
        }
    }

    /** Detaches and deletes an ENI; if EC2 is still detaching, the deletion stays pending for the next pass. */
    void detachAndDelete(NodeSupply.Eni eni) {
        pending.write(new PendingOperation.Delete(eni.id()));
        cloud.detachNetworkInterface(eni.attachmentId(), false);
        tryDelete(eni.id());
    }

    /**
     * Finishes what a crash interrupted: attaches an ENI created or being attached, deletes one being deleted.
     * Returns false while an operation is still pending (EC2 has not finished detaching).
     */
    boolean finishPending(NodeSupply supply) {
        Optional<PendingOperation> op = pending.read();
        if (op.isEmpty()) {
            return true;
        }
        switch (op.get()) {
            case PendingOperation.Create c -> {
                Map<String, String> tags = new HashMap<>(node.ownerTags());
                tags.put(NodeContext.TAG_CREATE_TOKEN, c.token());
                List<NetworkInterface> made = cloud.describeNetworkInterfaces(EniFilter.tagged(tags));
                if (made.isEmpty()) {
                    pending.clear();
                    return true;
                }
                return resumeAttach(made.getFirst(), supply);
            }
            case PendingOperation.Attach a -> {
                Optional<NetworkInterface> eni = describe(a.eniId());
                if (eni.isEmpty()) {
                    pending.clear();
                    return true;
                }
                return resumeAttach(eni.get(), supply);
            }
            case PendingOperation.Delete d -> {
                Optional<NetworkInterface> eni = describe(d.eniId());
                if (eni.isEmpty()) {
                    pending.clear();
                    return true;
                }
                if (eni.get().attachment().isPresent() && eni.get().status().equals("in-use")) {
                    cloud.detachNetworkInterface(eni.get().attachment().get().attachmentId(), false);
                }
                return tryDelete(d.eniId());
            }
        }
    }

    private boolean resumeAttach(NetworkInterface eni, NodeSupply supply) {
        if (eni.attachment().isEmpty() || eni.status().equals("available")) {
            int index = supply.nextDeviceIndex();
            pending.write(new PendingOperation.Attach(eni.id(), index));
            attach(eni.id(), index);
            LOG.log(System.Logger.Level.INFO, "finished attaching {0} after a restart", eni.id());
        }
        pending.clear();
        return true;
    }

    /**
     * Deletes ENIs tagged as this node's that are not attached (created, never attached: a crash between the two
     * calls of an earlier run), except the one a pending operation still owns. Returns how many were deleted.
     */
    int deleteLeaks() {
        Optional<PendingOperation> op = pending.read();
        if (op.filter(PendingOperation.Create.class::isInstance).isPresent()) {
            return 0; // the ENI being created may be among them; finishPending settles it first
        }
        Optional<String> owned = op.map(o -> switch (o) {
            case PendingOperation.Attach a -> a.eniId();
            case PendingOperation.Delete d -> d.eniId();
            case PendingOperation.Create c -> "";
        });
        int deleted = 0;
        for (NetworkInterface eni : cloud.describeNetworkInterfaces(EniFilter.tagged(node.ownerTags())
                .withStatus("available"))) {
            if (owned.filter(eni.id()::equals).isPresent()) {
                continue;
            }
            cloud.deleteNetworkInterface(eni.id());
            LOG.log(System.Logger.Level.WARNING, "deleted leaked ENI {0} (created by this node, never attached)",
                    eni.id());
            deleted++;
        }
        return deleted;
    }

    private void attach(String eniId, int index) {
        cloud.attachNetworkInterface(eniId, node.instanceId(), index);
    }

    private boolean tryDelete(String eniId) {
        try {
            cloud.deleteNetworkInterface(eniId);
        } catch (CloudException e) {
            if (e.is(Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE)) {
                return false;
            }
            if (!e.is(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND)) {
                throw e;
            }
        }
        pending.clear();
        return true;
    }

    Optional<NetworkInterface> describe(String eniId) {
        try {
            return cloud.describeNetworkInterfaces(EniFilter.ids(eniId)).stream().findFirst();
        } catch (CloudException e) {
            if (e.is(Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The error of a slot-level call in words a pod's event can show: which limit or shortage it hit. */
    static String explain(CloudException e, Optional<PoolAction> action) {
        String what = action.isEmpty() ? "reading the node's ENIs" : switch (action.get()) {
            case PoolAction.AssignSlots a -> "assigning " + a.count() + " to " + a.eniId();
            case PoolAction.AttachEni a -> "attaching a new ENI";
            case PoolAction.ReleaseSlots r -> "releasing " + r.count() + " from " + r.eniId();
            case PoolAction.DetachEni d -> "detaching " + d.eniId();
        };
        String why = e.error().map(err -> switch (err.kind()) {
            case THROTTLED -> "EC2 is throttling this account's calls";
            case SUBNET_FULL -> err == Ec2Error.INSUFFICIENT_CIDR_BLOCKS
                    ? "the subnet has no free aligned /28 block (fragmented)" : "the subnet is out of addresses";
            case LIMIT -> "an instance limit was reached";
            case UNAVAILABLE -> "EC2 is unavailable";
            default -> "EC2 refused the call";
        }).orElse("EC2 refused the call");
        return why + " (" + what + ": " + e.getMessage() + ")";
    }
}

package dev.podnet.agent;

import dev.podnet.api.CniException;
import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AllocationRequest;
import dev.podnet.ipam.AssignedAddress;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamException;
import dev.podnet.ipam.PodRef;
import dev.podnet.kube.KubeApiException;
import dev.podnet.kube.StatefulAddress;
import dev.podnet.kube.StatefulAddresses;
import dev.podnet.kube.StatefulSets;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * StatefulSet pods keep their addresses across restarts and re-creation under a new UID, keyed by namespace/name
 * (spiderpool#2442, amazon-vpc-cni-k8s#3139). The first ADD of such a pod allocates as usual and records the
 * addresses in a {@link StatefulAddress}; a later ADD asks for exactly those. A DEL does not release them: the
 * allocation is re-keyed, in one journal record, to a reservation key derived from the pod's name (a container id the
 * runtime never uses), which the next incarnation re-keys to its own attachment. {@link StatefulPodGc} frees them
 * once the StatefulSet no longer wants the ordinal. A pod that moved to another node takes its address along where
 * the network allows it (EC2 with AllowReassignment; a cluster pool by one compare-and-swap of the block), and is
 * refused with the reason where it does not.
 */
final class StatefulPods {
    private static final System.Logger LOG = System.getLogger(StatefulPods.class.getName());
    /** A container id prefix no runtime writes (they write hex): the reservation keys of StatefulSet pods. */
    static final String RESERVED = "sts_";
    /** A StatefulSet pod's name ends in -ORDINAL; only such names are worth an API call at DEL. */
    private static final Pattern ORDINAL = Pattern.compile(".*-(0|[1-9][0-9]{0,8})");

    private final KubernetesClient client;
    private final String node;
    private final Ipam ipam;
    /** The pool that feeds a pool name's addresses, or null for the engine's own. */
    private final Function<String, FedPool> fed;
    private final StatefulAddresses records;

    StatefulPods(KubernetesClient client, String node, Ipam ipam, Function<String, FedPool> fed) {
        this.client = client;
        this.node = node;
        this.ipam = ipam;
        this.fed = fed;
        this.records = new StatefulAddresses(client);
    }

    /** The key a StatefulSet pod's interface keeps its addresses under between two incarnations. */
    static AttachmentKey reservation(PodRef pod, String ifName) {
        return AttachmentKey.of(RESERVED + pod.namespace() + "_" + pod.name(), ifName);
    }

    static boolean reserved(AttachmentKey key) {
        return key.containerId().startsWith(RESERVED);
    }

    static boolean ordinalShaped(PodRef pod) {
        return ORDINAL.matcher(pod.name()).matches();
    }

    KubernetesClient client() {
        return client;
    }

    StatefulAddresses records() {
        return records;
    }

    String node() {
        return node;
    }

    // ---- ADD ----

    /**
     * ADD of {@code r}: empty when its pod is no StatefulSet's (the caller allocates as usual), else its addresses.
     *
     * @param allocate the agent's usual allocation, for a pod's first ADD
     * @param release  the agent's release path, to undo that allocation when its record cannot be written
     * @param read     the pod, when this ADD has read it already (for its IP pools)
     */
    Optional<Allocation> add(AllocationRequest r, Optional<Pod> read, Function<AllocationRequest, Allocation> allocate,
                             Function<AttachmentKey, Optional<Allocation>> release) {
        PodRef ref = r.pod().orElseThrow();
        Pod pod;
        try {
            pod = read.isPresent() ? read.get() : KubeApiException.call(client, () -> client.pods()
                    .inNamespace(ref.namespace()).withName(ref.name()).get());
        } catch (KubeApiException e) {
            // The node's pools keep serving while the API server is away (ApiPools): a reservation this node holds
            // for the pod's name says enough, and any other pod is served as usual.
            AttachmentKey kept = reservation(ref, r.key().ifName());
            return ipam.find(kept).isPresent() ? Optional.of(ipam.rekey(kept, r.key(), r.pod())) : Optional.empty();
        }
        Optional<StatefulAddress.Owner> owner = pod == null ? Optional.empty() : StatefulSets.owner(pod);
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        Optional<StatefulAddress> record;
        try {
            record = records.get(ref.namespace(), ref.name());
        } catch (dev.podnet.net.InvalidInputException e) {
            throw new CniException(CniException.TRY_AGAIN_LATER, "StatefulAddress not readable", "pod " + ref
                    + " of StatefulSet " + owner.get().name() + " gets no address until its record is fixed or"
                    + " deleted: " + e.getMessage());
        }
        Optional<StatefulAddress.Interface> kept = record.flatMap(a -> a.iface(r.key().ifName()));
        if (kept.isPresent()) {
            return Optional.of(again(r, record.get(), kept.get()));
        }
        Allocation a = allocate.apply(r);
        StatefulAddress.Interface given = new StatefulAddress.Interface(r.key().ifName(), r.pool(), r.sources(),
                a.addresses().stream().map(x -> x.address().toCanonicalString()).toList());
        StatefulAddress written;
        try {
            written = record.isPresent()
                    ? records.update(ref.namespace(), ref.name(), o -> o.with(given)).orElseGet(() ->
                            records.create(new StatefulAddress(ref.namespace(), ref.name(), owner.get(), node,
                                    ref.uid(), List.of(given), Optional.empty())))
                    : records.create(new StatefulAddress(ref.namespace(), ref.name(), owner.get(), node, ref.uid(),
                            List.of(given), Optional.empty()));
        } catch (KubeApiException | dev.podnet.net.InvalidInputException e) {
            // Addresses the pod would lose at its next restart are not what it asked for: nothing half-done.
            release.apply(a.key());
            throw new CniException(CniException.TRY_AGAIN_LATER, "StatefulAddress not written", "pod " + ref
                    + " of StatefulSet " + owner.get().name() + ": its addresses " + given.addresses()
                    + " were released again because its StatefulAddress could not be written: " + e.getMessage());
        }
        StatefulAddress.Interface recorded = written.iface(r.key().ifName()).orElse(given);
        if (!recorded.addresses().equals(given.addresses())) {
            // Another ADD of the same pod recorded first (or one before a crash): its addresses are the pod's.
            release.apply(a.key());
            return Optional.of(again(r, written, recorded));
        }
        return Optional.of(a);
    }

    /** ADD of a pod that has a record: exactly its addresses, taken back here or brought over from another node. */
    private Allocation again(AllocationRequest r, StatefulAddress record, StatefulAddress.Interface kept) {
        PodRef ref = r.pod().orElseThrow();
        List<IPAddress> addresses = kept.addresses().stream().map(t -> new IPAddressString(t).getAddress()).toList();
        if (!record.node().equals(node)) {
            FedPool f = movable(r, record, kept);
            // The record first: from then on the old node drops its reservation and never serves the address again,
            // and if the move below fails, the runtime's retry of this ADD finishes it (a claim is idempotent).
            records.update(ref.namespace(), ref.name(), o -> o.heldBy(node, ref.uid()));
            return f.claim(r.key(), addresses.getFirst(), r.pod());
        }
        Allocation a = takeBack(r, kept, addresses);
        try {
            records.update(ref.namespace(), ref.name(), o -> o.heldBy(node, ref.uid()));
        } catch (KubeApiException e) {
            // Only the pod uid is stale in the record, and the next ADD writes it.
            LOG.log(System.Logger.Level.WARNING, "StatefulAddress {0}: pod uid not updated: {1}", ref, e.getMessage());
        }
        return a;
    }

    /** On this node: re-key from the reservation or the previous container, else allocate out of quarantine. */
    private Allocation takeBack(AllocationRequest r, StatefulAddress.Interface kept, List<IPAddress> addresses) {
        PodRef ref = r.pod().orElseThrow();
        if (ipam.use(addresses.getFirst()) instanceof AddressUse.Held held) {
            if (held.key().equals(r.key())) {
                return ipam.find(r.key()).orElseThrow();
            }
            Optional<PodRef> holder = ipam.find(held.key()).flatMap(Allocation::pod);
            boolean ours = held.key().equals(reservation(ref, r.key().ifName()))
                    || holder.map(p -> p.namespace().equals(ref.namespace()) && p.name().equals(ref.name()))
                    .orElse(false);
            if (!ours) {
                throw new IpamException(IpamException.Reason.CONFLICT, "pod " + ref + "'s address "
                        + addresses.getFirst().toCanonicalString() + " (its StatefulAddress) is held by container "
                        + held.key() + holder.map(p -> " of pod " + p).orElse(""));
            }
            return ipam.rekey(held.key(), r.key(), r.pod());
        }
        FedPool f = fed.apply(r.pool());
        if (f != null && f.movable()) {
            // Perhaps not yet on this node's ENI: an earlier ADD here updated the record and failed before the move.
            return f.claim(r.key(), addresses.getFirst(), r.pod());
        }
        if (f != null) {
            return f.reclaim(r.key(), addresses.getFirst(), r.pod());
        }
        return ipam.allocate(new AllocationRequest(r.key(), r.pool(), addresses, r.pod(), kept.pools()).reclaiming());
    }

    /** The pool that can bring a pod's address over from another node: EC2's secondary addresses alone. */
    private FedPool movable(AllocationRequest r, StatefulAddress record, StatefulAddress.Interface kept) {
        PodRef ref = r.pod().orElseThrow();
        String address = kept.addresses().getFirst();
        FedPool f = fed.apply(r.pool());
        if (f == null) {
            String pool = kept.pools().isEmpty() ? kept.network() : String.join(", ", kept.pools());
            throw new IpamException(IpamException.Reason.CONFLICT, "pod " + ref + "'s address " + address
                    + " is held by node " + record.node() + " in pool " + pool + ", which serves that node alone:"
                    + " the address cannot move to node " + node + "; delete StatefulAddress " + ref
                    + " to give the pod a new address here");
        }
        if (!f.movable()) {
            throw new IpamException(IpamException.Reason.CONFLICT, "pod " + ref + "'s address " + address
                    + " is held by node " + record.node() + "; addresses of pool " + r.pool() + " cannot move between"
                    + " nodes (delete StatefulAddress " + ref + " to give the pod a new address)");
        }
        return f;
    }

    // ---- DEL and CNI GC ----

    /**
     * DEL: a StatefulSet pod's attachment keeps its addresses under the reservation key; any other is released.
     * Without an answer from the API server a pod that may be a StatefulSet's keeps them too, and the next GC round
     * decides: a DEL must not fail, and must not free what a pod will ask for again.
     */
    Optional<Allocation> del(AttachmentKey key, Function<AttachmentKey, Optional<Allocation>> release) {
        Optional<Allocation> held = ipam.find(key);
        if (held.isEmpty() || reserved(key) || held.get().pod().isEmpty() || !ordinalShaped(held.get().pod().get())) {
            return release.apply(key);
        }
        PodRef pod = held.get().pod().get();
        Optional<StatefulAddress> record;
        try {
            record = records.get(pod.namespace(), pod.name());
        } catch (KubeApiException e) {
            LOG.log(System.Logger.Level.WARNING, "DEL of {0} (pod {1}): the API server did not say whether it is a "
                    + "StatefulSet pod, so its addresses are kept for it until the next GC round: {2}", key, pod,
                    e.getMessage());
            return reserve(held.get(), release);
        }
        Optional<StatefulAddress.Interface> kept = record.flatMap(a -> a.iface(key.ifName()));
        if (kept.isEmpty() || !kept.get().addresses().equals(texts(held.get()))) {
            return release.apply(key);
        }
        if (!record.get().node().equals(node)) {
            return forget(held.get());
        }
        return reserve(held.get(), release);
    }

    /**
     * CNI GC of {@code pool}: the reservations are valid attachments, and a StatefulSet pod's attachment the runtime
     * no longer lists is reserved rather than released.
     */
    Set<AttachmentKey> keepThroughGc(String pool, Set<AttachmentKey> valid,
                                     Function<AttachmentKey, Optional<Allocation>> release) {
        for (Allocation a : ipam.allocations()) {
            if (a.pool().equals(pool) && !valid.contains(a.key()) && !reserved(a.key())
                    && a.pod().map(StatefulPods::ordinalShaped).orElse(false)) {
                del(a.key(), release);
            }
        }
        Set<AttachmentKey> keep = new java.util.HashSet<>(valid);
        ipam.allocations().stream().map(Allocation::key).filter(StatefulPods::reserved).forEach(keep::add);
        return keep;
    }

    /** Re-keys the allocation to its pod's reservation; an older reservation of the same name is released first. */
    Optional<Allocation> reserve(Allocation a, Function<AttachmentKey, Optional<Allocation>> release) {
        AttachmentKey to = reservation(a.pod().orElseThrow(), a.key().ifName());
        if (a.key().equals(to)) {
            return Optional.empty();
        }
        if (ipam.find(to).isPresent()) {
            release.apply(to);
        }
        ipam.rekey(a.key(), to, Optional.empty());
        LOG.log(System.Logger.Level.INFO, "kept {0} of StatefulSet pod {1} for its next incarnation", a.addresses(),
                a.pod().get());
        return Optional.empty();
    }

    /** Addresses another node holds now: released here without serving this node again. */
    Optional<Allocation> forget(Allocation a) {
        FedPool f = fed.apply(a.pool());
        return f != null ? f.forget(a.key()) : ipam.release(a.key());
    }

    static List<String> texts(Allocation a) {
        List<String> t = new ArrayList<>();
        for (AssignedAddress x : a.addresses()) {
            t.add(x.address().toCanonicalString());
        }
        return t;
    }
}

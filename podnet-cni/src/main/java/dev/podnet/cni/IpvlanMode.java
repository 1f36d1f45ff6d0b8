package dev.podnet.cni;

import dev.podnet.api.Attachment;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.linux.IpvlanLink;
import dev.podnet.linux.NetNamespace;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code "mode": "ipvlan"}: the pod's interface is an ipvlan link in L2 mode on the ENI that holds its addresses, as
 * Spiderpool wires pods on AWS ({@link IpvlanLink}). That ENI's link is the configuration's {@code master} if it has
 * one; otherwise the allocation says it, with no configuration per ENI: the agent's node setup gives each secondary
 * ENI's link a route table of its own, and the allocation names the table (the link is the one its default route
 * leaves by); addresses on the primary ENI or from a plain pool come with no table, and their link is the one of
 * the main table's default route.
 */
final class IpvlanMode implements Mode {
    /** The link's name until it is in the pod's namespace, with the attachment's hash after it. */
    static final String TMP_PREFIX = "pnv";

    private final IpvlanLink link;
    private final OptionalInt mtu;
    private final Optional<String> master;

    IpvlanMode(IpvlanLink link, OptionalInt mtu, Optional<String> master) {
        this.link = link;
        this.mtu = mtu;
        this.master = master;
    }

    @Override
    public Optional<String> existing(CniEnv env, NetNamespace pod) {
        return link.exists(pod, env.ifName()) ? Optional.of(env.ifName() + " in " + pod) : Optional.empty();
    }

    @Override
    public CniResult attach(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held) {
        String mac = link.add(spec(env, pod, held));
        return IpvlanResult.of(conf.cniVersion(), env.ifName(), mac, env.netns(), mtu.isPresent() ? mtu.getAsInt() : null,
                held.result(), conf.dns());
    }

    /** The link lives in the pod's namespace only: with the namespace gone there is nothing left to remove. */
    @Override
    public void detach(CniEnv env, NetConf conf, Optional<NetNamespace> pod, Optional<Backend.Held> held) {
        pod.ifPresent(p -> link.remove(p, env.ifName(), tmpName(env)));
    }

    @Override
    public List<String> problems(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held) {
        return link.problems(spec(env, pod, held));
    }

    /** The node keeps nothing of a pod. */
    @Override
    public void collect(List<Attachment> valid) {
    }

    @Override
    public String name(CniEnv env) {
        return env.ifName() + " in " + env.netns();
    }

    /** The master for an allocation: the configuration's, or the link of its route table's default route. */
    String master(Backend.Held held) {
        Integer table = held.routeTable();
        return master.or(() -> link.master(table == null ? OptionalInt.empty() : OptionalInt.of(table)))
                .orElseThrow(() -> new CniException(CniException.INTERNAL, "no master link for the pod's addresses",
                        (table == null ? "the node's main table" : "route table " + table + " (the ENI's)")
                                + " has no default route to say which link holds them; set \"master\""));
    }

    private IpvlanLink.Spec spec(CniEnv env, NetNamespace pod, Backend.Held held) {
        CniResult ipam = held.result();
        List<IpvlanLink.Via> routes = IpvlanResult.routes(ipam).stream()
                .map(r -> new IpvlanLink.Via(r.dst(), r.gw() == null ? "" : r.gw())).toList();
        return new IpvlanLink.Spec(pod, env.ifName(), tmpName(env), master(held), mtu,
                ipam.ips().stream().map(CniResult.IpConfig::address).toList(), routes);
    }

    private static String tmpName(CniEnv env) {
        return RoutedNames.linkName(TMP_PREFIX, env.containerId(), env.ifName());
    }
}

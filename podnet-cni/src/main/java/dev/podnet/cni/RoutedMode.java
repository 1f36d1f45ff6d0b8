package dev.podnet.cni;

import dev.podnet.api.Attachment;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.linux.LinuxException;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.RoutedVeth;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** {@code "mode": "routed"}: the pod wired as aws-vpc-cni wires it ({@link RoutedVeth}), named by {@link RoutedNames}. */
final class RoutedMode implements Mode {
    private final RoutedVeth veth;
    private final OptionalInt mtu;

    RoutedMode(RoutedVeth veth, OptionalInt mtu) {
        this.veth = veth;
        this.mtu = mtu;
    }

    @Override
    public Optional<String> existing(CniEnv env, NetNamespace pod) {
        String hostVeth = names(env).hostVeth();
        return veth.hostEndExists(hostVeth) ? Optional.of("the host veth " + hostVeth) : Optional.empty();
    }

    @Override
    public CniResult attach(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held) {
        RoutedNames names = names(env);
        List<String> hosts = RoutedResult.hosts(held.result());
        RoutedVeth.Attached ends = veth.add(spec(env, pod, names, hosts, held));
        return RoutedResult.of(conf.cniVersion(), names, env.ifName(), env.netns(),
                mtu.isPresent() ? mtu.getAsInt() : null, ends, hosts, conf.dns());
    }

    /** The rules of the addresses the runtime recorded and of those still held go, whichever of them exist. */
    @Override
    public void detach(CniEnv env, NetConf conf, Optional<NetNamespace> pod, Optional<Backend.Held> held) {
        Set<String> known = new LinkedHashSet<>(RoutedResult.hosts(conf.prevResult()));
        held.ifPresent(h -> known.addAll(RoutedResult.hosts(h.result())));
        veth.remove(names(env).hostVeth(), List.copyOf(known));
    }

    @Override
    public List<String> problems(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held) {
        return veth.problems(spec(env, pod, names(env), RoutedResult.hosts(conf.prevResult()), held));
    }

    /** Host ends are found by their alias, which names the attachment. */
    @Override
    public void collect(List<Attachment> valid) {
        Set<String> keep = new HashSet<>();
        for (Attachment a : valid) {
            keep.add(RoutedNames.alias(a.containerId(), a.ifName()));
        }
        try {
            for (Map.Entry<String, String> link : veth.owned(RoutedNames.ALIAS_PREFIX).entrySet()) {
                if (!keep.contains(link.getKey())) {
                    veth.remove(link.getValue(), List.of());
                }
            }
        } catch (LinuxException e) {
            throw new CniException(CniException.INTERNAL, "podnet could not remove a stale attachment's host side",
                    e.getMessage());
        }
    }

    @Override
    public String name(CniEnv env) {
        return names(env).hostVeth();
    }

    private static RoutedNames names(CniEnv env) {
        return RoutedNames.of(env.containerId(), env.ifName());
    }

    private RoutedVeth.Spec spec(CniEnv env, NetNamespace pod, RoutedNames names, List<String> hosts, Backend.Held held) {
        Integer table = held.routeTable();
        return new RoutedVeth.Spec(pod, env.ifName(), names.hostVeth(), names.hostMac(), names.alias(), mtu, hosts,
                table == null ? OptionalInt.empty() : OptionalInt.of(table), held.vpcCidrs());
    }
}

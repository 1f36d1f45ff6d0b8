package dev.podnet.cni;

import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.api.Attachment;
import dev.podnet.linux.LinuxException;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.RoutedVeth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The main plugin {@code podnet} in {@code "mode": "routed"}: addresses from podnet-ipam's backend (the agent, in
 * agent mode), wired as aws-vpc-cni wires them ({@link RoutedVeth}). ADD takes the addresses first and gives them
 * back if the kernel refuses; DEL removes the node's side of the attachment, then releases, and reports the first
 * failure only after trying both, as host-local's DEL does.
 */
final class RoutedBackend implements Backend {
    static final String TYPE = "podnet";
    static final String ROUTED = "routed";

    private final Backend addresses;
    private final RoutedVeth veth;
    private final OptionalInt mtu;

    RoutedBackend(Backend addresses, RoutedVeth veth, OptionalInt mtu) {
        this.addresses = addresses;
        this.veth = veth;
        this.mtu = mtu;
    }

    /** The main plugin for {@code conf}, or a code-2/7 error naming the key that is wrong. */
    static RoutedBackend of(NetConf conf, Backend addresses, RoutedVeth veth) {
        String mode = conf.mode() == null ? ROUTED : conf.mode();
        if (!mode.equals(ROUTED)) {
            throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field mode",
                    "mode=\"" + mode + "\"; podnet supports \"routed\" (ipvlan is yet to come)");
        }
        Integer mtu = conf.mtu();
        if (mtu != null && mtu != 0 && (mtu < 1280 || mtu > 65535)) {
            throw new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid network config",
                    "mtu must be 1280..65535 (or 0 for the kernel's default), got " + mtu);
        }
        return new RoutedBackend(addresses, veth, mtu == null || mtu == 0 ? OptionalInt.empty() : OptionalInt.of(mtu));
    }

    @Override
    public Held add(CniEnv env, NetConf conf) {
        NetNamespace pod = podNamespace(env);
        RoutedNames names = RoutedNames.of(env.containerId(), env.ifName());
        // Addresses first: when the agent died during this very ADD (the plugin reports the lost agent, code 11),
        // the host end it left must not turn that into "exists already".
        Held held = addresses.add(env, conf);
        if (veth.hostEndExists(names.hostVeth())) {
            // Never undo here: the link and the addresses (the attachment key's, as every ADD of it gets) are those
            // of the attachment that exists; the runtime's DEL removes both.
            throw new CniException(CniException.INTERNAL, "the attachment exists already",
                    env.containerId() + "/" + env.ifName() + " has the host veth " + names.hostVeth()
                            + "; DEL it before adding it again");
        }
        try {
            List<String> hosts = RoutedResult.hosts(held.result());
            RoutedVeth.Attached ends = veth.add(spec(env, pod, names, hosts, held));
            return new Held(RoutedResult.of(conf.cniVersion(), names, env.ifName(), env.netns(),
                    mtu.isPresent() ? mtu.getAsInt() : null, ends, hosts, conf.dns()), held.routeTable(), held.vpcCidrs());
        } catch (LinuxException | IllegalArgumentException e) {
            CniException failure = kernelFailure("ADD", names, e);
            try {
                addresses.del(env, conf);
            } catch (CniException undo) {
                failure.addSuppressed(undo);
            }
            throw failure;
        }
    }

    @Override
    public void del(CniEnv env, NetConf conf) {
        RoutedNames names = RoutedNames.of(env.containerId(), env.ifName());
        List<CniException> failures = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>(RoutedResult.hosts(conf.prevResult()));
        try {
            addresses.held(env, conf).ifPresent(h -> known.addAll(RoutedResult.hosts(h.result())));
            veth.remove(names.hostVeth(), List.copyOf(known));
        } catch (LinuxException e) {
            failures.add(kernelFailure("DEL", names, e));
        } catch (CniException e) {
            failures.add(e);
        }
        try {
            addresses.del(env, conf);
        } catch (CniException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            CniException first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    @Override
    public Held check(CniEnv env, NetConf conf) {
        Held held = addresses.check(env, conf);
        NetNamespace pod = NetNamespace.at(Path.of(requireNetns(env)));
        RoutedNames names = RoutedNames.of(env.containerId(), env.ifName());
        List<String> hosts = RoutedResult.hosts(conf.prevResult());
        List<String> problems;
        try {
            problems = veth.problems(spec(env, pod, names, hosts, held));
        } catch (LinuxException e) {
            throw kernelFailure("CHECK", names, e);
        }
        if (!problems.isEmpty()) {
            throw new CniException(CniException.INTERNAL, problems.getFirst(), String.join("; ", problems));
        }
        return held;
    }

    @Override
    public java.util.Optional<Held> held(CniEnv env, NetConf conf) {
        return addresses.held(env, conf);
    }

    /** Removes the node's side of every attachment the runtime no longer lists, then lets IPAM collect the rest. */
    @Override
    public void gc(NetConf conf) {
        Set<String> valid = new HashSet<>();
        for (Attachment a : conf.validAttachments()) {
            valid.add(RoutedNames.alias(a.containerId(), a.ifName()));
        }
        try {
            for (Map.Entry<String, String> link : veth.owned(RoutedNames.ALIAS_PREFIX).entrySet()) {
                if (!valid.contains(link.getKey())) {
                    veth.remove(link.getValue(), List.of());
                }
            }
        } catch (LinuxException e) {
            throw new CniException(CniException.INTERNAL, "podnet could not remove a stale attachment's host side",
                    e.getMessage());
        }
        addresses.gc(conf);
    }

    @Override
    public void status(NetConf conf) {
        addresses.status(conf);
    }

    private RoutedVeth.Spec spec(CniEnv env, NetNamespace pod, RoutedNames names, List<String> hosts, Held held) {
        Integer table = held.routeTable();
        return new RoutedVeth.Spec(pod, env.ifName(), names.hostVeth(), names.hostMac(), names.alias(), mtu, hosts,
                table == null ? OptionalInt.empty() : OptionalInt.of(table), held.vpcCidrs());
    }

    /** CNI_NETNS for ADD: it must name a namespace that exists (code 4 otherwise, before any address is taken). */
    private static NetNamespace podNamespace(CniEnv env) {
        String path = requireNetns(env);
        NetNamespace pod;
        try {
            pod = NetNamespace.at(Path.of(path));
        } catch (IllegalArgumentException e) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "invalid CNI_NETNS", e.getMessage());
        }
        if (!pod.exists()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "the container's network namespace does not exist",
                    "CNI_NETNS=" + path);
        }
        return pod;
    }

    private static String requireNetns(CniEnv env) {
        if (env.netns() == null || env.netns().isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_NETNS is required", "");
        }
        return env.netns();
    }

    private static CniException kernelFailure(String command, RoutedNames names, RuntimeException e) {
        return new CniException(CniException.INTERNAL, "podnet " + command + " failed for " + names.hostVeth()
                + ": the kernel refused a change", e.getMessage());
    }
}

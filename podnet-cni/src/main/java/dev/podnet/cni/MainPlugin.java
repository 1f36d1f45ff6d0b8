package dev.podnet.cni;

import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.NetConf;
import dev.podnet.linux.Exec;
import dev.podnet.linux.IpvlanLink;
import dev.podnet.linux.Link;
import dev.podnet.linux.LinuxException;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.RoutedVeth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The main plugin {@code podnet}: addresses from podnet-ipam's backend (the agent, in agent mode), wired by its
 * {@link Mode}. ADD takes the addresses first and gives them back if wiring fails; DEL unwires, then releases, and
 * reports the first failure only after trying both, as host-local's DEL does.
 */
final class MainPlugin implements Backend {
    static final String TYPE = "podnet";
    static final String ROUTED = "routed";
    static final String IPVLAN = "ipvlan";

    private final Backend addresses;
    private final Mode mode;

    MainPlugin(Backend addresses, Mode mode) {
        this.addresses = addresses;
        this.mode = mode;
    }

    /**
     * The main plugin for {@code conf}, or a code-2/7 error naming the key that is wrong.
     *
     * @param node the node's namespace: where the routed mode's host ends and the ipvlan mode's masters are
     */
    static MainPlugin of(NetConf conf, Backend addresses, Exec exec, NetNamespace node) {
        Integer mtu = conf.mtu();
        if (mtu != null && mtu != 0 && (mtu < 1280 || mtu > 65535)) {
            throw invalid("mtu must be 1280..65535 (or 0 for the kernel's default), got " + mtu);
        }
        OptionalInt linkMtu = mtu == null || mtu == 0 ? OptionalInt.empty() : OptionalInt.of(mtu);
        String name = conf.mode() == null ? ROUTED : conf.mode();
        if (conf.master() != null && !name.equals(IPVLAN)) {
            throw invalid("master is a key of mode \"ipvlan\", not of mode \"" + name + "\"");
        }
        Mode mode = switch (name) {
            case ROUTED -> new RoutedMode(new RoutedVeth(exec, node), linkMtu);
            case IPVLAN -> new IpvlanMode(new IpvlanLink(exec, node), linkMtu, master(conf));
            default -> throw new CniException(CniException.UNSUPPORTED_FIELD, "unsupported field mode",
                    "mode=\"" + name + "\"; podnet supports \"" + ROUTED + "\" and \"" + IPVLAN + "\"");
        };
        return new MainPlugin(addresses, mode);
    }

    private static Optional<String> master(NetConf conf) {
        try {
            Optional.ofNullable(conf.master()).ifPresent(Link::checkName);
            return Optional.ofNullable(conf.master());
        } catch (IllegalArgumentException e) {
            throw invalid("master: " + e.getMessage());
        }
    }

    private static CniException invalid(String details) {
        return new CniException(CniException.INVALID_NETWORK_CONFIG, "invalid network config", details);
    }

    @Override
    public Held add(CniEnv env, NetConf conf) {
        NetNamespace pod = podNamespace(env);
        // Addresses first: when the agent died during this very ADD (the plugin reports the lost agent, code 11),
        // the links it left must not turn that into "exists already".
        Held held = addresses.add(env, conf);
        mode.existing(env, pod).ifPresent(what -> {
            // Never undo here: the links and the addresses (the attachment key's, as every ADD of it gets) are those
            // of the attachment that exists; the runtime's DEL removes both.
            throw new CniException(CniException.INTERNAL, "the attachment exists already",
                    env.containerId() + "/" + env.ifName() + " has " + what + "; DEL it before adding it again");
        });
        try {
            return new Held(mode.attach(env, conf, pod, held), held.routeTable(), held.vpcCidrs());
        } catch (LinuxException | IllegalArgumentException | CniException e) {
            CniException failure = e instanceof CniException c ? c : kernelFailure("ADD", env, e);
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
        List<CniException> failures = new ArrayList<>();
        try {
            mode.detach(env, conf, existingPod(env), addresses.held(env, conf));
        } catch (LinuxException e) {
            failures.add(kernelFailure("DEL", env, e));
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
        List<String> problems;
        try {
            problems = mode.problems(env, conf, pod, held);
        } catch (LinuxException e) {
            throw kernelFailure("CHECK", env, e);
        }
        if (!problems.isEmpty()) {
            throw new CniException(CniException.INTERNAL, problems.getFirst(), String.join("; ", problems));
        }
        return held;
    }

    @Override
    public Optional<Held> held(CniEnv env, NetConf conf) {
        return addresses.held(env, conf);
    }

    /** Removes the node's side of every attachment the runtime no longer lists, then lets IPAM collect the rest. */
    @Override
    public void gc(NetConf conf) {
        mode.collect(conf.validAttachments());
        addresses.gc(conf);
    }

    @Override
    public void status(NetConf conf) {
        addresses.status(conf);
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

    /** CNI_NETNS for DEL: empty when it is unset, gone, or a path ADD would have refused (so nothing of ours is in it). */
    private static Optional<NetNamespace> existingPod(CniEnv env) {
        try {
            return Optional.of(podNamespace(env));
        } catch (CniException e) {
            return Optional.empty();
        }
    }

    private static String requireNetns(CniEnv env) {
        if (env.netns() == null || env.netns().isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_NETNS is required", "");
        }
        return env.netns();
    }

    private CniException kernelFailure(String command, CniEnv env, RuntimeException e) {
        return new CniException(CniException.INTERNAL, "podnet " + command + " failed for " + mode.name(env)
                + ": the kernel refused a change", e.getMessage());
    }
}

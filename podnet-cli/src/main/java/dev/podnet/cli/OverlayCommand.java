package dev.podnet.cli;

import dev.podnet.linux.Iproute;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.InvalidInputException;
import dev.podnet.overlay.OverlayAgent;
import dev.podnet.overlay.SubnetEnv;
import dev.podnet.store.StoreException;
import dev.podnet.store.etcd.EtcdStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "overlay", mixinStandardHelpOptions = true,
        description = {"Run the flannel-compatible VXLAN overlay in the foreground.", "",
                "Leases this node a subnet under the etcd prefix in flannel's format (so podnet and flannel nodes share",
                "one network), writes the subnet file for the flannel CNI plugin, creates flannel.<VNI> and keeps a",
                "neighbour, an FDB entry and a route for every other node's lease, following the leases with a watch.",
                "The network comes from <prefix>/config, e.g. {\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}.",
                "Logs go to stderr; SIGTERM or SIGINT stops it (exit status 0) and keeps the lease, so a restart gets",
                "the same subnet back."},
        footer = {"", "Examples:",
                "  podnet overlay --etcd-endpoints http://10.0.0.10:2379 --iface eth0",
                "  podnet overlay --etcd-endpoints http://127.0.0.1:2379 --netns node1 --iface eth0 \\",
                "      --subnet-file /run/node1/flannel/subnet.env      (program namespace node1, talk to etcd from here)"})
final class OverlayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--etcd-endpoints", required = true, split = ",", paramLabel = "URL",
            description = "etcd client URLs, comma-separated (http://host:port).")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", defaultValue = OverlayAgent.Settings.DEFAULT_PREFIX,
            description = "flannel's key prefix (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--iface", paramLabel = "IFNAME",
            description = "The interface VXLAN traffic leaves through (default: the default route's).")
    String iface;

    @Option(names = "--public-ip", paramLabel = "IP",
            description = "This node's address for the other nodes (default: the first IPv4 address of --iface).")
    String publicIp;

    @Option(names = "--subnet-file", paramLabel = "PATH", description = "Where to write subnet.env (default ${DEFAULT-VALUE}).")
    Path subnetFile = SubnetEnv.DEFAULT_PATH;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "Program this network namespace (ip netns name) instead of the current one; etcd is still "
                    + "reached from here.")
    String netns;

    @Override
    public Integer call() throws InterruptedException {
        ProcessExec exec = new ProcessExec();
        NetNamespace ns = NetNamespace.current();
        if (netns != null) {
            try {
                ns = NetNamespace.named(netns);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--netns: " + e.getMessage());
            }
            if (!new Namespaces(exec).exists(netns)) {
                throw new InvalidInputException("--netns: no network namespace " + netns + " in " + Namespaces.NETNS_DIR);
            }
        }
        OverlayAgent.Settings settings = OverlayAgent.Settings.defaults().withPrefix(prefix).withSubnetFile(subnetFile);
        if (iface != null) {
            settings = settings.withIface(iface);
        }
        if (publicIp != null) {
            settings = settings.withPublicIp(publicIp);
        }
        EtcdStore store;
        try {
            store = EtcdStore.builder().endpoints(endpoints).open();
        } catch (StoreException e) {
            throw new InvalidInputException("--etcd-endpoints: " + e.getMessage());
        }
        try (store) {
            OverlayAgent agent;
            try {
                agent = OverlayAgent.start(store, new Iproute(exec, ns), settings, InstantSource.system(), new SecureRandom());
            } catch (StoreException e) {
                spec.commandLine().getErr().println("podnet overlay: etcd: " + e.getMessage());
                return 1;
            }
            try (agent) {
                for (String name : List.of("TERM", "INT")) {
                    Signal.handle(new Signal(name), s -> agent.close());
                }
                spec.commandLine().getErr().printf("podnet overlay: %s has subnet %s in %s; wrote %s%n",
                        agent.lease().attrs().publicIp(), agent.lease().subnet(), ns, settings.subnetFile());
                spec.commandLine().getErr().flush();
                agent.awaitClose();
            }
        }
        spec.commandLine().getErr().println("podnet overlay: stopped");
        return 0;
    }
}

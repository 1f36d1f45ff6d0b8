package dev.podnet.cli;

import dev.podnet.linux.Iproute;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.InvalidInputException;
import dev.podnet.overlay.FlannelConfig;
import dev.podnet.overlay.OverlayAgent;
import dev.podnet.overlay.OverlayException;
import dev.podnet.overlay.StoreRegistry;
import dev.podnet.overlay.SubnetRegistry;
import dev.podnet.overlay.SubnetEnv;
import dev.podnet.overlay.kube.FlannelNodes;
import dev.podnet.kube.KubeConnection;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.StoreException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "overlay", mixinStandardHelpOptions = true,
        description = {"Run the flannel-compatible VXLAN overlay in the foreground.", "",
                "Leases this node a subnet under the prefix in flannel's format (so podnet and flannel nodes on one etcd",
                "share one network), writes the subnet file for the flannel CNI plugin, creates flannel.<VNI> and keeps a",
                "neighbour, an FDB entry and a route for every other node's lease, following the leases with a watch.",
                "The leases live in etcd (--etcd-endpoints) or in the Kubernetes API server (--kubeconfig, else KUBECONFIG",
                "or the pod's service account): podnet.dev StoreEntry objects, coordination.k8s.io Leases; no etcd to run.",
                "The network comes from <prefix>/config, e.g. {\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}},",
                "which --net-conf stores when there is none.",
                "Logs go to stderr; SIGTERM or SIGINT stops it (exit status 0) and keeps the lease, so a restart gets",
                "the same subnet back."},
        footer = {"", "Examples:",
                "  podnet overlay --etcd-endpoints http://10.0.0.10:2379 --iface eth0",
                "  podnet overlay --kubeconfig /etc/podnet/kubeconfig --node-name node-a --net-conf net-conf.json",
                "  podnet overlay --kube-subnet-mgr --node-name node-a      (in a pod, beside or instead of flannel)",
                "  podnet overlay --etcd-endpoints http://127.0.0.1:2379 --netns node1 --iface eth0 \\",
                "      --subnet-file /run/node1/flannel/subnet.env      (program namespace node1, talk to etcd from here)"})
final class OverlayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--etcd-endpoints", split = ",", paramLabel = "URL",
            description = "etcd client URLs, comma-separated (http://host:port).")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Keep the leases in this Kubernetes API server instead of etcd.")
    Path kubeconfig;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "With the API server: this node, the holder of its lease (default: MY_NODE_NAME, else the "
                    + "host name).")
    String nodeName;

    @Option(names = "--net-conf", paramLabel = "FILE",
            description = "flannel's net-conf.json, stored at <prefix>/config when the store has none yet "
                    + "(with --kube-subnet-mgr: the configuration itself, default " + KUBE_NET_CONF + ").")
    Path netConf;

    @Option(names = "--kube-subnet-mgr",
            description = "flannel's kube subnet manager mode: the node's subnet is its spec.podCIDR and the other "
                    + "nodes are found by flannel's annotations on the Node objects, so podnet and flannel nodes "
                    + "peer. The API server as with --kubeconfig; no etcd, no leases.")
    boolean kubeSubnetMgr;

    /** Where flannel's DaemonSet mounts its net-conf.json. */
    static final String KUBE_NET_CONF = "/etc/kube-flannel/net-conf.json";

    /** Where the leases come from: the registry, what to close after, and the words for the log. */
    private record Source(SubnetRegistry registry, AutoCloseable resource, String where) {
    }

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
            description = "Program this network namespace (ip netns name) instead of the current one; the store is "
                    + "still reached from here.")
    String netns;

    @Override
    public Integer call() throws Exception {
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
        if (netConf != null) {
            settings = settings.withNetConf(read(netConf));
        }
        if (nodeName != null && kubeconfig == null && !endpoints.isEmpty()) {
            throw new InvalidInputException("--node-name is for the API server (--kubeconfig); etcd leases are "
                    + "known by the node's public IP");
        }
        Source source = kubeSubnetMgr ? nodes(settings, System.getenv()) : store(settings, System.getenv());
        try (AutoCloseable resource = source.resource()) {
            OverlayAgent agent;
            try {
                agent = OverlayAgent.start(source.registry(), new Iproute(exec, ns), settings);
            } catch (StoreException | OverlayException e) {
                spec.commandLine().getErr().println("podnet overlay: " + source.where() + ": " + e.getMessage());
                return 1;
            }
            try (agent) {
                for (String name : List.of("TERM", "INT")) {
                    Signal.handle(new Signal(name), s -> agent.close());
                }
                spec.commandLine().getErr().printf("podnet overlay: %s has subnet %s in %s (leased in %s); wrote %s%n",
                        agent.lease().attrs().publicIp(), agent.lease().subnet(), ns, source.where(),
                        settings.subnetFile());
                spec.commandLine().getErr().flush();
                agent.awaitClose();
            }
        }
        spec.commandLine().getErr().println("podnet overlay: stopped");
        return 0;
    }

    /** flannel's leases in etcd or in the API server's podnet.dev objects. */
    private Source store(OverlayAgent.Settings settings, Map<String, String> env) {
        ClusterStores.Choice choice = ClusterStores.choose(endpoints, Optional.empty(), Optional.ofNullable(kubeconfig),
                env, KubeConnection.nodeName(Optional.ofNullable(nodeName), env), false);
        ClusterStore store = choice.opener().apply(InstantSource.system());
        return new Source(new StoreRegistry(store, settings, InstantSource.system(), new SecureRandom()), store,
                choice.where());
    }

    /** flannel's kube subnet manager: the Node objects. */
    private Source nodes(OverlayAgent.Settings settings, Map<String, String> env) {
        if (!endpoints.isEmpty()) {
            throw new InvalidInputException("--kube-subnet-mgr finds the nodes in the API server; it takes no "
                    + "--etcd-endpoints");
        }
        String json = settings.netConf().orElseGet(() -> read(Path.of(KUBE_NET_CONF)));
        FlannelConfig config = FlannelConfig.parse(json, netConf != null ? netConf.toString() : KUBE_NET_CONF);
        KubernetesClient client = KubeConnection.connect(Optional.ofNullable(kubeconfig), env).orElseThrow(() ->
                new InvalidInputException("--kube-subnet-mgr needs the API server: give --kubeconfig FILE (or set "
                        + "KUBECONFIG, or run in a pod)"));
        String node = KubeConnection.nodeName(Optional.ofNullable(nodeName), env);
        return new Source(new FlannelNodes(client, node, config), client,
                "the Node objects on the API server at " + client.getMasterUrl());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInputException("--net-conf: cannot read " + file + ": " + e.getMessage());
        }
    }
}

package dev.podnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.agent.CloudPoolConfig;
import dev.podnet.agent.NodeSetup;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.aws.AwsCloudNetwork;
import dev.podnet.cloud.aws.AwsSettings;
import dev.podnet.cloud.aws.ProxySettings;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cni.Installer;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.Namespaces;
import dev.podnet.net.InstanceType;
import dev.podnet.vpcsim.Ec2QueryServer;
import dev.podnet.vpcsim.fabric.Fabric;
import dev.podnet.vpcsim.fabric.FabricNames;
import dev.podnet.warm.PodFamilies;
import dev.podnet.warm.VpcCniEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A running lab: the EC2 emulator with its fabric, one agent per node whose node namespace is the fabric's instance
 * namespace, and pods made through the {@code podnet} plugin. {@link #close()} undoes all of it, in reverse, and
 * goes on past a failing step so that nothing is left because something else failed.
 */
public final class Lab implements AutoCloseable {
    /** How long one pod may wait for its node's warm pool to fill. */
    private static final Duration POD_PATIENCE = Duration.ofSeconds(90);

    private final LabSpec spec;
    private final Path workDir;
    private final Exec exec;
    private final Namespaces namespaces;
    private VpcEmulator emulator;
    private Fabric fabric;
    private Ec2QueryServer server;
    private final List<Agent> agents = new ArrayList<>();
    private final List<PodRecord> pods = new ArrayList<>();
    private final List<String> podNamespaces = new ArrayList<>();
    private PodPlugin plugin;

    /** A pod made: what DEL needs. */
    private record PodRecord(int node, String netns, String containerId, String conf, JsonNode result) {
    }

    private Lab(LabSpec spec, Path workDir, Exec exec) {
        this.spec = spec;
        this.workDir = workDir;
        this.exec = exec;
        this.namespaces = new Namespaces(exec);
    }

    /** Builds the whole lab; on any failure removes what it made and throws. */
    public static Lab up(LabSpec spec, Exec exec) throws IOException, InterruptedException {
        Lab lab = new Lab(spec, Files.createTempDirectory("podnet-lab-" + spec.name()), exec);
        try {
            lab.start();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.stop().forEach(error -> e.addSuppressed(new IllegalStateException(error)));
            throw e;
        }
    }

    private void start() throws IOException, InterruptedException {
        emulator = VpcEmulator.builder(LabWorld.of(spec)).throttle(ThrottleConfig.UNLIMITED).sleeper(Sleeper.REAL)
                .build();
        fabric = new Fabric(new FabricNames(spec.name()), emulator::snapshot, exec);
        fabric.start();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0), action -> fabric.reconcile());
        plugin = new PodPlugin(Installer.install(workDir.resolve("cni-bin")).mainPlugin(), exec);
        for (int node = 0; node < spec.nodes(); node++) {
            // What the node's OS image does (the EKS AMI turns it on for the kubelet): the routed plugin's pods are
            // reached through the node, and the fabric's instance namespaces start with forwarding off.
            new Iproute(exec, NetNamespace.named(nodeNamespace(node))).sysctl("net.ipv4.ip_forward", "1");
            agents.add(Agent.start(agentConfig(node), InstantSource.system()));
        }
        for (int node = 0; node < spec.nodes(); node++) {
            for (int i = 0; i < spec.podsPerNode(); i++) {
                addPod(node, i);
            }
        }
    }

    private AgentConfig agentConfig(int node) {
        String instanceId = LabWorld.instanceId(node);
        Path dir = workDir.resolve(nodeName(node));
        AwsCloudNetwork cloud = AwsCloudNetwork.create(AwsSettings.builder().region(DefaultWorld.REGION)
                .endpoint(server.endpoint()).staticCredentials("AKIDLAB", "lab").proxy(ProxySettings.none()).build());
        // Enough warm addresses for every pod of the node at once, so that ADDs rarely wait for EC2.
        var warm = VpcCniEnvironment.warmPool(Map.of(VpcCniEnvironment.WARM_IP_TARGET,
                String.valueOf(Math.max(1, spec.podsPerNode()))));
        // External SNAT: pod-to-pod traffic in the VPC must keep the pod's source, whichever ENI holds it.
        CloudPoolConfig pool = new CloudPoolConfig(cloud, instanceId, "podnet-lab", CloudPoolConfig.DEFAULT_POOL, warm,
                List.of(), Optional.empty(), Lab::maxPods, Duration.ofSeconds(2),
                Optional.of(new NodeSetup(true, List.of())), PodFamilies.IPV4);
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(), Optional.empty(),
                List.of(), Duration.ofSeconds(30), Optional.of(pool), Optional.empty(), Map.of(),
                NetNamespace.named(nodeNamespace(node)));
    }

    /** The VPC CNI's formula: every ENI's addresses but its primary one, plus two host-network pods. */
    private static int maxPods(InstanceType type) {
        return type.maxEnis() * (type.ipv4PerEni() - 1) + 2;
    }

    private void addPod(int node, int index) throws InterruptedException {
        String netns = spec.podNamespace(node, index);
        namespaces.delete(netns); // a leftover of a lab of the same name killed with -9
        namespaces.add(netns);
        podNamespaces.add(netns);
        String conf = PodPlugin.config(workDir.resolve(nodeName(node)).resolve("agent.sock"));
        String containerId = netns;
        JsonNode result = plugin.add(netns, containerId, conf, POD_PATIENCE);
        pods.add(new PodRecord(node, netns, containerId, conf, result));
    }

    private static String nodeName(int node) {
        return "node-" + node;
    }

    public String nodeNamespace(int node) {
        return new FabricNames(spec.name()).instance(LabWorld.instanceId(node));
    }

    /** What the lab is now: nodes with their ENIs as EC2 describes them, pods with the ENI that holds each address. */
    public LabStatus status() {
        List<LabStatus.Node> nodes = new ArrayList<>();
        List<NetworkInterface> all = new ArrayList<>();
        for (int node = 0; node < spec.nodes(); node++) {
            String id = LabWorld.instanceId(node);
            List<NetworkInterface> enis = emulator.describeNetworkInterfaces(EniFilter.attachedTo(id)).stream()
                    .sorted(Comparator.comparingInt(Lab::device)).toList();
            all.addAll(enis);
            nodes.add(new LabStatus.Node(nodeName(node), nodeNamespace(node), id, enis.stream()
                    .map(e -> new LabStatus.Eni(e.id(), device(e), e.subnetId(),
                            Stream.concat(Stream.of(e.primaryIpv4()), e.secondaryIpv4().stream()).toList()))
                    .toList()));
        }
        List<LabStatus.Pod> podList = new ArrayList<>();
        for (PodRecord pod : pods) {
            List<String> ips = PodPlugin.addresses(pod.result());
            Optional<NetworkInterface> eni = all.stream().filter(e -> ips.stream().anyMatch(ip ->
                    e.secondaryIpv4().contains(ip))).findFirst();
            podList.add(new LabStatus.Pod(pod.netns(), pod.netns(), nodeName(pod.node()), ips,
                    eni.map(NetworkInterface::id).orElse(""), eni.map(NetworkInterface::subnetId).orElse("")));
        }
        return new LabStatus(nodes, podList);
    }

    private static int device(NetworkInterface eni) {
        return eni.attachment().map(a -> a.deviceIndex()).orElse(-1);
    }

    /** {@link #stop()}, failing with every step that failed. */
    @Override
    public void close() {
        List<String> errors = stop();
        if (!errors.isEmpty()) {
            throw new IllegalStateException("the lab did not stop cleanly: " + String.join("; ", errors));
        }
    }

    /** DEL every pod, stop the agents and the endpoint, remove the fabric and the pod namespaces; the errors. */
    public List<String> stop() {
        List<String> errors = new ArrayList<>();
        for (PodRecord pod : pods.reversed()) {
            step(errors, "DEL " + pod.netns(), () -> {
                String error = plugin.del(pod.netns(), pod.containerId(), pod.conf(), pod.result());
                if (!error.isEmpty()) {
                    throw new IllegalStateException(error);
                }
            });
        }
        pods.clear();
        agents.forEach(a -> step(errors, "stop agent", a::close));
        agents.clear();
        if (server != null) {
            step(errors, "stop the EC2 endpoint", server::close);
        }
        // After the server: no request can reconcile a fabric that is going away.
        if (fabric != null) {
            step(errors, "remove the fabric", fabric::close);
        }
        podNamespaces.forEach(ns -> step(errors, "remove " + ns, () -> namespaces.delete(ns)));
        podNamespaces.clear();
        step(errors, "remove " + workDir, () -> deleteTree(workDir));
        return errors;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(List<String> errors, String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            errors.add(what + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

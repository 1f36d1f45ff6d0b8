package dev.podnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.agent.CloudPoolConfig;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.aws.AwsCloudNetwork;
import dev.podnet.cloud.aws.AwsSettings;
import dev.podnet.cloud.aws.ProxySettings;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.cni.Installer;
import dev.podnet.net.FileTrees;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Iproute;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.NetNamespace;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.MaxPods;
import dev.podnet.vpcsim.Ec2QueryServer;
import dev.podnet.vpcsim.Scenario;
import dev.podnet.vpcsim.fabric.Fabric;
import dev.podnet.vpcsim.fabric.FabricNames;
import dev.podnet.warm.EniConfig;
import dev.podnet.warm.EniConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.stream.Stream;

/**
 * A running lab: the EC2 emulator with its fabric (or, with {@code --ec2-endpoint}, a {@code podnet vpcsim --fabric}
 * already running), one agent per node whose node namespace is the fabric's instance namespace, and pods made
 * through the {@code podnet} plugin. {@link #close()} undoes what the lab made, in reverse, and goes on past a
 * failing step so that nothing is left because something else failed; a joined fabric stays, as it was not the lab's.
 */
public final class Lab implements AutoCloseable {
    /** How long one pod may wait for its node's warm pool to fill. */
    private static final Duration POD_PATIENCE = Duration.ofSeconds(90);
    /** Without --scenario: vpcsim's default world without its instances (the lab adds its own), unthrottled. */
    private static final Scenario UNTHROTTLED = new Scenario(LabWorld.withoutInstances(DefaultWorld.spec()),
            ThrottleConfig.UNLIMITED, Duration.ZERO, Duration.ZERO, 1, List.of());
    /** What the node's OS image does (the EKS AMI turns IPv4 forwarding on for the kubelet, ipamd IPv6's). */
    private static final SequencedMap<String, String> FORWARDING = new LinkedHashMap<>(Map.of(
            "net.ipv4.ip_forward", "1", "net.ipv6.conf.all.forwarding", "1"));

    private final LabSpec spec;
    private final Path workDir;
    private final Exec exec;
    private final Namespaces namespaces;
    private VpcEmulator emulator;
    private Fabric fabric;
    private Ec2QueryServer server;
    private String endpoint;
    private String region;
    private CloudNetwork cloud;
    private List<String> instances = List.of();
    private List<EniConfig> eniConfigs = List.of();
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
        if (spec.ec2Endpoint().isPresent()) {
            join(spec.ec2Endpoint().get());
        } else {
            Scenario scenario = spec.scenario().map(Scenario::load).orElse(UNTHROTTLED);
            WorldSpec world = LabWorld.of(scenario.world(), spec);
            emulator = new Scenario(world, scenario.throttle(), scenario.attachDelay(), scenario.callLatency(),
                    scenario.seed(), scenario.faults()).emulator(InstantSource.system(), Sleeper.REAL);
            fabric = new Fabric(new FabricNames(spec.name()), emulator::snapshot, exec);
            fabric.start();
            server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0), action -> fabric.reconcile());
            endpoint = server.endpoint();
            region = world.region();
            cloud = emulator;
            instances = LabWorld.nodes(world, spec.nodes());
        }
        if (spec.eniConfigFile().isPresent()) {
            eniConfigs = EniConfigFile.load(spec.eniConfigFile().get());
        } else if (spec.mode() == LabMode.CUSTOM_NETWORKING) {
            eniConfigs = LabWorld.podSubnetConfigs(cloud, instances.getFirst());
        }
        plugin = new PodPlugin(Installer.install(workDir.resolve("cni-bin")).mainPlugin(), exec);
        for (int node = 0; node < spec.nodes(); node++) {
            // The routed plugin's pods are reached through the node; the fabric's instances start with forwarding off.
            new Iproute(exec, NetNamespace.named(nodeNamespace(node))).sysctls(FORWARDING);
            agents.add(Agent.start(agentConfig(node), InstantSource.system()));
        }
        for (int node = 0; node < spec.nodes(); node++) {
            for (int i = 0; i < spec.podsPerNode(); i++) {
                addPod(node, i);
            }
        }
    }

    /**
     * Joins the fabric of {@code podnet vpcsim --fabric NAME} at {@code url}: its instances are the namespaces named
     * {@code NAME-i-...}, and the first {@code --nodes} of them, by id, are the nodes.
     */
    private void join(String url) {
        endpoint = url;
        region = DefaultWorld.REGION; // vpcsim serves every region
        cloud = AwsCloudNetwork.create(awsSettings());
        FabricNames names = new FabricNames(spec.name());
        String prefix = names.instance("");
        List<String> found = namespaces.list().stream().filter(n -> names.owns(n) && n.startsWith(prefix + "i-"))
                .map(n -> n.substring(prefix.length())).sorted().toList();
        if (found.size() < spec.nodes()) {
            throw new InvalidInputException("--nodes " + spec.nodes() + ": fabric " + spec.name() + " has "
                    + found.size() + " instance namespaces (" + prefix + "i-...); is `podnet vpcsim --fabric "
                    + spec.name() + "` serving " + url + "?");
        }
        instances = found.subList(0, spec.nodes());
    }

    private AwsSettings awsSettings() {
        return AwsSettings.builder().region(region).endpoint(endpoint).staticCredentials("AKIDLAB", "lab")
                .proxy(ProxySettings.none()).build();
    }

    private AgentConfig agentConfig(int node) {
        Path dir = workDir.resolve(nodeName(node));
        // Every agent talks to EC2 over HTTP, as on a real node: the fabric follows what its calls change.
        CloudPoolConfig pool = CloudPoolConfig.vpcCni(AwsCloudNetwork.create(awsSettings()), instances.get(node),
                "podnet-lab", spec.agentEnv(), eniConfigs.isEmpty() ? Optional.empty()
                        : Optional.of(CloudPoolConfig.given(eniConfigs, Optional.empty())), MaxPods::vpcCni,
                Duration.ofSeconds(2), true);
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(), Optional.empty(),
                List.of(), Duration.ofSeconds(30), Optional.of(pool), Optional.empty(), Map.of(),
                NetNamespace.named(nodeNamespace(node)));
    }

    private void addPod(int node, int index) throws InterruptedException {
        String netns = spec.podNamespace(node, index);
        namespaces.delete(netns); // a leftover of a lab of the same name killed with -9
        namespaces.add(netns);
        podNamespaces.add(netns);
        String conf = PodPlugin.config(workDir.resolve(nodeName(node)).resolve("agent.sock"), spec.mode().pluginMode());
        String containerId = netns;
        JsonNode result = plugin.add(netns, containerId, conf, POD_PATIENCE);
        pods.add(new PodRecord(node, netns, containerId, conf, result));
    }

    private static String nodeName(int node) {
        return "node-" + node;
    }

    public String nodeNamespace(int node) {
        return new FabricNames(spec.name()).instance(instances.get(node));
    }

    /** What the lab is now: nodes with their ENIs as EC2 describes them, pods with the ENI that holds each address. */
    public LabStatus status() {
        List<LabStatus.Node> nodes = new ArrayList<>();
        List<NetworkInterface> all = new ArrayList<>();
        for (int node = 0; node < spec.nodes(); node++) {
            String id = instances.get(node);
            List<NetworkInterface> enis = cloud.describeNetworkInterfaces(EniFilter.attachedTo(id)).stream()
                    .sorted(Comparator.comparingInt(Lab::device)).toList();
            all.addAll(enis);
            nodes.add(new LabStatus.Node(nodeName(node), nodeNamespace(node), id, enis.stream()
                    .map(e -> new LabStatus.Eni(e.id(), device(e), e.subnetId(), addresses(e))).toList()));
        }
        List<LabStatus.Pod> podList = new ArrayList<>();
        for (PodRecord pod : pods) {
            List<String> ips = PodPlugin.addresses(pod.result());
            Optional<NetworkInterface> eni = all.stream().filter(e -> ips.stream().anyMatch(ip -> holds(e, ip)))
                    .findFirst();
            podList.add(new LabStatus.Pod(pod.netns(), pod.netns(), nodeName(pod.node()), ips,
                    eni.map(NetworkInterface::id).orElse(""), eni.map(NetworkInterface::subnetId).orElse("")));
        }
        return new LabStatus(nodes, podList);
    }

    /** CHECK pod {@code name} through the plugin, as a runtime does; the plugin's error, empty when it passes. */
    public String check(String name) {
        PodRecord pod = pods.stream().filter(p -> p.netns().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + name));
        return plugin.check(pod.netns(), pod.containerId(), pod.conf(), pod.result());
    }

    /** What EC2 assigned to the ENI: its addresses, then its /28 and /80 prefixes. */
    private static List<String> addresses(NetworkInterface eni) {
        return Stream.of(Stream.of(eni.primaryIpv4()), eni.secondaryIpv4().stream(), eni.ipv4Prefixes().stream(),
                eni.ipv6Prefixes().stream()).flatMap(s -> s).toList();
    }

    /** Whether a pod address is one of the ENI's secondary addresses or inside one of its prefixes. */
    private static boolean holds(NetworkInterface eni, String ip) {
        return eni.secondaryIpv4().contains(ip)
                || Stream.concat(eni.ipv4Prefixes().stream(), eni.ipv6Prefixes().stream())
                .anyMatch(prefix -> LabWorld.inside(ip, prefix));
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
        step(errors, "remove " + workDir, () -> FileTrees.delete(workDir));
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
}

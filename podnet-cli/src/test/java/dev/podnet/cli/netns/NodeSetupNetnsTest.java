package dev.podnet.cli.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.vpcsim.Ec2QueryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code podnet agent --cloud aws --netns NODE} as its own process in the root namespace (where it reaches the EC2
 * emulator on loopback) setting up the test's node namespace as aws-node sets up a node: the test plays EC2's
 * hot-plug by creating eth0/eth1 with the MACs EC2 gave the ENIs; the agent brings eth1 up with MTU 9001 and
 * table 2, SNATs pod traffic leaving the VPC, gives a pod on the secondary ENI the rule to table 2, empties the
 * table when the ENI goes, and removes its SNAT chain on SIGTERM.
 */
@Tag("netns")
@ExtendWith(Netns.Required.class)
class NodeSetupNetnsTest {
    @RegisterExtension
    static final PodnetIpamPlugin PLUGIN = new PodnetIpamPlugin();
    @RegisterExtension
    final Netns net = new Netns();
    @TempDir
    Path dir;

    private static final String INSTANCE = DefaultWorld.INSTANCE_M5_LARGE;

    @Test
    void eniLinkAndTableSnatAndThePodRuleAllInTheNodeNamespaceNothingLeftAfterSigterm() throws Exception {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).build();
        String node = net.add("node");
        NetworkInterface primary = enis(emulator).stream().filter(e -> deviceIndex(e) == 0).findFirst().orElseThrow();
        hotPlug(node, "eth0", primary.macAddress());
        // what a crashed agent left: a stale rule in the chain and two jumps; the start rebuilds exactly one of each
        restore(node, """
                *nat
                :PODNET-SNAT - [0:0]
                -A PODNET-SNAT -d 172.31.0.0/16 -j RETURN
                -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                COMMIT
                """);
        try (Ec2QueryServer server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
             AgentProcess agent = AgentProcess.start(dir, server, node, Map.of(
                     "AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS", "192.168.0.0/16, 172.16.0.0/12"))) {
            NetworkInterface eni = await("the warm pool attaches an ENI at device index 1", () -> enis(emulator).stream()
                    .filter(e -> deviceIndex(e) == 1).findFirst());
            String gateway = "100.64.0.1"; // POD_SUBNET_A is 100.64.0.0/18: its first address + 1
            hotPlug(node, "eth1", eni.macAddress());
            String table = await("table 2 of the node gets eth1's routes", () -> Optional.of(table2(node))
                    .filter(t -> t.contains("default")));
            assertThat(table).contains("default via " + gateway + " dev eth1", "100.64.0.0/18 dev eth1 scope link");
            String link = net.ipOk(node, "link", "show", "eth1").out();
            assertThat(link).contains("mtu 9001").containsPattern("<[^>]*\\bUP\\b");

            String nat = net.execOk(node, "iptables-save", "-t", "nat").out();
            System.out.println("$ ip -n NODE route show table 2\n" + table + "$ iptables-save -t nat\n" + nat);
            assertThat(nat.lines().filter(l -> l.startsWith("-A POSTROUTING"))).containsExactly(
                    "-A POSTROUTING -m comment --comment \"podnet SNAT\" -j PODNET-SNAT");
            assertThat(nat.lines().filter(l -> l.startsWith("-A PODNET-SNAT"))).containsExactly(
                    "-A PODNET-SNAT -d 10.0.0.0/16 -m comment --comment \"podnet SNAT: VPC CIDR\" -j RETURN",
                    "-A PODNET-SNAT -d 100.64.0.0/16 -m comment --comment \"podnet SNAT: VPC CIDR\" -j RETURN",
                    "-A PODNET-SNAT -d 192.168.0.0/16 -m comment --comment \"podnet SNAT: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS\" -j RETURN",
                    "-A PODNET-SNAT -d 172.16.0.0/12 -m comment --comment \"podnet SNAT: AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS\" -j RETURN",
                    "-A PODNET-SNAT -m comment --comment \"podnet SNAT: off the VPC\" -m addrtype ! --dst-type LOCAL -j SNAT --to-source "
                            + primary.primaryIpv4() + " --random-fully");

            // a pod through the routed plugin: its address is the secondary ENI's; with SNAT its rule sends only
            // traffic to the VPC's blocks (10.0.0.0/16 and 100.64.0.0/16) to table 2, the rest takes the main table
            podRules(emulator, eni, node, agent, address -> List.of(
                    "1536:\tfrom " + address + " to 10.0.0.0/16 lookup 2",
                    "1536:\tfrom " + address + " to 100.64.0.0/16 lookup 2",
                    "512:\tfrom all to " + address + " lookup main"), address -> List.of(
                    "1536:\tfrom " + address + " lookup 2"));

            // EC2 takes the ENI away: its table goes, the link stays (here; on EC2 it would vanish too)
            emulator.detachNetworkInterface(eni.attachment().orElseThrow().attachmentId(), true);
            await("table 2 empties once the ENI is detached", () -> Optional.of(table2(node)).filter(String::isBlank));
        }
        String after = net.execOk(node, "iptables-save", "-t", "nat").out();
        assertThat(after).as("SIGTERM removes the SNAT chain and its jump").doesNotContain("PODNET-SNAT");
    }

    @Test
    void externalSnatMeansNoChainAtAllAndRemovesOneLeftBehind() throws Exception {
        VpcEmulator emulator = VpcEmulator.builder(DefaultWorld.spec()).build();
        String node = net.add("node");
        hotPlug(node, "eth0", enis(emulator).getFirst().macAddress());
        restore(node, """
                *nat
                :PODNET-SNAT - [0:0]
                -A POSTROUTING -m comment --comment "podnet SNAT" -j PODNET-SNAT
                COMMIT
                """);
        try (Ec2QueryServer server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0));
             AgentProcess agent = AgentProcess.start(dir, server, node, Map.of("AWS_VPC_K8S_CNI_EXTERNALSNAT", "true"))) {
            await("the agent answers", () -> Optional.of(agent).filter(AgentProcess::answers));
            assertThat(net.execOk(node, "iptables-save", "-t", "nat").out()).doesNotContain("PODNET-SNAT")
                    .doesNotContain("SNAT --to-source");
            // no SNAT on the node: the ENI's table takes all of the pod's traffic, as aws-vpc-cni's unscoped rule does
            NetworkInterface eni = await("the warm pool attaches an ENI at device index 1", () -> enis(emulator).stream()
                    .filter(e -> deviceIndex(e) == 1).findFirst());
            hotPlug(node, "eth1", eni.macAddress());
            podRules(emulator, eni, node, agent, address -> List.of("1536:\tfrom " + address + " lookup 2",
                    "512:\tfrom all to " + address + " lookup main"), address -> List.of("from " + address + " to 10.0.0.0/16 lookup 2"));
        }
    }

    /**
     * ADDs a pod through the routed plugin, checks its address is {@code eni}'s and that the node's rules contain
     * {@code want} and none of {@code unwanted} (both of the address), CHECKs it, DELs it and checks its rules are gone.
     */
    private void podRules(VpcEmulator emulator, NetworkInterface eni, String node, AgentProcess agent,
                          Function<String, List<String>> want, Function<String, List<String>> unwanted)
            throws InterruptedException {
        Cni cni = new Cni(net, node, PLUGIN);
        String conf = """
                {"cniVersion":"1.1.0","name":"vpc","type":"podnet","mode":"routed",
                 "ipam":{"type":"podnet-ipam","agentSocket":"%s","pool":"vpc"}}""".formatted(agent.socket());
        Cni.Pod pod = new Cni.Pod(net.add("pod1"), net.prefix() + "-c1");
        JsonNode result = awaitAdd(cni, pod, conf);
        String address = Cni.host(Cni.addresses(result).getFirst());
        assertThat(enis(emulator).stream().filter(e -> e.id().equals(eni.id())).findFirst().orElseThrow()
                .secondaryIpv4()).contains(address);
        String rules = net.ipOk(node, "rule", "show").out();
        System.out.println("$ ip -n NODE rule show\n" + rules);
        assertThat(rules).contains(want.apply(address).toArray(String[]::new))
                .doesNotContain(unwanted.apply(address).toArray(String[]::new));
        assertThat(net.ipOk(node, "route", "show", address).out()).contains("dev eni");
        cni.podnet("CHECK", pod, Cni.withPrevResult(conf, result)).succeeded();
        cni.podnet("DEL", pod, Cni.withPrevResult(conf, result)).succeeded();
        assertThat(net.ipOk(node, "rule", "show").out()).doesNotContain(address);
    }

    /** {@code ip route show table 2}; a table the kernel never had (or has dropped) is empty. */
    private String table2(String node) {
        Processes.Result r = net.ip(node, "route", "show", "table", "2");
        return r.exit() == 0 ? r.out() : "";
    }

    private void hotPlug(String node, String name, String mac) {
        net.ipOk(node, "link", "add", name, "address", mac, "type", "veth", "peer", "name", name + "p");
    }

    private void restore(String node, String text) throws IOException {
        Path file = dir.resolve("stale.rules");
        Files.writeString(file, text);
        net.execOk(node, "sh", "-c", "iptables-restore --noflush < " + file);
    }

    private static List<NetworkInterface> enis(VpcEmulator emulator) {
        return emulator.describeNetworkInterfaces(EniFilter.attachedTo(INSTANCE));
    }

    private static int deviceIndex(NetworkInterface e) {
        return e.attachment().map(a -> a.deviceIndex()).orElse(-1);
    }

    private JsonNode awaitAdd(Cni cni, Cni.Pod pod, String conf) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Cni.Outcome o = cni.podnet("ADD", pod, conf);
            if (o.exit() == 0) {
                return o.result();
            }
            assertThat(o.out()).as("only 'try again later' while the pool fills").contains("\"code\":11");
            assertThat(System.nanoTime()).as("no address within 60 s: " + o).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            assertThat(System.nanoTime()).as("within 60 s: " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** {@code podnet agent --netns NODE} as a process of the root namespace; close() is SIGTERM. */
    private record AgentProcess(Process process, Path socket, Path log) implements AutoCloseable {
        static AgentProcess start(Path dir, Ec2QueryServer server, String node, Map<String, String> env)
                throws IOException {
            Path socket = dir.resolve("agent.sock");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.podnet.cli.Main", "agent", "--socket", socket.toString(), "--state-dir",
                    dir.resolve("state").toString(), "--cloud", "aws", "--ec2-endpoint", server.endpoint().toString(),
                    "--region", DefaultWorld.REGION, "--instance-id", INSTANCE, "--eniconfig-file",
                    eniConfigs(dir).toString(), "--netns", node));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile());
            pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret",
                    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true", "WARM_IP_TARGET", "2"));
            pb.environment().putAll(env);
            pb.environment().keySet().removeIf(k -> k.endsWith("_PROXY") || k.endsWith("_proxy"));
            return new AgentProcess(pb.start(), socket, dir.resolve("agent.log"));
        }

        private static Path eniConfigs(Path dir) throws IOException {
            Path file = dir.resolve("eniconfigs.yaml");
            Files.writeString(file, """
                    apiVersion: crd.k8s.amazonaws.com/v1alpha1
                    kind: ENIConfig
                    metadata: {name: us-east-1a}
                    spec: {subnet: %s, securityGroups: [%s]}
                    """.formatted(DefaultWorld.POD_SUBNET_A, DefaultWorld.SECURITY_GROUP_PODS));
            return file;
        }

        boolean answers() {
            try {
                AgentClient.ask(socket, AgentRequest.status(), AgentWire.MAX_ALLOWED_LINE_BYTES, Duration.ofSeconds(5));
                return true;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new AssertionError("the agent exited: " + readLog());
                }
                return false;
            }
        }

        private String readLog() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: the agent's clean stop
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the agent did not stop on SIGTERM: " + readLog());
            }
            assertThat(process.exitValue()).as(readLog()).isZero();
        }
    }
}

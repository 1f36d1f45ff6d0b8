package dev.podnet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.Privileges;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.InvalidInputException;
import dev.podnet.vpcsim.fabric.Fabric;
import dev.podnet.vpcsim.fabric.FabricNames;
import dev.podnet.warm.VpcCniEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real labs, each named with a random prefix: pods get VPC addresses in every mode this kernel supports, every pod
 * reaches every other (same node, across nodes, on either ENI, over each family it has), traffic to the fabric's
 * outside host leaves with the node's primary address or, with external SNAT, the pod's own, and nothing with the
 * prefix is left.
 */
@Tag("netns")
@ExtendWith(LabNetnsTest.Required.class)
class LabNetnsTest {
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Privileges.root() ? ConditionEvaluationResult.enabled("root")
                    : ConditionEvaluationResult.disabled("the lab needs root (it creates network namespaces)");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final ProcessExec exec = new ProcessExec();
    private final Namespaces namespaces = new Namespaces(exec);
    private final String name = "t" + Integer.toHexString(new SecureRandom().nextInt(0x100000, 0xffffff));

    @AfterEach
    void nothingLeft() {
        List<String> left = namespaces.list().stream().filter(n -> n.startsWith(name + "-")).toList();
        left.forEach(namespaces::delete);
        assertThat(left).as("namespaces left").isEmpty();
    }

    /**
     * Two t3.medium nodes with six pods each: the primary ENI holds five pod addresses, so each node attaches a
     * secondary ENI for the sixth. A pod on a secondary ENI is reachable only because of its {@code ip rule}: without
     * it the replies leave through eth0 and the fabric's source check drops them, and CHECK names the rule.
     */
    @Test
    void secondaryIpPodsReachEachOtherTheOutsideSeesTheNodeAndTheRuleIsWhatMakesASecondaryEniWork() throws Exception {
        long start = System.nanoTime();
        try (Lab lab = Lab.up(new LabSpec(name, 2, 6, "t3.medium"), exec)) {
            Path file = dir.resolve("status.json");
            lab.status().write(file);
            LabStatus status = LabStatus.read(file);
            assertThat(status.nodes()).hasSize(2);
            assertThat(status.pods()).hasSize(12).allSatisfy(p -> {
                assertThat(p.ips()).singleElement().asString().startsWith("10.0.");
                assertThat(p.eni()).startsWith("eni-");
            });
            List<LabStatus.Pod> onSecondary = status.pods().stream().filter(p -> device(status, p) > 0).toList();
            assertThat(onSecondary.stream().map(LabStatus.Pod::node).distinct()).as("a pod on a secondary ENI per node")
                    .hasSize(2);
            assertAllReachable(status, start);

            LabStatus.Pod moved = onSecondary.getFirst();
            LabStatus.Pod onPrimary = status.pods().stream().filter(p -> p.node().equals(moved.node())
                    && device(status, p) == 0).findFirst().orElseThrow();
            String primary = node(status, moved).enis().getFirst().addresses().getFirst();
            assertThat(outsideSources(List.of(moved, onPrimary), primary, moved.ips().getFirst(),
                    onPrimary.ips().getFirst())).as("SNAT to the node's primary address").containsExactly(true, false, false);

            LabStatus.Pod other = status.pods().stream().filter(p -> !p.node().equals(moved.node())).findFirst()
                    .orElseThrow();
            String nodeNs = node(status, moved).netns();
            List<JsonNode> rules = rulesFrom(nodeNs, moved.ips().getFirst());
            assertThat(rules).as("the pod's rules").isNotEmpty();
            for (JsonNode rule : rules) {
                ip(nodeNs, "rule", "del", "priority", rule.path("priority").asText(), "from", rule.path("src").asText());
            }
            assertThat(PingMatrix.pings(exec, other, moved.ips().getFirst())).as("replies dropped without the rule")
                    .isFalse();
            assertThat(lab.check(moved.name())).contains("rule");
            for (JsonNode rule : rules) {
                List<String> argv = new ArrayList<>(List.of("rule", "add", "priority", rule.path("priority").asText(),
                        "from", rule.path("src").asText()));
                if (rule.has("dst")) {
                    argv.addAll(List.of("to", rule.path("dst").asText() + "/" + rule.path("dstlen").asText()));
                }
                argv.addAll(List.of("lookup", rule.path("table").asText()));
                ip(nodeNs, argv.toArray(String[]::new));
            }
            assertThat(PingMatrix.pings(exec, other, moved.ips().getFirst())).isTrue();
            assertThat(lab.check(moved.name())).isEmpty();
        }
    }

    /** Dual stack with AWS_VPC_K8S_CNI_EXTERNALSNAT=true: both families everywhere, the outside sees the pod. */
    @Test
    void dualStackWithExternalSnatReachesEverywhereOverBothFamiliesAndTheOutsideSeesThePod() throws Exception {
        long start = System.nanoTime();
        LabSpec spec = new LabSpec(name, 2, 3, "m5.large", LabMode.DUAL_STACK, Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of(VpcCniEnvironment.EXTERNAL_SNAT, "true"));
        try (Lab lab = Lab.up(spec, exec)) {
            LabStatus status = lab.status();
            assertThat(status.pods()).hasSize(6).allSatisfy(p -> assertThat(p.ips()).hasSize(2)
                    .anyMatch(ip -> ip.startsWith("10.0.")).anyMatch(ip -> ip.startsWith("2600:1f18:1234:56")));
            assertAllReachable(status, start);
            LabStatus.Pod pod = status.pods().getFirst();
            String ipv4 = pod.ips().stream().filter(ip -> !ip.contains(":")).findFirst().orElseThrow();
            String primary = node(status, pod).enis().getFirst().addresses().getFirst();
            assertThat(outsideSources(List.of(pod), primary, ipv4)).as("no SNAT").containsExactly(false, true);
            assertThat(PingMatrix.pings(exec, pod, Fabric.OUTSIDE_IPV6)).as("IPv6 to the outside").isTrue();
        }
    }

    /** The other modes this kernel has: pods where the mode puts them, all reachable. */
    @ParameterizedTest
    @EnumSource(value = LabMode.class, names = {"PREFIX", "CUSTOM_NETWORKING", "IPV6"})
    void everyModeGivesReachablePodsWhereTheModePutsThem(LabMode mode) throws Exception {
        long start = System.nanoTime();
        try (Lab lab = Lab.up(new LabSpec(name, 2, 3, "m5.large").withMode(mode), exec)) {
            LabStatus status = lab.status();
            assertThat(status.pods()).hasSize(6);
            for (LabStatus.Pod pod : status.pods()) {
                String ip = pod.ips().getFirst();
                switch (mode) {
                    case PREFIX -> assertThat(eni(status, pod).addresses()).as("a /28 holds " + ip)
                            .anyMatch(a -> a.endsWith("/28") && LabWorld.inside(ip, a));
                    case CUSTOM_NETWORKING -> {
                        assertThat(ip).startsWith("100.64.");
                        assertThat(device(status, pod)).as("not on the primary ENI").isPositive();
                    }
                    case IPV6 -> assertThat(pod.ips()).singleElement().asString().contains(":");
                    default -> throw new AssertionError(mode);
                }
            }
            assertAllReachable(status, start);
        }
    }

    /** ipvlan where the kernel has it; this one may not, and then the test says so with the kernel's words. */
    @Test
    void ipvlanPodsReachEachOtherWhereTheKernelHasIpvlan() throws Exception {
        assumeIpvlan();
        long start = System.nanoTime();
        try (Lab lab = Lab.up(new LabSpec(name, 2, 2, "m5.large").withMode(LabMode.IPVLAN), exec)) {
            assertAllReachable(lab.status(), start);
        }
    }

    @Test
    void customNetworkingWithoutPodSubnetsIsAClearErrorAndLeavesNothing() throws IOException {
        Path scenario = Files.writeString(dir.resolve("world.yaml"), """
                region: eu-west-1
                vpc: {id: vpc-0a1b2c3d4e5f60718, cidrBlocks: [10.0.0.0/16]}
                subnets:
                  - {id: subnet-0cafe000000000001, az: eu-west-1a, cidr: 10.0.0.0/20}
                securityGroups: [sg-0123456789abcdef0]
                throttle: off
                """);
        LabSpec spec = new LabSpec(name, 1, 1, "m5.large", LabMode.CUSTOM_NETWORKING, Optional.of(scenario),
                Optional.empty(), Optional.empty(), Map.of());
        assertThatThrownBy(() -> Lab.up(spec, exec)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("VPC vpc-0a1b2c3d4e5f60718 has no subnet outside 10.0.0.0/16 for pods");
    }

    private void assertAllReachable(LabStatus status, long start) throws InterruptedException {
        PingMatrix matrix = PingMatrix.measure(status, exec);
        System.out.printf("lab %s: up and all pinged in %d ms%n%s%n", name, (System.nanoTime() - start) / 1_000_000,
                matrix.render());
        assertThat(matrix.allOk()).as(matrix.render()).isTrue();
    }

    /**
     * Whether echo requests from each of {@code sources} reached the outside host while each pod pinged it: counted
     * by an iptables rule per source in the outside host's namespace.
     */
    private List<Boolean> outsideSources(List<LabStatus.Pod> pods, String... sources) {
        String outside = new FabricNames(name).outside();
        for (String source : sources) {
            iptables(outside, "-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-s", source);
        }
        for (LabStatus.Pod pod : pods) {
            assertThat(PingMatrix.pings(exec, pod, Fabric.OUTSIDE_IPV4)).as(pod.name() + " reaches the outside").isTrue();
        }
        String counters = iptables(outside, "-nvxL", "INPUT");
        List<Boolean> out = new ArrayList<>();
        for (String source : sources) {
            out.add(counters.lines().filter(l -> l.contains(" " + source + " ")).findFirst()
                    .map(l -> Long.parseLong(l.strip().split("\\s+")[0]) > 0).orElseThrow());
        }
        return out;
    }

    private String iptables(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "iptables", "-w"));
        argv.addAll(List.of(args));
        Exec.Result r = exec.run(argv, "");
        assertThat(r.ok()).as(String.join(" ", argv) + ": " + r.err()).isTrue();
        return r.out();
    }

    private List<JsonNode> rulesFrom(String ns, String address) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(ip(ns, "-j", "rule", "show", "from", address)).forEach(out::add);
        return out;
    }

    private String ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        Exec.Result r = exec.run(argv, "");
        assertThat(r.ok()).as(String.join(" ", argv) + ": " + r.err()).isTrue();
        return r.out();
    }

    private void assumeIpvlan() {
        String probe = name + "-probe";
        namespaces.add(probe);
        try {
            ip(probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
            Exec.Result r = exec.run(List.of("ip", "-n", probe, "link", "add", "link", "probe0", "name", "iv0", "type",
                    "ipvlan", "mode", "l2"), "");
            Assumptions.assumeTrue(r.ok(), "this kernel has no ipvlan: " + r.err().strip());
        } finally {
            namespaces.delete(probe);
        }
    }

    private static LabStatus.Node node(LabStatus status, LabStatus.Pod pod) {
        return status.nodes().stream().filter(n -> n.name().equals(pod.node())).findFirst().orElseThrow();
    }

    private static LabStatus.Eni eni(LabStatus status, LabStatus.Pod pod) {
        return node(status, pod).enis().stream().filter(e -> e.id().equals(pod.eni())).findFirst().orElseThrow();
    }

    private static int device(LabStatus status, LabStatus.Pod pod) {
        return eni(status, pod).device();
    }
}

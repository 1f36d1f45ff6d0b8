package dev.podnet.vpcsim;

import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_C5_XLARGE;
import static dev.podnet.cloud.sim.DefaultWorld.INSTANCE_M5_LARGE;
import static dev.podnet.cloud.sim.DefaultWorld.NODE_SUBNET_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.NetworkInterface;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.linux.Exec;
import dev.podnet.linux.Privileges;
import dev.podnet.linux.ProcessExec;
import dev.podnet.vpcsim.fabric.Fabric;
import dev.podnet.vpcsim.fabric.FabricNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fabric against the real kernel: namespaces named with a random prefix, traffic only between them, and nothing
 * left (nor ever made) in the root namespace.
 */
@Tag("netns")
@ExtendWith(FabricNetnsTest.Required.class)
class FabricNetnsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Skips the class with the reason when this machine cannot run it. */
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!Privileges.root()) {
                return ConditionEvaluationResult.disabled("the fabric needs root (it creates network namespaces)");
            }
            for (String tool : List.of("ip", "iptables-restore", "ip6tables-restore", "ping", "sysctl")) {
                if (Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                    return ConditionEvaluationResult.disabled("`" + tool + "` is missing (iproute2, iptables, iputils-ping, procps)");
                }
            }
            return ConditionEvaluationResult.enabled("root, ip, iptables and ping are here");
        }
    }

    private final Exec exec = new ProcessExec();
    private final FabricNames names = new FabricNames(randomName());
    private VpcEmulator emulator;
    private Fabric fabric;
    private Ec2QueryServer server;
    private Ec2Http ec2;
    private List<String> made;

    @BeforeEach
    void start() throws Exception {
        assertThat(rootLinkNames()).noneMatch(n -> n.startsWith("eni"));
        emulator = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        fabric = new Fabric(names, emulator::snapshot, exec);
        made = fabric.start();
        server = Ec2QueryServer.start(emulator, Ec2QueryServer.Options.loopback(0), action -> fabric.reconcile());
        ec2 = new Ec2Http(server.endpoint());
    }

    @AfterEach
    void stop() {
        List<String> rootLinks = rootLinkNames();
        if (server != null) {
            server.close();
        }
        if (fabric != null) {
            fabric.close();
        }
        assertThat(namespacesWithPrefix()).as("namespaces left by fabric " + names.name()).isEmpty();
        // Every veth was made straight into the fabric's namespaces: none ever showed in the root namespace.
        assertThat(rootLinks).noneMatch(n -> n.startsWith(names.name()) || n.startsWith("eni") || n.matches("eth[1-9]"));
        assertThat(rootLinkNames()).noneMatch(n -> n.startsWith(names.name()) || n.startsWith("eni"));
    }

    @Test
    void routesEveryAssignedAddressAndEnforcesSourceAndMacChecks() {
        String a = names.instance(INSTANCE_M5_LARGE);
        String b = names.instance(INSTANCE_C5_XLARGE);
        assertThat(made).startsWith(names.router(), names.outside()).contains(a, b).hasSize(5);
        assertThat(fabric.namespaces()).containsExactlyInAnyOrderElementsOf(made);
        NetworkInterface aPrimary = eniAt(INSTANCE_M5_LARGE, 0);
        NetworkInterface bPrimary = eniAt(INSTANCE_C5_XLARGE, 0);
        assertThat(ip(a, "-o", "addr", "show", "dev", "eth0")).contains(aPrimary.primaryIpv4() + "/19");
        assertThat(ip(a, "-o", "link", "show", "dev", "eth0")).contains(aPrimary.macAddress()).contains("mtu 9001");
        assertThat(pings(a, bPrimary.primaryIpv4())).as("A pings B's primary address").isTrue();
        assertThat(pings(a, Fabric.OUTSIDE_IPV4)).as("A reaches the outside host through the router").isTrue();

        // Hot-plug: an ENI attached through the API shows up as eth1 with its MAC, up, no address.
        String eniId = ec2.call("CreateNetworkInterface", "SubnetId", NODE_SUBNET_A).text("//networkInterfaceId");
        String attachment = ec2.call("AttachNetworkInterface", "NetworkInterfaceId", eniId, "InstanceId", INSTANCE_M5_LARGE,
                "DeviceIndex", "1").text("//attachmentId");
        assertThat(ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", eniId,
                "SecondaryPrivateIpAddressCount", "2").status()).isEqualTo(200);
        NetworkInterface eni = eniAt(INSTANCE_M5_LARGE, 1);
        assertThat(eni.id()).isEqualTo(eniId);
        assertThat(eni.secondaryIpv4()).hasSize(2);
        String eth1 = ip(a, "-o", "link", "show", "dev", "eth1");
        assertThat(eth1).contains("link/ether " + eni.macAddress()).contains("mtu 9001").contains(",UP");
        assertThat(ip(a, "-o", "-4", "addr", "show", "dev", "eth1")).isBlank();
        String router = names.router();
        String addr = eni.secondaryIpv4().getFirst();
        String dev = FabricNames.routerDevice(eniId);
        assertThat(ip(router, "route", "show", addr)).contains("dev " + dev);

        // The node agent's way: the address on eth1, and replies from it leave through eth1.
        ipOk(a, "addr", "add", addr + "/19", "dev", "eth1");
        ipOk(a, "route", "add", "default", "via", "10.0.0.1", "dev", "eth1", "onlink", "table", "100");
        ipOk(a, "rule", "add", "from", addr, "lookup", "100");
        assertThat(pings(b, addr)).as("B pings the secondary address on eth1").isTrue();

        // Without the rule the replies leave through eth0 with a source eth0's ENI does not hold: dropped.
        ipOk(a, "rule", "del", "from", addr, "lookup", "100");
        String primaryChain = FabricNames.routerDevice(aPrimary.id());
        long sourceDrops = drops(primaryChain, false);
        assertThat(pings(b, addr)).as("source/destination check").isFalse();
        assertThat(drops(primaryChain, false)).as("dropped by eth0's chain's last rule").isGreaterThan(sourceDrops);
        ipOk(a, "rule", "add", "from", addr, "lookup", "100");
        assertThat(pingsFrom(a, addr, bPrimary.primaryIpv4())).isTrue();

        // A frame from a MAC that is not the ENI's is dropped.
        ipOk(a, "link", "set", "dev", "eth1", "address", "02:00:00:00:00:99");
        assertThat(pingsFrom(a, addr, bPrimary.primaryIpv4())).as("MAC check").isFalse();
        assertThat(drops(dev, true)).as("dropped by eth1's chain's MAC rule").isPositive();
        ipOk(a, "link", "set", "dev", "eth1", "address", eni.macAddress());
        assertThat(pingsFrom(a, addr, bPrimary.primaryIpv4())).isTrue();

        // AllowReassignment moves the address, and its route, to the primary ENI.
        assertThat(ec2.call("AssignPrivateIpAddresses", "NetworkInterfaceId", aPrimary.id(), "PrivateIpAddress.1", addr,
                "AllowReassignment", "true").status()).isEqualTo(200);
        assertThat(ip(router, "route", "show", addr)).contains("dev " + FabricNames.routerDevice(aPrimary.id()));
        ipOk(a, "rule", "del", "from", addr, "lookup", "100");
        ipOk(a, "addr", "del", addr + "/19", "dev", "eth1");
        ipOk(a, "addr", "add", addr + "/32", "dev", "eth0");
        assertThat(pings(b, addr)).as("B reaches the moved address on eth0").isTrue();

        // Unassigned: no route, no answer.
        assertThat(ec2.call("UnassignPrivateIpAddresses", "NetworkInterfaceId", aPrimary.id(), "PrivateIpAddress.1", addr)
                .status()).isEqualTo(200);
        assertThat(ip(router, "route", "show", addr)).isBlank();
        assertThat(pings(b, addr)).isFalse();

        // Detached: eth1 is gone from the instance, its veth from the router.
        assertThat(ec2.call("DetachNetworkInterface", "AttachmentId", attachment).status()).isEqualTo(200);
        assertThat(exec.run(List.of("ip", "-n", a, "link", "show", "dev", "eth1"), "").ok()).isFalse();
        assertThat(exec.run(List.of("ip", "-n", router, "link", "show", "dev", dev), "").ok()).isFalse();
    }

    @Test
    void aLeftoverFabricOfTheSameNameIsRemovedAtStart() {
        String stray = names.instance("i-00000000000000fff");
        exec.run(List.of("ip", "netns", "add", stray), "");
        assertThat(namespacesWithPrefix()).contains(stray);
        fabric.close();
        Fabric again = new Fabric(names, emulator::snapshot, exec);
        exec.run(List.of("ip", "netns", "add", stray), "");
        List<String> second = again.start();
        assertThat(namespacesWithPrefix()).doesNotContain(stray).containsExactlyInAnyOrderElementsOf(second);
        fabric = again;
    }

    /** Packets dropped by the MAC rule of the router's {@code chain}, or by its last rule (the source check). */
    private long drops(String chain, boolean macRule) {
        Exec.Result r = exec.run(List.of("ip", "netns", "exec", names.router(), "iptables", "-L", chain, "-v", "-n", "-x"), "");
        assertThat(r.ok()).as(r.err()).isTrue();
        return r.out().lines().map(String::strip).filter(l -> l.contains("DROP") && l.contains("MAC") == macRule)
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[0])).sum();
    }

    private NetworkInterface eniAt(String instanceId, int deviceIndex) {
        return emulator.describeNetworkInterfaces(EniFilter.attachedTo(instanceId)).stream()
                .filter(e -> e.attachment().orElseThrow().deviceIndex() == deviceIndex).findFirst().orElseThrow();
    }

    private boolean pings(String ns, String address) {
        return exec.run(List.of("ip", "netns", "exec", ns, "ping", "-n", "-c", "1", "-w", "2", address), "").ok();
    }

    private boolean pingsFrom(String ns, String source, String address) {
        return exec.run(List.of("ip", "netns", "exec", ns, "ping", "-n", "-c", "1", "-w", "2", "-I", source, address), "")
                .ok();
    }

    private String ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        Exec.Result r = exec.run(argv, "");
        assertThat(r.ok()).as(String.join(" ", argv) + ": " + r.err()).isTrue();
        return r.out();
    }

    private void ipOk(String ns, String... args) {
        ip(ns, args);
    }

    private List<String> namespacesWithPrefix() {
        Exec.Result r = exec.run(List.of("ip", "netns", "list"), "");
        return r.out().lines().map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(names.name() + "-")).toList();
    }

    /** The links of the namespace the test runs in, read only. */
    private List<String> rootLinkNames() {
        Exec.Result r = exec.run(List.of("ip", "-o", "link", "show"), "");
        return r.out().lines().map(l -> l.split(":\\s+")[1].replaceFirst("@.*", "")).toList();
    }

    private static String randomName() {
        StringBuilder p = new StringBuilder("pf");
        for (int i = 0; i < 6; i++) {
            p.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return p.toString();
    }
}

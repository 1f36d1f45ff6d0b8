package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.warm.PodFamilies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent with a cloud-fed pool against the in-process emulator: the plugin's view of the warm pool. */
class AgentCloudTest {
    @TempDir
    Path dir;

    private AgentConfig config(VpcEmulator cloud, WarmPoolConfig warm) {
        CloudPoolConfig c = new CloudPoolConfig(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test", CloudPoolConfig.DEFAULT_POOL,
                warm, Optional.empty(), type -> 29, Duration.ofMillis(50));
        return new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.of("127.0.0.1:0"),
                Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(c));
    }

    /** Waits until {@code condition} holds, at most 30 seconds. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void podsGetVpcAddressesTheNodeHoldsAndTheLoopKeepsThePoolWarm() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        AgentConfig config = config(cloud, WarmPoolConfig.builder().warmIpTarget(3).build());
        Set<String> given = new HashSet<>();
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            for (int i = 0; i < 12; i++) {
                String container = "pod" + i;
                AgentReply reply = null;
                for (int attempt = 0; attempt < 3000; attempt++) {
                    reply = AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/x", null, List.of(), Map.of()));
                    if (reply instanceof AgentReply.Success) {
                        break;
                    }
                    assertThat(((AgentReply.Failure) reply).code()).isEqualTo(CniException.TRY_AGAIN_LATER);
                    Thread.sleep(10);
                }
                CniResult r = ((AgentReply.Success) reply).result();
                String address = r.ips().getFirst().address();
                assertThat(address).startsWith("10.0.").endsWith("/19");
                given.add(address.substring(0, address.indexOf('/')));
            }
            assertThat(given).hasSize(12);
            Set<String> assigned = new HashSet<>();
            cloud.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_M5_LARGE))
                    .forEach(e -> assigned.addAll(e.secondaryIpv4()));
            assertThat(assigned).containsAll(given);
            await("the pool is back at WARM_IP_TARGET=3", () -> {
                Set<String> now = new HashSet<>();
                cloud.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_M5_LARGE))
                        .forEach(e -> now.addAll(e.secondaryIpv4()));
                return now.size() == 15;
            });
            assertThat(metrics(agent)).contains("podnet_ec2_calls_total{action=\"AssignPrivateIpAddresses\",outcome=\"ok\"}",
                    "podnet_warm_pool_addresses{pool=\"vpc\",state=\"in_use\"} 12.0");
        }
    }

    @Test
    void withIpv6PodsAlsoGetAnAddressFromAnEightyOnThePrimaryEniWhichARestartAdopts() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        CloudPoolConfig c = new CloudPoolConfig(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test", CloudPoolConfig.DEFAULT_POOL,
                WarmPoolConfig.builder().warmIpTarget(2).build(), Optional.empty(), type -> 29,
                Duration.ofMillis(50)).with(PodFamilies.DUAL);
        AgentConfig config = new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(),
                Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(c));
        String prefix;
        String first;
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            List<String> prefixes = primary(cloud).ipv6Prefixes();
            assertThat(prefixes).hasSize(1);
            prefix = prefixes.getFirst();
            assertThat(prefix).endsWith("/80");
            List<String> addresses = addUntilServed(config, "pod0");
            assertThat(addresses).hasSize(2);
            assertThat(addresses.getFirst()).startsWith("10.0.");
            first = addresses.get(1);
            assertThat(inside(prefix, first)).as(first + " in " + prefix).isTrue();
            assertThat(AgentTest.ask(config.socket(), AgentRequest.del("pod0", "eth0", "/x", null, Map.of())))
                    .isInstanceOf(AgentReply.Success.class);
            AgentReply.Status status = (AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status());
            assertThat(status.allocations()).isEmpty();
        }
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            assertThat(primary(cloud).ipv6Prefixes()).as("the restart adopts the /80").containsExactly(prefix);
            String again = addUntilServed(config, "pod1").get(1);
            assertThat(inside(prefix, again)).as(again + " in " + prefix).isTrue();
            assertThat(again).as("the released address is cooling down").isNotEqualTo(first);
        }
    }

    @Test
    void ipv6OnlyAsTheVpcCnisIpv6ModeServesTheEightyWithoutFeedingIpv4() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        CloudPoolConfig c = new CloudPoolConfig(cloud, DefaultWorld.INSTANCE_M5_LARGE, "test", CloudPoolConfig.DEFAULT_POOL,
                WarmPoolConfig.builder().warmIpTarget(2).build(), Optional.empty(), type -> 29,
                Duration.ofMillis(50)).with(PodFamilies.IPV6);
        AgentConfig config = new AgentConfig(dir.resolve("agent.sock"), dir.resolve("state"), Optional.empty(),
                Optional.empty(), List.of(), Duration.ofSeconds(30), Optional.of(c));
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            String prefix = primary(cloud).ipv6Prefixes().getFirst();
            List<String> addresses = addUntilServed(config, "pod0");
            assertThat(addresses).hasSize(1);
            assertThat(inside(prefix, addresses.getFirst())).as(addresses + " in " + prefix).isTrue();
            Thread.sleep(200); // a few loop intervals: nothing may grow an IPv4 pool
            assertThat(cloud.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_M5_LARGE)))
                    .singleElement().satisfies(e -> assertThat(e.secondaryIpv4()).isEmpty());
            assertThat(AgentTest.ask(config.socket(), AgentRequest.del("pod0", "eth0", "/x", null, Map.of())))
                    .isInstanceOf(AgentReply.Success.class);
            assertThat(((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).allocations()).isEmpty();
        }
    }

    /** The agent's Prometheus scrape; its metrics server is the first loopback server. */
    static String metrics(Agent agent) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + agent.httpPorts().getFirst() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean inside(String prefix, String address) {
        String host = address.substring(0, address.indexOf('/'));
        return new inet.ipaddr.IPAddressString(prefix).getAddress().toPrefixBlock()
                .contains(new inet.ipaddr.IPAddressString(host).getAddress());
    }

    private static dev.podnet.cloud.NetworkInterface primary(VpcEmulator cloud) {
        return cloud.describeNetworkInterfaces(EniFilter.attachedTo(DefaultWorld.INSTANCE_M5_LARGE)).stream()
                .filter(e -> e.attachment().map(a -> a.deviceIndex() == 0).orElse(false)).findFirst().orElseThrow();
    }

    /** ADD until the warm pool has an address; the reply's addresses, IPv4 first. */
    private static List<String> addUntilServed(AgentConfig config, String container) throws Exception {
        for (int attempt = 0; attempt < 3000; attempt++) {
            AgentReply reply = AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/x", null, List.of(),
                    Map.of()));
            if (reply instanceof AgentReply.Success s) {
                return s.result().ips().stream().map(CniResult.IpConfig::address).toList();
            }
            assertThat(((AgentReply.Failure) reply).code()).isEqualTo(CniException.TRY_AGAIN_LATER);
            Thread.sleep(10);
        }
        throw new AssertionError("no address for " + container);
    }

    @Test
    void anEmptyPoolWithEc2FailingAnswersTryAgainLaterWithTheReason() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(DefaultWorld.spec()).throttle(ThrottleConfig.UNLIMITED).build();
        cloud.faults().injectRate("AssignPrivateIpAddresses", Ec2Error.REQUEST_LIMIT_EXCEEDED, 1.0);
        AgentConfig config = config(cloud, WarmPoolConfig.builder().warmIpTarget(1).build());
        try (Agent agent = Agent.start(config, InstantSource.system())) {
            await("the loop has tried EC2", () -> cloud.calls().throttled() > 0);
            // EC2 counts the throttled call before the loop hears of it: ask until the loop has
            AgentReply reply = null;
            for (int attempt = 0; attempt < 1000; attempt++) {
                reply = AgentTest.ask(config.socket(), AgentRequest.add("p", "eth0", "/x", null, List.of(), Map.of()));
                if (!(reply instanceof AgentReply.Failure f) || f.details().contains("RequestLimitExceeded")
                        || f.msg().contains("RequestLimitExceeded")) {
                    break;
                }
                Thread.sleep(10);
            }
            assertThat(reply).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
                assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
                assertThat(f.msg() + " " + f.details()).contains("throttling", "RequestLimitExceeded");
            });
        }
    }
}

package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.cloud.Ec2Error;
import dev.podnet.cloud.EniFilter;
import dev.podnet.cloud.sim.CallLog;
import dev.podnet.cloud.sim.DefaultWorld;
import dev.podnet.cloud.sim.InstanceSpec;
import dev.podnet.cloud.sim.ThrottleConfig;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.cloud.sim.WorldSpec;
import dev.podnet.blocks.BlockPool;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.NodeRegistration;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.warm.WarmPoolConfig;
import dev.podnet.kube.KubeMock;
import dev.podnet.kube.StatefulAddresses;
import dev.podnet.linux.NetNamespace;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.EmbeddedStore;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents on two instances of one subnet, a StatefulSet pod moving from the first to the second: EC2 moves its
 * address (AllowReassignment), the first agent drops its reservation and never unassigns the address.
 */
class AgentStatefulMoveTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();
    static final String SECOND = "i-0000000000000000d";

    @TempDir
    Path dir;

    /** The default world and a second m5.large in the first one's subnet. */
    static WorldSpec world() {
        WorldSpec w = DefaultWorld.spec();
        List<InstanceSpec> instances = new ArrayList<>(w.instances());
        instances.add(new InstanceSpec(SECOND, "m5.large", DefaultWorld.NODE_SUBNET_A,
                List.of(DefaultWorld.SECURITY_GROUP_DEFAULT)));
        return new WorldSpec(w.region(), w.vpcs(), w.subnets(), w.securityGroups(), instances, w.routeTables());
    }

    AgentConfig config(VpcEmulator cloud, String instance, String node, KubernetesClient client, Duration podGc) {
        CloudPoolConfig c = new CloudPoolConfig(cloud, instance, "test", CloudPoolConfig.DEFAULT_POOL,
                WarmPoolConfig.builder().warmIpTarget(2).build(), Optional.empty(), type -> 29, Duration.ofMillis(50));
        return new AgentConfig(dir.resolve(node + ".sock"), dir.resolve(node), Optional.empty(), Optional.empty(),
                List.of(), Duration.ofSeconds(30), Optional.of(c))
                .withKube(Optional.of(new KubeApi(API.podnetClient(), node, podGc)));
    }

    static Map<String, String> args(String uid) {
        return Map.of("K8S_POD_NAMESPACE", "shop", "K8S_POD_NAME", "db-0", "K8S_POD_UID", uid);
    }

    /** ADD until the warm pool can answer; the reply's first address. */
    static String add(AgentConfig config, String container, String uid) throws Exception {
        for (int attempt = 0; attempt < 3000; attempt++) {
            AgentReply reply = AgentTest.ask(config.socket(), AgentRequest.add(container, "eth0", "/x", null,
                    List.of(), args(uid)));
            if (reply instanceof AgentReply.Success s) {
                String cidr = s.result().ips().getFirst().address();
                return cidr.substring(0, cidr.indexOf('/'));
            }
            assertThat(((AgentReply.Failure) reply).code()).as(reply.toString()).isEqualTo(CniException.TRY_AGAIN_LATER);
            Thread.sleep(10);
        }
        throw new AssertionError("no address for " + container);
    }

    static Set<String> secondaries(VpcEmulator cloud, String instance) {
        Set<String> all = new HashSet<>();
        cloud.describeNetworkInterfaces(EniFilter.attachedTo(instance)).forEach(e -> all.addAll(e.secondaryIpv4()));
        return all;
    }

    static List<String> held(AgentConfig config) throws Exception {
        return ((AgentReply.Status) AgentTest.ask(config.socket(), AgentRequest.status())).allocations().stream()
                .map(a -> a.address().substring(0, a.address().indexOf('/'))).toList();
    }

    String pod(KubernetesClient client, String stsUid) {
        return client.pods().resource(new PodBuilder().withNewMetadata().withNamespace("shop").withName("db-0")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                        .withName("db").withUid(stsUid).withController(true).build())
                .endMetadata().build()).create().getMetadata().getUid();
    }

    @Test
    void aStatefulSetPodMovingToAnotherNodeTakesItsVpcAddressAlong() throws Exception {
        VpcEmulator cloud = VpcEmulator.builder(world()).throttle(ThrottleConfig.UNLIMITED).build();
        try (KubernetesClient client = API.client()) {
            String stsUid = client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
                    .withNewMetadata().withName("db").withNamespace("shop").endMetadata().withNewSpec()
                    .withReplicas(1).endSpec().build()).create().getMetadata().getUid();
            AgentConfig a = config(cloud, DefaultWorld.INSTANCE_M5_LARGE, "node-a", client, Duration.ofMillis(100));
            AgentConfig b = config(cloud, SECOND, "node-b", client, Duration.ofHours(1));
            try (Agent agentA = Agent.start(a, InstantSource.system());
                 Agent agentB = Agent.start(b, InstantSource.system())) {
                String address = add(a, "c1", pod(client, stsUid));
                assertThat(secondaries(cloud, DefaultWorld.INSTANCE_M5_LARGE)).contains(address);
                assertThat(AgentTest.ask(a.socket(), AgentRequest.del("c1", "eth0", "/x", null, Map.of())))
                        .isInstanceOf(AgentReply.Success.class);
                assertThat(held(a)).as("kept for the pod's name").containsExactly(address);

                client.pods().inNamespace("shop").withName("db-0").delete();
                String again = pod(client, stsUid);
                // Cut short after the record names node-b, before EC2 moved the address: code 11, retried below.
                cloud.faults().injectRate("AssignPrivateIpAddresses", Ec2Error.INTERNAL_ERROR, 1.0);
                AgentReply cut = AgentTest.ask(b.socket(), AgentRequest.add("c2", "eth0", "/x", null, List.of(),
                        args(again)));
                assertThat(cut).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
                    assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
                    assertThat(f.details()).contains("address " + address + " could not move to");
                });
                AgentCloudTest.await("node-a's GC round drops the reservation", () -> {
                    try {
                        return !held(a).contains(address);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertThat(secondaries(cloud, DefaultWorld.INSTANCE_M5_LARGE)).as("still on node-a's ENI, unused")
                        .contains(address);
                cloud.faults().clear();
                assertThat(add(b, "c2", again)).isEqualTo(address);
                assertThat(secondaries(cloud, SECOND)).contains(address);
                assertThat(secondaries(cloud, DefaultWorld.INSTANCE_M5_LARGE)).doesNotContain(address);
                assertThat(new StatefulAddresses(client).get("shop", "db-0")).hasValueSatisfying(r -> {
                    assertThat(r.node()).isEqualTo("node-b");
                    assertThat(r.podUid()).isEqualTo(again);
                });

                AgentCloudTest.await("node-a's GC round drops the reservation", () -> {
                    try {
                        return !held(a).contains(address);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                // A few more of node-a's loop passes: had the address rejoined its free list, one would unassign it.
                long steps = cloud.calls().count("DescribeNetworkInterfaces");
                AgentCloudTest.await("node-a's warm pool loop has run on", () ->
                        cloud.calls().count("DescribeNetworkInterfaces") > steps + 10);
                assertThat(secondaries(cloud, SECOND)).contains(address);
                assertThat(cloud.calls().count("UnassignPrivateIpAddresses")).isEqualTo(
                        cloud.calls().count("UnassignPrivateIpAddresses", CallLog.OK));
                assertThat(held(b)).containsExactly(address);
            }
        }
    }

    /** One node of a cluster pool on the shared store: engine, block pool and the agent's StatefulSet path. */
    record BlockNode(Ipam ipam, BlockPool blocks, AgentService service, PodGc gc) implements AutoCloseable {
        static BlockNode start(Path dir, String node, ClusterStore store, BlockPoolConfig config,
                               KubernetesClient podnet) {
            Ipam ipam = Ipam.open(dir.resolve(node), List.of(config.enginePool()), InstantSource.system(),
                    IpamOptions.builder().quarantine(Duration.ofMinutes(5)).build());
            BlockPool blocks = new BlockPool(store, ipam, config, new NodeRegistration(store, node, config.nodeTtl(),
                    InstantSource.system()), InstantSource.system(), new java.util.Random(node.hashCode()));
            blocks.recover();
            Map<String, FedPool> fed = Map.of(config.pool(), FedPool.of(blocks));
            AgentMetrics metrics = new AgentMetrics(List::of);
            StatefulPods stateful = new StatefulPods(podnet, node, ipam, fed::get);
            AgentService service = new AgentService(ipam, List.of(config.pool()), metrics, fed, Map.of(),
                    NetNamespace.current(), null, stateful);
            return new BlockNode(ipam, blocks, service, new PodGc(podnet, ipam::allocations, service::release,
                    metrics, new StatefulPodGc(stateful, service::release)));
        }

        String add(String container, String uid) {
            AgentReply reply = service.answer(AgentRequest.add(container, "eth0", "/x", null, List.of(), args(uid)));
            assertThat(reply).isInstanceOf(AgentReply.Success.class);
            String cidr = ((AgentReply.Success) reply).result().ips().getFirst().address();
            return cidr.substring(0, cidr.indexOf('/'));
        }

        List<String> held() {
            return ipam.allocations().stream().map(a -> a.addresses().getFirst().address().toCanonicalString())
                    .toList();
        }

        @Override
        public void close() {
            ipam.close();
        }
    }

    @Test
    void aStatefulSetPodMovingToAnotherNodeTakesItsClusterPoolAddressAlongByCas() throws Exception {
        BlockPoolConfig config = BlockPoolConfig.builder("cluster", "10.250.0.0/24").build();
        try (KubernetesClient client = API.client(); KubernetesClient podnet = API.podnetClient();
             EmbeddedStore store = EmbeddedStore.open(dir.resolve("store"), InstantSource.system())) {
            String stsUid = client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
                    .withNewMetadata().withName("db").withNamespace("shop").endMetadata().withNewSpec()
                    .withReplicas(1).endSpec().build()).createOr(op -> op.update()).getMetadata().getUid();
            try (BlockNode a = BlockNode.start(dir, "node-a", store, config, podnet);
                 BlockNode b = BlockNode.start(dir, "node-b", store, config, podnet)) {
                client.pods().inNamespace("shop").withName("db-0").delete();
                client.genericKubernetesResources(StatefulAddresses.RESOURCE).inNamespace("shop").delete();
                String address = a.add("c1", pod(client, stsUid));
                assertThat(a.service.answer(AgentRequest.del("c1", "eth0", "/x", null, Map.of())))
                        .isInstanceOf(AgentReply.Success.class);
                assertThat(a.held()).as("kept for the pod's name").containsExactly(address);

                client.pods().inNamespace("shop").withName("db-0").delete();
                assertThat(b.add("c2", pod(client, stsUid))).isEqualTo(address);
                inet.ipaddr.IPAddress moved = new IPAddressString(address).getAddress();
                assertThat(b.blocks.reservedAddresses()).as("node-b's holder bits").contains(moved);
                a.gc.run();
                assertThat(a.blocks.reservedAddresses()).as("node-a's holder bits").doesNotContain(moved);
                assertThat(a.held()).as("node-a's GC round dropped what moved").isEmpty();
                assertThat(a.blocks.freeAddresses()).doesNotContain(moved);
                assertThat(b.held()).containsExactly(address);
            } finally {
                client.pods().inNamespace("shop").withName("db-0").delete();
                client.apps().statefulSets().inNamespace("shop").withName("db").delete();
            }
        }
    }
}

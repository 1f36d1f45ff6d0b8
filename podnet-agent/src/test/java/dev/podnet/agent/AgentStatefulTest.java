package dev.podnet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.CniException;
import dev.podnet.ipam.AddressUse;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.ipam.PodRef;
import dev.podnet.ipam.Pool;
import dev.podnet.kube.KubeConnection;
import dev.podnet.kube.KubeMock;
import dev.podnet.kube.StatefulAddress;
import dev.podnet.kube.StatefulAddresses;
import dev.podnet.linux.NetNamespace;
import inet.ipaddr.IPAddressString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * StatefulSet pods' fixed addresses on one node, through the agent's service, GC rounds and engine, against the CRUD
 * mock API server (which has no garbage collector: the tests delete owners and look at what the agent does).
 */
class AgentStatefulTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    @TempDir
    Path dir;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    final InstantSource clock = now::get;
    final AgentMetrics metrics = new AgentMetrics(List::of);
    KubernetesClient client;
    Ipam ipam;
    AgentService service;
    PodGc gc;
    String stsUid;
    /** What podnet's code is given: its requests are held to rbac.yaml. */
    KubernetesClient podnet;

    @BeforeEach
    void start() {
        client = API.client();
        podnet = API.podnetClient();
        open(podnet);
        client.apps().statefulSets().inNamespace("shop").withName("db").delete();
        client.genericKubernetesResources(StatefulAddresses.RESOURCE).inNamespace("shop").delete();
        stsUid = client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").withNamespace("shop").endMetadata().withNewSpec().withReplicas(2).endSpec().build())
                .create().getMetadata().getUid();
    }

    /** The engine, service and GC as the agent composes them, on {@code api}. */
    void open(KubernetesClient api) {
        ipam = Ipam.open(dir.resolve("state"), List.of(Pool.of("default", IpRange.of("10.7.0.0/24"))), clock,
                IpamOptions.builder().quarantine(Duration.ofMinutes(5)).build());
        StatefulPods stateful = new StatefulPods(api, "node-a", ipam, pool -> null);
        service = new AgentService(ipam, List.of("default"), metrics, Map.of(), Map.of(), NetNamespace.current(), null,
                stateful);
        gc = new PodGc(api, ipam::allocations, service::release, metrics, new StatefulPodGc(stateful, service::release));
    }

    /** A kill -9 and a restart: every answered change is on disk (the engine forces before it answers). */
    void restart(KubernetesClient api) {
        ipam.close();
        open(api);
    }

    @AfterEach
    void stop() {
        ipam.close();
        client.pods().inNamespace("shop").delete();
        client.close();
        podnet.close();
    }

    /** The StatefulSet's pod {@code name}, created now: its uid. */
    String pod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace("shop").withName(name)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                        .withName("db").withUid(stsUid).withController(true).build())
                .endMetadata().build();
        return client.pods().resource(pod).create().getMetadata().getUid();
    }

    void deletePod(String name) {
        client.pods().inNamespace("shop").withName(name).delete();
    }

    AgentReply add(String container, String name, String uid) {
        return service.answer(AgentRequest.add(container, "eth0", "/n", null, List.of(),
                Map.of("K8S_POD_NAMESPACE", "shop", "K8S_POD_NAME", name, "K8S_POD_UID", uid)));
    }

    String address(String container, String name, String uid) {
        AgentReply reply = add(container, name, uid);
        assertThat(reply).isInstanceOf(AgentReply.Success.class);
        String cidr = ((AgentReply.Success) reply).result().ips().getFirst().address();
        return cidr.substring(0, cidr.indexOf('/'));
    }

    void del(String container) {
        assertThat(service.answer(AgentRequest.del(container, "eth0", "/n", null, Map.of())))
                .isInstanceOf(AgentReply.Success.class);
    }

    AddressUse use(String address) {
        return ipam.use(new IPAddressString(address).getAddress());
    }

    Optional<StatefulAddress> record(String name) {
        return new StatefulAddresses(client).get("shop", name);
    }

    static final AttachmentKey DB0_KEPT = StatefulPods.reservation(new PodRef("shop", "db-0", "x"), "eth0");

    @Test
    void aRecreatedPodGetsItsAddressBackAndNoOtherPodCanTakeItMeanwhile() {
        String first = pod("db-0");
        String address = address("c1", "db-0", first);
        assertThat(record("db-0")).hasValueSatisfying(r -> {
            assertThat(r.node()).isEqualTo("node-a");
            assertThat(r.podUid()).isEqualTo(first);
            assertThat(r.iface("eth0").orElseThrow().addresses()).containsExactly(address);
            assertThat(r.owner().uid()).isEqualTo(stsUid);
        });
        del("c1");
        assertThat(use(address)).isEqualTo(new AddressUse.Held(DB0_KEPT));
        deletePod("db-0");
        assertThat(gc.run().released()).as("the StatefulSet still wants ordinal 0").isEmpty();

        // Another pod asking for it is refused, naming the reservation and whose it is.
        AgentReply refused = service.answer(AgentRequest.add("c9", "eth0", "/n", null, List.of(address), Map.of()));
        assertThat(refused).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
            assertThat(f.code()).isEqualTo(dev.podnet.cni.IpamBridge.ADDRESS_IN_USE);
            assertThat(f.msg() + f.details()).contains("pod shop/db-0", DB0_KEPT.toString());
        });
        assertThat(address("c8", "web-x", "u-web")).as("any other pod gets another address").isNotEqualTo(address);

        String second = pod("db-0");
        assertThat(address("c2", "db-0", second)).isEqualTo(address);
        assertThat(record("db-0").orElseThrow().podUid()).isEqualTo(second);
        assertThat(use(address)).isEqualTo(new AddressUse.Held(AttachmentKey.of("c2", "eth0")));
    }

    @Test
    void aNewIncarnationBeforeTheOldContainersDelTakesTheAddressOver() {
        String first = pod("db-0");
        String address = address("c1", "db-0", first);
        deletePod("db-0");
        String second = pod("db-0");
        assertThat(address("c2", "db-0", second)).isEqualTo(address);
        del("c1");   // late: holds nothing now
        assertThat(use(address)).isEqualTo(new AddressUse.Held(AttachmentKey.of("c2", "eth0")));
    }

    @Test
    void insideTheQuarantineItsOwnerTakesItBackAndNoOneElse() {
        String first = pod("db-0");
        String address = address("c1", "db-0", first);
        del("c1");
        // The reservation lost (say, released by hand): the address rests in quarantine.
        ipam.release(DB0_KEPT);
        assertThat(use(address)).isInstanceOf(AddressUse.Quarantined.class);
        AgentReply refused = service.answer(AgentRequest.add("c9", "eth0", "/n", null, List.of(address), Map.of()));
        assertThat(refused).isInstanceOfSatisfying(AgentReply.Failure.class, f ->
                assertThat(f.msg() + f.details()).contains("quarantine"));
        deletePod("db-0");
        assertThat(address("c2", "db-0", pod("db-0"))).isEqualTo(address);
    }

    @Test
    void scaleDownBelowTheOrdinalAndDeletingTheStatefulSetReleaseAndDeleteTheRecord() {
        String a0 = address("c0", "db-0", pod("db-0"));
        String a1 = address("c1", "db-1", pod("db-1"));
        del("c1");
        deletePod("db-1");
        assertThat(gc.run().released()).isEmpty();
        assertThat(use(a1)).isInstanceOf(AddressUse.Held.class);

        client.apps().statefulSets().inNamespace("shop").withName("db").edit(s -> {
            s.getSpec().setReplicas(1);
            return s;
        });
        PodGc.Round round = gc.run();
        assertThat(round.released()).singleElement().satisfies(r ->
                assertThat(r.key()).isEqualTo(StatefulPods.reservation(new PodRef("shop", "db-1", "x"), "eth0")));
        assertThat(use(a1)).isInstanceOf(AddressUse.Quarantined.class);
        assertThat(record("db-1")).isEmpty();
        assertThat(record("db-0")).isPresent();

        deletePod("db-0");
        del("c0");
        assertThat(gc.run().released()).isEmpty();
        client.apps().statefulSets().inNamespace("shop").withName("db").delete();
        assertThat(gc.run().released()).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo(DB0_KEPT));
        assertThat(use(a0)).isInstanceOf(AddressUse.Quarantined.class);
        assertThat(record("db-0")).isEmpty();
    }

    @Test
    void withTheApiServerAwayDelKeepsTheAddressesTheNextIncarnationGetsThemAndGcDecidesLater() throws Exception {
        String address = address("c1", "db-1", pod("db-1"));
        Path kubeconfig = API.kubeconfig(dir);
        Files.writeString(kubeconfig, Files.readString(kubeconfig).replace(API.url(), "http://127.0.0.1:9"));
        try (KubernetesClient down = KubeConnection.connect(Optional.of(kubeconfig), Map.of()).orElseThrow()) {
            restart(down);
            del("c1");
            assertThat(use(address)).isEqualTo(new AddressUse.Held(
                    StatefulPods.reservation(new PodRef("shop", "db-1", "x"), "eth0")));
            deletePod("db-1");
            client.apps().statefulSets().inNamespace("shop").withName("db").delete();
            PodGc.Round away = gc.run();
            assertThat(away.released()).isEmpty();
            assertThat(away.stoppedBy()).isPresent();
            // The node's reservation for the name is enough to serve the pod's next incarnation.
            assertThat(address("c2", "db-1", "u2")).isEqualTo(address);
            assertThat(address("c3", "web-z", "u3")).isNotEqualTo(address);
        }
        restart(client);
        assertThat(gc.run().released()).extracting(a -> a.key().containerId()).containsExactlyInAnyOrder("c2", "c3");
        assertThat(use(address)).isInstanceOf(AddressUse.Quarantined.class);
        assertThat(record("db-1")).isEmpty();
    }

    /** An object under the pod's name that is not a record the agent can read (someone else's). */
    void foreignObject(String name) {
        client.genericKubernetesResources(StatefulAddresses.RESOURCE).inNamespace("shop").resource(
                new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("podnet.dev/v1")
                        .withKind("StatefulAddress").withNewMetadata().withName(name).withNamespace("shop")
                        .endMetadata().build()).create();
    }

    @Test
    void anUnreadableRecordFailsTheAddNamingItAndAllocatesNothing() {
        String uid = pod("db-0");
        foreignObject("db-0");
        AgentReply reply = add("c1", "db-0", uid);
        assertThat(reply).isInstanceOfSatisfying(AgentReply.Failure.class, f -> {
            assertThat(f.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
            assertThat(f.msg() + " " + f.details()).contains("StatefulAddress shop/db-0", "no ownerReference");
        });
        assertThat(ipam.allocations()).isEmpty();
    }

    @Test
    void aRecordThatCannotBeWrittenUndoesTheAllocation() {
        String uid = pod("db-0");
        var request = new dev.podnet.ipam.AllocationRequest(AttachmentKey.of("c1", "eth0"), "default", List.of(),
                Optional.of(new PodRef("shop", "db-0", uid)));
        StatefulPods stateful = new StatefulPods(podnet, "node-a", ipam, pool -> null);
        // Between the allocation and the record's create, a foreign object takes the name.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stateful.add(request, Optional.empty(), r -> {
            var a = ipam.allocate(r);
            foreignObject("db-0");
            return a;
        }, ipam::release)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(CniException.TRY_AGAIN_LATER);
            assertThat(e.getMessage() + " " + e.details()).contains("were released again", "StatefulAddress shop/db-0");
        });
        assertThat(ipam.allocations()).isEmpty();
    }

    @Test
    void anAddressOfANodesOwnPoolDoesNotMoveAndTheRefusalNamesNodeAndPool() {
        String address = address("c1", "db-0", pod("db-0"));
        new StatefulAddresses(client).update("shop", "db-0", r -> r.heldBy("node-x", r.podUid()));
        deletePod("db-0");
        AgentReply reply = add("c2", "db-0", pod("db-0"));
        assertThat(reply).isInstanceOfSatisfying(AgentReply.Failure.class, f -> assertThat(f.msg() + " " + f.details())
                .contains("pod shop/db-0's address " + address + " is held by node node-x in pool default",
                        "cannot move to node node-a"));
        assertThat(ipam.find(AttachmentKey.of("c2", "eth0"))).isEmpty();
    }

    @Test
    void anAddressOfAPoolThatCannotMoveIsRefusedSayingSo() {
        FedPool blocks = new FedPool() {
            public dev.podnet.ipam.Allocation allocate(AttachmentKey key, List<inet.ipaddr.IPAddress> requested,
                                                       Optional<PodRef> pod) {
                return ipam.allocate(new dev.podnet.ipam.AllocationRequest(key, "default", requested, pod));
            }

            public Optional<dev.podnet.ipam.Allocation> release(AttachmentKey key) {
                return ipam.release(key);
            }

            public List<dev.podnet.ipam.Allocation> gc(java.util.Set<AttachmentKey> valid) {
                return ipam.gc(valid);
            }

            public AgentReply.PoolStatus counts(String name) {
                return new AgentReply.PoolStatus(name, 0, 0, 0, 0);
            }
        };
        StatefulPods stateful = new StatefulPods(podnet, "node-a", ipam, Map.of("default", blocks)::get);
        service = new AgentService(ipam, List.of("default"), metrics, Map.of("default", blocks), Map.of(),
                NetNamespace.current(), null, stateful);
        String address = address("c1", "db-0", pod("db-0"));
        new StatefulAddresses(client).update("shop", "db-0", r -> r.heldBy("node-x", r.podUid()));
        deletePod("db-0");
        AgentReply reply = add("c2", "db-0", pod("db-0"));
        assertThat(reply).isInstanceOfSatisfying(AgentReply.Failure.class, f -> assertThat(f.msg() + " " + f.details())
                .contains("pod shop/db-0's address " + address + " is held by node node-x; addresses of pool default"
                        + " cannot move between nodes"));
    }

    @Test
    void killedBetweenStepsTheAgentLosesNoAddressAndHandsNoneOutTwice() {
        String uid = pod("db-0");
        // Killed after the allocation was journaled, before its record was written: the runtime retries the ADD.
        ipam.allocate(new dev.podnet.ipam.AllocationRequest(AttachmentKey.of("c1", "eth0"), "default", List.of(),
                Optional.of(new PodRef("shop", "db-0", uid))));
        restart(client);
        String address = address("c1", "db-0", uid);
        assertThat(ipam.allocations()).hasSize(1);
        assertThat(record("db-0").orElseThrow().iface("eth0").orElseThrow().addresses()).containsExactly(address);
        // Killed right after the DEL's re-key: the reservation is on disk.
        del("c1");
        restart(client);
        assertThat(use(address)).isEqualTo(new AddressUse.Held(DB0_KEPT));
        assertThat(address("c5", "web-y", "u-web")).isNotEqualTo(address);
        deletePod("db-0");
        String again = pod("db-0");
        assertThat(address("c2", "db-0", again)).isEqualTo(address);
        // Killed after the re-key to the new attachment, before the record's pod uid was written: the retry is the same.
        restart(client);
        assertThat(address("c2", "db-0", again)).isEqualTo(address);
        assertThat(ipam.allocations()).extracting(a -> a.key().containerId()).containsExactlyInAnyOrder("c2", "c5");
    }
}

package dev.podnet.overlay.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.kube.KubeMock;
import dev.podnet.net.InvalidInputException;
import dev.podnet.overlay.FlannelConfig;
import dev.podnet.overlay.LeaseAttrs;
import dev.podnet.overlay.SubnetLease;
import dev.podnet.overlay.SubnetRegistry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** flannel's kube subnet manager on the mock API server: podnet's node and flannel's nodes see each other. */
class FlannelNodesTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();
    private static final FlannelConfig CONFIG = FlannelConfig.parse(
            "{\"Network\":\"10.5.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}", "net-conf.json");
    /** What flannel v0.2x writes on its own node (pkg/subnet/kube). */
    private static final Map<String, String> FLANNEL_ANNOTATIONS = Map.of(
            "flannel.alpha.coreos.com/backend-data", "{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:02\"}",
            "flannel.alpha.coreos.com/backend-type", "vxlan",
            "flannel.alpha.coreos.com/kube-subnet-manager", "true",
            "flannel.alpha.coreos.com/public-ip", "192.168.77.2");

    private final KubernetesClient admin = API.client();
    /** podnet's: its requests are held to podnet's RBAC. */
    private final KubernetesClient client = API.podnetClient();

    @AfterEach
    void clean() {
        admin.nodes().delete();
        admin.close();
        client.close();
    }

    private void node(String name, String podCidr, Map<String, String> annotations) {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withAnnotations(annotations)
                .endMetadata().withNewSpec().withPodCIDR(podCidr).endSpec().build()).create();
    }

    @Test
    void aNodeAnnotatedByFlannelIsAPeerAndOursIsAnnotatedAsFlannelDoes() {
        node("podnet-a", "10.5.1.0/24", Map.of());
        node("flannel-b", "10.5.2.0/24", FLANNEL_ANNOTATIONS);
        node("plain-c", "10.5.3.0/24", Map.of());
        FlannelNodes nodes = new FlannelNodes(client, "podnet-a", CONFIG);

        SubnetLease ours = nodes.acquire(LeaseAttrs.vxlan("192.168.77.1", 1, "aa:bb:cc:dd:ee:01"));
        assertThat(ours.subnet()).hasToString("10.5.1.0/24");
        assertThat(admin.nodes().withName("podnet-a").get().getMetadata().getAnnotations()).containsAllEntriesOf(Map.of(
                "flannel.alpha.coreos.com/backend-data", "{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:01\"}",
                "flannel.alpha.coreos.com/backend-type", "vxlan",
                "flannel.alpha.coreos.com/kube-subnet-manager", "true",
                "flannel.alpha.coreos.com/public-ip", "192.168.77.1"));

        AtomicReference<Collection<SubnetLease>> seen = new AtomicReference<>();
        SubnetRegistry.Following following = nodes.follow(new SubnetRegistry.Listener() {
            @Override
            public void leases(Collection<SubnetLease> all) {
                seen.set(all);
            }

            @Override
            public void failed(RuntimeException cause) {
                throw new AssertionError("the follow failed", cause);
            }
        });
        assertThat(following.leases()).extracting(l -> l.subnet().toString()).containsExactlyInAnyOrder("10.5.1.0/24", "10.5.2.0/24");
        SubnetLease flannel = following.leases().stream().filter(l -> l.subnet().toString().equals("10.5.2.0/24"))
                .findFirst().orElseThrow();
        assertThat(flannel.attrs().publicIp()).isEqualTo("192.168.77.2");
        assertThat(flannel.attrs().vxlan()).contains(new LeaseAttrs.VxlanData(1, "aa:bb:cc:dd:ee:02"));

        // Another flannel node joins, one leaves: the followers see both.
        Node c = admin.nodes().withName("plain-c").get();
        c.getMetadata().setAnnotations(Map.of("flannel.alpha.coreos.com/backend-data",
                "{\"VNI\":1,\"VtepMAC\":\"aa:bb:cc:dd:ee:03\"}", "flannel.alpha.coreos.com/backend-type", "vxlan",
                "flannel.alpha.coreos.com/kube-subnet-manager", "true", "flannel.alpha.coreos.com/public-ip",
                "192.168.77.3"));
        admin.nodes().resource(c).update();
        await(seen, all -> all.stream().anyMatch(l -> l.attrs().publicIp().equals("192.168.77.3")));
        admin.nodes().withName("flannel-b").delete();
        await(seen, all -> all.stream().noneMatch(l -> l.attrs().publicIp().equals("192.168.77.2")));
        assertThat(seen.get()).extracting(l -> l.subnet().toString()).containsExactlyInAnyOrder("10.5.1.0/24", "10.5.3.0/24");
        try {
            following.stop().close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNodeWithoutAPodCidrInTheNetworkIsAnErrorThatSaysSo() {
        node("no-cidr", null, Map.of());
        node("elsewhere", "10.6.1.0/24", Map.of());
        LeaseAttrs attrs = LeaseAttrs.vxlan("192.168.77.1", 1, "aa:bb:cc:dd:ee:01");
        assertThatThrownBy(() -> new FlannelNodes(client, "no-cidr", CONFIG).acquire(attrs))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("has no IPv4 spec.podCIDR");
        assertThatThrownBy(() -> new FlannelNodes(client, "elsewhere", CONFIG).acquire(attrs))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("node elsewhere's podCIDR 10.6.1.0/24 is not in the network 10.5.0.0/16 of the net-conf");
        assertThatThrownBy(() -> new FlannelNodes(client, "missing", CONFIG).acquire(attrs))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("there is no Node missing");
        assertThat(admin.nodes().withName("elsewhere").get().getMetadata().getAnnotations()).isNullOrEmpty();
    }

    private static void await(AtomicReference<Collection<SubnetLease>> seen, Predicate<Collection<SubnetLease>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (seen.get() == null || !done.test(seen.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the followed leases did not change as expected: " + seen.get());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}

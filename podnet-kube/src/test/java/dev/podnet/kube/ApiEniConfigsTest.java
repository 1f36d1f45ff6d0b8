package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.warm.EniConfig;
import dev.podnet.warm.NoEniConfigException;
import dev.podnet.warm.VpcCniEnvironment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node's ENIConfig read from the API server (fabric8's CRUD mock) as the VPC CNI reads it. */
class ApiEniConfigsTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final String KEY = VpcCniEnvironment.DEFAULT_ENI_CONFIG_KEY;
    private static final String EXTERNAL = "vpc.amazonaws.com/externalEniConfig";
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final KubernetesClient client = API.client();
    /** podnet's own client: its requests are held to podnet's RBAC. */
    private final KubernetesClient podnet = API.podnetClient();
    /** A second later at each reading: the events' names (NODE.nanoseconds) differ, as in real time. */
    private final AtomicLong seconds = new AtomicLong();
    private final InstantSource clock = () -> START.plusSeconds(seconds.getAndIncrement());

    @AfterEach
    void close() {
        client.close();
        podnet.close();
    }

    private ApiEniConfigs source(String node, Map<String, String> env) {
        return new ApiEniConfigs(podnet, node, VpcCniEnvironment.eniConfigSelector(env), clock);
    }

    @Test
    void theExternalLabelThenTheAnnotationThenTheLabelThenDefaultNameTheEniConfig() {
        for (String name : List.of("default", "by-label", "by-annotation", "external")) {
            KubeFixtures.eniConfig(client, name, "subnet-" + name, "sg-" + name);
        }
        KubeFixtures.node(client, "p-all", Map.of(EXTERNAL, "external", KEY, "by-label"), Map.of(KEY, "by-annotation"));
        KubeFixtures.node(client, "p-both", Map.of(KEY, "by-label"), Map.of(KEY, "by-annotation"));
        KubeFixtures.node(client, "p-label", Map.of(KEY, "by-label", "topology.kubernetes.io/zone", "us-east-1a"),
                Map.of());
        KubeFixtures.node(client, "p-none", Map.of("topology.kubernetes.io/zone", "us-east-1a"), Map.of());
        assertThat(source("p-all", Map.of()).current())
                .isEqualTo(new EniConfig("external", "subnet-external", List.of("sg-external")));
        assertThat(source("p-both", Map.of()).current().name()).isEqualTo("by-annotation");
        assertThat(source("p-label", Map.of()).current().name()).isEqualTo("by-label");
        assertThat(source("p-none", Map.of()).current().name()).isEqualTo("default");
    }

    @Test
    void theVariablesNameOtherKeysAsTheSeedGuidesZoneLabel() {
        KubeFixtures.eniConfig(client, "us-east-1a", "subnet-zone-a");
        KubeFixtures.eniConfig(client, "pinned", "subnet-pinned");
        KubeFixtures.node(client, "v-zone", Map.of("topology.kubernetes.io/zone", "us-east-1a", KEY, "ignored"),
                Map.of(KEY, "ignored"));
        KubeFixtures.node(client, "v-pinned", Map.of("topology.kubernetes.io/zone", "us-east-1a"),
                Map.of("example.com/eni", "pinned"));
        Map<String, String> env = Map.of("ENI_CONFIG_LABEL_DEF", "topology.kubernetes.io/zone",
                "ENI_CONFIG_ANNOTATION_DEF", "example.com/eni");
        EniConfig zone = source("v-zone", env).current();
        assertThat(zone.subnet()).isEqualTo("subnet-zone-a");
        assertThat(zone.securityGroups()).as("none: the primary ENI's apply").isEmpty();
        assertThat(source("v-pinned", env).current().subnet()).isEqualTo("subnet-pinned");
    }

    @Test
    void eachReadSeesTheEniConfigOfThatMoment() {
        KubeFixtures.node(client, "m-node", Map.of(KEY, "moving"), Map.of());
        KubeFixtures.eniConfig(client, "moving", "subnet-before");
        ApiEniConfigs source = source("m-node", Map.of());
        assertThat(source.current().subnet()).isEqualTo("subnet-before");
        KubeFixtures.eniConfig(client, "moving", "subnet-after", "sg-after");
        assertThat(source.current()).isEqualTo(new EniConfig("moving", "subnet-after", List.of("sg-after")));
    }

    @Test
    void noneFoundIsAnErrorSayingWhatWasLookedForAndOneWarningOnTheNodeUntilTheReasonChanges() {
        KubeFixtures.node(client, "n-node", Map.of(KEY, "late"), Map.of());
        ApiEniConfigs source = source("n-node", Map.of());
        String why = "no ENIConfig named \"late\" (the value of the node's label " + KEY + ")";
        assertThatThrownBy(source::current).isInstanceOf(NoEniConfigException.class).hasMessage(why);
        assertThatThrownBy(source::current).isInstanceOf(NoEniConfigException.class);
        List<Event> events = KubeFixtures.events(client, "n-node");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo(ApiEniConfigs.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("no ENI is created for pods: " + why);
            assertThat(e.getSource().getComponent()).isEqualTo("podnet-agent");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-03-01T12:00:00Z");
        });

        KubeFixtures.eniConfig(client, "late", "subnet-late");
        assertThat(source.current().subnet()).isEqualTo("subnet-late");
        KubeFixtures.deleteEniConfig(client, "late");
        assertThatThrownBy(source::current).hasMessage(why);
        assertThat(KubeFixtures.events(client, "n-node")).as("missing again after it was found: told again")
                .hasSize(2);
    }

    @Test
    void anEniConfigWithoutASubnetIdIsNotUsedAndTheNodeSaysWhy() {
        KubeFixtures.node(client, "i-node", Map.of(KEY, "broken"), Map.of());
        KubeFixtures.eniConfig(client, "broken", "10.0.0.0/24");
        assertThatThrownBy(source("i-node", Map.of())::current).isInstanceOf(NoEniConfigException.class)
                .hasMessageContaining("spec.subnet must be a subnet id");
        assertThat(KubeFixtures.events(client, "i-node")).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(ApiEniConfigs.INVALID));
    }

    @Test
    void aNodeTheApiServerDoesNotKnowNamesNone() {
        assertThatThrownBy(source("nowhere", Map.of())::current).isInstanceOf(NoEniConfigException.class)
                .hasMessageStartingWith("node nowhere is not in the API server");
    }
}

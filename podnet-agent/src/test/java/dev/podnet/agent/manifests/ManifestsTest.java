package dev.podnet.agent.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.kube.IpPool;
import dev.podnet.kube.KubeMock;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
    @RegisterExtension
    static final KubeMock API = new KubeMock();

    private static final ManifestSettings DEFAULTS = ManifestSettings.defaults("registry.example/podnet:1.2.3");

    @TempDir
    Path dir;

    @Test
    void theObjectsInApplyOrder() {
        assertThat(Manifests.generate(DEFAULTS).stream().map(Manifest::toString)).containsExactly(
                "CustomResourceDefinition/ippools.podnet.dev",
                "CustomResourceDefinition/networkconfigs.podnet.dev",
                "CustomResourceDefinition/statefuladdresses.podnet.dev",
                "CustomResourceDefinition/storeentries.podnet.dev",
                "CustomResourceDefinition/storelogs.podnet.dev",
                "ServiceAccount/podnet/kube-system",
                "ClusterRole/podnet-agent",
                "Role/podnet-leases/kube-system",
                "ClusterRoleBinding/podnet-agent",
                "RoleBinding/podnet-leases/kube-system",
                "DaemonSet/podnet/kube-system");
    }

    @Test
    void everyObjectParsesIntoTheTypedModelAndTheApiServerTakesIt() {
        List<Manifest> manifests = Manifests.generate(DEFAULTS);
        Map<String, Class<?>> typed = Map.of("CustomResourceDefinition", CustomResourceDefinition.class,
                "ServiceAccount", ServiceAccount.class, "ClusterRole", ClusterRole.class, "Role", Role.class,
                "ClusterRoleBinding", ClusterRoleBinding.class, "RoleBinding", RoleBinding.class,
                "DaemonSet", DaemonSet.class);
        try (KubernetesClient client = API.client()) {
            for (Manifest m : manifests) {
                HasMetadata object = client.getKubernetesSerialization().unmarshal(m.yaml());
                assertThat(object).as(m.toString()).isInstanceOf(typed.get(m.kind()));
                client.resource(object).create();
                assertThat(client.resource(object).get()).as(m.toString()).isNotNull();
            }
            DaemonSet stored = client.apps().daemonSets().inNamespace("kube-system").withName("podnet").get();
            assertThat(stored.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("podnet");
            assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems()).hasSize(5);
        }
    }

    @Test
    void theDaemonSet() {
        DaemonSet ds = daemonSet(Manifests.generate(DEFAULTS));
        assertThat(ds.getMetadata().getName()).isEqualTo("podnet");
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("kube-system");
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("10%");
        assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("k8s-app", "podnet"));
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("k8s-app", "podnet");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        // the node's resolver: the cluster DNS has no address before podnet gives it one
        assertThat(pod.getDnsPolicy()).isEqualTo("Default");
        assertThat(pod.getServiceAccountName()).isEqualTo("podnet");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getKey()).isNull();
            assertThat(t.getEffect()).isNull();
        });

        Container init = pod.getInitContainers().getFirst();
        assertThat(pod.getInitContainers()).hasSize(1);
        assertThat(init.getImage()).isEqualTo("registry.example/podnet:1.2.3");
        assertThat(init.getArgs()).containsExactly("install-cni", "--dir", "/host/opt/cni/bin");
        assertThat(mounts(init)).isEqualTo(Map.of("/host/opt/cni/bin", "/opt/cni/bin"));

        Container agent = pod.getContainers().getFirst();
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(agent.getImage()).isEqualTo("registry.example/podnet:1.2.3");
        assertThat(agent.getArgs()).startsWith("agent", "--cloud", "aws").doesNotContain("--kubeconfig")
                .containsSequence("--socket", "/run/podnet/agent.sock")
                .containsSequence("--state-dir", "/var/lib/podnet")
                .containsSequence("--introspection-listen", "127.0.0.1:61679")
                // the agent writes the node's network once it can address pods, so the node turns Ready only then
                .containsSequence("--conflist", "/host/etc/cni/net.d/10-podnet.conflist");
        assertThat(agent.getSecurityContext().getPrivileged()).isTrue();
        EnvVar node = agent.getEnv().getFirst();
        assertThat(node.getName()).isEqualTo("MY_NODE_NAME");
        assertThat(node.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        assertThat(agent.getEnv()).hasSize(1);
        assertThat(agent.getEnvFrom()).isEmpty();
        assertThat(agent.getResources().getRequests()).containsKeys("cpu", "memory");
        assertProbe(agent.getReadinessProbe(), "/readyz");
        assertProbe(agent.getLivenessProbe(), "/healthz");
        assertThat(mounts(agent)).isEqualTo(Map.of("/run/podnet", "/run/podnet", "/var/lib/podnet", "/var/lib/podnet",
                "/host/etc/cni/net.d", "/etc/cni/net.d", "/run/xtables.lock", "/run/xtables.lock",
                "/var/run/netns", "/var/run/netns"));
        assertThat(agent.getVolumeMounts().stream().filter(v -> v.getMountPath().equals("/var/run/netns"))
                .findFirst().orElseThrow().getMountPropagation()).isEqualTo("HostToContainer");
        assertThat(pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getType())))
                .containsEntry("xtables-lock", "FileOrCreate").hasSize(6);
    }

    @Test
    void aPlansSettingsGoIntoTheAgentAndBeforeIt() {
        Map<String, Object> configMap = Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "proxy-environment-variables", "namespace", "kube-system"),
                "data", Map.of("HTTPS_PROXY", "http://proxy:3128"));
        ManifestSettings settings = new ManifestSettings("p:1", "plan.yaml", Map.of("WARM_IP_TARGET", "5"),
                Optional.of("proxy-environment-variables"), List.of(configMap));
        List<Manifest> manifests = Manifests.generate(settings);
        assertThat(manifests.get(manifests.size() - 2).toString())
                .isEqualTo("ConfigMap/proxy-environment-variables/kube-system");
        Container agent = daemonSet(manifests).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(agent.getEnv().stream().map(e -> e.getName() + "=" + e.getValue()))
                .containsExactly("MY_NODE_NAME=null", "WARM_IP_TARGET=5");
        assertThat(agent.getEnvFrom()).singleElement()
                .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("proxy-environment-variables"));
    }

    @Test
    void rbacIsTheShippedFileWithItsComments() throws Exception {
        String shipped = new String(IpPool.class.getResourceAsStream("rbac.yaml").readAllBytes());
        String rbac = Manifests.generate(DEFAULTS).stream()
                .filter(m -> List.of("ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding")
                        .contains(m.kind()))
                .map(Manifest::yaml).collect(Collectors.joining("---\n"));
        assertThat(rbac).isEqualTo(shipped);
        assertThat(Manifests.joined(Manifests.generate(DEFAULTS), DEFAULTS)).contains(shipped);
    }

    @Test
    void outDirHasOneFilePerObjectAndAllYaml() throws Exception {
        List<Manifest> manifests = Manifests.generate(DEFAULTS);
        List<Path> files = Manifests.write(dir, manifests, DEFAULTS);
        assertThat(files).hasSize(manifests.size() + 1);
        assertThat(files.getFirst().getFileName().toString())
                .isEqualTo("00-customresourcedefinition-ippools.podnet.dev.yaml");
        assertThat(files.get(manifests.size() - 1).getFileName().toString()).isEqualTo("10-daemonset-podnet.yaml");
        assertThat(Files.readString(dir.resolve("all.yaml"))).isEqualTo(Manifests.joined(manifests, DEFAULTS));
        try (KubernetesClient client = API.client()) {
            assertThat(client.getKubernetesSerialization().<List<HasMetadata>>unmarshal(
                    Files.readString(dir.resolve("all.yaml")))).hasSize(manifests.size());
        }
    }

    @Test
    void theDefaultImageIsThisBuildsTag() {
        assertThat(ManifestSettings.defaultImage()).matches("podnet\\.dev/podnet:\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    static DaemonSet daemonSet(List<Manifest> manifests) {
        return (DaemonSet) new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(manifests.getLast().yaml());
    }

    private static Map<String, String> mounts(Container c) {
        DaemonSet ds = daemonSet(Manifests.generate(DEFAULTS));
        Map<String, String> hostPaths = ds.getSpec().getTemplate().getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
        return c.getVolumeMounts().stream().collect(Collectors.toMap(v -> v.getMountPath(), v -> hostPaths.get(v.getName())));
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe.getHttpGet().getHost()).isEqualTo("127.0.0.1");
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(61679);
    }
}

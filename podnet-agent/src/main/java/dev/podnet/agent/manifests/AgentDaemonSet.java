package dev.podnet.agent.manifests;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The DaemonSet {@code podnet} in kube-system: the CNI install as its init container, the node agent as its container. */
final class AgentDaemonSet {
    static final String NAME = "podnet";
    static final String NAMESPACE = "kube-system";
    static final String SERVICE_ACCOUNT = "podnet";
    static final String SOCKET = "/run/podnet/agent.sock";
    static final String STATE_DIR = "/var/lib/podnet";
    /** aws-node's ports: its metrics on 61678, its introspection on 61679; both on loopback only here. */
    static final int METRICS_PORT = 61678;
    static final int INTROSPECTION_PORT = 61679;
    static final String CONFLIST = "/host/etc/cni/net.d/10-podnet.conflist";
    /** Sorted maps throughout: Map.of's order changes from run to run, and the output must not. */
    private static final Map<String, String> LABELS = new TreeMap<>(Map.of("app.kubernetes.io/name", "podnet",
            "k8s-app", "podnet"));

    /** The comment above the object: the choices a reader would otherwise question. */
    static final String COMMENT = """
            # The node agent on every node, as aws-node runs: host network (it sets up the node's ENIs, routes and
            # SNAT, and pods need it before they have a network), tolerating every taint and at system-node-critical
            # priority so that no node is left without pod networking.
            # - dnsPolicy Default: the agent must reach EC2 by name before any pod (CoreDNS included) has an address,
            #   so it resolves through the node's resolver, never the cluster DNS it is there to bring up.
            # - privileged: the agent runs the CNI plugin in its own process (the native plugin forwards each call to
            #   it), so it enters pods' network namespaces (setns needs CAP_SYS_ADMIN), creates veths and routes
            #   (NET_ADMIN), writes iptables (NET_RAW) and writes sysctls under /proc/sys (rp_filter, forwarding),
            #   which container runtimes mount read-only for any container that is not privileged.
            # - The conflist: the agent writes it (--conflist) once some pool can address a pod, not the init
            #   container: the kubelet reports the node Ready as soon as /etc/cni/net.d holds a network, and pods
            #   sent to a node whose pool is still empty fail (aws/amazon-vpc-cni-k8s#1724, #2808).
            # - /readyz turns true only while some pool can address a new pod; a rollout waits for it (maxUnavailable 10%).
            # - /var/run/netns with HostToContainer: the pods' namespaces the runtime mounts after the agent started.
            """;

    private AgentDaemonSet() {
    }

    static DaemonSet build(ManifestSettings settings) {
        return new DaemonSetBuilder()
                .withNewMetadata().withName(NAME).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Map.of("k8s-app", "podnet")).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxUnavailable(new IntOrString("10%")).endRollingUpdate()
                .endUpdateStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(LABELS).endMetadata()
                .withNewSpec()
                .withHostNetwork(true)
                .withDnsPolicy("Default")
                .withServiceAccountName(SERVICE_ACCOUNT)
                .withPriorityClassName("system-node-critical")
                .withTolerations(new TolerationBuilder().withOperator("Exists").build())
                .withNodeSelector(Map.of("kubernetes.io/os", "linux"))
                // a clean stop removes the SNAT chain and closes the journal; the plugin retries meanwhile (code 11)
                .withTerminationGracePeriodSeconds(30L)
                .withInitContainers(installCni(settings.image()))
                .withContainers(agent(settings))
                .withVolumes(volumes())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The plugins into the node's /opt/cni/bin; the conflist comes from the agent once it is ready. */
    private static Container installCni(String image) {
        return new ContainerBuilder()
                .withName("install-cni")
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withArgs("install-cni", "--dir", "/host/opt/cni/bin")
                .withVolumeMounts(mount("cni-bin", "/host/opt/cni/bin"))
                .withNewResources().withRequests(requests("10m", "64Mi"))
                .endResources()
                .build();
    }

    private static Container agent(ManifestSettings settings) {
        // No --kubeconfig: in a pod KUBERNETES_SERVICE_HOST is set, so the agent uses the service account's token.
        List<String> args = List.of("agent", "--cloud", "aws", "--socket", SOCKET, "--state-dir", STATE_DIR,
                "--metrics-listen", "127.0.0.1:" + METRICS_PORT,
                "--introspection-listen", "127.0.0.1:" + INTROSPECTION_PORT, "--conflist", CONFLIST);
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("MY_NODE_NAME")
                .withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom()
                .build());
        settings.env().forEach((name, value) -> env.add(new EnvVar(name, value, null)));
        ContainerBuilder agent = new ContainerBuilder()
                .withName("agent")
                .withImage(settings.image())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args)
                .withEnv(env)
                .withNewSecurityContext().withPrivileged(true).endSecurityContext()
                .withNewResources().withRequests(requests("25m", "256Mi"))
                .endResources()
                // probes on loopback: hostNetwork puts the kubelet and the agent in the same namespace
                .withReadinessProbe(probe("/readyz", 5, 5, 1))
                // a JVM takes seconds to start; a hung agent is restarted after a minute of failed checks
                .withLivenessProbe(probe("/healthz", 60, 10, 6))
                .withVolumeMounts(mount("run-podnet", "/run/podnet"), mount("state", STATE_DIR),
                        mount("cni-net-dir", "/host/etc/cni/net.d"),
                        mount("xtables-lock", "/run/xtables.lock"),
                        new VolumeMountBuilder().withName("netns").withMountPath("/var/run/netns")
                                .withMountPropagation("HostToContainer").build());
        settings.proxyConfigMap().ifPresent(name -> agent.withEnvFrom(
                new EnvFromSourceBuilder().withNewConfigMapRef().withName(name).endConfigMapRef().build()));
        return agent.build();
    }

    private static Probe probe(String path, int initialDelay, int period, int failures) {
        return new ProbeBuilder()
                .withNewHttpGet().withHost("127.0.0.1").withPath(path).withPort(new IntOrString(INTROSPECTION_PORT))
                .endHttpGet()
                .withInitialDelaySeconds(initialDelay).withPeriodSeconds(period).withTimeoutSeconds(3)
                .withFailureThreshold(failures)
                .build();
    }

    private static Map<String, Quantity> requests(String cpu, String memory) {
        return new TreeMap<>(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)));
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    private static List<Volume> volumes() {
        Map<String, String[]> paths = new LinkedHashMap<>();
        paths.put("cni-bin", new String[] {"/opt/cni/bin", "DirectoryOrCreate"});
        paths.put("cni-net-dir", new String[] {"/etc/cni/net.d", "DirectoryOrCreate"});
        paths.put("run-podnet", new String[] {"/run/podnet", "DirectoryOrCreate"});
        paths.put("state", new String[] {STATE_DIR, "DirectoryOrCreate"});
        // iptables' lock, shared with kube-proxy and the kubelet so their rule updates never interleave
        paths.put("xtables-lock", new String[] {"/run/xtables.lock", "FileOrCreate"});
        paths.put("netns", new String[] {"/var/run/netns", "DirectoryOrCreate"});
        List<Volume> volumes = new ArrayList<>();
        paths.forEach((name, p) -> volumes.add(new VolumeBuilder().withName(name)
                .withNewHostPath().withPath(p[0]).withType(p[1]).endHostPath().build()));
        return volumes;
    }
}

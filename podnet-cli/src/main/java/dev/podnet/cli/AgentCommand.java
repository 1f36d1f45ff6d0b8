package dev.podnet.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.agent.ConflistWhenReady;
import dev.podnet.net.ControlLoop;
import dev.podnet.agent.KubeApi;
import dev.podnet.blocks.BlockPoolConfig;
import dev.podnet.blocks.ClusterSettings;
import dev.podnet.kube.ApiEniConfigs;
import dev.podnet.kube.KubeConnection;
import dev.podnet.warm.VpcCniEnvironment;
import dev.podnet.net.InvalidInputException;
import dev.podnet.linux.Namespaces;
import dev.podnet.linux.NetNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the node agent in the foreground: IPAM on a unix socket for the podnet-ipam plugin.", "",
                "Allocations are journaled and forced to disk before each answer, so a crash loses none.",
                "Logs go to stderr; SIGTERM or SIGINT stops it cleanly (exit status 0).",
                "Settings come from flags, else the environment (PODNET_SOCKET, PODNET_STATE_DIR, PODNET_METRICS_LISTEN,",
                "PODNET_INTROSPECTION_LISTEN, PODNET_QUARANTINE_SECONDS, PODNET_POOLS=NAME=CIDR[,CIDR6][;NAME=...]),",
                "else the --config file, a YAML map with the same names in camelCase",
                "(socket, stateDir, metricsListen, introspectionListen, quarantineSeconds, pools: [NAME=CIDR,...])."},
        footer = {"", "Examples:",
                "  podnet agent --pool default=10.244.1.0/24 --metrics-listen 127.0.0.1:61678",
                "  podnet agent --socket /tmp/agent.sock --state-dir /tmp/podnet --pool dual=10.1.0.0/24,fd00:1::/120",
                "  podnet agent --cluster-pool cluster=10.244.0.0/16 --etcd-endpoints http://10.0.0.5:2379 --node-name node-a",
                "  podnet agent --pool default=10.244.1.0/24 --kubeconfig /etc/kubernetes/kubelet.conf",
                "  podnet agent --cluster-pool cluster=10.244.0.0/16 --kubeconfig ~/.kube/config --node-name node-a",
                "  WARM_IP_TARGET=5 podnet agent --cloud aws --ec2-endpoint http://127.0.0.1:8900 --region us-east-1 \\",
                "      --instance-id i-0000000000000000a      (against podnet vpcsim --listen 127.0.0.1:8900)", "",
                "With --cloud aws the pool \"vpc\" holds the node's VPC addresses and is kept warm as the AWS VPC CNI keeps",
                "its pool, with the same environment variables: WARM_ENI_TARGET (default 1), WARM_IP_TARGET, MINIMUM_IP_TARGET,",
                "WARM_PREFIX_TARGET, ENABLE_PREFIX_DELEGATION, MAX_ENI, AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG (the node's",
                "ENIConfig from the API server, named by ENI_CONFIG_ANNOTATION_DEF and ENI_CONFIG_LABEL_DEF, or --eniconfig-file);",
                "or, when none of the four warm variables is set, by PODNET_WARM_POLICY=adaptive (a podnet simulate policy by",
                "name, NAME:KEY=VALUE,... for settings) within an EC2 call budget of PODNET_EC2_CALL_RATE/s (default 5) and",
                "PODNET_EC2_CALL_BURST (default 50), shared through the --cluster-pool's store when there is one;",
                "EC2 is reached through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY matches (curl's rules).",
                "The agent sets the node up as aws-node does (unless --no-node-setup): each secondary ENI (found by its MAC)",
                "up with MTU 9001 and route table device index + 1 (subnet route, default via the subnet's gateway), and",
                "the chain PODNET-SNAT that SNATs pod traffic leaving the VPC to the node's primary address, honouring",
                "AWS_VPC_K8S_CNI_EXTERNALSNAT and AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS; the chain goes at a clean stop.", "",
                "With an API server (--kubeconfig, else KUBECONFIG, else the pod's service account when",
                "KUBERNETES_SERVICE_HOST is set) the agent reads, at start and every 10 minutes, the pod of each",
                "allocation (named by the ADD's CNI_ARGS) and releases the allocation if the pod is gone or has another",
                "uid. The agent starts and serves without the API server; then nothing is released.",
                "With --network-configs it also writes, for every NetworkConfig, the NetworkAttachmentDefinition of the",
                "same namespace and name (macvlan or ipvlan with podnet-ipam), owned by it."})
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket (default /run/podnet/agent.sock).")
    Path socket;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Journal and snapshots (default /var/lib/podnet).")
    Path stateDir;

    @Option(names = "--metrics-listen", paramLabel = "127.0.0.1:PORT", description = "Serve Prometheus metrics here.")
    String metricsListen;

    @Option(names = "--introspection-listen", paramLabel = "127.0.0.1:PORT", description = "Serve /v1/status, /healthz and /readyz here.")
    String introspectionListen;

    @Option(names = "--pool", paramLabel = "NAME=CIDR[,CIDR6][,table=N]",
            description = "A pool; repeatable. IPv4 and IPv6 = dual stack. table=N: its addresses live on a secondary "
                    + "ENI whose route table is N, so the podnet plugin adds `ip rule from POD lookup N` for each pod.")
    List<String> pools = new ArrayList<>();

    @Option(names = "--quarantine", paramLabel = "SECONDS", description = "Released addresses wait this long before reuse (default 30).")
    Integer quarantineSeconds;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file with the same settings.")
    Path config;

    @picocli.CommandLine.Mixin
    CloudOptions cloud = new CloudOptions();

    @Option(names = "--netns", paramLabel = "NAME",
            description = "The node's network namespace (ip netns name): ENI links and tables, SNAT and the node side "
                    + "of pods wired for exec go there; the agent itself stays where it reaches EC2 (default: its own).")
    String netns;

    @Option(names = "--cluster-pool", paramLabel = "NAME=CIDR",
            description = "A cluster-wide IPv4 pool shared by every node: the node claims /26 blocks of it in the cluster store.")
    String clusterPool;

    @Option(names = "--block-size", paramLabel = "LENGTH",
            description = "Prefix length of the cluster pool's blocks, 20 to 30 (default 26).")
    Integer blockSize;

    @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL]", split = ",",
            description = "The cluster store: etcd client URLs, e.g. http://10.0.0.5:2379.")
    List<String> etcdEndpoints = new ArrayList<>();

    @Option(names = "--store-dir", paramLabel = "DIR",
            description = "The embedded cluster store's directory, instead of etcd or the API server (one machine only).")
    Path storeDir;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This node in Kubernetes and the cluster store (default: MY_NODE_NAME, else the host name).")
    String nodeName;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The Kubernetes API server's kubeconfig (default: KUBECONFIG, else in-cluster, else none): "
                    + "GC from the API, the node's ENIConfig under custom networking, and the cluster store of "
                    + "--cluster-pool when neither --etcd-endpoints nor --store-dir is given.")
    Path kubeconfig;

    @Option(names = "--network-configs",
            description = "Write every NetworkConfig's (podnet.dev/v1) NetworkAttachmentDefinition, at start and every "
                    + "minute. Needs an API server and RBAC to list networkconfigs and write "
                    + "network-attachment-definitions; safe on every agent (idempotent, conflict-checked).")
    boolean networkConfigs;

    @Option(names = "--conflist", paramLabel = "FILE",
            description = "Write the node's CNI conflist here (e.g. /etc/cni/net.d/10-podnet.conflist) once some pool "
                    + "can address a pod, so the node turns Ready only then; kept at stop.")
    Path conflist;

    @Option(names = "--conflist-pool", paramLabel = "NAME", defaultValue = "vpc",
            description = "The pool the conflist asks for (default ${DEFAULT-VALUE}: the EC2-fed pool of --cloud aws).")
    String conflistPool;

    /** The --config file; every key optional, unknown keys refused. */
    record AgentFile(String socket, String stateDir, String metricsListen, String introspectionListen,
                     Integer quarantineSeconds, List<String> pools) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        AgentConfig settings = settings(System.getenv());
        try (Agent agent = Agent.start(settings, InstantSource.system())) {
            for (String name : List.of("TERM", "INT")) {
                Signal.handle(new Signal(name), s -> agent.close());
            }
            List<String> served = new ArrayList<>();
            settings.cloud().ifPresent(c -> served.add(c.pool() + " (EC2 addresses of " + c.instanceId() + ")"));
            settings.pools().forEach(p -> served.add(p.name()));
            settings.cluster().ifPresent(c -> served.add(c.pool().pool() + " (cluster pool " + c.pool().cidr()
                    + " in /" + c.pool().blockLength() + " blocks, node " + c.node() + ", store: " + c.where() + ")"));
            spec.commandLine().getErr().printf("podnet agent: serving pools %s on %s%s%s%n", served, settings.socket(),
                    agent.httpPorts().isEmpty() ? "" : ", http on 127.0.0.1 ports " + agent.httpPorts(),
                    settings.kube().map(k -> ", API server " + KubeConnection.server(k.client()) + " as node " + k.node())
                            .orElse(""));
            spec.commandLine().getErr().flush();
            try (ControlLoop gate = conflist == null ? null : ConflistWhenReady.start(agent::readiness, conflist,
                    settings.socket().toString(), conflistPool, Duration.ofSeconds(1))) {
                agent.awaitClose();
            }
        } finally {
            settings.kube().ifPresent(k -> k.client().close());
        }
        spec.commandLine().getErr().println("podnet agent: stopped");
        return 0;
    }

    AgentConfig settings(Map<String, String> env) {
        AgentFile file = config == null ? new AgentFile(null, null, null, null, null, null) : read(config);
        List<String> envPools = env.containsKey("PODNET_POOLS") ? List.of(env.get("PODNET_POOLS").split(";")) : null;
        List<String> poolSpecs = first(pools.isEmpty() ? null : pools, envPools, file.pools());
        List<String> specs = poolSpecs == null ? List.of() : poolSpecs;
        String quarantine = first(quarantineSeconds == null ? null : quarantineSeconds.toString(),
                env.get("PODNET_QUARANTINE_SECONDS"), file.quarantineSeconds() == null ? null : file.quarantineSeconds().toString());
        // The cluster flags first: their combination errors say more than the kubeconfig's.
        Optional<ClusterSettings> cluster = cluster(env);
        // One client for everything that reads the API server; closed when the agent stops.
        Optional<KubeApi> kube = KubeConnection.connect(Optional.ofNullable(kubeconfig), env)
                .map(client -> new KubeApi(client, nodeName(env)))
                .map(k -> networkConfigs ? k.withNetworkConfigs(KubeApi.DEFAULT_NETWORK_CONFIG_INTERVAL) : k);
        if (networkConfigs && kube.isEmpty()) {
            throw new InvalidInputException("--network-configs writes NetworkAttachmentDefinitions to the API server: "
                    + "give --kubeconfig, KUBECONFIG, or run in-cluster");
        }
        return new AgentConfig(
                Path.of(first(socket == null ? null : socket.toString(), env.get("PODNET_SOCKET"), file.socket(),
                        AgentConfig.DEFAULT_SOCKET.toString())),
                Path.of(first(stateDir == null ? null : stateDir.toString(), env.get("PODNET_STATE_DIR"), file.stateDir(),
                        AgentConfig.DEFAULT_STATE_DIR.toString())),
                Optional.ofNullable(first(metricsListen, env.get("PODNET_METRICS_LISTEN"), file.metricsListen())),
                Optional.ofNullable(first(introspectionListen, env.get("PODNET_INTROSPECTION_LISTEN"), file.introspectionListen())),
                specs.stream().map(AgentConfig::parsePool).toList(),
                Duration.ofSeconds(seconds(quarantine == null ? "30" : quarantine)),
                cloud.config(env, () -> kube.map(k -> new ApiEniConfigs(k.client(), k.node(),
                        VpcCniEnvironment.eniConfigSelector(env), InstantSource.system()))),
                cluster, routeTables(specs), node()).withKube(kube);
    }

    /** --netns, which must exist: a typo would otherwise set up nothing anywhere and fail every pod. */
    private NetNamespace node() {
        if (netns == null) {
            return NetNamespace.current();
        }
        NetNamespace ns;
        try {
            ns = NetNamespace.named(netns);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--netns: " + e.getMessage());
        }
        if (!ns.exists()) {
            throw new InvalidInputException("--netns: no network namespace " + netns + " in " + Namespaces.NETNS_DIR);
        }
        return ns;
    }

    /** The {@code table=N} parts of the --pool specs, by pool name. */
    private static Map<String, Integer> routeTables(List<String> specs) {
        Map<String, Integer> tables = new java.util.HashMap<>();
        for (String spec : specs) {
            AgentConfig.parseRouteTable(spec).ifPresent(t -> tables.put(AgentConfig.parsePool(spec).name(), t));
        }
        return tables;
    }

    private String nodeName(Map<String, String> env) {
        return KubeConnection.nodeName(Optional.ofNullable(nodeName), env);
    }

    /** The --cluster-pool flags; each of the others needs it. */
    Optional<ClusterSettings> cluster(Map<String, String> env) {
        if (clusterPool == null) {
            if (blockSize != null || !etcdEndpoints.isEmpty() || storeDir != null) {
                throw new InvalidInputException("--block-size, --etcd-endpoints and --store-dir need "
                        + "--cluster-pool NAME=CIDR");
            }
            return Optional.empty();
        }
        BlockPoolConfig.Builder pool = BlockPoolConfig.parse(clusterPool);
        if (blockSize != null) {
            pool.blockLength(blockSize);
        }
        String node = nodeName(env);
        ClusterStores.Choice store = ClusterStores.choose(etcdEndpoints, Optional.ofNullable(storeDir),
                Optional.ofNullable(kubeconfig), env, node, true);
        return Optional.of(new ClusterSettings(pool.build(), node, store.opener(), store.where()));
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T c : candidates) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static long seconds(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("the quarantine must be a whole number of seconds, got \"" + text + "\"");
        }
    }

    private static AgentFile read(Path file) {
        try {
            AgentFile parsed = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile(), AgentFile.class);
            if (parsed == null) {
                throw new InvalidInputException(file + ": the file is empty");
            }
            return parsed;
        } catch (IOException e) {
            String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new InvalidInputException(file + ": " + reason);
        }
    }
}

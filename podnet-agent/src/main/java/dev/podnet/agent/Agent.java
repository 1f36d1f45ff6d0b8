package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import dev.podnet.api.LineServer;
import dev.podnet.api.AgentWire;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.ObservedCloudNetwork;
import dev.podnet.ipam.Pool;
import dev.podnet.blocks.ClusterMember;
import dev.podnet.warm.WarmPool;
import dev.podnet.warm.WarmPoolStats;
import java.util.concurrent.CountDownLatch;
import dev.podnet.linux.Exec;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.ControlLoop;
import dev.podnet.kube.NetworkConfigController;
import dev.podnet.store.ClusterStore;
import dev.podnet.store.kube.KubeStore;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;

/**
 * The node agent, assembled from its configuration: the IPAM engine on the unix socket, and optionally metrics and
 * introspection on loopback. Closing it stops the servers before the engine, so no request is cut off mid-journal.
 */
public final class Agent implements AutoCloseable {
    private static final String TEXT = "text/plain; charset=utf-8";
    private final Ipam ipam;
    private final AgentService service;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Pools that claim addresses when asked (the cluster pool): ready while empty. */
    private final Set<String> onDemand;
    private final LineServer socket;
    private final Map<String, FedPool> fed = new LinkedHashMap<>();
    /** StatefulSet pods' fixed addresses; null without an API server. */
    private StatefulPods stateful;

    private Agent(AgentConfig config, InstantSource clock) throws IOException {
        onDemand = config.cluster().map(c -> Set.of(c.pool().pool())).orElse(Set.of());
        AgentMetrics metrics = new AgentMetrics(this::poolCounts);
        Optional<CloudNetwork> ec2 = config.cloud().map(c -> new ObservedCloudNetwork(c.cloud(), metrics::ec2Call));
        Optional<CloudPool> cloud = config.cloud().map(c -> CloudPool.describe(c, ec2.get()));
        List<Pool> pools = new ArrayList<>();
        cloud.ifPresent(c -> pools.add(c.pool()));
        pools.addAll(config.pools());
        config.cluster().ifPresent(c -> pools.add(c.pool().enginePool()));
        ipam = Ipam.open(config.stateDir(), pools, clock, IpamOptions.builder().quarantine(config.quarantine()).build());
        try {
            // Started first and closed last: the warm pool's EC2 call budget lives in its store.
            Optional<ClusterMember> member = config.cluster().map(c -> ClusterMember.start(c, ipam, clock));
            member.ifPresent(servers::add);
            // IPv6 only: the engine serves the primary ENI's /80 itself, with no warm pool and no ENI to set up.
            if (cloud.isPresent() && cloud.get().fedFromEc2()) {
                Exec exec = new ProcessExec();
                Optional<SnatSetup> snat = cloud.get().snat(config.node(), exec);
                snat.ifPresent(servers::add);
                // The call budget of a warm-pool policy: in --cluster-pool's store, else in the API server in a
                // store of its own name (opened only for a policy), else none shared.
                Supplier<Optional<ClusterStore>> budgetStore = () -> member.map(ClusterMember::store)
                        .or(() -> config.kube().map(k -> {
                            KubeStore store = KubeStore.builder(new KubernetesClientBuilder()
                                    .withConfig(k.client().getConfiguration()).build(), clock)
                                    .name("ec2-budget").holder(k.node()).open();
                            servers.add(store);
                            return store;
                        }));
                WarmPool pool = cloud.get().adopt(ipam, config.stateDir(), cloud.get().interfaces(config.node(), exec),
                        cloud.get().targets(budgetStore, clock, servers::add));
                fed.put(pool.pool(), FedPool.of(pool, snat.map(SnatSetup::ruleScope).orElse(List.of())));
                metrics.warmPools(() -> {
                    WarmPoolStats s = pool.stats();
                    return List.of(new AgentMetrics.WarmCounts(pool.pool(), s.enis(), s.prefixes(), s.held(), s.inUse(),
                            s.free(), !s.noEniConfig().isEmpty()));
                });
                servers.add(cloud.get().loop(pool));
            }
            // Closed with the servers, so its loop stops before the engine closes.
            member.ifPresent(m -> fed.put(m.pool().pool(), FedPool.of(m.pool())));
            List<String> names = pools.stream().map(Pool::name).toList();
            // With an API server and EC2 the node claims its underlay slot, whose pools serve once EC2 holds it.
            Optional<UnderlaySlot> slot = config.kube().flatMap(k -> config.cloud().map(c -> new UnderlaySlot(
                    k.client(), k.node(), new SlotEni(ec2.get(), c.instanceId()), clock)));
            ApiPools apiPools = null;
            if (config.kube().isPresent()) {
                KubeApi k = config.kube().get();
                // A store of its own name: --cluster-pool's store on the same API server registers the node apart.
                // The store closes its client, so it gets one of its own.
                SharedPools shared = new SharedPools(c -> KubeStore.builder(new KubernetesClientBuilder()
                        .withConfig(k.client().getConfiguration()).build(), c).name("ippools").holder(k.node()).open(),
                        k.node(), ipam, clock);
                servers.add(shared);
                ApiPools ipPools = new ApiPools(k.client(), k.node(), ipam, Set.copyOf(names), shared,
                        p -> slot.map(s -> s.serves(p)).orElse(true));
                apiPools = ipPools;
                stateful = new StatefulPods(k.client(), k.node(), ipam,
                        FedPool.lookup(fed, ipPools).andThen(f -> f.orElse(null)));
            }
            service = new AgentService(ipam, names, metrics, fed, config.routeTables(), config.node(), apiPools,
                    stateful);
            socket = new LineServer(config.socket(), service::handle, AgentWire::tooLongReply);
            servers.add(socket);
            config.kube().ifPresent(kube -> servers.add(podGc(kube, metrics)));
            if (apiPools != null) {
                ApiPools ipPools = apiPools;
                servers.add(background("podnet-ip-pools", config.kube().get().ipPoolInterval(), () -> {
                    // One read serves both; a slot claimed or freed in the round changed the IPPools: read again.
                    ApiPools.View view = ipPools.read();
                    if (slot.map(s -> s.round(view)).orElse(false)) {
                        ipPools.refresh();
                    } else {
                        ipPools.refresh(view);
                    }
                }));
            }
            config.kube().ifPresent(kube -> kube.networkConfigInterval().ifPresent(every -> servers.add(
                    background("podnet-network-configs", every,
                            new NetworkConfigController(kube.client(), kube.node(), clock)::run))));
            if (config.metricsListen().isPresent()) {
                servers.add(new LoopbackHttp(config.metricsListen().get(), Map.of("/metrics",
                        LoopbackHttp.Page.ok("text/plain; version=0.0.4; charset=utf-8", metrics::scrape))));
            }
            if (config.introspectionListen().isPresent()) {
                // The DaemonSet's probes come here too: hostNetwork puts the kubelet on the same loopback.
                servers.add(new LoopbackHttp(config.introspectionListen().get(), Map.of(
                        "/v1/status", LoopbackHttp.Page.ok("application/json", this::statusJson),
                        "/healthz", LoopbackHttp.Page.ok(TEXT, () -> "ok\n"),
                        "/readyz", new LoopbackHttp.Page(TEXT, () -> readiness().reply()))));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * GC from the API server in the background: its first round at start finds the pods deleted while the agent was
     * down, and the agent serves meanwhile, API server or not.
     */
    private ControlLoop podGc(KubeApi kube, AgentMetrics metrics) {
        return background("podnet-pod-gc", kube.podGcInterval(),
                new PodGc(kube.client(), ipam::allocations, service::release, metrics,
                        new StatefulPodGc(stateful, service::release))::run);
    }

    /** A round at start, then one every {@code interval}; a round that fails waits for the next. */
    private static ControlLoop background(String name, Duration interval, Runnable round) {
        ControlLoop.Wait next = new ControlLoop.Wait(interval, false);
        return new ControlLoop(name, () -> {
            round.run();
            return next;
        }, next).start();
    }

    private List<AgentMetrics.PoolCounts> poolCounts() {
        return service.poolCounts().stream()
                .map(c -> new AgentMetrics.PoolCounts(c.name(), c.total(), c.used(), c.free(), c.quarantined()))
                .toList();
    }

    /** Whether a new pod on this node gets an address now ({@code /readyz}, {@link ConflistWhenReady}). */
    public Readiness readiness() {
        return Readiness.of(service.poolCounts(), onDemand);
    }

    public static Agent start(AgentConfig config, InstantSource clock) throws IOException {
        return new Agent(config, clock);
    }

    private String statusJson() {
        return new String(AgentWire.encode(service.answer(dev.podnet.api.AgentRequest.status())), StandardCharsets.UTF_8);
    }

    /** The port each loopback server got, in the order metrics then introspection (0 picks a free port). */
    public List<Integer> httpPorts() {
        return servers.stream().filter(s -> s instanceof LoopbackHttp).map(s -> ((LoopbackHttp) s).port()).toList();
    }

    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        for (AutoCloseable server : servers.reversed()) {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("podnet agent: closing " + server + ": " + e.getMessage());
            }
        }
        ipam.close();
        closed.countDown();
    }

}

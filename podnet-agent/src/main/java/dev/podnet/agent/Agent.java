package dev.podnet.agent;

import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentWire;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The node agent, assembled from its configuration: the IPAM engine on the unix socket, and optionally metrics and
 * introspection on loopback. Closing it stops the servers before the engine, so no request is cut off mid-journal.
 */
public final class Agent implements AutoCloseable {
    private final Ipam ipam;
    private final AgentService service;
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final LineServer socket;

    private Agent(AgentConfig config, InstantSource clock) throws IOException {
        ipam = Ipam.open(config.stateDir(), config.pools(), clock,
                IpamOptions.builder().quarantine(config.quarantine()).build());
        try {
            AgentMetrics metrics = new AgentMetrics(() -> ipam.poolStatus().stream()
                    .map(p -> {
                        AgentReply.PoolStatus c = AgentService.counts(p);
                        return new AgentMetrics.PoolCounts(c.name(), c.total(), c.used(), c.free(), c.quarantined());
                    }).toList());
            service = new AgentService(ipam, config.pools().stream().map(dev.podnet.ipam.Pool::name).toList(), metrics);
            socket = new LineServer(config.socket(), service::handle, AgentService::tooLong);
            servers.add(socket);
            if (config.metricsListen().isPresent()) {
                servers.add(new LoopbackHttp(config.metricsListen().get(), Map.of("/metrics",
                        new LoopbackHttp.Page("text/plain; version=0.0.4; charset=utf-8", metrics::scrape))));
            }
            if (config.introspectionListen().isPresent()) {
                servers.add(new LoopbackHttp(config.introspectionListen().get(), Map.of("/v1/status",
                        new LoopbackHttp.Page("application/json", this::statusJson))));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
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

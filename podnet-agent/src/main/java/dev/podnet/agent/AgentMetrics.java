package dev.podnet.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics, all named {@code podnet_*}: addresses per pool and state, allocations and
 * failures by reason, and request latency per operation. Scraped as Prometheus text.
 */
public final class AgentMetrics {
    /** One pool's address counts at scrape time. */
    public record PoolCounts(String pool, long total, long used, long free, long quarantined) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter allocations;
    private final Counter failures;
    private final Histogram latency;
    private final Counter ec2Calls;
    private final Counter ec2Throttles;
    private final Counter podGcReleases;
    private final Counter podGcFailures;

    public AgentMetrics(Supplier<List<PoolCounts>> pools) {
        GaugeWithCallback.builder().name("podnet_ipam_addresses")
                .help("Addresses per pool: total, used by pods, free, and released but quarantined for the grace period")
                .labelNames("pool", "state")
                .callback(cb -> {
                    for (PoolCounts p : pools.get()) {
                        cb.call(p.total(), p.pool(), "total");
                        cb.call(p.used(), p.pool(), "used");
                        cb.call(p.free(), p.pool(), "free");
                        cb.call(p.quarantined(), p.pool(), "quarantined");
                    }
                })
                .register(registry);
        allocations = Counter.builder().name("podnet_ipam_allocations_total")
                .help("Addresses handed out, per pool").labelNames("pool").register(registry);
        failures = Counter.builder().name("podnet_ipam_allocation_failures_total")
                .help("Requests that got no address, per pool and reason").labelNames("pool", "reason").register(registry);
        latency = Histogram.builder().name("podnet_agent_request_duration_seconds")
                .help("Time to answer one socket request, per operation").labelNames("op")
                .classicOnly()
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .register(registry);
        ec2Calls = Counter.builder().name("podnet_ec2_calls_total")
                .help("EC2 API calls by action and outcome (ok or the EC2 error code)")
                .labelNames("action", "outcome").register(registry);
        ec2Throttles = Counter.builder().name("podnet_ec2_throttled_calls_total")
                .help("EC2 API calls refused with RequestLimitExceeded, by action").labelNames("action").register(registry);
        podGcReleases = Counter.builder().name("podnet_pod_gc_releases_total")
                .help("Allocations released because the API server says their pod is deleted or replaced, per pool")
                .labelNames("pool", "reason").register(registry);
        podGcFailures = Counter.builder().name("podnet_pod_gc_read_failures_total")
                .help("Pod reads of the GC from the API server that got no answer; their allocations stay").register(registry);
    }

    /** EC2 calls by action and outcome ("ok" or EC2's error code), and throttled calls apart. */
    public void ec2Call(String action, String outcome, long nanos) {
        ec2Calls.labelValues(action, outcome).inc();
        if (outcome.equals("RequestLimitExceeded")) {
            ec2Throttles.labelValues(action).inc();
        }
    }

    /** One cloud-fed pool's figures at scrape time. */
    public record WarmCounts(String pool, int enis, long prefixes, int held, int inUse, int free,
                             boolean noEniConfig) {
    }

    /** Registers the warm pools' gauges; called once by an agent that has cloud-fed pools. */
    public void warmPools(Supplier<List<WarmCounts>> pools) {
        GaugeWithCallback.builder().name("podnet_warm_pool_enis")
                .help("ENIs attached to this node, the primary included").labelNames("pool")
                .callback(cb -> pools.get().forEach(p -> cb.call(p.enis(), p.pool()))).register(registry);
        GaugeWithCallback.builder().name("podnet_warm_pool_prefixes")
                .help("IPv4 /28 prefixes assigned to this node's ENIs").labelNames("pool")
                .callback(cb -> pools.get().forEach(p -> cb.call(p.prefixes(), p.pool()))).register(registry);
        GaugeWithCallback.builder().name("podnet_warm_pool_addresses")
                .help("Pod addresses EC2 assigns to this node: held in all, in use by pods, free to hand out now")
                .labelNames("pool", "state")
                .callback(cb -> pools.get().forEach(p -> {
                    cb.call(p.held(), p.pool(), "held");
                    cb.call(p.inUse(), p.pool(), "in_use");
                    cb.call(p.free(), p.pool(), "free");
                })).register(registry);
        GaugeWithCallback.builder().name("podnet_warm_pool_eniconfig_missing")
                .help("1 while the pool needs a new ENI that custom networking has no usable ENIConfig for (why: the "
                        + "Node's events, the ADD errors), else 0").labelNames("pool")
                .callback(cb -> pools.get().forEach(p -> cb.call(p.noEniConfig() ? 1 : 0, p.pool()))).register(registry);
    }

    public void allocated(String pool, int addresses) {
        allocations.labelValues(pool).inc(addresses);
    }

    public void failed(String pool, String reason) {
        failures.labelValues(pool, reason).inc();
    }

    /** @param reason "deleted" (the pod is gone) or "replaced" (its name belongs to a pod with another uid) */
    public void podGcReleased(String pool, String reason) {
        podGcReleases.labelValues(pool, reason).inc();
    }

    public void podGcFailed() {
        podGcFailures.inc();
    }

    public void answered(String op, long nanos) {
        latency.labelValues(op).observe(nanos / 1e9);
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.podnet.blocks;

import dev.podnet.ipam.Allocation;
import dev.podnet.ipam.AssignedAddress;
import dev.podnet.ipam.AttachmentKey;
import dev.podnet.ipam.Ipam;
import dev.podnet.ipam.IpamOptions;
import dev.podnet.store.ClusterStore;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** One node for the tests: its own IPAM engine in a directory of its own, its registration and its BlockPool. */
final class TestNode implements AutoCloseable {
    private static final AtomicInteger PODS = new AtomicInteger();

    final String name;
    final Path dir;
    final ClusterStore store;
    final BlockPoolConfig config;
    final InstantSource clock;
    final Duration quarantine;
    Ipam ipam;
    NodeRegistration registration;
    BlockPool pool;

    TestNode(String name, Path dir, ClusterStore store, BlockPoolConfig config, InstantSource clock,
             Duration quarantine) {
        this.name = name;
        this.dir = dir;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.quarantine = quarantine;
        start();
    }

    /** The agent starting (again): engine replayed from its directory, a new registration, holdings confirmed. */
    void start() {
        ipam = Ipam.open(dir, List.of(config.enginePool()), clock, IpamOptions.builder().quarantine(quarantine)
                .compactionExecutor(Runnable::run).build());
        registration = new NodeRegistration(store, name, config.nodeTtl(), clock);
        pool = new BlockPool(store, ipam, config, registration, clock, new Random(name.hashCode()), d -> { });
        pool.recover();
    }

    /** kill -9 of the agent: nothing is released, nothing deregistered. */
    void crash() {
        ipam.close();
    }

    void restart() {
        crash();
        start();
    }

    AttachmentKey newKey() {
        return AttachmentKey.of(name + "-pod" + PODS.incrementAndGet(), "eth0");
    }

    Allocation add() {
        return pool.allocate(newKey(), List.of());
    }

    IPAddress addAddress() {
        return add().addresses().getFirst().address();
    }

    Set<IPAddress> podAddresses() {
        return ipam.allocations().stream().flatMap(a -> a.addresses().stream()).map(AssignedAddress::address)
                .collect(Collectors.toSet());
    }

    @Override
    public void close() {
        ipam.close();
    }
}

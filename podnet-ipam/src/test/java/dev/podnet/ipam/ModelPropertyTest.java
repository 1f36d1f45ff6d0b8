package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.podnet.ipam.IpamException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random allocate / release / GC / clock / compact / restart / crash sequences against a model that knows only
 * the rules: which addresses are usable, who holds what, and when each release leaves quarantine.
 */
class ModelPropertyTest {

    static final Duration QUARANTINE = Duration.ofSeconds(30);
    static final List<Pool> POOLS = List.of(Pool.of("ds", IpRange.builder("10.0.0.0/28").exclude("10.0.0.9").build(),
            IpRange.of("fd00::/125")));
    /** What the ranges above may hand out: .1 is the gateway, .9 excluded, .15 broadcast; ::1 the gateway. */
    static final Set<String> USABLE_V4 = Set.of("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6",
            "10.0.0.7", "10.0.0.8", "10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14");
    static final Set<String> USABLE_V6 = Set.of("fd00::2", "fd00::3", "fd00::4", "fd00::5", "fd00::6", "fd00::7");

    @TempDir
    Path tmp;

    @Test
    void engineMatchesTheModelAcrossRestarts() {
        int[] example = {0};
        qt().withExamples(150).withShrinkCycles(200)
                .forAll(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(1, 80))
                .checkAssert(ops -> run(tmp.resolve("run" + example[0]++), ops));
    }

    static final class Model {
        final Map<AttachmentKey, List<String>> held = new TreeMap<>();
        final Map<String, Instant> released = new HashMap<>();

        Set<String> taken() {
            return held.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        }

        boolean resting(String address, Instant now) {
            Instant at = released.get(address);
            return at != null && at.plus(QUARANTINE).isAfter(now);
        }

        long free(Set<String> usable, Instant now) {
            Set<String> taken = taken();
            return usable.stream().filter(a -> !taken.contains(a) && !resting(a, now)).count();
        }
    }

    private void run(Path dir, List<Integer> ops) {
        FakeClock clock = new FakeClock();
        IpamOptions options = IpamOptions.builder().compactionExecutor(Runnable::run).compactAfterBytes(1500).build();
        Model model = new Model();
        Ipam ipam = Ipam.open(dir, POOLS, clock, options);
        try {
            for (int op : ops) {
                AttachmentKey key = AttachmentKey.of("c" + (op >>> 4) % 16, (op >>> 8) % 5 == 0 ? "net1" : "eth0");
                Instant now = clock.instant();
                switch (op % 16) {
                    case 0, 1, 2, 3, 4, 5 -> allocate(ipam, model, key, List.of(), now);
                    case 6 -> allocate(ipam, model, key, List.of(pick(USABLE_V4, op), pick(USABLE_V6, op >>> 3)), now);
                    case 7 -> allocate(ipam, model, key, List.of("10.0.0." + (op >>> 5) % 16), now);
                    case 8, 9, 10 -> {
                        List<String> had = model.held.remove(key);
                        assertThat(ipam.release(key).map(ModelPropertyTest::addresses).orElse(null)).isEqualTo(had);
                        if (had != null) {
                            had.forEach(a -> model.released.put(a, now));
                        }
                    }
                    case 11 -> {
                        Set<AttachmentKey> valid = new HashSet<>();
                        model.held.keySet().stream().filter(k -> k.hashCode() % 3 != op % 3).forEach(valid::add);
                        Set<AttachmentKey> gone = new HashSet<>(model.held.keySet());
                        gone.removeAll(valid);
                        assertThat(ipam.gc(valid)).extracting(Allocation::key).containsExactlyInAnyOrderElementsOf(gone);
                        gone.forEach(k -> model.held.remove(k).forEach(a -> model.released.put(a, now)));
                    }
                    case 12, 13 -> clock.advance(Duration.ofSeconds((op >>> 4) % 25));
                    case 14 -> {
                        ipam.close();
                        ipam = Ipam.open(dir, POOLS, clock, options);
                    }
                    default -> {
                        if ((op >>> 4) % 2 == 0) {
                            ipam.compact();
                        }
                        ipam.crash();   // nothing acknowledged may be lost
                        ipam = Ipam.open(dir, POOLS, clock, options);
                    }
                }
                check(ipam, model, clock.instant());
            }
        } finally {
            ipam.close();
            delete(dir);
        }
    }

    private static void allocate(Ipam ipam, Model model, AttachmentKey key, List<String> requested, Instant now) {
        List<String> had = model.held.get(key);
        AllocationRequest request = AllocationRequest.of(key, "ds", requested.toArray(String[]::new));
        Allocation got;
        try {
            got = ipam.allocate(request);
        } catch (IpamException e) {
            assertThat(had == null || !had.containsAll(requested)).as("refused %s: %s", key, e.getMessage()).isTrue();
            switch (e.reason()) {
                case CONFLICT -> assertThat(had != null || requested.stream().anyMatch(a ->
                        model.taken().contains(a) || model.resting(a, now))).as(e.getMessage()).isTrue();
                case INVALID_REQUEST -> assertThat(requested.stream().anyMatch(a -> !USABLE_V4.contains(a)))
                        .as(e.getMessage()).isTrue();
                case EXHAUSTED -> assertThat(model.free(USABLE_V4, now) == 0 || model.free(USABLE_V6, now) == 0)
                        .as(e.getMessage()).isTrue();
                default -> fail("unexpected " + e);
            }
            return;
        }
        List<String> addresses = addresses(got);
        if (had != null) {
            assertThat(addresses).isEqualTo(had);
            return;
        }
        assertThat(addresses).hasSize(2).containsAll(requested);
        assertThat(USABLE_V4).contains(addresses.get(0));
        assertThat(USABLE_V6).contains(addresses.get(1));
        for (String a : addresses) {
            assertThat(model.taken()).as("%s handed out twice", a).doesNotContain(a);
            assertThat(model.resting(a, now)).as("%s reused during quarantine", a).isFalse();
            model.released.remove(a);
        }
        model.held.put(key, addresses);
    }

    private static void check(Ipam ipam, Model model, Instant now) {
        Map<AttachmentKey, List<String>> actual = new TreeMap<>();
        ipam.allocations().forEach(a -> actual.put(a.key(), addresses(a)));
        assertThat(actual).isEqualTo(model.held);
        PoolStatus status = ipam.status().pools().getFirst();
        long restingV4 = USABLE_V4.stream().filter(a -> model.resting(a, now) && !model.taken().contains(a)).count();
        assertThat(status.ipv4()).isEqualTo(new PoolStatus.Counts(USABLE_V4.size(), model.held.size(),
                model.free(USABLE_V4, now), restingV4));
        assertThat(status.ipv6().free()).isEqualTo(model.free(USABLE_V6, now));
    }

    private static List<String> addresses(Allocation a) {
        return a.addresses().stream().map(x -> x.address().toString()).toList();
    }

    private static String pick(Set<String> from, int seed) {
        List<String> sorted = new ArrayList<>(new LinkedHashSet<>(from));
        sorted.sort(null);
        return sorted.get(Math.floorMod(seed, sorted.size()));
    }

    private static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

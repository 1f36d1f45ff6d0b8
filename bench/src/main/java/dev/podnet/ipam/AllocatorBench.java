package dev.podnet.ipam;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory allocator ({@link AllocatorState}, the code {@link Ipam} runs under its lock) on a /16 kept half
 * full: every operation releases one attachment and allocates one for a new attachment, so the pool stays at
 * 32,767 of 65,534 addresses held. Two release orders: {@code fifo} (the oldest pod leaves, so the free addresses
 * form one run after the cursor) and {@code random} (any pod leaves, so the free addresses are scattered).
 * Lives in {@code dev.podnet.ipam} because {@link AllocatorState} is package-private.
 *
 * <p>The baseline in the same run, {@link #baseline}, is the least an allocator of this shape can do: a
 * {@link BitSet} searched from a cursor plus a {@link HashMap} from attachment to address, with the same keys and
 * the same release order. It has no ranges, no reserved addresses, no records and no undo.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class AllocatorBench {

    static final String POOL = "bench";
    static final String SUBNET = "10.7.0.0/16";
    /** Half of the 65,534 addresses a /16 hands out (network and broadcast excluded). */
    static final int HELD = 32_767;
    /** Distinct attachments in rotation: twice the held count, so a new pod never reuses a live pod's key. */
    static final int KEYS = 2 * HELD + 2;

    /** Which attachment leaves on each operation. */
    @Param({"fifo", "random"})
    public String release;

    /**
     * The attachments in rotation, with container ids shaped like a runtime's (64 hex digits), built once so the
     * loop measures the allocator and not key validation.
     */
    AllocationRequest[] requests;
    /** Slots of {@link #live} hold key indexes of attachments that have addresses now. */
    int[] live;
    /** Key indexes not held, used as a ring: new pods take from its head, leaving pods go to its tail. */
    int[] idle;
    int idleHead;
    int idleTail;
    int fifoNext;
    SplittableRandom random;
    Instant now;

    AllocatorState state;

    BitSet baselineBits;
    Map<AttachmentKey, Integer> baselineOwners;
    int baselineCursor;

    @Setup(Level.Trial)
    public void setUp() {
        requests = new AllocationRequest[KEYS];
        SplittableRandom ids = new SplittableRandom(7);
        for (int i = 0; i < KEYS; i++) {
            requests[i] = AllocationRequest.of(AttachmentKey.of(containerId(ids), "eth0"), POOL);
        }
        now = Instant.parse("2025-01-01T00:00:00Z");
        state = new AllocatorState(List.of(Pool.of(POOL, IpRange.of(SUBNET))), Duration.ZERO);
        baselineBits = new BitSet(65_536);
        baselineBits.set(0); // network address
        baselineBits.set(65_535); // broadcast address
        baselineOwners = new HashMap<>();
        live = new int[HELD];
        idle = new int[KEYS];
        for (int i = 0; i < HELD; i++) {
            live[i] = i;
            state.allocate(requests[i], now);
            baselineAllocate(requests[i].key());
        }
        for (int i = HELD; i < KEYS; i++) {
            idle[idleTail++ % KEYS] = i;
        }
        random = new SplittableRandom(42);
    }

    /** A state set up as JMH would for {@code release} ("fifo" or "random"), for timing the loops outside JMH. */
    static AllocatorBench prepared(String release) {
        AllocatorBench bench = new AllocatorBench();
        bench.release = release;
        bench.setUp();
        return bench;
    }

    /** One allocate + one release, keeping the pool half full. */
    @Benchmark
    public Object podnet() {
        int slot = leavingSlot();
        int leaving = live[slot];
        int arriving = idle[idleHead++ % KEYS];
        state.release(requests[leaving].key(), now);
        live[slot] = arriving;
        idle[idleTail++ % KEYS] = leaving;
        return state.allocate(requests[arriving], now);
    }

    /** The same pattern on a bare BitSet + HashMap allocator. */
    @Benchmark
    public int baseline() {
        int slot = leavingSlot();
        int leaving = live[slot];
        int arriving = idle[idleHead++ % KEYS];
        baselineBits.clear(baselineOwners.remove(requests[leaving].key()));
        live[slot] = arriving;
        idle[idleTail++ % KEYS] = leaving;
        return baselineAllocate(requests[arriving].key());
    }

    /** Like a container runtime's: 64 random hex digits. */
    static String containerId(SplittableRandom random) {
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < 4; i++) {
            b.append(String.format("%016x", random.nextLong()));
        }
        return b.toString();
    }

    private int leavingSlot() {
        if (release.equals("random")) {
            return random.nextInt(HELD);
        }
        int s = fifoNext;
        fifoNext = s + 1 == HELD ? 0 : s + 1;
        return s;
    }

    private int baselineAllocate(AttachmentKey key) {
        int offset = baselineBits.nextClearBit(baselineCursor + 1);
        if (offset >= 65_535) {
            offset = baselineBits.nextClearBit(1);
        }
        baselineBits.set(offset);
        baselineCursor = offset;
        baselineOwners.put(key, offset);
        return offset;
    }
}

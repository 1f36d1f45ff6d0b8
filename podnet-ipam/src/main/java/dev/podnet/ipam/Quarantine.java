package dev.podnet.ipam;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Released addresses resting before reuse. A quarantined slot stays set in its range's bitmap, so the
 * allocator's search skips it at no cost; {@link #expire} frees the ones whose time is up, lazily, before each
 * search. Entries leave in release-time order even if the clock stepped back between releases.
 */
final class Quarantine {

    record Entry(Slot slot, Instant releasedAt, long seq) {
    }

    private final Duration period;
    private final PriorityQueue<Entry> byTime =
            new PriorityQueue<>(Comparator.comparing(Entry::releasedAt).thenComparingLong(Entry::seq));
    /** The live entry of each slot; entries in {@link #byTime} missing here were cancelled by replay. */
    private final Map<Slot, Entry> live = new HashMap<>();
    private long seq;

    Quarantine(Duration period) {
        this.period = period;
    }

    /** Moves a held slot into quarantine, or frees it at once when the period is zero. */
    void add(Slot slot, Instant releasedAt) {
        slot.range().used--;
        if (period.isZero()) {
            slot.range().free(slot.offset());
            return;
        }
        Entry e = new Entry(slot, releasedAt, seq++);
        if (live.put(slot, e) != null) {
            throw new IllegalStateException(slot + " is in quarantine already");
        }
        byTime.add(e);
        slot.range().quarantined++;
    }

    /** Frees every slot released at least one period before {@code now}. */
    void expire(Instant now) {
        while (!byTime.isEmpty()) {
            Entry head = byTime.peek();
            if (live.get(head.slot()) != head) {
                byTime.poll();
                continue;
            }
            if (head.releasedAt().plus(period).isAfter(now)) {
                return;
            }
            byTime.poll();
            live.remove(head.slot());
            head.slot().range().quarantined--;
            head.slot().range().free(head.slot().offset());
        }
    }

    boolean contains(Slot slot) {
        return live.containsKey(slot);
    }

    /** When a quarantined slot becomes free, for error messages. */
    Optional<Instant> until(Slot slot) {
        return Optional.ofNullable(live.get(slot)).map(e -> e.releasedAt().plus(period));
    }

    /**
     * Takes a slot out of quarantine and leaves it set in the bitmap, held. Replay needs this: the journal says
     * the slot was handed out again, so its quarantine had ended when it was live.
     */
    void reclaim(Slot slot) {
        if (live.remove(slot) == null) {
            throw new IllegalStateException(slot + " is not in quarantine");
        }
        slot.range().quarantined--;
        slot.range().used++;
    }

    /**
     * Frees a quarantined slot at once, for its owner to take back; {@link #restore} undoes it with the returned
     * release time if that allocation then fails.
     */
    Instant lift(Slot slot) {
        Entry e = live.remove(slot);
        if (e == null) {
            throw new IllegalStateException(slot + " is not in quarantine");
        }
        slot.range().quarantined--;
        slot.range().free(slot.offset());
        return e.releasedAt();
    }

    /** Puts a slot {@link #lift}ed a moment ago back, resting since {@code releasedAt} as before. */
    void restore(Slot slot, Instant releasedAt) {
        slot.range().take(slot.offset());
        slot.range().used++;
        add(slot, releasedAt);
    }

    /** The earliest end of quarantine among slots that match, for the "exhausted" message. */
    Optional<Instant> earliestEnd(Predicate<Slot> which) {
        return live.values().stream().filter(e -> which.test(e.slot())).map(Entry::releasedAt)
                .min(Comparator.naturalOrder()).map(t -> t.plus(period));
    }

    /** Live entries in the order they were added, for snapshots. */
    List<Entry> entries() {
        return live.values().stream().sorted(Comparator.comparingLong(Entry::seq)).toList();
    }
}

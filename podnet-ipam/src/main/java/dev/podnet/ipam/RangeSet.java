package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of one family of one pool, tried in order. Like host-local, the search resumes after the last
 * address handed out (the cursor) and wraps around, so a just-released address is the last to come back.
 */
final class RangeSet {

    final String pool;
    final boolean ipv4;
    final List<RangeState> ranges;
    private Slot cursor;

    RangeSet(String pool, List<IpRange> configured) {
        this.pool = pool;
        this.ipv4 = configured.getFirst().isIpv4();
        List<RangeState> states = new ArrayList<>();
        for (IpRange r : configured) {
            states.add(new RangeState(pool, states.size(), r));
        }
        this.ranges = List.copyOf(states);
    }

    /** The first free slot after the cursor, wrapping through every range; null if none is free. */
    Slot next() {
        int n = ranges.size();
        int first = cursor == null ? 0 : cursor.range().index;
        long from = cursor == null ? 0 : cursor.offset() + 1;
        for (int i = 0; i <= n; i++) {
            RangeState r = ranges.get((first + i) % n);
            long offset = r.nextFree(i == 0 ? from : 0);
            // The last pass revisits the first range below the cursor.
            if (offset >= 0 && (i < n || offset < from)) {
                return new Slot(r, offset);
            }
        }
        return null;
    }

    /** The slot of {@code address} in this set, or null if no range holds it. */
    Slot find(IPAddress address) {
        for (RangeState r : ranges) {
            long offset = r.offsetOf(address);
            if (offset >= 0) {
                return new Slot(r, offset);
            }
        }
        return null;
    }

    boolean owns(Slot slot) {
        return slot.range().index < ranges.size() && ranges.get(slot.range().index) == slot.range();
    }

    Slot cursor() {
        return cursor;
    }

    void cursor(Slot slot) {
        cursor = slot;
    }

    PoolStatus.Counts counts() {
        long total = 0;
        long used = 0;
        long quarantined = 0;
        for (RangeState r : ranges) {
            total += r.total();
            used += r.used;
            quarantined += r.quarantined;
        }
        return new PoolStatus.Counts(total, used, total - used - quarantined, quarantined);
    }

    String family() {
        return Addresses.family(ipv4);
    }
}

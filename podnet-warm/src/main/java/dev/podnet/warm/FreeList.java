package dev.podnet.warm;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The warm pool's free list: addresses EC2 assigns to the node that no pod holds, oldest released first, so a
 * released address rests as long as possible before it serves again. Thread-safe: the ADD path and the control loop
 * both take from it.
 */
final class FreeList {
    private final LinkedHashSet<IPAddress> free = new LinkedHashSet<>();

    /** The oldest free address, taken; null when there is none. */
    synchronized IPAddress takeOldest() {
        Iterator<IPAddress> it = free.iterator();
        if (!it.hasNext()) {
            return null;
        }
        IPAddress a = it.next();
        it.remove();
        return a;
    }

    /** Takes {@code address}; whether it was free. */
    synchronized boolean take(IPAddress address) {
        return free.remove(address);
    }

    /** Takes every address or none. */
    synchronized boolean takeAll(List<IPAddress> addresses) {
        if (!free.containsAll(addresses)) {
            return false;
        }
        addresses.forEach(free::remove);
        return true;
    }

    /** Puts back those of {@code addresses} that are still the node's ({@code current}). */
    synchronized void giveBack(Collection<IPAddress> addresses, Set<IPAddress> current) {
        addresses.stream().filter(current::contains).forEach(free::add);
    }

    synchronized int size() {
        return free.size();
    }

    /**
     * After a re-read of the node: drops the addresses no longer usable and returns those usable {@code now} that were
     * not {@code before} (they join once the caller has checked that no pod holds them).
     */
    synchronized List<IPAddress> retainJoining(Set<IPAddress> now, Set<IPAddress> before) {
        free.retainAll(now);
        List<IPAddress> joining = new ArrayList<>();
        for (IPAddress a : now) {
            if (!before.contains(a)) {
                joining.add(a);
            }
        }
        return joining;
    }
}

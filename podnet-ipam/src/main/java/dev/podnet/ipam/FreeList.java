package dev.podnet.ipam;

import inet.ipaddr.IPAddress;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * A node's free list for addresses it holds from outside the engine (EC2's in a warm pool, a cluster pool's
 * blocks): the ones no pod holds, oldest released first, so a released address rests as long as possible before it
 * serves again. Thread-safe: the ADD path and the control loops both take from it; every method is one short
 * critical section.
 */
public final class FreeList {
    private final LinkedHashSet<IPAddress> free = new LinkedHashSet<>();

    /** The oldest free address, taken; null when there is none. */
    public synchronized IPAddress takeOldest() {
        Iterator<IPAddress> it = free.iterator();
        if (!it.hasNext()) {
            return null;
        }
        IPAddress a = it.next();
        it.remove();
        return a;
    }

    /** Takes {@code address}; whether it was free. */
    public synchronized boolean take(IPAddress address) {
        return free.remove(address);
    }

    /** Takes every address or none. */
    public synchronized boolean takeAll(List<IPAddress> addresses) {
        if (!free.containsAll(addresses)) {
            return false;
        }
        addresses.forEach(free::remove);
        return true;
    }

    /** Puts those of {@code addresses} that are still the node's ({@code keep}) back, at the end. */
    public synchronized void giveBack(Collection<IPAddress> addresses, Predicate<IPAddress> keep) {
        addresses.stream().filter(keep).forEach(free::add);
    }

    /** Drops every free address not in {@code usable}. */
    public synchronized void retainAll(Collection<IPAddress> usable) {
        free.retainAll(usable);
    }

    public synchronized void clear() {
        free.clear();
    }

    public synchronized boolean contains(IPAddress address) {
        return free.contains(address);
    }

    public synchronized int size() {
        return free.size();
    }

    /** The free addresses, oldest first. */
    public synchronized List<IPAddress> list() {
        return List.copyOf(free);
    }
}

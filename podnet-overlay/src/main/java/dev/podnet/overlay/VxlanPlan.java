package dev.podnet.overlay;

import dev.podnet.linux.FdbEntry;
import dev.podnet.linux.IpBatch;
import dev.podnet.linux.Neighbour;
import dev.podnet.linux.Route;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SequencedSet;

/**
 * What to change so that a VXLAN device holds exactly one permanent neighbour, one FDB entry and one onlink route per
 * peer: a pure function of the kernel's current entries and the peers, so the command text is unit-tested.
 *
 * <p>Only entries of the kinds the overlay writes are candidates for removal (permanent neighbours and FDB entries,
 * onlink routes): on its own device, those are the overlay's. Stale entries go first, so that a peer that changed
 * its MAC or address is replaced, not doubled. The FDB is the {@code bridge} tool's, hence two batches.
 *
 * @param fdb    {@code bridge -batch}: stale FDB entries deleted, missing ones added
 * @param routes {@code ip -batch}: stale routes and neighbours deleted, then neighbours before the routes that need them
 */
public record VxlanPlan(IpBatch fdb, IpBatch routes) {
    private static final String ZERO_MAC = "00:00:00:00:00:00";

    public boolean isEmpty() {
        return fdb.isEmpty() && routes.isEmpty();
    }

    public static VxlanPlan plan(String device, Collection<Peer> peers, Collection<Neighbour> neighbours,
                                 Collection<FdbEntry> fdbEntries, Collection<Route> currentRoutes, IpBatch fdb,
                                 IpBatch routes) {
        Map<String, String> wantNeigh = new LinkedHashMap<>();   // subnet's .0 -> VTEP MAC
        SequencedSet<String> wantFdb = new LinkedHashSet<>();   // "mac dst"
        Map<String, String> wantRoute = new LinkedHashMap<>();  // subnet -> gateway
        for (Peer p : peers) {
            wantNeigh.put(p.subnet().ip(), p.vtepMac());
            wantFdb.add(p.vtepMac() + " " + p.publicIp());
            wantRoute.put(p.subnet().toString(), p.subnet().ip());
        }

        SequencedSet<String> haveFdb = new LinkedHashSet<>();
        for (FdbEntry e : fdbEntries) {
            if (e.permanent() && !e.dst().isEmpty() && !e.mac().equals(ZERO_MAC)) {
                String k = e.mac() + " " + e.dst();
                haveFdb.add(k);
                if (!wantFdb.contains(k)) {
                    fdb.add("fdb", "del", e.mac(), "dev", device, "dst", e.dst(), "self");
                }
            }
        }
        for (String k : wantFdb) {
            if (!haveFdb.contains(k)) {
                String[] macDst = k.split(" ");
                fdb.add("fdb", "replace", macDst[0], "dev", device, "dst", macDst[1], "self", "permanent");
            }
        }

        Map<String, Route> haveRoute = new LinkedHashMap<>();
        for (Route r : currentRoutes) {
            if (!r.onlink()) {
                continue;
            }
            String dst = r.dst().contains("/") ? r.dst() : r.dst() + "/32";
            haveRoute.put(dst, r);
            if (!wantRoute.containsKey(dst)) {
                routes.add("route", "del", dst, "dev", device);
            }
        }
        Map<String, String> haveNeigh = new LinkedHashMap<>();
        for (Neighbour n : neighbours) {
            if (!n.permanent()) {
                continue;
            }
            haveNeigh.put(n.dst(), n.lladdr());
            if (!wantNeigh.containsKey(n.dst())) {
                routes.add("neigh", "del", n.dst(), "dev", device);
            }
        }
        wantNeigh.forEach((ip, mac) -> {
            if (!mac.equals(haveNeigh.get(ip))) {
                routes.add("neigh", "replace", ip, "lladdr", mac, "dev", device, "nud", "permanent");
            }
        });
        wantRoute.forEach((dst, gw) -> {
            Route have = haveRoute.get(dst);
            if (have == null || !have.gateway().equals(gw)) {
                routes.add("route", "replace", dst, "via", gw, "dev", device, "onlink");
            }
        });
        return new VxlanPlan(fdb, routes);
    }
}

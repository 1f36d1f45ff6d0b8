package dev.podnet.agent;

import dev.podnet.cloud.CloudNetwork;
import dev.podnet.cloud.Subnet;
import dev.podnet.linux.EniRouting;
import dev.podnet.linux.LinuxException;
import dev.podnet.warm.NodeInterfaces;
import dev.podnet.warm.NodeSupply;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the node's ENI links and route tables in line with the ENIs EC2 reports (the warm pool calls it after each
 * read): an ENI newly attached gets its link and table ({@link EniRouting}); the table of one that left is emptied.
 * A table whose ENI is not on the node at start (a crash between a detach and its cleanup) is emptied on the first
 * pass, so a restarted agent leaves no stale default route behind.
 */
final class EniSetup implements NodeInterfaces {
    private static final System.Logger LOG = System.getLogger(EniSetup.class.getName());

    private final EniRouting routing;
    private final CloudNetwork cloud;
    private final int maxEnis;
    /** By table: the ENI whose link and routes are in it. Guarded by this. */
    private final Map<Integer, String> configured = new HashMap<>();
    /** Subnet CIDRs never change; asked of EC2 once per subnet. */
    private final Map<String, String> subnets = new ConcurrentHashMap<>();
    private boolean first = true;

    EniSetup(EniRouting routing, CloudNetwork cloud, int maxEnis) {
        this.routing = routing;
        this.cloud = cloud;
        this.maxEnis = maxEnis;
    }

    @Override
    public synchronized Set<String> sync(NodeSupply supply) {
        Set<String> ready = new HashSet<>();
        Map<Integer, String> wanted = new HashMap<>();
        for (NodeSupply.Eni eni : supply.enis()) {
            if (eni.routeTable().isEmpty()) {
                ready.add(eni.id()); // the primary: the node's own interface, set up before the agent runs
                continue;
            }
            int table = eni.routeTable().getAsInt();
            wanted.put(table, eni.id());
            if (eni.id().equals(configured.get(table))) {
                ready.add(eni.id());
            } else if (eni.attached() && configure(eni, table)) {
                configured.put(table, eni.id());
                ready.add(eni.id());
            }
        }
        Set<Integer> stale = new HashSet<>();
        configured.forEach((table, eni) -> {
            if (!eni.equals(wanted.get(table))) {
                stale.add(table);
            }
        });
        if (first) {
            for (int index = 1; index < Math.max(maxEnis, 2); index++) {
                if (!wanted.containsKey(index + 1)) {
                    stale.add(index + 1);
                }
            }
        }
        boolean clean = true;
        for (int table : stale) {
            try {
                routing.remove(table);
                configured.remove(table);
            } catch (LinuxException e) {
                clean = false;
                LOG.log(System.Logger.Level.WARNING, "cannot empty route table {0}: {1}", table, e.getMessage());
            }
        }
        first = !clean && first;
        return ready;
    }

    private boolean configure(NodeSupply.Eni eni, int table) {
        try {
            String subnet = subnets.computeIfAbsent(eni.subnetId(), id -> cloud.describeSubnets(List.of(id)).stream()
                    .map(Subnet::cidrBlock).findFirst().orElseThrow());
            EniRouting.Spec spec = new EniRouting.Spec(eni.mac(), table, subnet);
            var link = routing.configure(spec);
            if (link.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "{0} ({1}) has no link on the node yet; its addresses wait",
                        eni.id(), eni.mac());
                return false;
            }
            LOG.log(System.Logger.Level.INFO, "set up {0} as {1}: mtu {2}, table {3} default via {4}", eni.id(),
                    link.get(), EniRouting.MTU, table, spec.gateway());
            return true;
        } catch (LinuxException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot set up {0}: {1}", eni.id(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // EC2 could not say the subnet: retried at the next pass, like any cloud failure
            LOG.log(System.Logger.Level.WARNING, "cannot set up {0}: {1}", eni.id(), e.toString());
            return false;
        }
    }
}

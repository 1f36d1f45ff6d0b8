package dev.podnet.cni;

import dev.podnet.api.AgentReply;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import java.util.List;
import java.util.Optional;

/** Where the plugin's addresses come from: the node agent, or its own state directory (embedded mode). */
interface Backend {
    /**
     * An attachment's addresses.
     *
     * @param routeTable the node's route table for traffic from them (a secondary ENI's); null for the main table
     * @param vpcCidrs   the destinations the route table is for when the node SNATs; empty for all of them
     */
    record Held(CniResult result, Integer routeTable, List<String> vpcCidrs) {
        public Held {
            vpcCidrs = List.copyOf(vpcCidrs);
        }

        Held(CniResult result, Integer routeTable) {
            this(result, routeTable, List.of());
        }

        static Held of(AgentReply.Success s, CniResult result) {
            return new Held(result, s.routeTable(), s.vpcCidrs());
        }
    }

    Held add(CniEnv env, NetConf conf);

    void del(CniEnv env, NetConf conf);

    /**
     * Fails (CniException) unless the attachment still holds exactly the addresses of {@code conf.prevResult()}.
     *
     * @return what is held
     */
    Held check(CniEnv env, NetConf conf);

    /** What the attachment holds; empty when it holds nothing (a repeated DEL). */
    Optional<Held> held(CniEnv env, NetConf conf);

    void gc(NetConf conf);

    /** Fails with code 50 when no address can be handed out now. */
    void status(NetConf conf);
}

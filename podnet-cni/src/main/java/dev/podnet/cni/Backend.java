package dev.podnet.cni;

import dev.podnet.api.CniEnv;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import java.util.Optional;

/** Where the plugin's addresses come from: the node agent, or its own state directory (embedded mode). */
interface Backend {
    /**
     * An attachment's addresses.
     *
     * @param routeTable the node's route table for traffic from them (a secondary ENI's); null for the main table
     */
    record Held(CniResult result, Integer routeTable) {
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

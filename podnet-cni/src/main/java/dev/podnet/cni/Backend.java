package dev.podnet.cni;

import dev.podnet.api.CniEnv;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;

/** Where the plugin's addresses come from: the node agent, or its own state directory (embedded mode). */
interface Backend {
    CniResult add(CniEnv env, NetConf conf);

    void del(CniEnv env, NetConf conf);

    /** Fails (CniException) unless the attachment still holds exactly the addresses of {@code conf.prevResult()}. */
    void check(CniEnv env, NetConf conf);

    void gc(NetConf conf);

    /** Fails with code 50 when no address can be handed out now. */
    void status(NetConf conf);
}

package dev.podnet.cni;

import dev.podnet.api.Attachment;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import dev.podnet.linux.NetNamespace;
import java.util.List;
import java.util.Optional;

/**
 * How the main plugin wires a pod to the addresses it holds for it, one implementation per {@code "mode"}. Kernel
 * refusals come out as LinuxException (or IllegalArgumentException for a value the kernel would never take),
 * anything else as a CniException; {@link MainPlugin} gives the addresses back either way.
 */
sealed interface Mode permits RoutedMode, IpvlanMode {
    /** What of an attachment with {@code env}'s key exists already, so ADD must take no address; empty if nothing. */
    Optional<String> existing(CniEnv env, NetNamespace pod);

    /** Wires the pod, removing what it made before it throws. */
    CniResult attach(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held);

    /**
     * Removes what {@link #attach} made; what is gone already is skipped, so it can run any number of times.
     *
     * @param pod  empty when the pod's namespace is gone (or was never given)
     * @param held empty when the addresses are released already
     */
    void detach(CniEnv env, NetConf conf, Optional<NetNamespace> pod, Optional<Backend.Held> held);

    /** What of the wiring is missing or different, one sentence each; empty when all is in place. */
    List<String> problems(CniEnv env, NetConf conf, NetNamespace pod, Backend.Held held);

    /** GC: removes the node's side of every attachment the runtime no longer lists. */
    void collect(List<Attachment> valid);

    /** How a failure names the attachment. */
    String name(CniEnv env);
}

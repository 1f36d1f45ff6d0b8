package dev.podnet.cni;

import dev.podnet.api.AgentClient;
import dev.podnet.api.AgentReply;
import dev.podnet.api.AgentRequest;
import dev.podnet.api.AgentWire;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.NetConf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the node agent: one request, one reply, over its unix socket (or, when the plugin runs inside the agent for
 * an exec request, by a direct call with the same request). An agent that cannot be reached is a transient failure
 * (code 11, try again later; 50 for STATUS), never a silent success.
 */
final class AgentBackend implements Backend {
    /** The kubelet gives a CNI call minutes; an agent that takes this long is stuck, and the runtime will retry. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** How a request reaches the agent. */
    @FunctionalInterface
    interface Transport {
        /** @throws IOException the agent cannot be reached, or did not answer */
        AgentReply ask(AgentRequest request) throws IOException;
    }

    private final Path socket;
    private final Transport transport;

    /** Over the socket, one connection per request. */
    AgentBackend(Path socket) {
        this(socket, new SocketTransport(socket));
    }

    AgentBackend(Path socket, Transport transport) {
        this.socket = socket;
        this.transport = transport;
    }

    private record SocketTransport(Path socket) implements Transport {
        @Override
        public AgentReply ask(AgentRequest request) throws IOException {
            // The agent answers status with every allocation: past ~600 pods that is more than 64 KiB.
            int limit = request.op() == AgentRequest.Op.STATUS ? AgentWire.MAX_ALLOWED_LINE_BYTES : AgentWire.MAX_LINE_BYTES;
            return AgentClient.ask(socket, request, limit, TIMEOUT);
        }
    }

    @Override
    public Held add(CniEnv env, NetConf conf) {
        AgentRequest request = AgentRequest.add(env.containerId(), env.ifName(), env.netns(), conf.ipam().pool(),
                conf.requestedIps(), env.args());
        return switch (ask(request, CniException.TRY_AGAIN_LATER)) {
            case AgentReply.Success s when s.result() != null -> Held.of(s, withConfiguredRoutes(s.result(), conf));
            case AgentReply.Failure f -> throw f.toException();
            default -> throw new CniException(CniException.INTERNAL, "the podnet agent answered ADD without a result", "");
        };
    }

    /** Routes from the plugin's own configuration come after the agent's, as host-local adds ipam.routes. */
    private static CniResult withConfiguredRoutes(CniResult result, NetConf conf) {
        if (conf.ipam().routes().isEmpty()) {
            return result;
        }
        java.util.List<CniResult.Route> routes = new java.util.ArrayList<>(result.routes());
        routes.addAll(conf.ipam().routes());
        return new CniResult(result.cniVersion(), result.interfaces(), result.ips(), routes, result.dns());
    }

    @Override
    public void del(CniEnv env, NetConf conf) {
        expectSuccess(ask(AgentRequest.del(env.containerId(), env.ifName(), env.netns(), conf.ipam().pool(), env.args()),
                CniException.TRY_AGAIN_LATER));
    }

    @Override
    public Held check(CniEnv env, NetConf conf) {
        AgentReply reply = askCheck(env, conf);
        if (reply instanceof AgentReply.Success s && s.result() != null) {
            Checks.sameAddresses(conf.prevResult(), s.result());
            return Held.of(s, s.result());
        }
        expectSuccess(reply);
        return new Held(null, null); // an agent that checks without telling what it holds
    }

    @Override
    public Optional<Held> held(CniEnv env, NetConf conf) {
        AgentReply reply = askCheck(env, conf);
        if (reply instanceof AgentReply.Failure f && f.code() == CniException.UNKNOWN_CONTAINER) {
            return Optional.empty();
        }
        expectSuccess(reply);
        return reply instanceof AgentReply.Success s && s.result() != null
                ? Optional.of(Held.of(s, s.result())) : Optional.empty();
    }

    private AgentReply askCheck(CniEnv env, NetConf conf) {
        return ask(AgentRequest.check(env.containerId(), env.ifName(), env.netns(), conf.ipam().pool(), env.args()),
                CniException.TRY_AGAIN_LATER);
    }

    @Override
    public void gc(NetConf conf) {
        expectSuccess(ask(AgentRequest.gc(conf.ipam().pool(), conf.validAttachments()), CniException.TRY_AGAIN_LATER));
    }

    @Override
    public void status(NetConf conf) {
        expectSuccess(ask(AgentRequest.status(), CniException.PLUGIN_NOT_AVAILABLE));
    }

    private static void expectSuccess(AgentReply reply) {
        if (reply instanceof AgentReply.Failure f) {
            throw f.toException();
        }
    }

    private AgentReply ask(AgentRequest request, int unreachableCode) {
        try {
            return transport.ask(request);
        } catch (IOException e) {
            throw new CniException(unreachableCode, "the podnet agent is not reachable", socket + ": " + e.getMessage());
        }
    }
}

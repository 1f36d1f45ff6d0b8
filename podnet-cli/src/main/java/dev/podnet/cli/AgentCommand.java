package dev.podnet.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.agent.Agent;
import dev.podnet.agent.AgentConfig;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the node agent in the foreground: IPAM on a unix socket for the podnet-ipam plugin.", "",
                "Allocations are journaled and forced to disk before each answer, so a crash loses none.",
                "Logs go to stderr; SIGTERM or SIGINT stops it cleanly (exit status 0).",
                "Flags override the --config file, a YAML map with the same names in camelCase",
                "(socket, stateDir, metricsListen, introspectionListen, quarantineSeconds, pools: [NAME=CIDR,...])."},
        footer = {"", "Examples:",
                "  podnet agent --pool default=10.244.1.0/24 --metrics-listen 127.0.0.1:61678",
                "  podnet agent --socket /tmp/agent.sock --state-dir /tmp/podnet --pool dual=10.1.0.0/24,fd00:1::/120"})
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket (default /run/podnet/agent.sock).")
    Path socket;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Journal and snapshots (default /var/lib/podnet).")
    Path stateDir;

    @Option(names = "--metrics-listen", paramLabel = "127.0.0.1:PORT", description = "Serve Prometheus metrics here.")
    String metricsListen;

    @Option(names = "--introspection-listen", paramLabel = "127.0.0.1:PORT", description = "Serve /v1/status here.")
    String introspectionListen;

    @Option(names = "--pool", paramLabel = "NAME=CIDR[,CIDR6]", description = "A pool; repeatable. IPv4 and IPv6 = dual stack.")
    List<String> pools = new ArrayList<>();

    @Option(names = "--quarantine", paramLabel = "SECONDS", description = "Released addresses wait this long before reuse (default 30).")
    Integer quarantineSeconds;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file with the same settings.")
    Path config;

    /** The --config file; every key optional, unknown keys refused. */
    record AgentFile(String socket, String stateDir, String metricsListen, String introspectionListen,
                     Integer quarantineSeconds, List<String> pools) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        AgentConfig settings = settings();
        try (Agent agent = Agent.start(settings, InstantSource.system())) {
            for (String name : List.of("TERM", "INT")) {
                Signal.handle(new Signal(name), s -> agent.close());
            }
            spec.commandLine().getErr().printf("podnet agent: serving pools %s on %s%s%n",
                    settings.pools().stream().map(dev.podnet.ipam.Pool::name).toList(), settings.socket(),
                    agent.httpPorts().isEmpty() ? "" : ", http on 127.0.0.1 ports " + agent.httpPorts());
            spec.commandLine().getErr().flush();
            agent.awaitClose();
        }
        spec.commandLine().getErr().println("podnet agent: stopped");
        return 0;
    }

    AgentConfig settings() {
        AgentFile file = config == null ? new AgentFile(null, null, null, null, null, null) : read(config);
        List<String> poolSpecs = !pools.isEmpty() ? pools : file.pools() == null ? List.of() : file.pools();
        int quarantine = quarantineSeconds != null ? quarantineSeconds
                : file.quarantineSeconds() != null ? file.quarantineSeconds() : 30;
        return new AgentConfig(
                socket != null ? socket : file.socket() != null ? Path.of(file.socket()) : AgentConfig.DEFAULT_SOCKET,
                stateDir != null ? stateDir : file.stateDir() != null ? Path.of(file.stateDir()) : AgentConfig.DEFAULT_STATE_DIR,
                Optional.ofNullable(metricsListen != null ? metricsListen : file.metricsListen()),
                Optional.ofNullable(introspectionListen != null ? introspectionListen : file.introspectionListen()),
                poolSpecs.stream().map(AgentConfig::parsePool).toList(), Duration.ofSeconds(quarantine));
    }

    private static AgentFile read(Path file) {
        try {
            AgentFile parsed = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile(), AgentFile.class);
            if (parsed == null) {
                throw new InvalidInputException(file + ": the file is empty");
            }
            return parsed;
        } catch (IOException e) {
            String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new InvalidInputException(file + ": " + reason);
        }
    }
}

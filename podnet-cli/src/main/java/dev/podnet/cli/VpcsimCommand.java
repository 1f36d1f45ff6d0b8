package dev.podnet.cli;

import dev.podnet.cloud.sim.Sleeper;
import dev.podnet.cloud.sim.VpcEmulator;
import dev.podnet.linux.LinuxException;
import dev.podnet.linux.Privileges;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.InvalidInputException;
import dev.podnet.vpcsim.Ec2QueryServer;
import dev.podnet.vpcsim.Scenario;
import dev.podnet.vpcsim.fabric.Fabric;
import dev.podnet.vpcsim.fabric.FabricNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(name = "vpcsim", mixinStandardHelpOptions = true,
        description = {"Run the VPC emulator in the foreground behind an EC2 Query API endpoint (Version 2016-11-15),",
                "so that the AWS CLI, the AWS SDKs and podnet itself can be pointed at it with --endpoint-url.", "",
                "Signatures are not checked: any access key works. Without --scenario it serves the default world",
                "(one dual-stack VPC in us-east-1, node and pod subnets in three AZs, three instances) with EC2's",
                "throttling. SIGTERM or SIGINT stops it (exit status 0). Set PODNET_DEBUG=1 to log each request.", "",
                "--fabric NAME (root) also builds the VPC's data plane on this machine: a router namespace NAME-vpc and",
                "a namespace NAME-<instance-id> per instance whose ENIs are veths (eth0, ethN as attached) to the router.",
                "Every assigned address and prefix is routed to its ENI before the API call answers; the router drops",
                "packets whose source or MAC is not the ENI's. It prints the namespaces it made (stdout, one a line),",
                "removes a leftover fabric of the same NAME at start, and everything it made when it stops."},
        footer = {"", "Examples:",
                "  podnet vpcsim --listen 127.0.0.1:4566",
                "  podnet vpcsim --listen 127.0.0.1:4566 --scenario examples/vpcsim-scenario.yaml",
                "  sudo podnet vpcsim --listen 127.0.0.1:4566 --fabric lab",
                "  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws ec2 describe-instances --region us-east-1 \\",
                "      --endpoint-url http://127.0.0.1:4566"})
final class VpcsimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "Where to serve, e.g. 127.0.0.1:4566; port 0 picks a free port.")
    String listen;

    @Option(names = "--scenario", paramLabel = "FILE", description = "A YAML scenario: world, throttling, delays, faults.")
    Path scenarioFile;

    @Option(names = "--allow-non-loopback", description = "Serve on a non-loopback address (the emulator has no authentication).")
    boolean allowNonLoopback;

    @Option(names = "--fabric", paramLabel = "NAME",
            description = "Build the data plane in network namespaces named NAME-... (needs root).")
    String fabricName;

    @Option(names = "--debug", description = "Log one line per request to stderr (also PODNET_DEBUG=1).")
    boolean debug;

    @Override
    public Integer call() throws InterruptedException {
        Scenario scenario = scenarioFile == null ? Scenario.defaults() : Scenario.load(scenarioFile);
        VpcEmulator emulator;
        try {
            emulator = scenario.emulator(InstantSource.system(), Sleeper.REAL);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException((scenarioFile == null ? "" : scenarioFile + ": ") + e.getMessage());
        }
        boolean logRequests = debug || System.getenv("PODNET_DEBUG") != null;
        Ec2QueryServer.Options options = new Ec2QueryServer.Options(address(listen), allowNonLoopback, logRequests,
                System.err);
        Fabric fabric = fabricName == null ? null : fabric(emulator);
        CountDownLatch stop = new CountDownLatch(1);
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        Ec2QueryServer.AfterChange afterChange = fabric == null ? Ec2QueryServer.AfterChange.NOTHING
                : action -> fabric.reconcile();
        try (Ec2QueryServer server = start(emulator, options, afterChange)) {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> stop.countDown()));
            }
            spec.commandLine().getErr().printf("vpcsim: EC2 Query API on %s (region %s, %d instances)%n",
                    server.endpoint(), scenario.world().region(), scenario.world().instances().size());
            spec.commandLine().getErr().flush();
            stop.await();
        } finally {
            // Give the signals back, so that a JVM that goes on after this command (tests) keeps its own handling.
            previous.forEach(Signal::handle);
            // After the server: no request can reconcile a fabric that is going away.
            if (fabric != null) {
                fabric.close();
            }
        }
        return 0;
    }

    /** Makes the fabric and prints its namespaces, or stops with why it cannot. */
    private Fabric fabric(VpcEmulator emulator) {
        FabricNames names;
        try {
            names = new FabricNames(fabricName);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--fabric: " + e.getMessage());
        }
        if (!Privileges.root()) {
            throw new InvalidInputException("--fabric needs root: it creates network namespaces, veths and iptables rules"
                    + " (run it with sudo, or leave --fabric out)");
        }
        Fabric fabric = new Fabric(names, emulator::snapshot, new ProcessExec());
        try {
            fabric.start().forEach(spec.commandLine().getOut()::println);
        } catch (LinuxException | IllegalStateException e) {
            fabric.close();
            throw new LinuxException("cannot build fabric " + fabricName + " (removed what was made): " + e.getMessage(), e);
        }
        spec.commandLine().getOut().flush();
        return fabric;
    }

    private static Ec2QueryServer start(VpcEmulator emulator, Ec2QueryServer.Options options,
                                        Ec2QueryServer.AfterChange afterChange) {
        try {
            return Ec2QueryServer.start(emulator, options, afterChange);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("--listen: " + e.getMessage() + " (add --allow-non-loopback to do it anyway)");
        } catch (IOException e) {
            throw new InvalidInputException("cannot listen on " + options.bind().getHostString() + ":"
                    + options.bind().getPort() + ": " + e.getMessage());
        }
    }

    /** HOST:PORT or [IPV6]:PORT. */
    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon < 0 || host.isEmpty() || port < 0 || port > 65535) {
            throw new InvalidInputException("--listen \"" + text + "\": expected HOST:PORT, e.g. 127.0.0.1:4566");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new InvalidInputException("--listen \"" + text + "\": cannot resolve " + host);
        }
        return address;
    }
}

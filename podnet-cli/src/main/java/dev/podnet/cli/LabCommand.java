package dev.podnet.cli;

import dev.podnet.lab.Lab;
import dev.podnet.lab.LabMode;
import dev.podnet.lab.LabSpec;
import dev.podnet.lab.LabStatus;
import dev.podnet.lab.PingMatrix;
import dev.podnet.linux.Privileges;
import dev.podnet.linux.ProcessExec;
import dev.podnet.net.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"A VPC, its nodes and their pods on this machine, in network namespaces (needs root).",
                "`lab up` runs the EC2 emulator with its data plane (as vpcsim --fabric NAME), or joins one that runs,",
                "one agent per node (--cloud aws, the node namespace being the instance's), and makes each pod through",
                "the podnet plugin as a container runtime does. `lab ping` reads its status file and pings every pod",
                "from every pod."},
        subcommands = {LabCommand.Up.class, LabCommand.Ping.class},
        footer = {"", "Examples:",
                "  sudo podnet lab up --name lab --nodes 2 --pods-per-node 2 --status-file /tmp/lab.json",
                "  sudo podnet lab up --name lab --nodes 3 --mode custom-networking --status-file /tmp/lab.json",
                "  sudo podnet lab ping --status-file /tmp/lab.json"})
final class LabCommand {
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Build the lab and keep it until SIGTERM or SIGINT, which DELs every pod through the",
                    "plugin, stops the agents and removes every namespace made (all named NAME-...). The status file",
                    "(JSON: nodes with their ENIs and addresses, pods with their addresses, ENI and subnet) is written",
                    "once every pod has its address, and deleted at the stop. The agents take these aws-node",
                    "variables from the environment: WARM_ENI_TARGET, WARM_IP_TARGET, MINIMUM_IP_TARGET,",
                    "WARM_PREFIX_TARGET, MAX_ENI, AWS_VPC_K8S_CNI_EXTERNALSNAT, AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS",
                    "(without a warm target: WARM_IP_TARGET=--pods-per-node). The fabric's outside host, 198.51.100.10",
                    "and 2001:db8:100::10 in namespace NAME-out, stands for the world beyond the VPC."})
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Prefix of every namespace.")
        String name;

        @Option(names = "--nodes", paramLabel = "N", defaultValue = "2", description = "Instances (default 2).")
        int nodes;

        @Option(names = "--pods-per-node", paramLabel = "M", defaultValue = "2",
                description = "Pods per node (default 2).")
        int podsPerNode;

        @Option(names = "--instance-type", paramLabel = "T", defaultValue = LabSpec.DEFAULT_INSTANCE_TYPE,
                description = "The nodes' instance type (default m5.large).")
        String instanceType;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "secondary-ip",
                description = "secondary-ip (default), prefix, custom-networking, ipv6, dual-stack or ipvlan.")
        String mode;

        @Option(names = "--scenario", paramLabel = "FILE",
                description = "A vpcsim scenario: its world (and its instances as the nodes, if it has any), throttling,"
                        + " delays and faults. Default: vpcsim's default world, unthrottled.")
        Path scenario;

        @Option(names = "--ec2-endpoint", paramLabel = "URL",
                description = "Join the `podnet vpcsim --fabric NAME` serving here: its instances are the nodes.")
        String ec2Endpoint;

        @Option(names = "--eniconfig-file", paramLabel = "FILE",
                description = "ENIConfig manifests for custom-networking (default: one per zone, on the VPC's subnets"
                        + " outside its primary block).")
        Path eniConfigFile;

        @Option(names = "--status-file", paramLabel = "FILE", description = "Where to write the lab's status (JSON).")
        Path statusFile;

        @Override
        public Integer call() throws IOException, InterruptedException {
            LabSpec lab = spec();
            if (!Privileges.root()) {
                throw new InvalidInputException("the lab needs root: it creates network namespaces, veths and routes");
            }
            CountDownLatch stop = new CountDownLatch(1);
            Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
            for (String signal : List.of("TERM", "INT")) {
                previous.put(new Signal(signal), Signal.handle(new Signal(signal), s -> stop.countDown()));
            }
            long start = System.nanoTime();
            try (Lab running = Lab.up(lab, new ProcessExec())) {
                LabStatus status = running.status();
                if (statusFile != null) {
                    status.write(statusFile);
                }
                var out = spec.commandLine().getOut();
                status.pods().forEach(p -> out.printf("%s  %s  %s  %s%n", p.name(), p.node(), String.join(",", p.ips()),
                        p.eni()));
                out.printf("lab %s: %d nodes, %d pods up in %d ms%n", name, status.nodes().size(), status.pods().size(),
                        (System.nanoTime() - start) / 1_000_000);
                out.flush();
                stop.await();
            } finally {
                // Give the signals back, so that a JVM that goes on after this command (tests) keeps its own handling.
                previous.forEach(Signal::handle);
                if (statusFile != null) {
                    Files.deleteIfExists(statusFile);
                }
            }
            spec.commandLine().getErr().println("lab " + name + ": stopped, every namespace removed");
            return 0;
        }

        private LabSpec spec() {
            try {
                Map<String, String> env = new LinkedHashMap<>();
                LabSpec.PASSED_ON.forEach(k -> {
                    String v = System.getenv(k);
                    if (v != null && !v.isBlank()) {
                        env.put(k, v);
                    }
                });
                return new LabSpec(name, nodes, podsPerNode, instanceType, LabMode.parse(mode),
                        Optional.ofNullable(scenario), Optional.ofNullable(ec2Endpoint),
                        Optional.ofNullable(eniConfigFile), env);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = {"Ping every address (IPv4 and IPv6) of every pod from every other pod of a running lab and",
                    "print the matrix: rows ping columns, ok or --. Exit status 1 when any pair fails."})
    static final class Ping implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--status-file", required = true, paramLabel = "FILE", description = "The file of `lab up`.")
        Path statusFile;

        @Override
        public Integer call() throws InterruptedException {
            LabStatus status;
            try {
                status = LabStatus.read(statusFile);
            } catch (IOException e) {
                throw new InvalidInputException(statusFile + ": " + e.getMessage());
            }
            PingMatrix matrix = PingMatrix.measure(status, new ProcessExec());
            spec.commandLine().getOut().print(matrix.render());
            spec.commandLine().getOut().flush();
            return matrix.allOk() ? 0 : 1;
        }
    }
}

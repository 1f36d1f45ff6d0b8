package dev.podnet.cli;

import dev.podnet.lab.LabException;
import dev.podnet.linux.LinuxException;
import dev.podnet.net.InvalidInputException;
import dev.podnet.planner.input.PlanInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The podnet command: the composition root that wires each subcommand to its module. */
@Command(name = "podnet", mixinStandardHelpOptions = true, version = "podnet 0.1.0",
        description = "Pod networking for Kubernetes on cloud VPCs: plan, allocate, and run pod addresses.",
        subcommands = {PlanCommand.class, MaxPodsCommand.class, SubnetCalcCommand.class, CidrCommand.class,
                InstancesCommand.class, AgentCommand.class, IpamCommand.class, InstallCniCommand.class,
                ManifestsCommand.class, VpcsimCommand.class, OverlayCommand.class, LabCommand.class,
                ConvertCommand.class, SimulateCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  podnet plan examples/custom-networking.yaml --out-dir out/",
                "  podnet maxpods m5.large t3.medium --mode prefix --cap 110",
                "  podnet subnet-calc --subnet 10.0.0.0/22 --node m5.large:20:25",
                "  podnet cidr check --vpc-cidr 10.0.0.0/16 --add 100.64.0.0/16"})
public final class Main {
    /** Bad input: the user can fix it. */
    static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        // One line per log record (the agent logs to stderr), unless the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        PrintWriter out = new PrintWriter(System.out);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(status);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setUsageHelpWidth(112);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof PlanInputException p) {
                p.problems().forEach(cmd.getErr()::println);
                return EXIT_BAD_INPUT;
            }
            if (e instanceof InvalidInputException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (e instanceof LinuxException || e instanceof LabException) {
                // The kernel, a plugin or EC2 said no: their words are the message, and it is not podnet's bug.
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 1;
            }
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": internal error: " + e);
            if (System.getenv("PODNET_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(set PODNET_DEBUG=1 for the stack trace, and report it)");
            }
            return 1;
        });
        return cli.execute(args);
    }
}

package dev.podnet.cli;

import dev.podnet.cni.Installer;
import dev.podnet.cni.NodeConflist;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "install-cni", mixinStandardHelpOptions = true,
        description = {"Install the podnet-ipam CNI plugin into a CNI bin directory.", "",
                "Writes DIR/podnet-ipam, a small native executable that hands each call to the podnet agent (or, in",
                "embedded mode, to a per-dataDir agent it starts on first use), and DIR/podnet.d/: the full plugin in",
                "Java, which the executable runs when no agent can answer, and the embedded agent, on this JDK.",
                "With --conflist it also writes the node's CNI network: the podnet main plugin in routed mode asking",
                "the agent on --agent-socket for addresses of its pool vpc (what the DaemonSet's init container does)."},
        footer = {"", "Examples:", "  podnet install-cni --dir /opt/cni/bin",
                "  podnet install-cni --dir /host/opt/cni/bin --conflist /host/etc/cni/net.d/10-podnet.conflist"})
final class InstallCniCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CNI bin directory, e.g. /opt/cni/bin.")
    Path dir;

    @Option(names = "--conflist", paramLabel = "FILE",
            description = "Also write the node's CNI conflist here, e.g. /etc/cni/net.d/10-podnet.conflist (atomically).")
    Path conflist;

    @Option(names = "--agent-socket", paramLabel = "PATH", defaultValue = "/run/podnet/agent.sock",
            description = "The agent's socket the conflist names, as seen on the node (default ${DEFAULT-VALUE}).")
    String agentSocket;

    @Option(names = "--pool", paramLabel = "NAME", defaultValue = "vpc",
            description = "The agent's pool the conflist asks for (default ${DEFAULT-VALUE}: the EC2-fed pool of --cloud aws).")
    String pool;

    @Override
    public Integer call() throws Exception {
        Installer.Installed installed = Installer.install(dir);
        spec.commandLine().getOut().println("installed " + installed.plugin() + " and " + installed.mainPlugin() + " ("
                + installed.pluginBytes() + " bytes, native) and their Java fallback in " + installed.javaDir());
        if (conflist != null) {
            // after the plugins: the kubelet reports the node Ready once a conflist is there, so its plugins must be
            spec.commandLine().getOut().println("wrote " + NodeConflist.write(conflist, agentSocket, pool));
        }
        return 0;
    }
}

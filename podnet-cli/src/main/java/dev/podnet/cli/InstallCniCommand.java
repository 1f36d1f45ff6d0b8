package dev.podnet.cli;

import dev.podnet.cni.Installer;
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
                "Java, which the executable runs when no agent can answer, and the embedded agent, on this JDK."},
        footer = {"", "Examples:", "  podnet install-cni --dir /opt/cni/bin"})
final class InstallCniCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CNI bin directory, e.g. /opt/cni/bin.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Installer.Installed installed = Installer.install(dir);
        spec.commandLine().getOut().println("installed " + installed.plugin() + " and " + installed.mainPlugin() + " ("
                + installed.pluginBytes() + " bytes, native) and their Java fallback in " + installed.javaDir());
        return 0;
    }
}

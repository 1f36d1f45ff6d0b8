package dev.podnet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "install-cni", mixinStandardHelpOptions = true,
        description = {"Install the podnet-ipam CNI plugin into a CNI bin directory.", "",
                "Writes DIR/podnet-ipam (a launcher for this JDK) and DIR/podnet-ipam.d/ (the plugin's jars and a JDK",
                "AOT cache trained on the plugin's own code paths, which cuts its start-up time)."},
        footer = {"", "Examples:", "  podnet install-cni --dir /opt/cni/bin", "  podnet install-cni --dir /tmp/cni --no-aot-cache"})
final class InstallCniCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CNI bin directory, e.g. /opt/cni/bin.")
    Path dir;

    @Option(names = "--no-aot-cache", description = "Skip the AOT cache (faster install, slower plugin start).")
    boolean noAotCache;

    @Override
    public Integer call() throws Exception {
        CniInstaller.Installed installed = CniInstaller.install(dir, !noAotCache);
        spec.commandLine().getOut().println("installed " + installed.launcher()
                + (installed.aotCacheCreated() ? " with AOT cache " + installed.aotCache() : " without an AOT cache"));
        return 0;
    }
}

package dev.podnet.overlay;

import dev.podnet.linux.Exec;
import dev.podnet.linux.ProcessExec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Debian's etcdctl (API v3) against a test etcd: how an operator, or flannel's docs, write and read the keys. */
final class Etcdctl {
    static final Path ETCDCTL = Path.of("/usr/bin/etcdctl");

    private final String endpoint;
    private final Exec exec = new ProcessExec();

    Etcdctl(String endpoint) {
        Assumptions.assumeTrue(Files.isExecutable(ETCDCTL), ETCDCTL + " is missing (apt-get install etcd-client)");
        this.endpoint = endpoint;
    }

    /** Runs {@code etcdctl --endpoints URL ARGS}; fails the test unless it exits 0. Returns stdout. */
    String run(String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "ETCDCTL_API=3", ETCDCTL.toString(), "--endpoints", endpoint));
        argv.addAll(List.of(args));
        Exec.Result r = exec.run(argv, "");
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err());
        }
        return r.out();
    }
}

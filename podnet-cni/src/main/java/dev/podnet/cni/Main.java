package dev.podnet.cni;

import dev.podnet.api.NetConf;
import java.io.PrintStream;
import java.nio.file.Path;

/** The {@code podnet-ipam} executable. Kept tiny: start-up time is paid on every pod start. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream stdout = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        int status = new Plugin(System.getenv(), System.in, stdout, System.err, Main::backend).run();
        stdout.flush();
        System.exit(status);
    }

    static Backend backend(NetConf conf) {
        String socket = conf.ipam().agentSocket();
        return socket != null ? new AgentBackend(Path.of(socket)) : new EmbeddedBackend(conf);
    }
}

package dev.podnet.cni;

import dev.podnet.api.NetConf;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** The {@code podnet-ipam} executable. Kept tiny: start-up time is paid on every pod start. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        int status = AgentExec.run(System.getenv(), System.in, stdout, System.err, true);
        stdout.flush();
        System.err.flush();
        // halt, not exit: everything is flushed and the state is on disk, and exit would run shutdown hooks and
        // set up System.Logger (for its Runtime.exit log record): a millisecond or two of cold code for nothing.
        Runtime.getRuntime().halt(status);
    }

    static Backend backend(NetConf conf) {
        String socket = conf.ipam().agentSocket();
        return socket != null ? new AgentBackend(Path.of(socket)) : new EmbeddedBackend(conf);
    }
}

package dev.podnet.cni;

import dev.podnet.api.CniCommand;
import dev.podnet.api.CniEnv;
import dev.podnet.api.CniError;
import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import dev.podnet.api.CniVersion;
import dev.podnet.api.NetConf;
import dev.podnet.api.NetConfDecoder;
import dev.podnet.api.PluginOutput;
import dev.podnet.linux.NetNamespace;
import dev.podnet.linux.ProcessExec;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

/**
 * One run of a podnet CNI plugin: environment and stdin in, a result or a spec error on stdout. Which plugin runs
 * follows the configuration's type: {@code podnet} is the main plugin ({@link MainPlugin} around the address
 * backend), any other type is a main plugin that has podnet-ipam as its IPAM plugin.
 * Nothing but JSON ever reaches stdout; a failure that is not a CniException is reported as code 999 with its
 * class and message, and its stack trace goes to stderr only when PODNET_DEBUG is set.
 */
final class Plugin {
    static final String TYPE = "podnet-ipam";
    /** Set (to anything) to get the stack trace of an internal error on stderr. */
    static final String DEBUG = "PODNET_DEBUG";

    /**
     * Thrown by a backends function that does not serve the configuration (the agent, asked to run a plugin for a
     * configuration that does not name its socket): {@link #run()} lets it through with nothing printed, so the
     * caller can run the plugin elsewhere.
     */
    static final class NotServed extends RuntimeException {
        NotServed() {
            super("not served here", null, false, false);
        }
    }

    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final Function<NetConf, Backend> backends;
    /** The main plugin's node: this process's namespace, or the one the agent serves. */
    private final NetNamespace node;

    Plugin(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr,
           Function<NetConf, Backend> backends) {
        this(env, stdin, stdout, stderr, backends, NetNamespace.current());
    }

    Plugin(Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr,
           Function<NetConf, Backend> backends, NetNamespace node) {
        this.node = node;
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.backends = backends;
    }

    /** @return the exit status: 0, or 1 after printing an error */
    int run() {
        String version = CniVersion.CURRENT;
        try {
            CniEnv cni = CniEnv.parse(env);
            if (cni.command() == CniCommand.VERSION) {
                write(PluginOutput.version());
                return 0;
            }
            NetConf conf = NetConfDecoder.read(stdin, cni.command());
            version = conf.cniVersion();
            cni.command().requireAllowedBy(version);
            conf.requireIpam(TYPE);
            Backend backend = backends.apply(conf);
            if (MainPlugin.TYPE.equals(conf.type())) {
                backend = MainPlugin.of(conf, backend, new ProcessExec(), node);
            }
            switch (cni.command()) {
                case ADD -> {
                    CniResult result = backend.add(cni, conf).result();
                    write(PluginOutput.result(result, version));
                }
                case DEL -> backend.del(cni, conf);
                case CHECK -> backend.check(cni, conf);
                case GC -> backend.gc(conf);
                case STATUS -> backend.status(conf);
                case VERSION -> throw new IllegalStateException("handled above");
            }
            return 0;
        } catch (CniException e) {
            return fail(CniError.of(e, version));
        } catch (NotServed e) {
            throw e;
        } catch (RuntimeException e) {
            if (env.get(DEBUG) != null) {
                e.printStackTrace(stderr);
            }
            return fail(new CniError(version, CniException.INTERNAL, "internal error in podnet", e.toString()));
        }
    }

    private int fail(CniError error) {
        write(PluginOutput.error(error));
        return 1;
    }

    private void write(byte[] json) {
        stdout.writeBytes(json);
        stdout.write('\n');
        stdout.flush();
    }
}

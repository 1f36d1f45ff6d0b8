package dev.podnet.linux;

import java.util.List;

/**
 * Runs one command to completion. The only implementation that starts processes is {@link ProcessExec}; tests pass a
 * fake that records the command lines, which is how the text podnet sends to {@code ip} is unit-tested.
 */
@FunctionalInterface
public interface Exec {
    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /**
     * @param stdin written to the command's standard input, then closed (empty for none)
     * @throws LinuxException when the command cannot be started or does not finish in time
     */
    Result run(List<String> argv, String stdin);
}

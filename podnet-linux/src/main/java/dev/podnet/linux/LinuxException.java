package dev.podnet.linux;

/**
 * A kernel-facing command failed or printed something podnet cannot read. The message names the command (and, for a
 * batch, the failing line) and quotes the tool's own error, because that is what a person needs to fix the node.
 */
public final class LinuxException extends RuntimeException {
    public LinuxException(String message) {
        super(message);
    }

    public LinuxException(String message, Throwable cause) {
        super(message, cause);
    }
}

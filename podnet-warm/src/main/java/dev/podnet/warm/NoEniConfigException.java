package dev.podnet.warm;

/**
 * No ENIConfig a new ENI can use: none is named for the node, the one named does not exist or names a subnet the node
 * cannot use, or the API server did not answer. No ENI is created; the message is what pods and operators are told.
 */
public final class NoEniConfigException extends RuntimeException {
    public NoEniConfigException(String message) {
        super(message);
    }
}

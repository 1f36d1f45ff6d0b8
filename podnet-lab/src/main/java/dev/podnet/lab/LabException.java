package dev.podnet.lab;

/** A lab step that failed for a reason outside podnet's code: the plugin's CNI error, EC2's answer, the kernel's. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }
}

package dev.podnet.api;

/**
 * One (container ID, interface) pair that the runtime still considers attached; GC releases everything else.
 * JSON keys are the spec's: {@code {"containerID":..,"ifname":..}}.
 */
public record Attachment(String containerId, String ifName) {
    public Attachment {
        if (containerId == null || containerId.isEmpty() || ifName == null || ifName.isEmpty()) {
            throw new IllegalArgumentException("an attachment needs a containerID and an ifname");
        }
    }
}

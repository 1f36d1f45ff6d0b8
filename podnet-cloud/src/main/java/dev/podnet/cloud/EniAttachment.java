package dev.podnet.cloud;

/** Where an ENI is attached; {@code status} is "attaching", "attached", "detaching" or "detached". */
public record EniAttachment(String attachmentId, String instanceId, int deviceIndex, String status,
                            boolean deleteOnTermination) {
}

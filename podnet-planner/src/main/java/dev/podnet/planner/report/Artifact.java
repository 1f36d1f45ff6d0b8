package dev.podnet.planner.report;

/** A file {@code podnet plan} writes to {@code --out-dir}: a relative path, what it is for, and its content. */
public record Artifact(String path, String description, String content) {
}

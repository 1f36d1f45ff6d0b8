package dev.podnet.net;

/**
 * The durable steps of a {@link JournaledDirectory} compaction, in order. Tests stop a compaction after any of them
 * (as a crash would) and check that the directory still replays to the same state.
 */
public enum CompactionStep {
    SNAPSHOT_WRITTEN,
    SNAPSHOT_FORCED,
    SNAPSHOT_RENAMED,
    DIRECTORY_FORCED,
    JOURNAL_CREATED,
    OLD_FILES_DELETED
}

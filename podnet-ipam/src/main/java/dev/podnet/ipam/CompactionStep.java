package dev.podnet.ipam;

/**
 * The durable steps of a compaction, in order. Tests stop a compaction after any of them (as a crash would) and
 * check that the directory still replays to the same allocations.
 */
enum CompactionStep {
    SNAPSHOT_WRITTEN,
    SNAPSHOT_FORCED,
    SNAPSHOT_RENAMED,
    DIRECTORY_FORCED,
    JOURNAL_CREATED,
    OLD_FILES_DELETED
}

package dev.podnet.ipam;

/**
 * What the journal has cost since open: {@code fsyncs} counts forces of journal files only (snapshots aside),
 * so it can be compared with {@code records} to see how well concurrent callers share them.
 */
public record JournalStats(long records, long fsyncs, long journalBytes, long compactions) {
}

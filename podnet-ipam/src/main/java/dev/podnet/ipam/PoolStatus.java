package dev.podnet.ipam;

/** Address counts of one pool per family; a family the pool does not have shows {@link Counts#NONE}. */
public record PoolStatus(String pool, Counts ipv4, Counts ipv6) {

    /**
     * @param total       addresses that can ever be handed out (reserved ones not counted)
     * @param used        held by an attachment
     * @param free        can be handed out now
     * @param quarantined released less than the quarantine period ago
     */
    public record Counts(long total, long used, long free, long quarantined) {
        public static final Counts NONE = new Counts(0, 0, 0, 0);
    }
}

package dev.podnet.store;

/**
 * What the embedded store writes to its journal and snapshot. The journal holds changes (P, D, G, K, X) that
 * {@link StoreState#apply} replays exactly as it applied them live; a snapshot holds the state (S, G, V) between the
 * header and the end record that {@link dev.podnet.net.JournaledDirectory} writes around them.
 */
sealed interface StoreRecord {

    /** Snapshot: the store revision and the next lease id to hand out. */
    record Revision(long revision, long nextLeaseId) implements StoreRecord {
    }

    record Put(long revision, String key, byte[] value, long lease) implements StoreRecord {
    }

    record Delete(long revision, String key) implements StoreRecord {
    }

    /** A lease granted (journal) or alive (snapshot). */
    record LeaseGranted(long id, long ttlMillis, long expiresAtMillis) implements StoreRecord {
    }

    record LeaseRenewed(long id, long expiresAtMillis) implements StoreRecord {
    }

    /** A lease expired or was revoked; its keys go with it, at {@code revision} (unchanged when it had none). */
    record LeaseEnded(long revision, long id) implements StoreRecord {
    }

    /** Snapshot: one key with its revisions. */
    record Stored(String key, byte[] value, long createRevision, long modRevision, long version, long lease)
            implements StoreRecord {
    }
}

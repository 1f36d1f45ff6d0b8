package dev.podnet.store;

import java.util.List;

/** The keys under a prefix, sorted by key, and the store revision they were read at (where a watch can resume). */
public record Range(List<KeyValue> kvs, long revision) {
    public Range {
        kvs = List.copyOf(kvs);
    }
}

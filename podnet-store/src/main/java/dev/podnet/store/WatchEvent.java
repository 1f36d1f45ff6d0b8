package dev.podnet.store;

/** One change seen by a watch. For DELETE, {@code kv} holds the key and the deleting revision as modRevision. */
public record WatchEvent(Type type, KeyValue kv) {
    public enum Type { PUT, DELETE }
}

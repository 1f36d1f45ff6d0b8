package dev.podnet.overlay;

import dev.podnet.net.InvalidInputException;
import dev.podnet.store.KeyValue;

/**
 * One node's lease: its subnet (the key) and what the other nodes need to reach it (the value).
 *
 * @param storeLease    the store lease the key is attached to (0: none, a reservation in flannel's terms)
 * @param modRevision   the key's modify revision, for compare-and-swap
 */
public record SubnetLease(SubnetKey key, LeaseAttrs attrs, long storeLease, long modRevision) {

    /** {@code <prefix>/subnets/} (flannel's path.Join(prefix, "subnets") plus the separator). */
    public static String subnetsPrefix(String prefix) {
        return trim(prefix) + "/subnets/";
    }

    /** {@code <prefix>/config}. */
    public static String configKey(String prefix) {
        return trim(prefix) + "/config";
    }

    /** The full key of {@code key} under {@code prefix}. */
    public static String path(String prefix, SubnetKey key) {
        return subnetsPrefix(prefix) + key;
    }

    /**
     * Reads a lease from a store key-value under {@code <prefix>/subnets/}.
     *
     * @throws InvalidInputException for a key or value that flannel would not have written
     */
    public static SubnetLease from(String prefix, KeyValue kv) {
        String base = subnetsPrefix(prefix);
        if (!kv.key().startsWith(base)) {
            throw new InvalidInputException(kv.key() + " is not under " + base);
        }
        SubnetKey key;
        try {
            key = SubnetKey.parse(kv.key().substring(base.length()));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(kv.key() + ": " + e.getMessage());
        }
        return new SubnetLease(key, LeaseAttrs.parse(kv.value(), kv.key()), kv.lease(), kv.modRevision());
    }

    public Ipv4Net subnet() {
        return key.subnet();
    }

    private static String trim(String prefix) {
        String p = prefix;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("/")) {
            throw new InvalidInputException("the etcd prefix must start with /, got \"" + prefix + "\"");
        }
        return p;
    }
}

package dev.podnet.store.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How one store's keys map to object names and labels. A key may be 1 KiB of any UTF-8, an object name is at most
 * 253 characters of [a-z0-9-.], so a name is the store's name, a readable slug of the key (for kubectl) and a hash
 * of the key that makes it unique; the key itself is in the spec. Labels let a range list only its part of the key
 * space: the key's directories (prefixes that end in '/') of 2, 3 and 4 slashes are labelled by their hash, and a
 * range uses the deepest of them that its prefix contains; keys attached to a lease carry its id.
 */
final class StoreNames {
    static final String STORE = "podnet.dev/store";
    static final String LEASE = "podnet.dev/lease";
    private static final String DIR = "podnet.dev/dir";
    private static final int MIN_DEPTH = 2;
    private static final int MAX_DEPTH = 4;
    private static final int SLUG = 120;
    private static final Pattern STORE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

    private final String store;

    StoreNames(String store) {
        if (store == null || !STORE_NAME.matcher(store).matches()) {
            throw new IllegalArgumentException("a store name is 1 to 40 characters of a-z, 0-9 and '-', starting and "
                    + "ending with a letter or digit; got \"" + store + "\"");
        }
        this.store = store;
    }

    String store() {
        return store;
    }

    /** The StoreLog object's name: the store's. */
    String log() {
        return store;
    }

    /** e.g. {@code podnet-coreos-com-network-subnets-10-5-52-0-24-1f0c...}. */
    String entry(String key) {
        String slug = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        slug = trimDashes(slug.length() > SLUG ? slug.substring(0, SLUG) : slug);
        return store + "-" + (slug.isEmpty() ? "" : slug + "-") + hash(key);
    }

    /** A coordination.k8s.io Lease's name for store lease {@code id}. */
    String lease(long id) {
        return store + "-lease-" + id;
    }

    Map<String, String> storeLabel() {
        return Map.of(STORE, store);
    }

    Map<String, String> entryLabels(String key, long lease) {
        Map<String, String> labels = new LinkedHashMap<>(storeLabel());
        int depth = 0;
        for (int i = 0; i < key.length() && depth < MAX_DEPTH; i++) {
            if (key.charAt(i) == '/' && ++depth >= MIN_DEPTH) {
                labels.put(DIR + depth, hash(key.substring(0, i + 1)));
            }
        }
        if (lease != 0) {
            labels.put(LEASE, Long.toString(lease));
        }
        return labels;
    }

    /** The labels every key starting with {@code prefix} has: the store's and its deepest labelled directory. */
    Map<String, String> rangeLabels(String prefix) {
        Map<String, String> dirs = entryLabels(prefix.substring(0, prefix.lastIndexOf('/') + 1), 0);
        Map<String, String> labels = new LinkedHashMap<>(storeLabel());
        for (int depth = MAX_DEPTH; depth >= MIN_DEPTH; depth--) {
            String dir = dirs.get(DIR + depth);
            if (dir != null) {
                labels.put(DIR + depth, dir);
                break;
            }
        }
        return labels;
    }

    Map<String, String> leaseLabels(long lease) {
        return Map.of(STORE, store, LEASE, Long.toString(lease));
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }

    /** 16 hex digits of SHA-256: a label value, and unique enough among one store's keys. */
    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

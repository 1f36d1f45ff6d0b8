package dev.podnet.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;

/**
 * The argument rules every {@link ClusterStore} enforces the same way, so that a caller that works against the
 * embedded store does not meet a new INVALID on etcd: keys are non-empty UTF-8 without NUL, at most 1 KiB; values
 * at most 1 MiB (etcd's default request limit is 1.5 MiB); lease ids and revisions are not negative; lease TTLs are
 * whole seconds.
 */
public final class Keys {

    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_VALUE_BYTES = 1 << 20;
    /** etcd's MaxLeaseTTL. */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    /** etcd orders keys by their bytes; for UTF-8 that is code point order, which String.compareTo is not. */
    public static final Comparator<String> ORDER = Keys::compareCodePoints;

    private Keys() {
    }

    /** Checks a key and returns its UTF-8 bytes. */
    public static byte[] requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw invalid("a key must not be empty");
        }
        return checked(key, "key");
    }

    /** Checks a prefix for range and watch: the same rules as a key (so "" is not "everything"). */
    public static byte[] requirePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw invalid("a prefix must not be empty");
        }
        return checked(prefix, "prefix");
    }

    public static byte[] requireValue(byte[] value) {
        if (value == null) {
            throw invalid("a value must not be null (use an empty array)");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw invalid("a value may have at most " + MAX_VALUE_BYTES + " bytes, this one has " + value.length);
        }
        return value;
    }

    /** Checks a watch's arguments and returns the prefix's UTF-8 bytes. */
    public static byte[] requireWatch(String prefix, long afterRevision, WatchListener listener) {
        byte[] bytes = requirePrefix(prefix);
        if (listener == null) {
            throw invalid("a watch needs a listener");
        }
        if (afterRevision < 0) {
            throw invalid("afterRevision " + afterRevision + " is negative");
        }
        return bytes;
    }

    public static long requireLease(long lease) {
        if (lease < 0) {
            throw invalid("lease id " + lease + " is negative (0 means no lease)");
        }
        return lease;
    }

    /** A revision to compare with: a key that exists has a modify revision of at least 1. */
    public static long requireModRevision(long modRevision) {
        if (modRevision < 1) {
            throw invalid("mod revision " + modRevision + " is below 1; use createIfAbsent for a key that must not exist");
        }
        return modRevision;
    }

    /** A lease TTL in whole seconds, rounded up and at least 1, as etcd grants it; both stores use this. */
    public static long requireTtlSeconds(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw invalid("a lease TTL must be positive, got " + ttl);
        }
        long seconds = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
        if (seconds > MAX_TTL_SECONDS) {
            throw invalid("a lease TTL may be at most " + MAX_TTL_SECONDS + " s (etcd's limit), got " + ttl);
        }
        return seconds;
    }

    private static byte[] checked(String text, String what) {
        if (text.indexOf('\0') >= 0) {
            throw invalid("a " + what + " must not contain NUL: " + printable(text));
        }
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw invalid("a " + what + " must be valid Unicode (it holds an unpaired surrogate): " + printable(text));
        }
        if (bytes.length > MAX_KEY_BYTES) {
            throw invalid("a " + what + " may have at most " + MAX_KEY_BYTES + " bytes of UTF-8, this one has "
                    + bytes.length);
        }
        return bytes;
    }

    private static String printable(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return '"' + shown.replace("\0", "\\0") + '"';
    }

    private static StoreException invalid(String message) {
        return new StoreException(StoreException.Kind.INVALID, message);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}

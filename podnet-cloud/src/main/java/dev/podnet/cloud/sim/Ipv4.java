package dev.podnet.cloud.sim;

import java.util.OptionalLong;

/** Dotted-quad text to and from an unsigned 32-bit value; strict, because EC2 refuses anything looser. */
final class Ipv4 {
    private Ipv4() {
    }

    static OptionalLong parse(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return OptionalLong.empty();
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return OptionalLong.empty();
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return OptionalLong.empty();
            }
            value = value << 8 | octet;
        }
        return OptionalLong.of(value);
    }

    static String format(long value) {
        return (value >>> 24 & 0xff) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "." + (value & 0xff);
    }
}

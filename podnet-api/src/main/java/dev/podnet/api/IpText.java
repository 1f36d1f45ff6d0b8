package dev.podnet.api;

import java.util.Arrays;

/**
 * Strict parsing of IP address and CIDR text, with no name lookup.
 * Java's InetAddress accepts inet_aton forms ("10.1", "010.0.0.1") that Go's net.ParseIP, which every other CNI
 * plugin uses, refuses; accepting them would let podnet read a configuration differently from its neighbours.
 * Parsed values never leave this class except as byte arrays: the records keep the text they were given.
 */
final class IpText {
    /** An address with a prefix length, e.g. a pod address "10.1.2.3/24" or a subnet "10.1.0.0/16". */
    record Prefixed(byte[] address, int prefix) {
        boolean isV4() {
            return address.length == 4;
        }

        /** Whether the bits past the prefix are all zero, i.e. this names a network rather than a host in it. */
        boolean isNetwork() {
            for (int bit = prefix; bit < address.length * 8; bit++) {
                if ((address[bit >> 3] & (0x80 >> (bit & 7))) != 0) {
                    return false;
                }
            }
            return true;
        }

        boolean contains(byte[] other) {
            if (other.length != address.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit & 7);
                if ((address[bit >> 3] & mask) != (other[bit >> 3] & mask)) {
                    return false;
                }
            }
            return true;
        }

        boolean overlaps(Prefixed other) {
            return prefix <= other.prefix ? contains(other.address) : other.contains(address);
        }
    }

    private IpText() {
    }

    /** The 4 or 16 bytes of an IPv4 dotted quad or RFC 4291 IPv6 text; null when the text is neither. */
    static byte[] parseAddress(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text, 0, text.length());
    }

    /** "address/prefix" with a decimal prefix in range for the family; null otherwise. */
    static Prefixed parsePrefixed(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash == text.length() - 1 || text.length() - slash > 4) {
            return null;
        }
        byte[] address = parseAddress(text.substring(0, slash));
        if (address == null) {
            return null;
        }
        int prefix = 0;
        for (int i = slash + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (i == slash + 1 && c == '0' && i + 1 < text.length())) {
                return null;
            }
            prefix = prefix * 10 + (c - '0');
        }
        return prefix > address.length * 8 ? null : new Prefixed(address, prefix);
    }

    /** Unsigned byte-wise order of two addresses of the same family. */
    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** The highest address of the block: all host bits set. */
    static byte[] lastAddress(Prefixed block) {
        byte[] out = block.address().clone();
        for (int bit = block.prefix(); bit < out.length * 8; bit++) {
            out[bit >> 3] |= (byte) (0x80 >> (bit & 7));
        }
        return out;
    }

    /** The address one above (+1) or below (-1), wrapping at the ends of the family's space. */
    static byte[] step(byte[] address, int delta) {
        byte[] out = address.clone();
        for (int i = out.length - 1; i >= 0; i--) {
            int value = (out[i] & 0xff) + delta;
            out[i] = (byte) value;
            if (value >= 0 && value <= 255) {
                break;
            }
        }
        return out;
    }

    static boolean isV6Text(String text) {
        return text.indexOf(':') >= 0;
    }

    private static byte[] parseV4(String s, int from, int to) {
        byte[] out = new byte[4];
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part] = (byte) value;
        }
        return i == to ? out : null;
    }

    private static byte[] parseV6(String s) {
        int n = s.length();
        byte[] out = new byte[16];
        int pos = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return out;
            }
        }
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && hex(s.charAt(i)) >= 0) {
                value = value * 16 + hex(s.charAt(i));
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // An embedded dotted quad ends the text and fills the last 32 bits.
                byte[] v4 = pos > 12 ? null : parseV4(s, start, n);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || pos > 14) {
                return null;
            }
            out[pos++] = (byte) (value >> 8);
            out[pos++] = (byte) value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = pos;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        if (gap < 0) {
            return pos == 16 ? out : null;
        }
        if (pos == 16) {
            return null;
        }
        int tail = pos - gap;
        System.arraycopy(out, gap, out, 16 - tail, tail);
        Arrays.fill(out, gap, 16 - tail, (byte) 0);
        return out;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

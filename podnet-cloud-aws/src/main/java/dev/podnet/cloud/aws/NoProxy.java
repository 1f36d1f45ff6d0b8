package dev.podnet.cloud.aws;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A NO_PROXY list with the semantics of Go's golang.org/x/net/http/httpproxy (which curl shares for everything below),
 * so a value that works for kubectl, the AWS CLI and curl means the same here:
 * <ul>
 *   <li>entries separated by commas or whitespace, compared case-insensitively; {@code *} alone matches every host;</li>
 *   <li>{@code example.com} matches example.com and every subdomain; {@code .example.com} and {@code *.example.com}
 *       match subdomains only (Go; curl would also match example.com itself);</li>
 *   <li>IP literals match the same address in any spelling; {@code 10.0.0.0/8} and {@code fd00::/8} match the
 *       addresses inside; IPv6 may be written in brackets;</li>
 *   <li>{@code host:port} and {@code [v6]:port} match only that port.</li>
 * </ul>
 * Two deliberate differences from Go: loopback and "localhost" are not exempt by themselves (Go never proxies them; we
 * proxy whatever NO_PROXY does not name, which the proxy tests rely on), and a malformed CIDR or port is an error
 * instead of an entry that silently never matches. Host names are never resolved: like Go and curl, a CIDR only matches
 * a host written as an IP literal.
 */
public final class NoProxy {

    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private sealed interface Entry {
        boolean matches(String host, Optional<InetAddress> ip, int port);
    }

    private record All() implements Entry {
        public boolean matches(String host, Optional<InetAddress> ip, int port) {
            return true;
        }
    }

    private record Cidr(InetAddress network, int bits) implements Entry {
        public boolean matches(String host, Optional<InetAddress> ip, int port) {
            return ip.filter(a -> a.getAddress().length == network.getAddress().length)
                    .map(a -> prefix(a, bits).equals(prefix(network, bits)))
                    .orElse(false);
        }
    }

    private record Ip(InetAddress address, OptionalInt port) implements Entry {
        public boolean matches(String host, Optional<InetAddress> ip, int p) {
            return ip.map(address::equals).orElse(false) && (port.isEmpty() || port.getAsInt() == p);
        }
    }

    /** {@code suffix} starts with a dot; {@code matchesItself} is false for ".example.com" entries. */
    private record Domain(String suffix, boolean matchesItself, OptionalInt port) implements Entry {
        public boolean matches(String host, Optional<InetAddress> ip, int p) {
            boolean name = host.endsWith(suffix) || (matchesItself && host.equals(suffix.substring(1)));
            return name && (port.isEmpty() || port.getAsInt() == p);
        }
    }

    private final String text;
    private final List<Entry> entries;

    private NoProxy(String text, List<Entry> entries) {
        this.text = text;
        this.entries = List.copyOf(entries);
    }

    public static NoProxy none() {
        return new NoProxy("", List.of());
    }

    /** Parses a NO_PROXY value; throws IllegalArgumentException naming the entry when a CIDR or port is malformed. */
    public static NoProxy parse(String value) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : SEPARATORS.split(value.strip())) {
            String entry = raw.toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return new NoProxy(value.strip(), List.of(new All()));
            }
            entries.add(entry(entry));
        }
        return new NoProxy(value.strip(), entries);
    }

    /** Whether a request to this URL goes direct; the port defaults to the scheme's (80 for http, 443 for https). */
    public boolean matches(URI url) {
        if (url.getHost() == null) {
            throw new IllegalArgumentException("URL without a host: " + url);
        }
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return matches(url.getHost(), port);
    }

    /** Whether a request to host:port goes direct. The host may be an IPv6 literal in brackets. */
    public boolean matches(String host, int port) {
        String h = stripDot(unbracket(host.strip().toLowerCase(Locale.ROOT)));
        Optional<InetAddress> ip = ipLiteral(h);
        return entries.stream().anyMatch(e -> e.matches(h, ip, port));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }

    private static Entry entry(String entry) {
        int slash = entry.indexOf('/');
        if (slash >= 0) {
            return cidr(entry, slash);
        }
        String host = entry;
        OptionalInt port = OptionalInt.empty();
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw malformed(entry, "'[' without ']'");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw malformed(entry, "text after ']' is not a port");
                }
                port = OptionalInt.of(port(entry, rest.substring(1)));
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            // One colon: host:port. More colons without brackets: a bare IPv6 literal.
            int colon = entry.indexOf(':');
            host = entry.substring(0, colon);
            port = OptionalInt.of(port(entry, entry.substring(colon + 1)));
        }
        if (host.isEmpty()) {
            throw malformed(entry, "no host");
        }
        Optional<InetAddress> ip = ipLiteral(host);
        if (ip.isPresent()) {
            return new Ip(ip.get(), port);
        }
        if (host.startsWith("*.")) {
            host = host.substring(1);
        }
        host = stripDot(host);
        boolean matchesItself = !host.startsWith(".");
        return new Domain(matchesItself ? "." + host : host, matchesItself, port);
    }

    private static Entry cidr(String entry, int slash) {
        Optional<InetAddress> network = ipLiteral(unbracket(entry.substring(0, slash)));
        String bitsText = entry.substring(slash + 1);
        if (network.isEmpty() || !bitsText.matches("\\d{1,3}")) {
            throw malformed(entry, "not a CIDR");
        }
        int bits = Integer.parseInt(bitsText);
        if (bits > network.get().getAddress().length * 8) {
            throw malformed(entry, "prefix length " + bits + " is too long");
        }
        return new Cidr(network.get(), bits);
    }

    private static int port(String entry, String text) {
        if (!PORT.matcher(text).matches() || Integer.parseInt(text) == 0 || Integer.parseInt(text) > 65535) {
            throw malformed(entry, "port '" + text + "' is not 1-65535");
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException malformed(String entry, String why) {
        return new IllegalArgumentException("NO_PROXY entry '" + entry + "': " + why);
    }

    /** An IP literal, parsed without any name lookup; empty for host names. */
    static Optional<InetAddress> ipLiteral(String host) {
        try {
            if (IPV4.matcher(host).matches()) {
                return Optional.of(InetAddress.ofLiteral(host));
            }
            if (host.indexOf(':') >= 0 && host.indexOf('%') < 0) {
                return Optional.of(InetAddress.ofLiteral(host));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static BigInteger prefix(InetAddress a, int bits) {
        int width = a.getAddress().length * 8;
        return new BigInteger(1, a.getAddress()).shiftRight(width - bits);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** "example.com." is the same host as "example.com" (curl strips the dot too). */
    private static String stripDot(String host) {
        return host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}

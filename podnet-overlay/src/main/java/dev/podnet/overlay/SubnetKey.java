package dev.podnet.overlay;

import dev.podnet.net.InvalidInputException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last element of a lease's key, as flannel writes it: {@code 10.5.52.0-24}, or for dual stack
 * {@code 10.5.52.0-24&fc00:0:0:34::-64} (flannel's MakeSubnetKey / ParseSubnetKey).
 *
 * @param ipv6 the IPv6 half as written ({@code fc00:0:0:34::-64}), kept as text: podnet leases IPv4 only
 */
public record SubnetKey(Ipv4Net subnet, Optional<String> ipv6) implements Comparable<SubnetKey> {
    private static final Pattern KEY = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)-(\\d+)(?:&([a-f\\d:]+)-(\\d+))?");

    public static SubnetKey of(Ipv4Net subnet) {
        return new SubnetKey(subnet, Optional.empty());
    }

    /** Parses a key's last element; throws for anything flannel would not have written. */
    public static SubnetKey parse(String text) {
        Matcher m = KEY.matcher(text);
        if (!m.matches()) {
            throw new InvalidInputException("\"" + text + "\" is not a flannel subnet key such as 10.5.52.0-24");
        }
        Ipv4Net subnet = Ipv4Net.parse(m.group(1) + "/" + m.group(2));
        Optional<String> v6 = Optional.ofNullable(m.group(3)).map(a -> a + "-" + m.group(4));
        return new SubnetKey(subnet, v6);
    }

    @Override
    public int compareTo(SubnetKey o) {
        return subnet.compareTo(o.subnet);
    }

    @Override
    public String toString() {
        return subnet.ip() + "-" + subnet.prefixLength() + ipv6.map(v -> "&" + v).orElse("");
    }
}

package dev.podnet.cni;

import dev.podnet.api.CniException;
import dev.podnet.api.CniResult;
import java.util.Set;
import java.util.TreeSet;

/** CHECK: the runtime's record of an attachment (prevResult) must match what IPAM holds for it. */
final class Checks {
    private Checks() {
    }

    static void sameAddresses(CniResult expected, CniResult held) {
        Set<String> want = addresses(expected);
        Set<String> have = addresses(held);
        if (!want.equals(have)) {
            throw new CniException(CniException.INTERNAL, "the attachment's addresses changed",
                    "prevResult has " + want + ", podnet holds " + have);
        }
    }

    /** Addresses without prefix length: a /24 in one and a /32 in the other is still the same address. */
    private static Set<String> addresses(CniResult result) {
        Set<String> out = new TreeSet<>();
        if (result != null) {
            result.ips().forEach(ip -> out.add(ip.address().substring(0, ip.address().indexOf('/'))));
        }
        return out;
    }
}

package dev.podnet.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A veth pair made straight into two namespaces: the batch that runs in the first namespace creates both ends and puts
 * the peer into the second ({@code link add A ... type veth peer name B ... netns NS}), so the pair never exists in the
 * namespace podnet runs in, not even for a moment. Both ends start down; the kernel refuses {@code up} on the peer at
 * creation, so the peer's namespace brings it up in a batch of its own.
 *
 * @param peerMac empty for a random address
 */
public record VethPair(String name, String peerName, NetNamespace peerNetns, Optional<String> peerMac, int mtu) {
    public VethPair {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerName, "peerName");
        Objects.requireNonNull(peerNetns, "peerNetns");
        Objects.requireNonNull(peerMac, "peerMac");
        Link.checkName(name);
        Link.checkName(peerName);
        if (peerNetns.name().isEmpty()) {
            throw new IllegalArgumentException("a veth pair's peer goes into a named namespace, not the current one");
        }
        peerMac.ifPresent(m -> {
            if (!m.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}")) {
                throw new IllegalArgumentException("\"" + m + "\" is not a MAC address (aa:bb:cc:dd:ee:ff, lower case)");
            }
        });
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU " + mtu + " is out of range");
        }
    }

    /** Appends the command that creates the pair to a batch for the namespace of {@link #name}'s end. */
    public IpBatch addTo(IpBatch batch) {
        List<String> words = new ArrayList<>(List.of("link", "add", name, "mtu", Integer.toString(mtu),
                "type", "veth", "peer", "name", peerName));
        peerMac.ifPresent(m -> words.addAll(List.of("address", m)));
        words.addAll(List.of("mtu", Integer.toString(mtu), "netns", peerNetns.name().orElseThrow()));
        return batch.add(words.toArray(String[]::new));
    }
}

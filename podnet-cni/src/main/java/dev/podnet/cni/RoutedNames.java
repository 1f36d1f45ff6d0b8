package dev.podnet.cni;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names the routed mode gives an attachment on the node, all derived from its key (container id and interface
 * name), never from the namespace path: DEL may come without CNI_NETNS and GC only knows the keys.
 *
 * @param hostVeth aws-vpc-cni's form, {@code eni} and 11 hex digits of a SHA-1, so node tooling that looks for
 *                 {@code eni*} links finds podnet's too; 14 characters, within IFNAMSIZ
 * @param hostMac  the host end's MAC: locally administered, unicast, from the same hash, chosen before the link
 *                 exists so the pod's permanent neighbour entry can be written in the same batch
 * @param alias    the host end's ifalias, by which GC finds the links of attachments the runtime no longer has
 */
record RoutedNames(String hostVeth, String hostMac, String alias) {
    static final String ALIAS_PREFIX = "podnet:";

    static RoutedNames of(String containerId, String ifName) {
        byte[] mac = new byte[6];
        mac[0] = 0x02; // locally administered, unicast
        System.arraycopy(sha1(containerId, ifName), 10, mac, 1, 5);
        return new RoutedNames(linkName("eni", containerId, ifName), HexFormat.ofDelimiter(":").formatHex(mac),
                alias(containerId, ifName));
    }

    /** {@code prefix} and 11 hex digits of the SHA-1 of the attachment's key: with a 3-letter prefix, within IFNAMSIZ. */
    static String linkName(String prefix, String containerId, String ifName) {
        return prefix + HexFormat.of().formatHex(sha1(containerId, ifName)).substring(0, 11);
    }

    static String alias(String containerId, String ifName) {
        return ALIAS_PREFIX + containerId + "/" + ifName;
    }

    private static byte[] sha1(String containerId, String ifName) {
        try {
            return MessageDigest.getInstance("SHA-1").digest((containerId + "/" + ifName).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}

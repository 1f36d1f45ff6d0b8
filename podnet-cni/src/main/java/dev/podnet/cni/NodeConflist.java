package dev.podnet.cni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The node's CNI network when podnet is the cluster's pod network (the DaemonSet's init container writes it into
 * {@code /etc/cni/net.d}): the main plugin in routed mode, as aws-vpc-cni wires pods, asking the node agent for
 * addresses from its EC2-fed pool {@code vpc}.
 * <p>
 * CNI 1.0.0 rather than podnet's 1.1.0: a conflist's version is read by the runtime's libcni, and containerd 1.7
 * (EKS's AMIs until 2025) refuses 1.1.0; the plugin answers 1.0.0 as well.
 */
public final class NodeConflist {
    public static final String NAME = "podnet";
    /** The VPC's jumbo frames: what aws-vpc-cni sets on pod veths too (AWS_VPC_ENI_MTU's default). */
    static final int MTU = 9001;

    private NodeConflist() {
    }

    /** @param agentSocket the node agent's socket, as the DaemonSet mounts it on the host */
    public static String json(String agentSocket, String pool) {
        return "{\n"
                + "  \"cniVersion\": \"1.0.0\",\n"
                + "  \"name\": \"" + NAME + "\",\n"
                + "  \"plugins\": [\n"
                + "    {\"type\": \"podnet\", \"mode\": \"routed\", \"mtu\": " + MTU + ",\n"
                + "     \"ipam\": {\"type\": \"podnet-ipam\", \"agentSocket\": \"" + agentSocket + "\", \"pool\": \""
                + pool + "\"}}\n"
                + "  ]\n"
                + "}\n";
    }

    /**
     * Writes the conflist atomically: the kubelet watches the directory and takes the first file it finds, so it must
     * never see half of one.
     */
    public static Path write(Path file, String agentSocket, String pool) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temp, json(agentSocket, pool), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }
}

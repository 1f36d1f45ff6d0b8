package dev.podnet.overlay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /run/flannel/subnet.env}, which the flannel CNI plugin reads to configure pods: the network, the node's first
 * address with the subnet's length ({@code 10.5.52.1/24}), the MTU pods should use and whether flannel masquerades.
 * Written the way flannel writes it (same variables, order and {@code true}/{@code false}), atomically: a reader sees
 * the old file or the new one, never half of one.
 */
public record SubnetEnv(Ipv4Net network, Ipv4Net subnet, int mtu, boolean ipMasq, Optional<String> ipv6Network,
                        Optional<String> ipv6Subnet) {
    public static final Path DEFAULT_PATH = Path.of("/run/flannel/subnet.env");

    public static SubnetEnv ipv4(Ipv4Net network, Ipv4Net subnet, int mtu, boolean ipMasq) {
        return new SubnetEnv(network, subnet, mtu, ipMasq, Optional.empty(), Optional.empty());
    }

    /** The file's text. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("FLANNEL_NETWORK=").append(network).append('\n');
        b.append("FLANNEL_SUBNET=").append(subnet.host(1)).append('/').append(subnet.prefixLength()).append('\n');
        if (ipv6Network.isPresent() && ipv6Subnet.isPresent()) {
            b.append("FLANNEL_IPV6_NETWORK=").append(ipv6Network.get()).append('\n');
            b.append("FLANNEL_IPV6_SUBNET=").append(ipv6Subnet.get()).append('\n');
        }
        b.append("FLANNEL_MTU=").append(mtu).append('\n');
        b.append("FLANNEL_IPMASQ=").append(ipMasq).append('\n');
        return b.toString();
    }

    /**
     * Writes the file: a temporary file beside it, forced to disk, then renamed over it. An existing file keeps its
     * permissions (as flannel does), a new one gets 0644; the directory is created if needed.
     */
    public void write(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> perms = Files.exists(abs) ? Files.getPosixFilePermissions(abs)
                : PosixFilePermissions.fromString("rw-r--r--");
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, perms);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + abs + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a crash only once the directory is on disk
        } catch (IOException ignored) {
            // some file systems cannot open a directory for syncing; the file's own content is already on disk
        }
    }

    /** Reads a subnet.env file into its variables, in file order (for tests and for `podnet overlay` users). */
    public static Map<String, String> read(Path path) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }
}

package dev.podnet.warm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The cloud operation in flight, on disk before it starts, so that a restart in the middle of creating, attaching or
 * deleting an ENI finishes it instead of dropping the ENI (a VPC CNI failure). One line in {@code pending-eni}:
 * <pre>
 *   create TOKEN          an ENI tagged podnet.dev/create-token=TOKEN may exist and must be attached
 *   attach ENI INDEX      attach ENI at device INDEX
 *   delete ENI            ENI is detached or detaching and must be deleted
 * </pre>
 */
public sealed interface PendingOperation {

    record Create(String token) implements PendingOperation {
    }

    record Attach(String eniId, int deviceIndex) implements PendingOperation {
    }

    record Delete(String eniId) implements PendingOperation {
    }

    default String line() {
        return switch (this) {
            case Create c -> "create " + c.token();
            case Attach a -> "attach " + a.eniId() + " " + a.deviceIndex();
            case Delete d -> "delete " + d.eniId();
        };
    }

    static PendingOperation parse(String line) {
        String[] t = line.strip().split(" ");
        try {
            return switch (t[0]) {
                case "create" -> new Create(t[1]);
                case "attach" -> new Attach(t[1], Integer.parseInt(t[2]));
                case "delete" -> new Delete(t[1]);
                default -> throw new IllegalArgumentException("unknown operation " + t[0]);
            };
        } catch (RuntimeException e) {
            throw new IllegalStateException("unreadable pending cloud operation \"" + line.strip() + "\": " + e.getMessage());
        }
    }

    /** The file in the agent's state directory; written with a rename and fsyncs, so it is whole or absent. */
    final class Store {
        private final Path file;

        public Store(Path stateDir) {
            this.file = stateDir.resolve("pending-eni");
        }

        public Optional<PendingOperation> read() {
            try {
                return Optional.of(parse(Files.readString(file, StandardCharsets.US_ASCII)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        public void write(PendingOperation op) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(java.nio.ByteBuffer.wrap((op.line() + "\n").getBytes(StandardCharsets.US_ASCII)));
                    ch.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                syncDirectory();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }

        public void clear() {
            try {
                if (Files.deleteIfExists(file)) {
                    syncDirectory();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + file, e);
            }
        }

        private void syncDirectory() throws IOException {
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    }
}

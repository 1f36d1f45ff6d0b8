package dev.podnet.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The status file of {@code podnet lab up}: what {@code podnet lab ping} and people read. */
public record LabStatus(List<Node> nodes, List<Pod> pods) {
    public record Node(String name, String netns, String instanceId, List<Eni> enis) {
    }

    public record Eni(String id, int device, String subnet, List<String> addresses) {
    }

    public record Pod(String name, String netns, String node, List<String> ips, String eni, String subnet) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Written whole, then renamed: a reader that polls for the file never sees half of it. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        JSON.writeValue(temp.toFile(), this);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static LabStatus read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), LabStatus.class);
    }
}

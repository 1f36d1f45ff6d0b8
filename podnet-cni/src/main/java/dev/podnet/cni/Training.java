package dev.podnet.cni;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The workload {@code podnet install-cni} runs once with {@code -XX:AOTCacheOutput}, so the JDK's AOT cache holds
 * the classes (loaded and linked) of every path a real plugin run takes: VERSION, ADD, CHECK, DEL, GC, STATUS in
 * embedded mode, and a decode error.
 */
public final class Training {
    private Training() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("podnet-ipam-training");
        try {
            String conf = """
                    {"cniVersion":"1.1.0","name":"training","type":"podnet-ipam",
                     "ipam":{"type":"podnet-ipam","dataDir":"%s","ranges":[[{"subnet":"10.99.0.0/24"}],[{"subnet":"fd99::/120"}]],
                             "routes":[{"dst":"0.0.0.0/0"}]}}""".formatted(dir);
            for (int round = 0; round < 3; round++) {
                String added = run("ADD", conf);
                String withPrev = conf.substring(0, conf.lastIndexOf('}')) + ",\"prevResult\":" + added + "}";
                run("CHECK", withPrev);
                run("STATUS", conf);
                run("DEL", conf);
                run("GC", conf.substring(0, conf.lastIndexOf('}')) + ",\"cni.dev/valid-attachments\":[]}");
                run("VERSION", "");
                run("ADD", "{not json");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String run(String command, String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "training", "CNI_IFNAME", "eth0",
                "CNI_NETNS", "/var/run/netns/training", "CNI_PATH", "/opt/cni/bin");
        new Plugin(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(java.io.OutputStream.nullOutputStream()),
                Main::backend).run();
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}

package dev.podnet.cni;

import dev.podnet.net.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Installs podnet's CNI plugins into a CNI bin directory: the native executable as {@code podnet-ipam} (the IPAM
 * plugin) and as {@code podnet} (the main plugin), and under {@code podnet.d/} the jars and launchers on this JDK:
 * the full plugin of each name (run by the executable when no agent can answer; one entry point serves both, as the
 * configuration's type says which plugin runs) and the embedded agent (started by it in embedded mode). The executable is replaced atomically
 * last, so a runtime calling the plugin meanwhile sees the old or the new one, never half of either.
 */
public final class Installer {
    static final String PLUGIN = "podnet-ipam";
    static final String MAIN_PLUGIN = "podnet";
    static final String JAVA_DIR = "podnet.d";
    /** Where the build puts the native executable (podnet-cni's pom), as a resource of the podnet-cni jar. */
    private static final String NATIVE = "/dev/podnet/cni/podnet-forward";
    /** The classpath of both launchers: no CLI, planner or agent code. */
    private static final List<String> JARS = List.of("podnet-cni", "podnet-api", "podnet-ipam", "podnet-net",
            "podnet-linux", "jackson-core", "jackson-databind", "jackson-annotations", "ipaddress");
    /**
     * The full plugin lives for one call: start-up over throughput. The JVM's own messages go to stderr: by default
     * it prints them on stdout, and stdout must carry nothing but the CNI result.
     */
    static final List<String> PLUGIN_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Xss512k", "-Xlog:disable", "-Xlog:all=warning:stderr");
    /**
     * A runtime often runs plugins without a locale (systemd gives containerd none), and a JVM then cannot name a
     * file whose path is not ASCII: the launchers ask for UTF-8, which every glibc since 2.35 has built in.
     */
    static final String LOCALE = "LC_ALL=C.UTF-8\nexport LC_ALL\n";
    /** The embedded agent lives while calls come, on a node next to the pods: a small heap. */
    static final List<String> AGENT_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:-UsePerfData",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    /** @param mainPlugin {@code DIR/podnet}, the same executable as {@code plugin} under the main plugin's name */
    public record Installed(Path plugin, long pluginBytes, Path javaDir, Path mainPlugin) {
    }

    private Installer() {
    }

    public static Installed install(Path binDir) throws IOException {
        Path dir = binDir.toAbsolutePath().normalize();
        Path javaDir = dir.resolve(JAVA_DIR);
        Files.createDirectories(javaDir);
        List<String> classpath = new ArrayList<>();
        for (Path entry : pluginClasspath()) {
            Path target = javaDir.resolve(Files.isDirectory(entry) ? moduleOf(entry) + "-classes" : entry.getFileName().toString());
            copy(entry, target);
            classpath.add(target.toString());
        }
        String cp = String.join(File.pathSeparator, classpath);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        writeExecutable(javaDir, PLUGIN, launcher("The full podnet-ipam plugin, run by DIR/podnet-ipam when no agent answers.",
                java, PLUGIN_FLAGS, cp, "dev.podnet.cni.Main"));
        writeExecutable(javaDir, MAIN_PLUGIN, launcher("The full podnet main plugin, run by DIR/podnet when no agent answers.",
                java, PLUGIN_FLAGS, cp, "dev.podnet.cni.Main"));
        writeExecutable(javaDir, "embedded-agent", launcher("podnet-ipam's embedded agent, started by DIR/podnet-ipam.",
                java, AGENT_FLAGS, cp, "dev.podnet.cni.EmbeddedAgent"));
        byte[] executable = nativeExecutable();
        Path mainPlugin = writeExecutable(dir, MAIN_PLUGIN, executable);
        Path plugin = writeExecutable(dir, PLUGIN, executable);
        FileTrees.delete(dir.resolve(PLUGIN + ".d")); // the JVM launcher's directory of podnet before the native plugin
        return new Installed(plugin, executable.length, javaDir, mainPlugin);
    }

    /** The native executable, built by podnet-cni's pom with gcc and shipped in its jar. */
    public static byte[] nativeExecutable() throws IOException {
        try (InputStream in = Installer.class.getResourceAsStream(NATIVE)) {
            if (in == null) {
                throw new IllegalStateException("podnet's build has no native plugin (" + NATIVE
                        + "); run podnet through bin/podnet, which builds it");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] launcher(String comment, String java, List<String> flags, String classpath, String main) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(flags);
        command.addAll(List.of("-cp", classpath, main));
        return ("#!/bin/sh\n# " + comment + "\n# Written by `podnet install-cni`; rerun it after upgrading podnet or the JDK.\n"
                + LOCALE + "exec " + String.join(" ", command.stream().map(Installer::quote).toList()) + " \"$@\"\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Path writeExecutable(Path dir, String name, byte[] content) throws IOException {
        Path target = dir.resolve(name);
        Path temp = Files.createTempFile(dir, "." + name, ".tmp");
        Files.write(temp, content);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * The entries of this podnet's own classpath that the plugin needs: jars when podnet runs from its build, or a
     * module's {@code target/classes} directory when a test runs in Maven's reactor before packaging.
     */
    private static List<Path> pluginClasspath() {
        List<Path> all = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        List<Path> chosen = new ArrayList<>();
        for (String name : JARS) {
            Path entry = all.stream().filter(p -> p.getFileName().toString().startsWith(name + "-")
                            && p.toString().endsWith(".jar") || Files.isDirectory(p) && name.equals(moduleOf(p)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("podnet's classpath has no " + name
                            + " jar; run podnet through bin/podnet, which builds it"));
            chosen.add(entry);
        }
        return chosen;
    }

    /** {@code podnet-cni} for {@code .../podnet-cni/target/classes}; empty for other directories. */
    private static String moduleOf(Path classesDir) {
        Path target = classesDir.getParent();
        return classesDir.endsWith("classes") && target != null && target.endsWith("target") && target.getParent() != null
                ? target.getParent().getFileName().toString() : "";
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}

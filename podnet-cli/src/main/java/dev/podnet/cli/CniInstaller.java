package dev.podnet.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the {@code podnet-ipam} CNI plugin into a CNI bin directory: its jars into {@code podnet-ipam.d/}, a JDK
 * AOT cache trained on the plugin's own paths, and the {@code podnet-ipam} launcher, replaced atomically last so a
 * runtime calling the plugin meanwhile sees the old or the new one, never half of either.
 */
final class CniInstaller {
    static final String PLUGIN = "podnet-ipam";
    /** The plugin's classpath: only what a plugin run loads (no CLI, planner or agent code). */
    private static final List<String> JARS = List.of("podnet-cni", "podnet-api", "podnet-ipam", "podnet-net",
            "jackson-core", "ipaddress");
    /**
     * Start-up over throughput: a plugin run lives for tens of milliseconds. The JVM's own messages go to stderr:
     * by default it prints them on stdout (an AOT cache it cannot map, after a JDK upgrade in place, prints three
     * error lines), and stdout must carry nothing but the CNI result.
     */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Xss512k", "-Xlog:disable", "-Xlog:all=warning:stderr");

    record Installed(Path launcher, Path aotCache, boolean aotCacheCreated) {
    }

    private CniInstaller() {
    }

    static Installed install(Path binDir, boolean aotCache) throws IOException, InterruptedException {
        Path dir = binDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path libDir = dir.resolve(PLUGIN + ".d");
        Files.createDirectories(libDir);
        List<String> classpath = new ArrayList<>();
        for (Path entry : pluginClasspath()) {
            Path target = libDir.resolve(Files.isDirectory(entry) ? moduleOf(entry) + "-classes" : entry.getFileName().toString());
            copy(entry, target);
            classpath.add(target.toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path cache = libDir.resolve(PLUGIN + ".aot");
        Files.deleteIfExists(cache);
        String cp = String.join(File.pathSeparator, classpath);
        boolean cached = aotCache && train(java, cp, cache) && usable(java, cp, cache);
        if (!cached) {
            Files.deleteIfExists(cache);
        }
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        if (cached) {
            command.add("-XX:AOTCache=" + cache);
        }
        command.addAll(List.of("-cp", cp, "dev.podnet.cni.Main"));
        String script = "#!/bin/sh\n# The podnet-ipam CNI plugin, written by `podnet install-cni`; rerun it after upgrading podnet or the JDK.\n"
                + "exec " + String.join(" ", command.stream().map(CniInstaller::quote).toList()) + "\n";
        Path launcher = dir.resolve(PLUGIN);
        Path temp = Files.createTempFile(dir, "." + PLUGIN, ".tmp");
        Files.writeString(temp, script);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(temp, launcher, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Installed(launcher, cache, cached);
    }

    /**
     * The entries of this podnet's own classpath that the plugin needs: jars when podnet runs from its build, or a
     * module's {@code target/classes} directory when a test runs in Maven's reactor before packaging (the plugin
     * then works, but the JVM cannot build an AOT cache from directories).
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

    /** Runs the plugin's training workload once so the JVM writes the AOT cache (JEP 483/514); false if it could not. */
    private static boolean train(String java, String classpath, Path cache) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-cp", classpath, "dev.podnet.cni.Training"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0 && Files.isRegularFile(cache);
    }

    /**
     * Runs the plugin once (VERSION) with the launcher's exact command line and {@code -XX:AOTMode=on}, which makes
     * the JVM fail instead of silently running without a cache it cannot use (a flag or class path that differs
     * from training's); the launcher itself keeps the default mode, so a cache that goes stale later only slows it.
     */
    private static boolean usable(String java, String classpath, Path cache) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-cp", classpath, "dev.podnet.cni.Main"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("CNI_COMMAND", "VERSION");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0 && new String(out, StandardCharsets.UTF_8).startsWith("{\"cniVersion\"");
    }

    private static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}

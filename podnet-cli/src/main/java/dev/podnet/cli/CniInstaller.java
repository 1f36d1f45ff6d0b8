package dev.podnet.cli;

import java.io.File;
import java.io.IOException;
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
    /** Start-up over throughput: a plugin run lives for tens of milliseconds. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Xss512k");

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
        for (Path jar : pluginJars()) {
            Path target = libDir.resolve(jar.getFileName());
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            classpath.add(target.toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path cache = libDir.resolve(PLUGIN + ".aot");
        Files.deleteIfExists(cache);
        boolean cached = aotCache && train(java, String.join(File.pathSeparator, classpath), cache);
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JVM_FLAGS);
        if (cached) {
            command.add("-XX:AOTCache=" + cache);
        }
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), "dev.podnet.cni.Main"));
        String script = "#!/bin/sh\n# The podnet-ipam CNI plugin, written by `podnet install-cni`; rerun it after upgrading podnet or the JDK.\n"
                + "exec " + String.join(" ", command.stream().map(CniInstaller::quote).toList()) + "\n";
        Path launcher = dir.resolve(PLUGIN);
        Path temp = Files.createTempFile(dir, "." + PLUGIN, ".tmp");
        Files.writeString(temp, script);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(temp, launcher, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Installed(launcher, cache, cached);
    }

    /** The jars of this podnet's own classpath that the plugin needs. */
    private static List<Path> pluginJars() {
        List<Path> all = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        List<Path> chosen = new ArrayList<>();
        for (String name : JARS) {
            Path jar = all.stream().filter(p -> p.getFileName().toString().startsWith(name + "-")
                            || p.getFileName().toString().equals(name + ".jar")).findFirst()
                    .filter(p -> p.toString().endsWith(".jar"))
                    .orElseThrow(() -> new IllegalStateException("podnet's classpath has no " + name
                            + " jar; run podnet through bin/podnet, which builds it"));
            chosen.add(jar);
        }
        return chosen;
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

    private static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}

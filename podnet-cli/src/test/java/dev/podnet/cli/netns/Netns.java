package dev.podnet.cli.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.linux.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Network namespaces for one test: {@code @RegisterExtension final Netns net = new Netns();}. Every namespace gets
 * the test's random prefix ({@code pn} and six letters), and all of them are deleted after the test, passed or not;
 * deleting a namespace deletes every link inside it. The commands it runs only ever target the test's own
 * namespaces, so a test cannot touch the root namespace's links or addresses through it.
 *
 * <p>Put {@code @ExtendWith(Netns.Required.class)} on the class as well, so a machine that cannot run these tests
 * (not root, no reference CNI plugins) skips the whole class, including its {@code @BeforeAll}, with the reason.
 */
final class Netns implements BeforeEachCallback, AfterEachCallback {
    static final Path NETNS_DIR = Path.of("/var/run/netns");
    static final Path REFERENCE_PLUGINS = Path.of("/usr/lib/cni");
    /** Generous for {@code ip}; only a wedged kernel call takes longer. */
    static final Duration IP_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final SequencedSet<String> created = new LinkedHashSet<>();

    Netns() {
        StringBuilder p = new StringBuilder("pn");
        for (int i = 0; i < 6; i++) {
            p.append((char) ('a' + RANDOM.nextInt(26)));
        }
        prefix = p.toString();
    }

    /** Skips a class (or test) with the reason when this machine cannot run namespace tests. */
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return missing().map(ConditionEvaluationResult::disabled)
                    .orElseGet(() -> ConditionEvaluationResult.enabled("root, ip, ping and /usr/lib/cni are here"));
        }
    }

    /** Why this machine cannot run the namespace tests, or empty when it can. */
    static Optional<String> missing() {
        if (!Privileges.root()) {
            return Optional.of("netns tests need root (they create network namespaces); run them as root, as CI does");
        }
        for (String plugin : List.of("bridge", "macvlan", "ipvlan", "ptp")) {
            if (!Files.isExecutable(REFERENCE_PLUGINS.resolve(plugin))) {
                return Optional.of(REFERENCE_PLUGINS.resolve(plugin)
                        + " is missing; install the Debian package containernetworking-plugins (bin/test does)");
            }
        }
        if (onPath("ip").isEmpty()) {
            return Optional.of("`ip` is missing; install the Debian package iproute2 (bin/test does)");
        }
        if (onPath("ping").isEmpty()) {
            return Optional.of("`ping` is missing; install the Debian package iputils-ping (bin/test does)");
        }
        return Optional.empty();
    }

    /** The executable {@code command} on PATH or in the system directories, where Debian installs it. */
    static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).findFirst();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        missing().ifPresent(Assumptions::abort);
    }

    /** The random prefix of this test's namespaces. */
    String prefix() {
        return prefix;
    }

    /**
     * Creates namespace {@code prefix-name} with its loopback up.
     *
     * @return the namespace's full name
     */
    String add(String name) {
        String full = prefix + "-" + name;
        if (!full.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("namespace name \"" + name + "\": use up to 31 of a-z, 0-9 and -");
        }
        if (created.contains(full)) {
            throw new IllegalArgumentException("namespace " + full + " exists already");
        }
        Processes.run(List.of("ip", "netns", "add", full), IP_TIMEOUT).requireSuccess("ip netns add " + full);
        created.add(full);
        ipOk(full, "link", "set", "lo", "up");
        return full;
    }

    /** Deletes namespace {@code ns} now, as a runtime does when a pod is gone before its DEL. */
    void remove(String ns) {
        Processes.run(List.of("ip", "netns", "del", own(ns)), IP_TIMEOUT).requireSuccess("ip netns del " + ns);
        created.remove(ns);
    }

    /** The path a CNI runtime passes as CNI_NETNS. */
    Path path(String ns) {
        return NETNS_DIR.resolve(own(ns));
    }

    /** Runs {@code command} inside namespace {@code ns} ({@code ip netns exec}), waiting at most {@code timeout}. */
    Processes.Result exec(String ns, Duration timeout, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", own(ns)));
        full.addAll(List.of(command));
        return Processes.run(full, timeout);
    }

    Processes.Result exec(String ns, String... command) {
        return exec(ns, IP_TIMEOUT, command);
    }

    /** {@code ip -n ns ARGS}: an ip command that can only see and change namespace {@code ns}. */
    Processes.Result ip(String ns, String... args) {
        List<String> full = new ArrayList<>(List.of("ip", "-n", own(ns)));
        full.addAll(List.of(args));
        return Processes.run(full, IP_TIMEOUT);
    }

    /** As {@link #ip}, failing the test unless it succeeds. */
    Processes.Result ipOk(String ns, String... args) {
        return ip(ns, args).requireSuccess("ip -n " + ns + " " + String.join(" ", args));
    }

    /** As {@link #exec(String, String...)}, failing the test unless the command succeeds. */
    Processes.Result execOk(String ns, String... command) {
        return exec(ns, command).requireSuccess("ip netns exec " + ns + " " + String.join(" ", command));
    }

    /** One address of an interface, from {@code ip -j addr}. */
    record Address(String family, String local, int prefixLength, String scope, boolean tentative, boolean dadFailed) {
        String cidr() {
            return local + "/" + prefixLength;
        }
    }

    /** The addresses of interface {@code ifName} in namespace {@code ns}; empty if it has none. */
    List<Address> addresses(String ns, String ifName) {
        JsonNode links = json(ipOk(ns, "-j", "addr", "show", "dev", ifName).out());
        List<Address> out = new ArrayList<>();
        for (JsonNode link : links) {
            for (JsonNode a : link.path("addr_info")) {
                out.add(new Address(a.path("family").asText(), a.path("local").asText(), a.path("prefixlen").asInt(),
                        a.path("scope").asText(), a.path("tentative").asBoolean(false),
                        a.path("dadfailed").asBoolean(false)));
            }
        }
        return out;
    }

    /**
     * Why this kernel cannot make links of {@code type} on {@code master} in {@code ns} (built without CONFIG_IPVLAN:
     * {@code Error: Unknown device type.}), or empty when it can; the probe link is deleted again.
     */
    Optional<String> cannotCreate(String ns, String master, String type, String mode) {
        Processes.Result probe = ip(ns, "link", "add", "link", master, "name", "pnprobe", "type", type, "mode", mode);
        if (probe.exit() != 0) {
            return Optional.of(probe.err().strip());
        }
        ipOk(ns, "link", "del", "pnprobe");
        return Optional.empty();
    }

    /** Skips the test, with the kernel's reason, when it cannot make links of {@code type} (see {@link #cannotCreate}). */
    void assumeKernelSupports(String ns, String master, String type, String mode) {
        Optional<String> missing = cannotCreate(ns, master, type, mode);
        Assumptions.assumeTrue(missing.isEmpty(), () -> "this kernel cannot create " + type + " links ("
                + missing.orElseThrow() + "); the " + type + " plugin needs them");
    }

    /** Global addresses only (no link-local, no loopback). */
    List<String> globalCidrs(String ns, String ifName) {
        return addresses(ns, ifName).stream().filter(a -> a.scope().equals("global")).map(Address::cidr).toList();
    }

    /** Whether namespace {@code ns} has a link named {@code ifName}. */
    boolean hasLink(String ns, String ifName) {
        return ip(ns, "link", "show", "dev", ifName).exit() == 0;
    }

    /**
     * Waits, at most {@code bound}, until no IPv6 address of {@code ifName} in {@code ns} is tentative (duplicate
     * address detection takes about a second after an address is added); fails if DAD fails or time runs out.
     */
    void awaitIpv6Settled(String ns, String ifName, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            List<Address> v6 = addresses(ns, ifName).stream().filter(a -> a.family().equals("inet6")).toList();
            if (v6.stream().anyMatch(Address::dadFailed)) {
                throw new AssertionError("duplicate address detection failed in " + ns + " on " + ifName + ": " + v6);
            }
            if (v6.stream().noneMatch(Address::tentative)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("IPv6 addresses in " + ns + " on " + ifName + " still tentative after "
                        + bound + ": " + v6);
            }
            try {
                Thread.sleep(50); // polling the kernel; DAD itself takes ~1 s (RetransTimer x DupAddrDetectTransmits)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Pings {@code address} from namespace {@code ns}: three replies within ten seconds, or the test fails. */
    void assertPings(String ns, String address) {
        boolean v6 = address.contains(":");
        Processes.Result r = exec(ns, Duration.ofSeconds(20), "ping", v6 ? "-6" : "-4", "-n", "-c", "3", "-i", "0.2",
                "-w", "10", address);
        if (r.exit() != 0) {
            throw new AssertionError("ping from " + ns + " to " + address + " failed: " + r);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private String own(String ns) {
        if (!created.contains(ns)) {
            throw new IllegalArgumentException("\"" + ns + "\" is not a namespace of this test (" + created + ")");
        }
        return ns;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        for (String ns : created.reversed()) {
            Processes.Result r = Processes.run(List.of("ip", "netns", "del", ns), IP_TIMEOUT);
            if (r.exit() != 0) {
                problems.add("ip netns del " + ns + ": " + r.err().strip());
            }
        }
        created.clear();
        try (Stream<Path> left = Files.exists(NETNS_DIR) ? Files.list(NETNS_DIR) : Stream.empty()) {
            left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix + "-"))
                    .forEach(n -> problems.add("namespace " + n + " is still there"));
        } catch (IOException e) {
            problems.add("cannot list " + NETNS_DIR + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("cleaning up the test's namespaces: " + String.join("; ", problems));
        }
    }
}

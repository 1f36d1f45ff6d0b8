package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.podnet.linux.Privileges;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/** `podnet vpcsim` run in-process: it serves until SIGTERM, then exits 0; bad input is exit 2 before it serves. */
class VpcsimCommandTest {

    private static final Pattern STARTED = Pattern.compile(
            "vpcsim: EC2 Query API on (http://127\\.0\\.0\\.1:(\\d+)) \\(region us-east-1, 3 instances\\)\n");

    /** stderr as the command writes it, with a latch that opens at the first complete line. */
    private static final class Lines extends Writer {
        final StringBuffer text = new StringBuffer();
        final CountDownLatch firstLine = new CountDownLatch(1);

        @Override
        public void write(char[] buf, int off, int len) {
            text.append(buf, off, len);
            if (text.indexOf("\n") >= 0) {
                firstLine.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void servesTheDefaultWorldUntilSigterm() throws Exception {
        Lines err = new Lines();
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() ->
                Main.run(new String[] {"vpcsim", "--listen", "127.0.0.1:0"}, new PrintWriter(out, true), new PrintWriter(err, true)));
        assertThat(err.firstLine.await(30, TimeUnit.SECONDS)).as("started line; stderr: %s", err.text).isTrue();
        Matcher started = STARTED.matcher(err.text.toString());
        assertThat(started.matches()).as(err.text.toString()).isTrue();
        assertThat(Integer.parseInt(started.group(2))).isPositive();

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(started.group(1) + "/?Action=DescribeInstances&Version=2016-11-15"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<instanceId>i-0000000000000000a</instanceId>", "<instanceType>c5.xlarge</instanceType>");

        Signal.raise(new Signal("TERM"));
        assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadScenarioIsExit2WithTheFieldNamed(@TempDir Path tmp) throws Exception {
        Path scenario = tmp.resolve("s.yaml");
        Files.writeString(scenario, "vpc: {id: vpc-1, cidrBlocks: [10.0.0.0/16]}\nsubnets: []\nsecurityGroups: [sg-1]\n"
                + "throttle: {mutating: {capacity: many, refillPerSecond: 1}}\n");
        MainTest.Run r = MainTest.run("vpcsim", "--listen", "127.0.0.1:0", "--scenario", scenario.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("podnet vpcsim: " + scenario
                + ": throttle.mutating.capacity: expected a whole number, got \"many\"\n");
    }

    @Test
    void theShippedExampleLoadsAndBadListenAddressesAreExit2() {
        MainTest.Run badPort = MainTest.run("vpcsim", "--listen", "127.0.0.1:http");
        assertThat(badPort.status()).isEqualTo(2);
        assertThat(badPort.err()).isEqualTo("podnet vpcsim: --listen \"127.0.0.1:http\": expected HOST:PORT, e.g. 127.0.0.1:4566\n");
        MainTest.Run wildcard = MainTest.run("vpcsim", "--listen", "0.0.0.0:0",
                "--scenario", Path.of("..", "examples", "vpcsim-scenario.yaml").toString());
        assertThat(wildcard.status()).isEqualTo(2);
        assertThat(wildcard.err()).contains("refusing to listen on 0.0.0.0", "--allow-non-loopback");
        assertThat(MainTest.run("--help").out()).contains("vpcsim");
        assertThat(MainTest.run("vpcsim", "--help").out()).contains("Examples:");
    }

    @Test
    void aFabricNeedsRootAndAValidName() {
        MainTest.Run badName = MainTest.run("vpcsim", "--listen", "127.0.0.1:0", "--fabric", "Lab;x");
        assertThat(badName.status()).isEqualTo(2);
        assertThat(badName.err()).startsWith("podnet vpcsim: --fabric: fabric name \"Lab;x\"");
        Assumptions.assumeFalse(Privileges.root(), "running as root: the refusal cannot be seen");
        MainTest.Run r = MainTest.run("vpcsim", "--listen", "127.0.0.1:0", "--fabric", "lab");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--fabric needs root");
    }

    @Test
    void aFabricIsPrintedAtStartAndRemovedOnSigterm() throws Exception {
        Assumptions.assumeTrue(Privileges.root(), "the fabric needs root (it creates network namespaces)");
        StringBuilder name = new StringBuilder("pc");
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 6; i++) {
            name.append((char) ('a' + random.nextInt(26)));
        }
        Lines err = new Lines();
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> Main.run(
                new String[] {"vpcsim", "--listen", "127.0.0.1:0", "--fabric", name.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true)));
        assertThat(err.firstLine.await(60, TimeUnit.SECONDS)).as("started line; stderr: %s", err.text).isTrue();
        assertThat(STARTED.matcher(err.text.toString()).matches()).as(err.text.toString()).isTrue();
        List<String> printed = out.toString().lines().toList();
        assertThat(printed).containsExactly(name + "-vpc", name + "-out", name + "-i-0000000000000000a", name + "-i-0000000000000000b",
                name + "-i-0000000000000000c");
        assertThat(namespaces(name.toString())).containsExactlyInAnyOrderElementsOf(printed);

        Signal.raise(new Signal("TERM"));
        assertThat(status.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(namespaces(name.toString())).isEmpty();
    }

    private static List<String> namespaces(String prefix) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return text.lines().map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith(prefix + "-")).toList();
    }
}

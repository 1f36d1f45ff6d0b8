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
}

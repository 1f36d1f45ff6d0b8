package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page as a browser shows it: headless Chromium loads it from a file, and its DOM and a screenshot are checked. */
class HtmlReportChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;
    private Path page;

    @BeforeEach
    void writePage() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            if (System.getenv("CI") != null) {
                fail(CHROMIUM + " is missing: bin/test installs the Debian package chromium, which CI must have");
            }
            Assumptions.assumeTrue(false, CHROMIUM + " is missing (apt-get install chromium); set CI to make it fail");
        }
        page = Files.writeString(tmp.resolve("report.html"), HtmlReportTest.tinyPage());
    }

    @Test
    void theDomHoldsEveryChartWithItsLines() throws Exception {
        String dom = chromium("dom", "--dump-dom", page.toUri().toString());
        assertThat(matches(dom, "<svg[^>]* id=\"(chart-[a-z]+)\"")).containsExactlyElementsOf(HtmlReportTest.CHART_IDS);
        List<String> points = matches(dom, "<polyline[^>]* points=\"([^\"]*)\"");
        // Per policy: held and in use, held per pod, calls and throttled, cold starts.
        assertThat(points).hasSize(HtmlReportTest.POLICIES.size() * 6)
                .allSatisfy(p -> assertThat(p.split(" ")).hasSizeGreaterThan(10));
        assertThat(dom).contains("<td><span class=\"swatch\"", "vpc-cni:WARM_IP_TARGET=1,MINIMUM_IP_TARGET=4");
    }

    @Test
    void theScreenshotShowsTheChartsInThePoliciesColours() throws Exception {
        Path shot = tmp.resolve("shot.png");
        chromium("screenshot", "--screenshot=" + shot, "--window-size=1200,2000", page.toUri().toString());
        assertThat(shot).isRegularFile();
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(2000);
        // Below the table: the charts' area.
        Set<Integer> colours = new HashSet<>();
        for (int y = 300; y < 1950; y++) {
            for (int x = 0; x < 1000; x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colours).hasSizeGreaterThan(1);
        for (int i = 0; i < HtmlReportTest.POLICIES.size(); i++) {
            int rgb = Integer.parseInt(SvgChart.COLOURS.get(i).substring(1), 16);
            assertThat(colours).as("a pixel near %s", SvgChart.COLOURS.get(i)).anyMatch(c -> near(c, rgb));
        }
    }

    /** Runs headless Chromium with a fresh profile; returns what it printed. Killed when it takes too long. */
    private String chromium(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(tmp, "profile-")));
        command.addAll(List.of(args));
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            fail("Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("Chromium's exit status; it said: %s", Files.readString(err)).isZero();
        return Files.readString(out);
    }

    private static List<String> matches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static boolean near(int a, int b) {
        for (int shift = 0; shift < 24; shift += 8) {
            if (Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)) > 24) {
                return false;
            }
        }
        return true;
    }
}

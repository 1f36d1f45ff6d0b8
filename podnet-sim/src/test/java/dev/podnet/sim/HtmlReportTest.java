package dev.podnet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
    static final List<String> POLICIES = List.of("vpc-cni", "vpc-cni:WARM_IP_TARGET=1,MINIMUM_IP_TARGET=4");
    static final List<String> CHART_IDS = List.of("chart-held", "chart-ratio", "chart-calls", "chart-cold");

    private static final Scenario TINY = SimulationTest.tiny();
    private static final List<RunResult> RESULTS = POLICIES.stream()
            .map(n -> Simulation.run(TINY, Policies.create(n, TINY))).toList();

    /** The page for the tiny scenario run with both policies. */
    static String tinyPage() {
        return HtmlReport.html(TINY, RESULTS);
    }

    private final String html = tinyPage();

    @Test
    void isOneSelfContainedPage() {
        assertThat(html).startsWith("<!DOCTYPE html>\n").endsWith("</html>\n").contains("<meta charset=\"utf-8\"/>");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("http://", "https://", "src=", "href=", "<script",
                "url(", "@import", "<link", "<img", "<iframe");
        assertThat(html).contains("default-src 'none'");
        assertThat(html.chars()).allMatch(c -> c == '\n' || c >= ' ' && c < 127);
    }

    @Test
    void headsWithTheScenarioFileDurationAndSeed() {
        assertThat(html).contains("<title>podnet simulate: tiny.yaml</title>", "<h1>podnet simulate: tiny.yaml</h1>",
                "20m measured", "seed 7", "sampled every 10s");
    }

    @Test
    void drawsFourChartsEachWithATitleALegendEntryPerPolicyAndALinePerPolicyAndSeries() throws Exception {
        Document doc = parse(html);
        List<Element> svgs = elements(doc.getDocumentElement(), "svg");
        assertThat(svgs).extracting(s -> s.getAttribute("id")).containsExactlyElementsOf(CHART_IDS);
        for (Element svg : svgs) {
            String id = svg.getAttribute("id");
            assertThat(elements(svg, "title")).as(id).singleElement()
                    .satisfies(t -> assertThat(t.getTextContent()).endsWith("over time, per policy"));
            assertThat(withClass(svg, "legend-entry")).as(id).extracting(Element::getTextContent)
                    .containsExactlyElementsOf(POLICIES);
            int series = id.equals("chart-held") || id.equals("chart-calls") ? 2 : 1;
            List<Element> lines = elements(svg, "polyline");
            assertThat(lines).as(id).hasSize(POLICIES.size() * series);
            assertThat(lines).as(id).allSatisfy(l -> assertThat(l.getAttribute("points").split(" ")).hasSizeGreaterThan(10));
            assertThat(withClass(svg, "legend-key")).as(id).hasSize(series == 2 ? 2 : 0);
        }
        // The policies' colours differ, and the held chart's in-use line is dashed.
        List<Element> held = elements(svgs.getFirst(), "polyline");
        assertThat(held.get(0).getAttribute("stroke")).isEqualTo(SvgChart.COLOURS.get(0))
                .isNotEqualTo(held.get(2).getAttribute("stroke"));
        assertThat(held.get(1).getAttribute("stroke-dasharray")).isNotEmpty();
        assertThat(held.get(0).getAttribute("stroke-dasharray")).isEmpty();
    }

    @Test
    void axesHaveTicksAndLabelsInMinutesForAShortRun() throws Exception {
        Element held = elements(parse(html).getDocumentElement(), "svg").getFirst();
        List<String> labels = elements(held, "text").stream().map(Element::getTextContent).toList();
        // 20 minutes: ticks every 5 minutes; the y axis says what it counts.
        assertThat(labels).contains("0", "5", "10", "15", "20", "time since the measured part began (minutes)",
                "addresses", "held", "in use");
    }

    @Test
    void tableHasARowPerPolicyWithTheTextOutputsNumbers() throws Exception {
        Element table = withClass(parse(html).getDocumentElement(), "summary").getFirst();
        List<Element> rows = elements(table, "tr");
        assertThat(rows).hasSize(1 + POLICIES.size());
        for (int i = 0; i < POLICIES.size(); i++) {
            RunResult r = RESULTS.get(i);
            List<String> cells = elements(rows.get(i + 1), "td").stream().map(Element::getTextContent).toList();
            assertThat(cells).hasSize(10);
            assertThat(cells.getFirst()).isEqualTo(POLICIES.get(i));
            assertThat(cells.get(1)).isEqualTo(String.format(Locale.ROOT, "%.2f", r.heldPerRunningPod()));
            assertThat(cells.get(3)).isEqualTo(Long.toString(r.coldStarts()));
            assertThat(cells.get(6)).isEqualTo(String.format(Locale.ROOT, "%,d", r.ec2Calls()));
        }
    }

    @Test
    void escapesPolicyNamesAndParsesAsXml() throws Exception {
        String evil = "a<b>&c'd\"e: \u00e9";
        String page = HtmlReport.html(TINY, List.of(result(evil, 30)));
        assertThat(page).contains("a&lt;b&gt;&amp;c&#39;d&quot;e: &#233;").doesNotContain("a<b>", "<b>&c");
        Document doc = parse(page);
        assertThat(withClass(doc.getDocumentElement(), "legend-entry")).hasSize(CHART_IDS.size())
                .allSatisfy(e -> assertThat(e.getTextContent()).isEqualTo(evil));
    }

    @Test
    void aDayLongRunIsDownSampledAndCountedInHours() throws Exception {
        int day = 8_641;
        String page = HtmlReport.html(TINY, List.of(result("day", day)));
        Element calls = elements(parse(page).getDocumentElement(), "svg").get(2);
        for (Element line : elements(calls, "polyline")) {
            String[] points = line.getAttribute("points").split(" ");
            assertThat(points.length).isLessThanOrEqualTo(SvgChart.MAX_POINTS).isGreaterThan(SvgChart.MAX_POINTS / 2);
        }
        assertThat(page).contains("time since the measured part began (hours)");
        assertThat(page.length()).isLessThan(200_000);
        List<RunResult.Sample> kept = SvgChart.downsample(result("day", day).samples());
        assertThat(kept.getFirst().seconds()).isZero();
        assertThat(kept.getLast().seconds()).isEqualTo((day - 1) * 10.0);
    }

    @Test
    void theSameRunsGiveTheSameBytesWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(HtmlReport.html(TINY, RESULTS)).isEqualTo(html);
        } finally {
            Locale.setDefault(saved);
        }
    }

    /** A run made by hand: {@code samples} samples 10 s apart, held and calls growing. */
    private static RunResult result(String name, int samples) {
        List<RunResult.Sample> series = IntStream.range(0, samples).mapToObj(i -> new RunResult.Sample(i * 10.0,
                10 + i % 7, 0, 20 + i % 11, 10, i / 3, i / 30, 0.1, i / 50)).toList();
        return new RunResult(name, 1.5, 2, 3, 4, 5, 6, 7, 0.1, 10, OptionalDouble.empty(), 10, 20, 0, Map.of(),
                List.of(), List.of(), series, 0, 0);
    }

    static Document parse(String page) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> withClass(Element root, String cls) {
        return elements(root, "*").stream().filter(e -> e.getAttribute("class").equals(cls)).toList();
    }
}

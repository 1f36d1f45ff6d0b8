package dev.podnet.planner.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.podnet.planner.report.Finding;
import dev.podnet.planner.report.PlanReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final String SVG_NS = "xmlns=\"http://www.w3.org/2000/svg\"";

    private static final String TRACK = "<rect x=\"" + SubnetChart.BAR_X + "\"";

    private final String html = HtmlReport.render(HtmlFixture.report());

    @Test
    void isOneSelfContainedHtml5Document() {
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<meta charset=\"utf-8\">").endsWith("</html>\n");
        String lower = html.replace(SVG_NS, "").toLowerCase(Locale.ROOT);
        assertThat(lower).doesNotContain("http://", "https://", "src=", "<script", "@import", "url(", "<link",
                "<img", "<iframe", "@font-face");
        // The browser enforces it too: nothing may be fetched even if a later change adds a reference.
        assertThat(html).contains("default-src 'none'");
    }

    @Test
    void showsEveryZoneGroupAndFinding() {
        assertThat(html).contains("eu-west-1a", "eu-west-1b", "eu-west-1c");
        assertThat(html).contains("web-general", "batch-workers", "m5.large", "c5.xlarge");
        for (Finding f : HtmlFixture.findings()) {
            assertThat(html).contains(Html.esc(f.message()));
        }
        for (String cidr : List.of("10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "100.64.0.0/18",
                "100.64.64.0/21", HtmlFixture.OVER_CIDR, "100.64.0.0/16", "192.168.0.0/16")) {
            assertThat(html).contains(cidr);
        }
        assertThat(html).contains("<li>overlaps the route to 192.168.0.0/16 in route table rtb-0a1b2c3d (peering)</li>");
    }

    @Test
    void headerCarriesNameRegionModePodsHostedAndVerdict() {
        assertThat(html).contains("<title>podnet plan \u00b7 prod-eu</title>", "eu-west-1", "custom-networking");
        // 12 x 18 + 60 x 40 pods.
        assertThat(html).contains("<span>Pods hosted</span><b>2,616</b>");
        assertThat(html).contains("<div class=\"verdict bad\"><b>Does not fit.</b> 1 error must be fixed");

        String fits = HtmlReport.render(HtmlFixture.report("prod-eu", HtmlFixture.report().groups(),
                List.of(Finding.warning("just a warning"))));
        assertThat(fits).contains("<div class=\"verdict ok\"><b>Fits.</b> 2,616 pods on 72 nodes in 3 zones; "
                + "1 warning to read.").doesNotContain("verdict bad");
    }

    @Test
    void findingsAreColouredBySeverityErrorsFirst() {
        int error = html.indexOf("<li class=\"error\">");
        int warning = html.indexOf("<li class=\"warning\">");
        int info = html.indexOf("<li class=\"info\">");
        assertThat(error).isPositive().isLessThan(warning);
        assertThat(warning).isLessThan(info);
        assertThat(html).contains("li.error { background: #fdecec", "li.warning { background: #fff5df",
                "li.info { background: #f1f3f5");
    }

    @Test
    void escapesEverythingTakenFromTheReport() {
        String evil = "<script>alert('x')</script>";
        PlanReport report = HtmlFixture.report("a\"b<i>&", List.of(HtmlFixture.m5(evil), HtmlFixture.c5()),
                List.of(Finding.warning("name " + evil)));
        String page = HtmlReport.render(report);

        assertThat(page.toLowerCase(Locale.ROOT)).doesNotContain("<script", "<i>");
        assertThat(page).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("a&quot;b&lt;i&gt;&amp;");
    }

    @Test
    void marksTheOverFullSubnet() {
        String row = tableRow(html, HtmlFixture.OVER_CIDR);
        assertThat(row).startsWith("<tr class=\"over\">").contains("over by 439", "186.6%");
        assertThat(tableRow(html, "100.64.0.0/18")).startsWith("<tr>");

        String bar = chartRow(html, HtmlFixture.OVER_CIDR);
        assertThat(bar).startsWith("<g class=\"row over\">").contains("OVER CAPACITY", "short by 439 addresses");
        // Drawn full and red: the fill is exactly as wide as the track.
        String track = attr(bar, TRACK, "width");
        assertThat(bar).contains("width=\"" + track + "\" height=\"16\" rx=\"3\" fill=\"" + Style.RED + "\"");
    }

    @Test
    void barsAboveEightyPercentAreAmber() {
        assertThat(chartRow(html, "100.64.64.0/21")).contains("fill=\"" + Style.AMBER + "\"", "81.0%");
        assertThat(chartRow(html, "100.64.0.0/18")).contains("fill=\"" + Style.BLUE + "\"", "7.9%");
        assertThat(tableRow(html, "100.64.64.0/21")).contains("<td class=\"n warn-text\">81.0%</td>");
    }

    @Test
    void barsAreScaledToTheLargestValueInTheirChart() {
        // The /18 is the largest subnet: full width. A /19 is half of it.
        String full = Html.px(SubnetChart.BAR_W);
        assertThat(attr(chartRow(html, "100.64.0.0/18"), TRACK, "width")).isEqualTo(full);
        assertThat(attr(chartRow(html, "10.0.0.0/19"), TRACK, "width"))
                .isEqualTo(Html.px(SubnetChart.BAR_W * 8_187.0 / 16_379));
        // Group chart: c5.xlarge holds the most per node (43 + 16) and in total (60 x 59): full width in both.
        assertThat(html).contains("x=\"250.0\" y=\"78\" width=\"196.8\"", "x=\"446.8\" y=\"78\" width=\"73.2\"");
        assertThat(html).contains("x=\"670.0\" y=\"78\" width=\"196.8\"", "x=\"866.8\" y=\"78\" width=\"73.2\"");
    }

    @Test
    void groupChartShowsInUseAndWarmPerNodeAndPerGroupWithALegend() {
        assertThat(html).contains("43 + 16 = <tspan font-weight=\"700\">59</tspan>",
                "2,580 + 960 = <tspan font-weight=\"700\">3,540</tspan>",
                "20 + 10 = <tspan font-weight=\"700\">30</tspan>",
                "240 + 120 = <tspan font-weight=\"700\">360</tspan>");
        assertThat(html).contains("<g class=\"legend\">", "in use: pod addresses", "warm: unused addresses");
    }

    @Test
    void formatsNumbersWithThousandsSeparatorsWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            String page = HtmlReport.render(HtmlFixture.report());
            assertThat(page).contains("16,379", "8,187", "15,079", "2,616").doesNotContain("16.379");
            assertThat(page).isEqualTo(html);
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void tablesCarryEveryColumn() {
        String c5 = tableRow(html, "c5.xlarge");
        assertThat(c5).contains("<td class=\"n\">60</td><td class=\"n\">40</td><td class=\"n\">44</td>",
                "<td class=\"n\">3 / 1</td><td class=\"slots\">14 \u00b7 14 \u00b7 14</td>",
                "<td class=\"n\">59</td><td class=\"n\">59</td><td class=\"n\">7</td>",
                "<span class=\"nowrap\">eu-west-1a: 20</span> \u00b7 <span class=\"nowrap\">eu-west-1b: 26</span>");
        assertThat(tableRow(html, "10.0.32.0/19")).contains("<td>eu-west-1b</td><td>nodes</td>",
                "<td class=\"n\">8,187</td><td class=\"n\">30</td><td class=\"n\">8,157</td>",
                "<td class=\"n\">0.4%</td>");
        assertThat(tableRow(html, "100.64.0.0/16")).contains("allowed");
        assertThat(tableRow(html, "192.168.0.0/16")).contains("refused");
    }

    @Test
    void ipv6RowsCountSlashEightyPrefixes() {
        String page = HtmlReport.render(HtmlFixture.ipv6Report());
        assertThat(chartRow(page, "2a05:d018:1234:5600::/64"))
                .contains("3 of 65,536 /80 prefixes used", "65,533 /80 prefixes left", "&lt;0.1%");
        assertThat(chartRow(page, "10.0.0.0/24")).contains("3 of 251 addresses used");
        // A separate scale: the /64 does not flatten the IPv4 bars.
        assertThat(attr(chartRow(page, "10.0.0.0/24"), TRACK, "width")).isEqualTo(Html.px(SubnetChart.BAR_W));
        assertThat(tableRow(page, "2a05:d018:1234:5601::/64")).contains("/80s");
    }

    @Test
    void squeezesLabelsTooLongForTheirColumn() {
        String page = HtmlReport.render(HtmlFixture.longNames());
        assertThat(chartRow(page, "2600:1f14:abcd:ef01::/64")).contains("textLength=\"" + (SubnetChart.BAR_X - 14)
                + "\" lengthAdjust=\"spacingAndGlyphs\">us-west-2-lax-1a \u00b7 ipv6 \u00b7 2600:1f14:abcd:ef01::/64");
        assertThat(chartRow(page, "10.20.0.0/26")).doesNotContain("textLength");
        // The group chart clips a long name, keeping the whole of it in the tooltip and the table.
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt; inf\u2026</text>",
                "<b>&lt;script&gt;alert(1)&lt;/script&gt; inference-gpu-workers-spot-fallback-pool</b>");
        assertThat(page.toLowerCase(Locale.ROOT)).doesNotContain("<script", "<staging>", "<b>not bold");
    }

    @Test
    void everySvgIsWellFormedXml() throws Exception {
        String evil = HtmlReport.render(HtmlFixture.report("x", List.of(HtmlFixture.m5("a<b>&\"c'")), List.of()));
        for (String page : List.of(html, evil, HtmlReport.render(HtmlFixture.ipv6Report()),
                HtmlReport.render(HtmlFixture.longNames()))) {
            List<String> svgs = svgs(page);
            assertThat(svgs).hasSize(2);
            for (String svg : svgs) {
                assertThatCode(() -> DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))))
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void rendersAnEmptyPlan() {
        String page = HtmlReport.render(new PlanReport("empty", "us-east-1", "prefix", List.of(), List.of(),
                List.of(), List.of()));
        assertThat(page).contains("Fits.", "Nothing to report.", "The plan has no node groups.",
                "The plan uses no subnets.", "The plan associates no secondary CIDR").doesNotContain("<svg");
    }

    private static String tableRow(String page, String needle) {
        int at = page.indexOf(needle, page.indexOf("<table"));
        assertThat(at).as("%s in a table", needle).isPositive();
        int start = page.lastIndexOf("<tr", at);
        return page.substring(start, page.indexOf("</tr>", at) + 5);
    }

    private static String chartRow(String page, String cidr) {
        int at = page.indexOf("\u00b7 " + cidr + ": ");
        assertThat(at).as("%s in the chart", cidr).isPositive();
        int start = page.lastIndexOf("<g class=\"row", at);
        return page.substring(start, page.indexOf("</g>", at) + 4);
    }

    private static String attr(String text, String elementStart, String name) {
        int at = text.indexOf(elementStart);
        assertThat(at).as(elementStart).isNotNegative();
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(text.substring(at, text.indexOf('>', at)));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<String> svgs(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(page);
        while (m.find()) {
            out.add(m.group().replaceFirst("<svg", "<svg " + SVG_NS));
        }
        return out;
    }
}

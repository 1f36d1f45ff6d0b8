package dev.podnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The podnet command as a user runs it: arguments in, exit status and the two streams out. */
class MainTest {
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("plan", "maxpods", "subnet-calc", "cidr", "instances");
        for (String sub : new String[] {"plan", "maxpods", "subnet-calc", "instances"}) {
            assertThat(run(sub, "--help").out()).as(sub).contains("Examples:");
        }
        assertThat(run("cidr", "check", "--help").out()).contains("Examples:");
        assertThat(run("cidr", "carve", "--help").out()).contains("Examples:");
    }

    @Test
    void maxpodsJsonHasTheFieldsScriptsUse() throws Exception {
        Run r = run("maxpods", "m5.large", "t3.medium", "c5.18xlarge", "--output", "json");
        assertThat(r.status()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("instanceType").asText()).isEqualTo("m5.large");
        assertThat(json.get(0).get("maxPods").asInt()).isEqualTo(29);
        assertThat(json.get(0).get("enis").asInt()).isEqualTo(3);
        assertThat(json.get(0).get("ipv4PerEni").asInt()).isEqualTo(10);
        assertThat(json.get(0).get("mode").asText()).isEqualTo("secondary-ip");
        assertThat(json.get(1).get("maxPods").asInt()).isEqualTo(17);
        assertThat(json.get(2).get("maxPods").asInt()).isEqualTo(737);
    }

    @Test
    void unknownTypeIsExit2WithAHintAndNoStackTrace() {
        Run r = run("maxpods", "m5.larg");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("podnet maxpods: unknown instance type \"m5.larg\"; did you mean m5.large?\n");
    }

    @Test
    void usageErrorsAreExit2() {
        assertThat(run("maxpods").status()).isEqualTo(2);
        assertThat(run("subnet-calc", "--subnet", "10.0.0.0/24", "--node", "m5.large:x:3").err())
                .isEqualTo("podnet subnet-calc: --node \"m5.large:x:3\": COUNT \"x\" is not a whole number\n");
        assertThat(run("subnet-calc", "--subnet", "10.0.0.1/24", "--node", "m5.large:1:3").err())
                .contains("has host bits set; did you mean 10.0.0.0/24?");
        assertThat(run("maxpods", "m5.large", "--mode", "prefixes").status()).isEqualTo(2);
        Run yaml = run("cidr", "check", "--vpc-cidr", "10.0.0.0/16", "--add", "100.64.0.0/16", "-o", "yaml");
        assertThat(yaml.status()).isEqualTo(2);
        assertThat(yaml.err()).isEqualTo("podnet cidr check: --output yaml is not supported here; use text or json\n");
    }

    @Test
    void overlayTakesExactlyOneStore(@TempDir Path tmp) throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Run both = run("overlay", "--etcd-endpoints", "http://127.0.0.1:1", "--kubeconfig", kubeconfig.toString());
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("podnet overlay: give one cluster store: --etcd-endpoints or --kubeconfig, "
                + "not several\n");
        Run nodeOnEtcd = run("overlay", "--etcd-endpoints", "http://127.0.0.1:1", "--node-name", "n1");
        assertThat(nodeOnEtcd.status()).isEqualTo(2);
        assertThat(nodeOnEtcd.err()).startsWith("podnet overlay: --node-name is for the API server (--kubeconfig)");
        Run badConf = run("overlay", "--kubeconfig", kubeconfig.toString(), "--net-conf", tmp.resolve("nope").toString());
        assertThat(badConf.status()).isEqualTo(2);
        assertThat(badConf.err()).startsWith("podnet overlay: --net-conf: cannot read " + tmp.resolve("nope"));
        Run subnetMgrOnEtcd = run("overlay", "--kube-subnet-mgr", "--etcd-endpoints", "http://127.0.0.1:1");
        assertThat(subnetMgrOnEtcd.status()).isEqualTo(2);
        assertThat(subnetMgrOnEtcd.err()).isEqualTo("podnet overlay: --kube-subnet-mgr finds the nodes in the API "
                + "server; it takes no --etcd-endpoints\n");
        Path netConf = Files.writeString(tmp.resolve("net-conf.json"), "{\"Backend\":{\"Type\":\"vxlan\"}}");
        Run noNetwork = run("overlay", "--kube-subnet-mgr", "--kubeconfig", kubeconfig.toString(), "--net-conf",
                netConf.toString());
        assertThat(noNetwork.status()).isEqualTo(2);
        assertThat(noNetwork.err()).startsWith("podnet overlay: " + netConf).contains("Network");
        Run badEtcd = run("overlay", "--etcd-endpoints", "ftp://x");
        assertThat(badEtcd.status()).isEqualTo(2);
        assertThat(badEtcd.err()).startsWith("podnet overlay: --etcd-endpoints: ");
    }

    @Test
    void agentSettingsAreValidatedBeforeAnythingStarts(@TempDir Path tmp) throws Exception {
        Run noPool = run("agent", "--socket", tmp.resolve("a.sock").toString(), "--state-dir", tmp.toString());
        assertThat(noPool.status()).isEqualTo(2);
        assertThat(noPool.err()).isEqualTo("podnet agent: no pool: give at least one --pool NAME=CIDR[,CIDR6], --cluster-pool NAME=CIDR or --cloud aws\n");
        Run badPool = run("agent", "--pool", "default=10.0.0.1/24", "--state-dir", tmp.toString());
        assertThat(badPool.err()).startsWith("podnet agent: --pool \"default=10.0.0.1/24\": ").contains("host bits");
        assertThat(run("agent", "--pool", "x=10.0.0.0/24", "--metrics-listen", "0.0.0.0:9100",
                "--socket", tmp.resolve("b.sock").toString(), "--state-dir", tmp.resolve("s").toString()).err())
                .contains("not a loopback address");
        Path config = tmp.resolve("agent.yaml");
        Files.writeString(config, "pools: [default=10.0.0.0/24]\nsokcet: /tmp/x\n");
        Run badKey = run("agent", "--config", config.toString());
        assertThat(badKey.status()).isEqualTo(2);
        assertThat(badKey.err()).startsWith("podnet agent: " + config + ": Unrecognized field \"sokcet\"");
        assertThat(tmp.resolve("a.sock")).doesNotExist();
    }

    @Test
    void agentSettingsComeFromFlagsThenEnvironmentThenFile(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("agent.yaml");
        Files.writeString(config, "socket: /file.sock\nstateDir: /file-state\npools: [file=10.1.0.0/24]\nquarantineSeconds: 5\n");
        AgentCommand command = new AgentCommand();
        new picocli.CommandLine(command).parseArgs("--config", config.toString(), "--state-dir", "/flag-state");
        var settings = command.settings(java.util.Map.of("PODNET_SOCKET", "/env.sock", "PODNET_POOLS", "a=10.2.0.0/24;b=10.3.0.0/24"));
        assertThat(settings.socket()).isEqualTo(Path.of("/env.sock"));
        assertThat(settings.stateDir()).isEqualTo(Path.of("/flag-state"));
        assertThat(settings.pools()).extracting(dev.podnet.ipam.Pool::name).containsExactly("a", "b");
        assertThat(settings.quarantine()).isEqualTo(java.time.Duration.ofSeconds(5));
    }

    @Test
    void subnetCalcVerdictAndExitStatus() {
        Run fits = run("subnet-calc", "--subnet", "10.0.0.0/24", "--node", "m5.large:8:20");
        assertThat(fits.status()).isZero();
        assertThat(fits.out()).contains("Verdict: fits: 240 of 251 usable addresses used");
        Run full = run("subnet-calc", "--subnet", "10.0.0.0/24", "--node", "m5.large:9:20");
        assertThat(full.status()).isEqualTo(3);
        assertThat(full.out()).contains("DOES NOT FIT: 270 addresses needed, 251 usable");
    }

    @Test
    void cidrCheckExplainsRefusals() {
        Run ok = run("cidr", "check", "--vpc-cidr", "10.0.0.0/16", "--add", "100.64.0.0/16");
        assertThat(ok.status()).isZero();
        assertThat(ok.out()).isEqualTo("100.64.0.0/16: allowed as a secondary CIDR of 10.0.0.0/16\n");
        Run refused = run("cidr", "check", "--vpc-cidr", "10.0.0.0/16", "--add", "169.254.0.0/16");
        assertThat(refused.status()).isEqualTo(3);
        assertThat(refused.out()).contains("[link-local]");
    }

    @Test
    void planWritesEveryArtifactOrNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Run r = run("plan", "../examples/custom-networking.yaml", "--out-dir", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Verdict: fits");
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("eniconfigs.yaml")).exists();
        assertThat(out.resolve("vpc-setup.sh")).isExecutable();

        Path plan = tmp.resolve("bad.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/prefix-mode.yaml"))
                .replace("nodeSubnet: 10.20.0.0/19", "nodeSubnet: 10.20.0.0/24"));
        Path none = tmp.resolve("none");
        Run bad = run("plan", plan.toString(), "--out-dir", none.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith(plan + ": zones[0].nodeSubnet: us-east-1a node subnet 10.20.0.0/24 cannot hold");
        assertThat(none).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out", "bad.yaml");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"custom-networking.yaml", "prefix-mode.yaml",
            "private-cluster.yaml", "dual-stack-underlay.yaml"})
    void everyBundledExamplePlansCleanly(String example, @TempDir Path tmp) {
        Run r = run("plan", "../examples/" + example, "--out-dir", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Verdict: fits").doesNotContain("ERROR");
        assertThat(tmp.resolve("report.html")).exists();
        assertThat(tmp.resolve("vpc-setup.sh")).isExecutable();
    }

    @Test
    void planInputErrorsNameTheFileAndField(@TempDir Path tmp) throws Exception {
        Path plan = tmp.resolve("p.yaml");
        Files.writeString(plan, Files.readString(Path.of("../examples/custom-networking.yaml")).replace("m5.large", "m5.larg"));
        Run r = run("plan", plan.toString(), "--out-dir", tmp.resolve("out").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(plan + ": nodeGroups[0].instanceType: unknown instance type \"m5.larg\"; did you mean m5.large?\n");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void planOutputsParse() throws Exception {
        JsonNode json = new ObjectMapper().readTree(run("plan", "../examples/prefix-mode.yaml", "-o", "json").out());
        assertThat(json.get("fits").asBoolean()).isTrue();
        assertThat(json.get("podsHosted").asLong()).isEqualTo(30 * 100 + 6 * 108);
        assertThat(json.get("subnets").get(0).get("remaining").asLong()).isEqualTo(8187 - 12 * 113);
        String yaml = run("plan", "../examples/prefix-mode.yaml", "-o", "yaml").out();
        assertThat(new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml).get("mode").asText())
                .isEqualTo("prefix");
        assertThat(run("plan", "../examples/prefix-mode.yaml", "-o", "html").out()).startsWith("<!DOCTYPE html>");
    }

    @Test
    void simulatePrintsTheHtmlPageAndWritesItWithTheCsv(@TempDir Path tmp) throws Exception {
        String tiny = "../examples/simulate-tiny.yaml";
        Run html = run("simulate", tiny, "--policy", "vpc-cni", "-o", "html");
        assertThat(html.status()).as(html.err()).isZero();
        assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("<svg id=\"chart-held\"", "<td>")
                .endsWith("</html>\n");

        Run xml = run("simulate", tiny, "--policy", "vpc-cni", "-o", "xml");
        assertThat(xml.status()).isEqualTo(2);
        assertThat(xml.err()).contains("--output \"xml\" is not supported; use text, json or html");

        Path out = tmp.resolve("out");
        Run text = run("simulate", tiny, "--policy", "vpc-cni", "--out-dir", out.toString());
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).startsWith(tiny + ": 20m measured");
        assertThat(text.err()).contains("wrote " + out.resolve("vpc-cni.csv"), "wrote " + out.resolve("report.html"));
        assertThat(Files.readString(out.resolve("report.html"))).isEqualTo(html.out());
        assertThat(Files.readAllLines(out.resolve("vpc-cni.csv")).getFirst()).endsWith(",coldStarts");
    }
}

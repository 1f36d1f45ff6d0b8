package dev.podnet.planner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.planner.artifacts.ArtifactFixtures.Scenario;
import dev.podnet.planner.report.Artifact;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** bash accepts every generated script, and values from the plan reach the commands unchanged. */
class ArtifactShellTest {

    static Stream<Scenario> scenarios() {
        return ArtifactFixtures.scenarios();
    }

    /**
     * Runs bash with {@code args} and {@code stdin} as its input, in an empty environment whose PATH finds no
     * programs: a script that got past its checks could never reach a real aws or kubectl.
     */
    private static Result bash(String stdin, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("/bin/bash"), Stream.of(args)).toList())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/nonexistent");
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    private record Result(int exitCode, String output) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void bashAcceptsEveryScript(Scenario s) throws Exception {
        List<Artifact> scripts = ArtifactGenerator.generate(s.plan(), s.report()).stream()
                .filter(a -> a.path().endsWith(".sh")).toList();
        assertThat(scripts).isNotEmpty();
        for (Artifact script : scripts) {
            Result result = bash(script.content(), "-n");
            assertThat(result.exitCode()).as(script.path() + ": " + result.output()).isZero();
            assertThat(script.content()).startsWith("#!/usr/bin/env bash\n").contains("\nset -euo pipefail\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "$(touch /tmp/x)", "a\"b", "`id`", "semi;colon", "*", ""})
    void quotedValuesReachCommandsUnchanged(String value) throws Exception {
        Result result = bash("printf '%s' " + ShellScript.quote(value));
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).isEqualTo(value);
    }

    @Test
    void zoneVariablesAreShellNames() {
        assertThat(ShellScript.zoneVariable("POD_SUBNET", "eu-west-1a")).isEqualTo("POD_SUBNET_EU_WEST_1A");
        assertThat(ShellScript.zoneVariable("ROUTE_TABLE", "us-west-2-lax-1a")).isEqualTo("ROUTE_TABLE_US_WEST_2_LAX_1A");
    }

    @Test
    void missingInputsStopTheScriptBeforeAnyStep() throws Exception {
        Scenario s = ArtifactFixtures.prefix();
        Artifact setup = ArtifactGenerator.generate(s.plan(), s.report()).getFirst();
        // VPC_ID is unknown in this plan, so bash must stop at the variable block; aws is never reached
        Result result = bash(setup.content(), "-s");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("set VPC_ID to the id of the cluster VPC");
    }
}

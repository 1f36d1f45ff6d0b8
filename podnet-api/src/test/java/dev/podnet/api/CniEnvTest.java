package dev.podnet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CniEnvTest {
    private static Map<String, String> env(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "3f6940ab5ab43bc522569d15b23f8c1bbde1d7678b080398506924fc01d72755");
        env.put("CNI_NETNS", "/var/run/netns/cni-1234");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin::/usr/lib/cni");
        env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
        return env;
    }

    @Test
    void addReadsEveryVariable() {
        CniEnv env = CniEnv.parse(env("ADD"));

        assertThat(env.command()).isEqualTo(CniCommand.ADD);
        assertThat(env.containerId()).startsWith("3f6940ab");
        assertThat(env.netns()).isEqualTo("/var/run/netns/cni-1234");
        assertThat(env.ifName()).isEqualTo("eth0");
        assertThat(env.path()).containsExactly("/opt/cni/bin", "/usr/lib/cni");
        assertThat(env.args()).containsExactly(Map.entry("IgnoreUnknown", "1"), Map.entry("K8S_POD_NAMESPACE", "default"),
                Map.entry("K8S_POD_NAME", "web-0"));
    }

    /** Required variables per command, SPEC.md 1.1.0: an empty value counts as missing. */
    @ParameterizedTest(name = "{0} without {1}: {2}")
    @CsvSource({
        "ADD, CNI_CONTAINERID, 4", "ADD, CNI_NETNS, 4", "ADD, CNI_IFNAME, 4", "ADD, CNI_PATH, 0", "ADD, CNI_ARGS, 0",
        "DEL, CNI_CONTAINERID, 4", "DEL, CNI_NETNS, 0", "DEL, CNI_IFNAME, 4", "DEL, CNI_PATH, 0",
        "CHECK, CNI_CONTAINERID, 4", "CHECK, CNI_NETNS, 4", "CHECK, CNI_IFNAME, 4", "CHECK, CNI_PATH, 0",
        "VERSION, CNI_CONTAINERID, 0", "VERSION, CNI_NETNS, 0", "VERSION, CNI_IFNAME, 0", "VERSION, CNI_PATH, 0",
        "STATUS, CNI_CONTAINERID, 0", "STATUS, CNI_NETNS, 0", "STATUS, CNI_IFNAME, 0", "STATUS, CNI_PATH, 0",
        "GC, CNI_CONTAINERID, 0", "GC, CNI_NETNS, 0", "GC, CNI_IFNAME, 0", "GC, CNI_PATH, 4"
    })
    void requiredVariablesPerCommand(String command, String variable, int code) {
        for (String absent : new String[] {null, ""}) {
            Map<String, String> env = env(command);
            env.put(variable, absent);
            if (code == 0) {
                assertThat(CniEnv.parse(env).command()).isEqualTo(CniCommand.parse(command));
            } else {
                assertThatThrownBy(() -> CniEnv.parse(env)).isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.msg()).contains(variable);
                });
            }
        }
    }

    @Test
    void everyMissingVariableIsNamedAtOnce() {
        assertThatThrownBy(() -> CniEnv.parse(Map.of("CNI_COMMAND", "ADD")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.msg())
                        .isEqualTo("required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing"));
    }

    @Test
    void commandsThatTargetNoAttachmentDropIdentityVariables() {
        CniEnv gc = CniEnv.parse(env("GC"));
        CniEnv version = CniEnv.parse(env("VERSION"));

        assertThat(gc.containerId()).isNull();
        assertThat(gc.ifName()).isNull();
        assertThat(gc.netns()).isNull();
        assertThat(gc.path()).containsExactly("/opt/cni/bin", "/usr/lib/cni");
        assertThat(version.args()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "add", "Add", "INIT", "FINALIZE", "ADD "})
    void unknownCommandsAreCodeFour(String command) {
        assertThatThrownBy(() -> CniEnv.parse(Map.of("CNI_COMMAND", command)))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(CniException.INVALID_ENVIRONMENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "abc-DEF_1.2", "3f6940ab5ab43bc522569d15b23f8c1bbde1d7678b080398506924fc01d72755"})
    void validContainerIds(String id) {
        Map<String, String> env = env("DEL");
        env.put("CNI_CONTAINERID", id);

        assertThat(CniEnv.parse(env).containerId()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-abc", "_abc", ".abc", "abc/def", "abc def", "abc;def", "ä", "abc\u00e9", "a\nb"})
    void invalidContainerIdsAreCodeFour(String id) {
        Map<String, String> env = env("ADD");
        env.put("CNI_CONTAINERID", id);

        assertThatThrownBy(() -> CniEnv.parse(env)).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(CniException.INVALID_ENVIRONMENT);
            assertThat(e.msg()).isEqualTo("invalid characters in containerID");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "e", "net1", "a.b", "...", "vethabcdef01234", "eth-0_x@y"})
    void validInterfaceNames(String ifName) {
        Map<String, String> env = env("ADD");
        env.put("CNI_IFNAME", ifName);

        assertThat(CniEnv.parse(env).ifName()).isEqualTo(ifName);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "vethabcdef012345", "eth/0", "eth:0", "eth 0", "eth\t0", "eth\u00a00", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})
    void invalidInterfaceNamesAreCodeFour(String ifName) {
        Map<String, String> env = env("CHECK");
        env.put("CNI_IFNAME", ifName);

        assertThatThrownBy(() -> CniEnv.parse(env)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(CniException.INVALID_ENVIRONMENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "A=1;B", "=1", "A=1;", "A=1;;B=2", "A=1=2"})
    void malformedCniArgsAreCodeFour(String args) {
        Map<String, String> env = env("ADD");
        env.put("CNI_ARGS", args);

        assertThatThrownBy(() -> CniEnv.parse(env)).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).isEqualTo(CniException.INVALID_ENVIRONMENT));
    }

    @Test
    void cniArgsKeepTheLastDuplicateAndEmptyValues() {
        Map<String, String> env = env("ADD");
        env.put("CNI_ARGS", "IP=10.0.0.1;IP=10.0.0.2;EMPTY=");

        assertThat(CniEnv.parse(env).args()).containsExactly(Map.entry("IP", "10.0.0.2"), Map.entry("EMPTY", ""));
    }

    @Test
    void recordsCopyTheirCollections() {
        Map<String, String> args = new HashMap<>(Map.of("A", "1"));
        List<String> path = new java.util.ArrayList<>(List.of("/opt/cni/bin"));
        CniEnv env = new CniEnv(CniCommand.STATUS, null, null, null, args, path);
        args.put("B", "2");
        path.clear();

        assertThat(env.args()).hasSize(1);
        assertThat(env.path()).hasSize(1);
        assertThatThrownBy(() -> env.args().put("C", "3")).isInstanceOf(UnsupportedOperationException.class);
    }
}

package dev.podnet.api;

import static dev.podnet.api.TestJson.bytes;
import static dev.podnet.api.TestJson.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Whatever arrives on stdin or the socket, a decoder either returns a value or throws {@link CniException} with one
 * of the spec's codes: never NullPointerException, ClassCastException, StackOverflowError or OutOfMemoryError.
 */
class DecoderFuzzTest {
    private static final Set<Integer> SPEC_CODES = Set.of(1, 2, 3, 4, 5, 6, 7);
    private static final List<String> FIXTURES = List.of("podnet-ipam-conf.json", "spec-1.0.0-bridge-conf.json",
            "spec-0.4.0-tuning-conf.json", "spec-1.0.0-bridge-result.json", "result-full-1.1.0.json", "result-plain-0.3.0.json");
    private static final List<String> AGENT_LINES = List.of(
            "{\"op\":\"add\",\"containerId\":\"abc\",\"ifName\":\"eth0\",\"netns\":\"/n\",\"pool\":\"p\",\"ips\":[\"10.0.0.7\"],\"args\":{\"K\":\"V\"}}",
            "{\"op\":\"gc\",\"validAttachments\":[{\"containerID\":\"abc\",\"ifname\":\"eth0\"}]}",
            "{\"ok\":true,\"result\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.0.0.7/24\",\"gateway\":\"10.0.0.1\"}]}}",
            "{\"ok\":false,\"error\":{\"code\":11,\"msg\":\"later\",\"details\":\"d\"}}",
            "{\"ok\":true,\"status\":{\"pools\":[{\"name\":\"p\",\"total\":4,\"used\":1,\"free\":2,\"quarantined\":1}],"
                    + "\"allocations\":[{\"address\":\"10.0.0.7\",\"containerId\":\"abc\",\"ifName\":\"eth0\",\"pool\":\"p\"}]}}");

    /** Runs every decoder in the module on the bytes. */
    static void decodeAll(byte[] input) {
        for (CniCommand command : CniCommand.values()) {
            survives(input, () -> NetConfDecoder.decode(input, command));
        }
        survives(input, () -> NetConfDecoder.read(new ByteArrayInputStream(input), CniCommand.ADD));
        survives(input, () -> ResultCodec.decode(input, CniVersion.CURRENT));
        survives(input, () -> AgentWire.decodeRequest(input));
        survives(input, () -> AgentWire.decodeReply(input));
        survives(input, () -> AgentWire.readLine(new ByteArrayInputStream(input)));
        survives(input, () -> PluginOutput.decodeError(input));
        survives(input, () -> PluginOutput.decodeVersion(input));
    }

    private static void survives(byte[] input, Runnable decode) {
        try {
            decode.run();
        } catch (CniException e) {
            if (!SPEC_CODES.contains(e.code())) {
                fail("code " + e.code() + " is not a decoding code, for input " + preview(input));
            }
            assertThat(e.getMessage()).isNotNull();
        } catch (Throwable t) {
            throw new AssertionError("decoder threw " + t + " for input " + preview(input), t);
        }
    }

    private static String preview(byte[] input) {
        String text = TestJson.text(input);
        return text.length() > 300 ? text.substring(0, 300) + "...(" + input.length + " bytes)" : text;
    }

    private static Gen<byte[]> byteArrays(int maxLength) {
        return Generate.byteArrays(Generate.range(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    @Test
    void randomBytes() {
        qt().withExamples(500).forAll(byteArrays(512)).checkAssert(DecoderFuzzTest::decodeAll);
    }

    @Test
    void randomTokenSoup() {
        List<String> tokens = List.of("{", "}", "[", "]", ":", ",", "\"", "\"cniVersion\"", "\"1.1.0\"", "\"name\"", "\"ipam\"",
                "\"type\"", "\"ranges\"", "\"subnet\"", "\"10.0.0.0/24\"", "\"ips\"", "\"address\"", "\"prevResult\"", "\"op\"",
                "\"add\"", "\"ok\"", "true", "false", "null", "0", "-1", "1e9", "99999999999999999999", "\"\\u0000\"", "\"\\ud800\"");
        qt().withExamples(2000).forAll(lists().of(Generate.pick(tokens)).ofSizeBetween(0, 60))
                .checkAssert(parts -> decodeAll(bytes(String.join("", parts))));
    }

    @Test
    void everyTruncationOfEveryValidDocument() {
        for (String text : fixtures()) {
            byte[] full = bytes(text);
            for (int length = 0; length <= full.length; length++) {
                decodeAll(Arrays.copyOf(full, length));
            }
        }
    }

    @Test
    void randomByteMutationsOfValidDocuments() {
        List<byte[]> documents = fixtures().stream().map(TestJson::bytes).toList();
        Gen<int[]> edits = Generate.intArrays(Generate.range(1, 8), Generate.range(0, Integer.MAX_VALUE));
        qt().withExamples(1000).forAll(Generate.range(0, documents.size() - 1), edits).checkAssert((which, edit) -> {
            byte[] doc = documents.get(which).clone();
            for (int e : edit) {
                doc[e % doc.length] = (byte) (e >>> 8);
            }
            decodeAll(doc);
        });
    }

    @Test
    void everyValueReplacedByEveryJsonType() {
        List<Object> replacements = new ArrayList<>(Arrays.asList(7L, -1L, 1.5, "", "x", "10.0.0.1/24", true, null,
                List.of(), List.of(List.of()), Map.of(), Map.of("type", "x")));
        for (String text : fixtures()) {
            Object tree = TinyTree.parse(text);
            for (List<Object> path : TinyTree.paths(tree)) {
                for (Object replacement : replacements) {
                    decodeAll(bytes(TinyTree.write(TinyTree.replace(tree, path, replacement))));
                }
            }
        }
    }

    @Test
    void deepNestingInEveryPositionStopsAtTheLimit() {
        String deepArrays = "[".repeat(200_000);
        String deepObjects = "{\"a\":".repeat(100_000);
        for (String text : fixtures()) {
            Object tree = TinyTree.parse(text);
            for (List<Object> path : TinyTree.paths(tree)) {
                String marker = "\"@@deep@@\"";
                String doc = TinyTree.write(TinyTree.replace(tree, path, "@@deep@@"));
                decodeAll(bytes(doc.replace(marker, deepArrays)));
                decodeAll(bytes(doc.replace(marker, deepObjects)));
            }
        }
        decodeAll(bytes(deepArrays));
        decodeAll(bytes("{\"x\":" + "[{\"y\":".repeat(40) + "1" + "}]".repeat(40) + "}"));
    }

    @Test
    void hugeStringsAndNumbers() {
        String big = "a".repeat(900 * 1024);
        String over = "a".repeat(NetConfDecoder.MAX_STDIN_BYTES);
        for (String key : List.of("cniVersion", "name", "type", "unknown")) {
            decodeAll(bytes("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"" + key + "\":\"" + big + "\"}"));
            decodeAll(bytes("{\"" + key + "\":\"" + over + "\"}"));
        }
        decodeAll(bytes("{\"" + big + "\":1}"));
        decodeAll(bytes("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"runtimeConfig\":{\"ips\":[\"" + big + "\"]}}"));
        decodeAll(bytes("{\"ips\":[{\"address\":\"10.0.0.1/24\",\"interface\":" + "9".repeat(100_000) + "}]}"));
        decodeAll(bytes("{\"ok\":true,\"x\":1e99999999}"));
        decodeAll(bytes("{\"cniVersion\":\"1.1.0\",\"ips\":[" + "{\"address\":\"10.0.0.1/24\"},".repeat(30_000) + "{}]}"));
    }

    @Test
    void manyRangesAreCappedBeforeTheQuadraticOverlapCheck() {
        StringBuilder ranges = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            ranges.append(i == 0 ? "" : ",").append("[{\"subnet\":\"10.").append(i / 256).append('.').append(i % 256).append(".0/24\"}]");
        }
        byte[] doc = bytes("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"ranges\":[" + ranges + "]}}");
        long start = System.nanoTime();

        decodeAll(doc);

        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void randomEnvironments() {
        List<String> values = List.of("", "ADD", "DEL", "CHECK", "VERSION", "STATUS", "GC", "add", "eth0", "a", "-x", ".",
                "..", "x/y", "A=B", "A", "A=B;C", "=", ";", "/opt/cni/bin", "::", "\u0000", "é".repeat(20), "x".repeat(5000));
        Gen<Map<String, String>> envs = lists().of(Generate.pick(values)).ofSize(6).map(picked -> {
            Map<String, String> env = new HashMap<>();
            String[] names = {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"};
            for (int i = 0; i < names.length; i++) {
                env.put(names[i], picked.get(i));
            }
            return env;
        });
        qt().withExamples(3000).forAll(envs).checkAssert(env -> {
            try {
                CniEnv parsed = CniEnv.parse(env);
                assertThat(parsed.command()).isNotNull();
            } catch (CniException e) {
                assertThat(e.code()).isIn(CniException.UNKNOWN_CONTAINER, CniException.INVALID_ENVIRONMENT);
            }
        });
    }

    @Test
    void integersAreReadExactlyOrRefusedNeverWrapped() {
        qt().forAll(Generate.longRange(-(1L << 33), 1L << 33)).checkAssert(n -> {
            byte[] json = bytes("{\"routes\":[{\"dst\":\"::/0\",\"table\":" + n + "}]}");
            if (n >= 0 && n <= Integer.MAX_VALUE) {
                assertThat((long) ResultCodec.decode(json, "1.1.0").routes().get(0).table()).isEqualTo(n);
            } else {
                int expected = n >= Integer.MIN_VALUE && n < 0 ? CniException.INVALID_NETWORK_CONFIG : CniException.DECODING_FAILURE;
                assertThatThrownBy(() -> ResultCodec.decode(json, "1.1.0"))
                        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(expected));
            }
        });
    }

    private static List<String> fixtures() {
        List<String> all = new ArrayList<>();
        for (String name : FIXTURES) {
            all.add(TestJson.compact(resource(name)));
        }
        all.addAll(AGENT_LINES);
        return all;
    }
}

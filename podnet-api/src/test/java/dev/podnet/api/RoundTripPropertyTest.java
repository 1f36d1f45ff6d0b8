package dev.podnet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generated values survive encode/decode for every version, and re-encoding is stable. */
class RoundTripPropertyTest {
    private static final Gen<String> TEXT = Generate.pick(List.of("eth0", "cni0", "veth1234", "a \"quoted\" name", "tab\tnew\nline",
            "é ü ß", "\u2028", "emoji \ud83d\ude00", "back\\slash", "/var/run/netns/blue", "0000:00:05.0"));
    private static final Gen<String> MAYBE_TEXT = Generate.oneOf(Generate.constant((String) null), TEXT);
    private static final Gen<Integer> MAYBE_INT = Generate.oneOf(Generate.constant((Integer) null), Generate.range(0, Integer.MAX_VALUE));
    private static final Gen<Boolean> V6 = Generate.booleans();

    private static Gen<String> address(boolean v6) {
        if (v6) {
            return Generate.intArrays(Generate.constant(8), Generate.range(0, 0xffff)).map(groups -> {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < groups.length; i++) {
                    out.append(i == 0 ? "" : ":").append(Integer.toHexString(groups[i]));
                }
                return out.toString();
            });
        }
        return Generate.intArrays(Generate.constant(4), Generate.range(0, 255))
                .map(o -> o[0] + "." + o[1] + "." + o[2] + "." + o[3]);
    }

    private static Gen<CniResult.IpConfig> ip() {
        return V6.flatMap(v6 -> address(v6).zip(Generate.range(0, v6 ? 128 : 32), Generate.booleans(), MAYBE_INT,
                (a, prefix, gw, index) -> new CniResult.IpConfig(a + "/" + prefix, gw ? a : null, index)));
    }

    private static Gen<CniResult.Route> route() {
        return V6.flatMap(v6 -> address(v6).zip(Generate.range(0, v6 ? 128 : 32), Generate.booleans(), MAYBE_INT, MAYBE_INT,
                (a, prefix, gw, mtu, table) -> new CniResult.Route(a + "/" + prefix, gw ? a : null, mtu, mtu, table, table, mtu)));
    }

    private static Gen<CniResult.Interface> iface() {
        return TEXT.zip(MAYBE_TEXT, MAYBE_INT, MAYBE_TEXT, MAYBE_TEXT,
                (name, mac, mtu, sandbox, socket) -> new CniResult.Interface(name, mac, mtu, sandbox, socket, socket));
    }

    private static Gen<CniResult.Dns> dns() {
        return lists().of(TEXT).ofSizeBetween(0, 3).zip(MAYBE_TEXT, lists().of(TEXT).ofSizeBetween(0, 2),
                (servers, domain, search) -> new CniResult.Dns(servers, domain, search, search));
    }

    static Gen<CniResult> results() {
        return lists().of(iface()).ofSizeBetween(0, 4).zip(lists().of(ip()).ofSizeBetween(0, 4), lists().of(route()).ofSizeBetween(0, 4),
                dns(), (interfaces, ips, routes, dns) -> new CniResult(CniVersion.CURRENT, interfaces, ips, routes, dns));
    }

    @Test
    void resultsRoundTripInEveryVersion() {
        qt().withExamples(400).forAll(results(), Generate.pick(CniVersion.SUPPORTED)).checkAssert((result, version) -> {
            byte[] encoded = ResultCodec.encode(result, version);
            CniResult decoded = ResultCodec.decode(encoded, CniVersion.CURRENT);

            assertThat(decoded).isEqualTo(result.restrictTo(version));
            assertThat(ResultCodec.encode(decoded, version)).isEqualTo(encoded);
        });
    }

    @Test
    void convertingDownThenUpLosesOnlyTheNewerFields() {
        qt().withExamples(300).forAll(results(), Generate.pick(CniVersion.SUPPORTED), Generate.pick(CniVersion.SUPPORTED))
                .checkAssert((result, first, second) -> {
                    CniResult viaFirst = ResultCodec.decode(ResultCodec.encode(result, first), CniVersion.CURRENT);
                    CniResult viaBoth = ResultCodec.decode(ResultCodec.encode(viaFirst, second), CniVersion.CURRENT);

                    String older = CniVersion.compare(first, second) <= 0 ? first : second;
                    assertThat(viaBoth).isEqualTo(result.restrictTo(older).restrictTo(second));
                });
    }

    @Test
    void agentRequestsRoundTrip() {
        Gen<Map<String, String>> args = lists().of(TEXT).ofSizeBetween(0, 4).map(values -> {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                map.put("K" + i, values.get(i));
            }
            return map;
        });
        Gen<List<String>> ips = lists().of(V6.flatMap(RoundTripPropertyTest::address)).ofSizeBetween(0, 3);
        qt().withExamples(300).forAll(Generate.enumValues(AgentRequest.Op.class), ips, args, MAYBE_TEXT).checkAssert((op, addresses, pairs, pool) -> {
            List<Attachment> valid = op == AgentRequest.Op.GC ? List.of(new Attachment("c1", "eth0")) : null;
            AgentRequest.Exec exec = op == AgentRequest.Op.EXEC ? new AgentRequest.Exec("/run/podnet/agent.sock", pairs,
                    String.valueOf(pool).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : null;
            AgentRequest request = new AgentRequest(op, "c1", "eth0", "/var/run/netns/x", pool, addresses, pairs, valid, exec);

            assertThat(AgentWire.decodeRequest(AgentWire.encode(request))).isEqualTo(request);
        });
    }

    @Test
    void execBytesRoundTripWhateverTheyAre() {
        Gen<byte[]> bytes = Generate.byteArrays(Generate.range(0, 300), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        qt().withExamples(300).forAll(bytes, bytes, Generate.range(0, 255)).checkAssert((in, out, exit) -> {
            AgentRequest request = AgentRequest.exec("/run/podnet/agent.sock", Map.of("CNI_COMMAND", "ADD"), in);
            AgentReply reply = new AgentReply.Exec(exit, out, in);

            assertThat(AgentWire.decodeRequest(AgentWire.encode(request))).isEqualTo(request);
            assertThat(AgentWire.decodeReply(AgentWire.encode(reply))).isEqualTo(reply);
        });
    }

    @Test
    void agentRepliesWithResultsRoundTrip() {
        qt().withExamples(200).forAll(results()).checkAssert(result -> {
            AgentReply reply = new AgentReply.Success(result);
            byte[] line = AgentWire.encode(reply);

            for (int i = 0; i < line.length - 1; i++) {
                assertThat(line[i]).as("byte %d", i).isNotEqualTo((byte) '\n');
            }
            assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
            assertThat(AgentWire.decodeReply(line)).isEqualTo(reply);
        });
    }
}

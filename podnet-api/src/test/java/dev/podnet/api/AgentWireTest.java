package dev.podnet.api;

import static dev.podnet.api.TestJson.bytes;
import static dev.podnet.api.TestJson.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentWireTest {
    private static final String ID = "3f6940ab5ab43bc522569d15b23f8c1b";

    static Stream<AgentRequest> requests() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("K8S_POD_NAMESPACE", "default");
        args.put("K8S_POD_NAME", "web-0");
        return Stream.of(
                AgentRequest.add(ID, "eth0", "/var/run/netns/cni-1", "pods-a", List.of("10.0.0.7", "2001:db8::7/64"), args),
                AgentRequest.add(ID, "eth0", "/var/run/netns/cni-1", null, null, null),
                AgentRequest.del(ID, "eth0", null, null, args),
                AgentRequest.check(ID, "net1", "/var/run/netns/cni-1", "pods-b", Map.of()),
                AgentRequest.gc(null, List.of(new Attachment(ID, "eth0"), new Attachment("other", "net1"))),
                AgentRequest.gc("pods-a", List.of()),
                AgentRequest.status(),
                AgentRequest.exec("/run/podnet/agent.sock", args, bytes("{\"cniVersion\":\"1.1.0\"}\n")),
                AgentRequest.exec("/s", Map.of(), new byte[] {0, (byte) 0xff, '\n', '"', (byte) 0xc3}));
    }

    static Stream<AgentReply> replies() {
        CniResult allocated = CniResult.ofIps(CniVersion.CURRENT,
                List.of(CniResult.IpConfig.of("10.0.0.7/24", "10.0.0.1"), CniResult.IpConfig.of("2001:db8::7/64", "2001:db8::1")),
                List.of(CniResult.Route.of("0.0.0.0/0", "10.0.0.1")));
        return Stream.of(
                new AgentReply.Success(allocated),
                new AgentReply.Success(allocated, 7),
                new AgentReply.Success(allocated, 2, List.of("10.0.0.0/16", "100.64.0.0/16")),
                new AgentReply.Success(null),
                new AgentReply.Failure(CniException.TRY_AGAIN_LATER, "cluster store unavailable", "etcd: context deadline exceeded"),
                AgentReply.Failure.of(new CniException(CniException.UNKNOWN_CONTAINER, "no such attachment")),
                new AgentReply.Status(
                        List.of(new AgentReply.PoolStatus("pods-a", 64, 12, 50, 2), new AgentReply.PoolStatus("v6", Long.MAX_VALUE, 1, Long.MAX_VALUE - 1, 0)),
                        List.of(new AgentReply.Allocation("10.0.0.7", ID, "eth0", "pods-a", new AgentReply.Pod("shop", "web-0", "0c8a6f1e")),
                                new AgentReply.Allocation("2001:db8::7", ID, "eth0", null))),
                new AgentReply.Status(List.of(), List.of()),
                new AgentReply.Exec(0, bytes("{\"cniVersion\":\"1.0.0\",\"ips\":[]}\n"), new byte[0]),
                new AgentReply.Exec(1, new byte[] {'\n', 0, (byte) 0x80}, bytes("java.lang.IllegalStateException\n\tat x\n")));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void requestsRoundTripAsOneLine(AgentRequest request) {
        byte[] line = AgentWire.encode(request);

        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        assertThat(text(line).indexOf('\n')).isEqualTo(line.length - 1);
        assertThat(AgentWire.decodeRequest(line)).isEqualTo(request);
    }

    @ParameterizedTest
    @MethodSource("replies")
    void repliesRoundTripAsOneLine(AgentReply reply) {
        byte[] line = AgentWire.encode(reply);

        assertThat(text(line).indexOf('\n')).isEqualTo(line.length - 1);
        assertThat(AgentWire.decodeReply(line)).isEqualTo(reply);
    }

    @Test
    void theWireFormatIsTheDesignDocuments() {
        assertThat(text(AgentWire.encode(AgentRequest.add(ID, "eth0", "/var/run/netns/cni-1", "pods-a", List.of("10.0.0.7"),
                Map.of("K8S_POD_NAME", "web-0"))))).isEqualTo("{\"op\":\"add\",\"containerId\":\"" + ID + "\",\"ifName\":\"eth0\","
                + "\"netns\":\"/var/run/netns/cni-1\",\"pool\":\"pods-a\",\"ips\":[\"10.0.0.7\"],\"args\":{\"K8S_POD_NAME\":\"web-0\"}}\n");
        assertThat(text(AgentWire.encode(AgentRequest.gc(null, List.of(new Attachment(ID, "eth0"))))))
                .isEqualTo("{\"op\":\"gc\",\"validAttachments\":[{\"containerID\":\"" + ID + "\",\"ifname\":\"eth0\"}]}\n");
        assertThat(text(AgentWire.encode(new AgentReply.Failure(11, "try later", ""))))
                .isEqualTo("{\"ok\":false,\"error\":{\"code\":11,\"msg\":\"try later\"}}\n");
        assertThat(text(AgentWire.encode(new AgentReply.Success(null)))).isEqualTo("{\"ok\":true}\n");
        assertThat(text(AgentWire.encode(new AgentReply.Status(List.of(new AgentReply.PoolStatus("p", 4, 1, 2, 1)), List.of()))))
                .isEqualTo("{\"ok\":true,\"status\":{\"pools\":[{\"name\":\"p\",\"total\":4,\"used\":1,\"free\":2,\"quarantined\":1}],\"allocations\":[]}}\n");
    }

    @Test
    void theVpcCidrsThatScopeARouteTableFollowItOnlyWhenThereAreAny() {
        CniResult one = CniResult.ofIps(CniVersion.CURRENT, List.of(CniResult.IpConfig.of("10.0.0.7/32", null)), List.of());
        assertThat(text(AgentWire.encode(new AgentReply.Success(one, 2, List.of("10.0.0.0/16", "100.64.0.0/16")))))
                .endsWith(",\"routeTable\":2,\"vpcCidrs\":[\"10.0.0.0/16\",\"100.64.0.0/16\"]}\n");
        assertThat(text(AgentWire.encode(new AgentReply.Success(one, 2)))).endsWith(",\"routeTable\":2}\n");
        String result = "\"result\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.0.0.7/32\"}]}";
        assertCode(() -> AgentWire.decodeReply(bytes("{\"ok\":true," + result + ",\"vpcCidrs\":[\"10.0.0.0/16\"]}")),
                CniException.DECODING_FAILURE);
        assertCode(() -> AgentWire.decodeReply(bytes("{\"ok\":true," + result + ",\"routeTable\":2,\"vpcCidrs\":[\"10.0.0.0\"]}")),
                CniException.DECODING_FAILURE);
    }

    @Test
    void execCarriesTheEnvironmentAndStdinBytesAsBase64() {
        byte[] stdin = {'{', '}', '\n', (byte) 0xff};
        assertThat(text(AgentWire.encode(AgentRequest.exec("/run/podnet/agent.sock", Map.of("CNI_COMMAND", "ADD"), stdin))))
                .isEqualTo("{\"op\":\"exec\",\"agentSocket\":\"/run/podnet/agent.sock\",\"env\":{\"CNI_COMMAND\":\"ADD\"},"
                        + "\"stdin\":\"e30K/w==\"}\n");
        assertThat(text(AgentWire.encode(new AgentReply.Exec(1, bytes("{}\n"), new byte[0]))))
                .isEqualTo("{\"ok\":true,\"exec\":{\"exit\":1,\"stdout\":\"e30K\"}}\n");
        AgentRequest decoded = AgentWire.decodeRequest(bytes("{\"op\":\"exec\",\"agentSocket\":\"/s\",\"env\":{},\"stdin\":\"e30K/w==\","
                + "\"containerId\":\"ignored\",\"pool\":\"ignored\"}"));
        assertThat(decoded.exec().stdin()).isEqualTo(stdin);
        assertThat(decoded.containerId()).isNull();
        assertThat(decoded.pool()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"exec\"}", "{\"op\":\"exec\",\"agentSocket\":\"/s\",\"env\":{}}",
        "{\"op\":\"exec\",\"agentSocket\":\"/s\",\"stdin\":\"\"}",
        "{\"op\":\"exec\",\"agentSocket\":\"/s\",\"env\":{},\"stdin\":\"not base64!\"}",
        "{\"op\":\"exec\",\"agentSocket\":\"/s\",\"env\":{\"A\":1},\"stdin\":\"\"}",
        "{\"op\":\"exec\",\"agentSocket\":\"/s\",\"env\":{},\"stdin\":7}"
    })
    void malformedExecRequestsAreCodeSix(String json) {
        assertCode(() -> AgentWire.decodeRequest(bytes(json)), CniException.DECODING_FAILURE);
    }

    @Test
    void execNeedsTheAbsoluteSocketThePluginUsed() {
        assertCode(() -> AgentWire.decodeRequest(bytes("{\"op\":\"exec\",\"agentSocket\":\"agent.sock\",\"env\":{},\"stdin\":\"\"}")),
                CniException.INVALID_NETWORK_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"ok\":true,\"exec\":{}}", "{\"ok\":true,\"exec\":{\"exit\":256}}", "{\"ok\":true,\"exec\":{\"exit\":-1}}",
        "{\"ok\":true,\"exec\":{\"exit\":0,\"stdout\":\"%%%\"}}", "{\"ok\":true,\"exec\":[]}"
    })
    void malformedExecRepliesAreCodeSix(String json) {
        assertCode(() -> AgentWire.decodeReply(bytes(json)), CniException.DECODING_FAILURE);
    }

    @Test
    void aReplyResultKeepsGatewaysAndRoutes() {
        AgentReply reply = AgentWire.decodeReply(bytes("{\"ok\":true,\"result\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":"
                + "\"10.0.0.7/24\",\"gateway\":\"10.0.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"later\":\"ignored\"}\r\n"));

        assertThat(reply).isInstanceOfSatisfying(AgentReply.Success.class, s -> {
            assertThat(s.result().ips().get(0).gateway()).isEqualTo("10.0.0.1");
            assertThat(s.result().routes()).hasSize(1);
        });
    }

    @Test
    void failuresBecomeTheExceptionThePluginReports() {
        AgentReply reply = AgentWire.decodeReply(bytes("{\"ok\":false,\"error\":{\"code\":11,\"msg\":\"store down\",\"details\":\"etcd\"}}"));

        assertThat(reply.ok()).isFalse();
        CniException e = ((AgentReply.Failure) reply).toException();
        assertThat(e.code()).isEqualTo(11);
        assertThat(e.details()).isEqualTo("etcd");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{\"op\":\"ADD\"}", "{\"op\":\"init\"}", "{\"op\":7}", "{\"op\":\"add\",\"args\":{\"a\":1}}",
        "{\"op\":\"add\",\"ips\":\"10.0.0.1\"}", "{\"op\":\"gc\",\"validAttachments\":{}}", "{\"op\":\"status\"} {}", "[]"
    })
    void malformedRequestsAreCodeSix(String json) {
        assertCode(() -> AgentWire.decodeRequest(bytes(json)), CniException.DECODING_FAILURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"op\":\"add\",\"ifName\":\"eth0\",\"netns\":\"/n\"}",
        "{\"op\":\"add\",\"containerId\":\"-x\",\"ifName\":\"eth0\",\"netns\":\"/n\"}",
        "{\"op\":\"add\",\"containerId\":\"x\",\"ifName\":\"eth/0\",\"netns\":\"/n\"}",
        "{\"op\":\"check\",\"containerId\":\"x\",\"ifName\":\"eth0\"}",
        "{\"op\":\"del\",\"containerId\":\"x\"}"
    })
    void requestsWithABadIdentityAreCodeFour(String json) {
        assertCode(() -> AgentWire.decodeRequest(bytes(json)), CniException.INVALID_ENVIRONMENT);
    }

    @Test
    void gcWithoutItsListAndBadAddressesAreCodeSeven() {
        assertCode(() -> AgentWire.decodeRequest(bytes("{\"op\":\"gc\"}")), CniException.INVALID_NETWORK_CONFIG);
        assertCode(() -> AgentWire.decodeRequest(bytes("{\"op\":\"add\",\"containerId\":\"x\",\"ifName\":\"eth0\",\"netns\":\"/n\","
                + "\"ips\":[\"10.0.0.300\"]}")), CniException.INVALID_NETWORK_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{\"ok\":\"true\"}", "{\"ok\":false}", "{\"ok\":true,\"error\":{\"code\":1}}", "{\"ok\":false,\"error\":{\"msg\":\"x\"}}",
        "{\"ok\":false,\"error\":{\"code\":-3}}", "{\"ok\":true,\"status\":{\"pools\":[{\"total\":1}]}}",
        "{\"ok\":true,\"status\":{\"pools\":[{\"name\":\"p\",\"free\":-1}]}}",
        "{\"ok\":true,\"status\":{\"allocations\":[{\"address\":\"x\",\"containerId\":\"c\",\"ifName\":\"e\"}]}}",
        "{\"ok\":true,\"status\":{\"allocations\":[{\"address\":\"10.0.0.1\",\"containerId\":\"c\",\"ifName\":\"e\",\"pod\":{\"name\":\"p\"}}]}}",
        "{\"ok\":true,\"status\":{\"pools\":[{\"name\":\"p\",\"total\":18446744073709551616}]}}"
    })
    void malformedRepliesAreCodeSix(String json) {
        assertCode(() -> AgentWire.decodeReply(bytes(json)), CniException.DECODING_FAILURE);
    }

    @Test
    void linesOverSixtyFourKibibytesAreRefused() {
        String pad = "x".repeat(AgentWire.MAX_LINE_BYTES);
        byte[] huge = bytes("{\"op\":\"status\",\"pad\":\"" + pad + "\"}\n");

        // Requests may be longer (a busy node's GC list), up to the plugin's own stdin limit.
        assertThat(AgentWire.decodeRequest(huge).op()).isEqualTo(AgentRequest.Op.STATUS);
        byte[] tooHuge = bytes("{\"op\":\"status\",\"pad\":\"" + "x".repeat(AgentWire.MAX_ALLOWED_LINE_BYTES) + "\"}\n");
        assertCode(() -> AgentWire.decodeRequest(tooHuge), CniException.DECODING_FAILURE);
        assertCode(() -> AgentWire.decodeReply(huge), CniException.DECODING_FAILURE);
        assertCode(() -> AgentWire.readLine(new ByteArrayInputStream(huge)), CniException.DECODING_FAILURE);
        String head = "{\"op\":\"status\",\"pad\":\"";
        byte[] justFits = bytes(head + pad.substring(head.length() + 2) + "\"}\n");
        assertThat(justFits.length).isEqualTo(AgentWire.MAX_LINE_BYTES + 1);
        assertThat(AgentWire.decodeRequest(AgentWire.readLine(new ByteArrayInputStream(justFits))).op()).isEqualTo(AgentRequest.Op.STATUS);
    }

    @Test
    void anIntrospectionClientMayAllowLargerStatusReplies() {
        List<AgentReply.Allocation> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new AgentReply.Allocation("10.0." + (i / 256) + "." + (i % 256), ID + i, "eth0", "pods-a"));
        }
        byte[] line = AgentWire.encode(new AgentReply.Status(List.of(), many));
        assertThat(line.length).isGreaterThan(AgentWire.MAX_LINE_BYTES);

        assertCode(() -> AgentWire.decodeReply(line), CniException.DECODING_FAILURE);
        byte[] read = AgentWire.readLine(new ByteArrayInputStream(line), AgentWire.MAX_ALLOWED_LINE_BYTES);
        assertThat(((AgentReply.Status) AgentWire.decodeReply(read, AgentWire.MAX_ALLOWED_LINE_BYTES)).allocations()).hasSize(1000);
        assertThatThrownBy(() -> AgentWire.decodeReply(line, AgentWire.MAX_ALLOWED_LINE_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readLineSplitsAStreamIntoMessages() {
        InputStream in = new ByteArrayInputStream(bytes("{\"ok\":true}\n{\"ok\":false,\"error\":{\"code\":3}}\n"));

        assertThat(AgentWire.decodeReply(AgentWire.readLine(in)).ok()).isTrue();
        assertThat(AgentWire.decodeReply(AgentWire.readLine(in)).ok()).isFalse();
        assertThat(AgentWire.readLine(in)).isNull();
    }

    @Test
    void aPeerThatHangsUpMidLineOrFailsIsCodeFive() {
        assertCode(() -> AgentWire.readLine(new ByteArrayInputStream(bytes("{\"ok\":tr"))), CniException.IO_FAILURE);
        assertCode(() -> AgentWire.readLine(new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        }), CniException.IO_FAILURE);
    }

    @Test
    void nodeWideOpsDropIdentityFields() {
        AgentRequest gc = new AgentRequest(AgentRequest.Op.GC, ID, "eth0", "/n", null, null, null, List.of());

        assertThat(gc.containerId()).isNull();
        assertThat(AgentRequest.add(ID, "eth0", "/n", null, null, null).validAttachments()).isNull();
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).as(e.msg() + ": " + e.details()).isEqualTo(code));
    }
}

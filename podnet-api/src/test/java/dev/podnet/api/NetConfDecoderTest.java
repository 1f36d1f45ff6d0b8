package dev.podnet.api;

import static dev.podnet.api.TestJson.bytes;
import static dev.podnet.api.TestJson.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetConfDecoderTest {
    private static final String MINIMAL = "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"podnet-ipam\","
            + "\"ipam\":{\"type\":\"podnet-ipam\"}";

    private static NetConf add(String json) {
        return NetConfDecoder.decode(bytes(json), CniCommand.ADD);
    }

    @Test
    void readsEverythingPodnetUsesFromAFullConfiguration() {
        NetConf conf = add(resource("podnet-ipam-conf.json"));

        assertThat(conf.cniVersion()).isEqualTo("1.1.0");
        assertThat(conf.name()).isEqualTo("podnet-vpc");
        assertThat(conf.type()).isEqualTo("bridge");
        NetConf.Ipam ipam = conf.requireIpam("podnet-ipam");
        assertThat(ipam.agentSocket()).isEqualTo("/run/podnet/agent.sock");
        assertThat(ipam.pool()).isEqualTo("pods-a");
        assertThat(ipam.dataDir()).isEqualTo("/var/lib/podnet/ipam");
        assertThat(ipam.ranges()).containsExactly(
                List.of(new NetConf.IpRange("10.22.0.0/16", "10.22.1.10", "10.22.1.250", "10.22.0.1"),
                        new NetConf.IpRange("10.23.0.0/24", null, null, null)),
                List.of(new NetConf.IpRange("2001:db8:1::/64", null, null, "2001:db8:1::1")));
        assertThat(ipam.routes()).containsExactly(CniResult.Route.of("0.0.0.0/0", null),
                CniResult.Route.of("192.168.0.0/16", "10.22.0.1"));
        assertThat(conf.dns().nameservers()).containsExactly("10.22.0.10");
        assertThat(conf.runtimeIps()).containsExactly("10.22.1.20/16", "2001:db8:1::20");
        assertThat(conf.argsIps()).containsExactly("10.22.1.20", "10.22.1.21");
        assertThat(conf.requestedIps()).containsExactly("10.22.1.20", "10.22.1.21", "10.22.1.20/16", "2001:db8:1::20");
        assertThat(conf.prevResult().ips()).containsExactly(CniResult.IpConfig.of("10.22.1.20/16", "10.22.0.1"));
        assertThat(conf.validAttachments()).isNull();
    }

    @Test
    void readsTheSpecExampleConfigurationWithHostLocalsFlatRange() {
        NetConf conf = add(resource("spec-1.0.0-bridge-conf.json"));

        assertThat(conf.ipam().type()).isEqualTo("host-local");
        assertThat(conf.ipam().ranges()).containsExactly(List.of(new NetConf.IpRange("10.1.0.0/16", null, null, "10.1.0.1")));
        assertThat(conf.dns().nameservers()).containsExactly("10.1.0.1");
    }

    @Test
    void readsTheSpecTuningExampleAndLabelsItsPrevResultWithTheConfigurationsVersion() {
        NetConf conf = add(resource("spec-0.4.0-tuning-conf.json"));

        assertThat(conf.ipam()).isNull();
        assertThat(conf.prevResult().cniVersion()).isEqualTo("0.4.0");
        assertThat(conf.prevResult().ips()).containsExactly(new CniResult.IpConfig("10.0.0.5/32", null, 2));
        assertThat(conf.prevResult().interfaces()).hasSize(3);
        assertThat(TestJson.text(ResultCodec.encode(conf.prevResult(), "0.4.0"))).isEqualTo("{\"cniVersion\":\"0.4.0\","
                + "\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"00:11:22:33:44:55\"},{\"name\":\"veth3243\",\"mac\":"
                + "\"55:44:33:22:11:11\"},{\"name\":\"eth0\",\"mac\":\"99:88:77:66:55:44\",\"sandbox\":\"/var/run/netns/blue\"}],"
                + "\"ips\":[{\"version\":\"4\",\"interface\":2,\"address\":\"10.0.0.5/32\"}],\"dns\":{\"nameservers\":[\"10.1.0.1\"]}}");
    }

    @Test
    void theSpecsOwnDelExampleIsNotJsonAndIsCodeSix() {
        assertCode(() -> NetConfDecoder.decode(bytes(resource("spec-0.4.0-del-conf-trailing-commas.json")), CniCommand.DEL),
                CniException.DECODING_FAILURE);
    }

    @Test
    void aPrevResultThatNamesItsVersionKeepsIt() {
        NetConf conf = add("{\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[]},\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"}");

        assertThat(conf.prevResult().cniVersion()).isEqualTo("1.0.0");
    }

    @Test
    void gcReadsTheValidAttachmentsFromTheTopLevelFirst() {
        String gc = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\","
                + "\"cni.dev/attachments\":[{\"containerID\":\"b\",\"ifname\":\"eth0\"}],"
                + "\"runtimeConfig\":{\"cni.dev/valid-attachments\":[{\"containerID\":\"c\",\"ifname\":\"eth0\"}]},"
                + "\"cni.dev/valid-attachments\":[{\"containerID\":\"a\",\"ifname\":\"eth0\",\"extra\":1}]}";

        assertThat(NetConfDecoder.decode(bytes(gc), CniCommand.GC).validAttachments()).containsExactly(new Attachment("a", "eth0"));
        assertThat(NetConfDecoder.decode(bytes(gc.replace("\"cni.dev/valid-attachments\":[{\"containerID\":\"a\"", "\"x\":[{\"containerID\":\"a\"")),
                CniCommand.GC).validAttachments()).containsExactly(new Attachment("b", "eth0"));
        assertThat(NetConfDecoder.decode(bytes("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"runtimeConfig\":"
                + "{\"cni.dev/valid-attachments\":[]}}"), CniCommand.GC).validAttachments()).isEmpty();
    }

    @Test
    void gcWithoutTheListIsRefusedRatherThanReleasingEverything() {
        assertCode(() -> NetConfDecoder.decode(bytes("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"}"), CniCommand.GC),
                CniException.INVALID_NETWORK_CONFIG);
    }

    @Test
    void checkNeedsPrevResult() {
        assertCode(() -> NetConfDecoder.decode(bytes(MINIMAL + "}"), CniCommand.CHECK), CniException.INVALID_NETWORK_CONFIG);
        assertThat(NetConfDecoder.decode(bytes(MINIMAL + ",\"prevResult\":{}}"), CniCommand.CHECK).prevResult().ips()).isEmpty();
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource({
        "ADD, 0.3.0, 0", "ADD, 1.1.0, 0", "DEL, 0.3.1, 0", "STATUS, 1.1.0, 0",
        "CHECK, 0.3.1, 1", "CHECK, 0.4.0, 0", "GC, 1.0.0, 1", "GC, 1.1.0, 0", "STATUS, 1.0.0, 1",
        "ADD, 0.2.0, 1", "ADD, 1.0, 1", "ADD, 2.0.0, 1", "DEL, '', 1"
    })
    void versionGatesFollowTheSkeleton(CniCommand command, String version, int code) {
        String json = "{\"cniVersion\":\"" + version + "\",\"name\":\"n\",\"type\":\"t\",\"prevResult\":{},"
                + "\"cni.dev/valid-attachments\":[]}";
        if (code == 0) {
            assertThat(NetConfDecoder.decode(bytes(json), command).cniVersion()).isEqualTo(version);
        } else {
            assertCode(() -> NetConfDecoder.decode(bytes(json), command), code);
        }
    }

    @Test
    void aMissingVersionIsCodeOneAsLibcniReadsItAsZeroOneZero() {
        assertCode(() -> add("{\"name\":\"n\",\"type\":\"t\"}"), CniException.INCOMPATIBLE_VERSION);
    }

    @Test
    void versionNeedsNoOtherKey() {
        assertThat(NetConfDecoder.decode(bytes("{\"cniVersion\":\"0.1.0\"}"), CniCommand.VERSION).cniVersion()).isEqualTo("0.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"cniVersion\":\"1.1.0\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"-net\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"my net\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"\"}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"agentSocket\":\"run/a.sock\"}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"dataDir\":\"rel\"}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"runtimeConfig\":{\"ips\":[\"10.0.0.300\"]}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"args\":{\"cni\":{\"ips\":[\"nope\"]}}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"cni.dev/valid-attachments\":[{\"containerID\":\"a\"}]}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"prevResult\":{\"ips\":[{\"address\":\"x\"}]}}"
    })
    void missingOrInvalidValuesAreCodeSeven(String json) {
        assertCode(() -> add(json), CniException.INVALID_NETWORK_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"subnet\":\"10.0.0.0/33\"}",
        "{\"subnet\":\"10.0.0.1/24\"}",
        "{\"subnet\":\"10.0.0.0/31\"}",
        "{\"subnet\":\"2001:db8::/127\"}",
        "{\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"10.0.1.1\"}",
        "{\"subnet\":\"10.0.0.0/24\",\"rangeEnd\":\"10.0.0.x\"}",
        "{\"subnet\":\"10.0.0.0/24\",\"gateway\":\"2001:db8::1\"}",
        "{\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"10.0.0.9\",\"rangeEnd\":\"10.0.0.8\"}",
        "{\"rangeStart\":\"10.0.0.9\"}",
        "{\"subnet\":\"10.0.0.0/24\"},{\"subnet\":\"10.0.0.128/25\"}",
        "{\"subnet\":\"10.0.0.0/24\"},{\"subnet\":\"2001:db8::/64\"}"
    })
    void hostLocalRangeRulesAreCodeSeven(String ranges) {
        assertCode(() -> add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"podnet-ipam\",\"ranges\":[[" + ranges + "]]}") + "}"),
                CniException.INVALID_NETWORK_CONFIG);
    }

    @Test
    void rangesThatShareASubnetButNotAddressesAreFine() {
        NetConf conf = add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"podnet-ipam\",\"ranges\":["
                + "[{\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"10.0.0.2\",\"rangeEnd\":\"10.0.0.100\"}],"
                + "[{\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"10.0.0.101\"}]]}") + "}");

        assertThat(conf.ipam().ranges()).hasSize(2);
    }

    @Test
    void overlappingRangeSetsAreRefused() {
        assertCode(() -> add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"podnet-ipam\",\"ranges\":["
                + "[{\"subnet\":\"10.0.0.0/16\"}],[{\"subnet\":\"10.0.3.0/24\"}]]}") + "}"), CniException.INVALID_NETWORK_CONFIG);
        assertCode(() -> add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"podnet-ipam\",\"ranges\":[[]]}") + "}"),
                CniException.INVALID_NETWORK_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"cniVersion\":1.1,\"name\":\"n\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":[\"n\"],\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":\"host-local\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"ranges\":{}}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"ranges\":[{\"subnet\":\"10.0.0.0/8\"}]}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"routes\":[\"0.0.0.0/0\"]}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"runtimeConfig\":[]}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"runtimeConfig\":{\"ips\":\"10.0.0.1\"}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"args\":{\"cni\":[]}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"prevResult\":[]}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"cni.dev/valid-attachments\":{}}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"}x",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",}",
        "{\"cniVersion\":\"1.1.0\",/*c*/\"name\":\"n\",\"type\":\"t\"}",
        "{\"cniVersion\":\"1.1.0\",\"name\":\"n\u0001\",\"type\":\"t\"}",
        "\"just a string\"",
        "null"
    })
    void wrongTypesAndMalformedJsonAreCodeSix(String json) {
        assertCode(() -> add(json), CniException.DECODING_FAILURE);
    }

    @Test
    void nestingDeeperThanSixtyFourIsCodeSixEvenInIgnoredKeys() {
        String deep = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        String ok = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\",\"x\":" + "[".repeat(60) + "]".repeat(60) + "}";

        assertCode(() -> add(deep), CniException.DECODING_FAILURE);
        assertThat(add(ok).name()).isEqualTo("n");
    }

    @Test
    void stdinOverOneMebibyteIsCodeFiveAndIsNotReadToTheEnd() {
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                return ' ';
            }
        };

        assertCode(() -> NetConfDecoder.read(endless, CniCommand.ADD), CniException.IO_FAILURE);
        assertCode(() -> NetConfDecoder.decode(new byte[NetConfDecoder.MAX_STDIN_BYTES + 1], CniCommand.ADD), CniException.IO_FAILURE);
    }

    @Test
    void aFailingStdinIsCodeFive() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("EIO");
            }
        };

        assertCode(() -> NetConfDecoder.read(broken, CniCommand.ADD), CniException.IO_FAILURE);
    }

    @Test
    void stdinJustUnderTheLimitIsRead() {
        String json = MINIMAL + "}";
        byte[] padded = new byte[NetConfDecoder.MAX_STDIN_BYTES];
        java.util.Arrays.fill(padded, (byte) ' ');
        System.arraycopy(bytes(json), 0, padded, 0, json.length());

        assertThat(NetConfDecoder.read(new ByteArrayInputStream(padded), CniCommand.ADD).name()).isEqualTo("net");
    }

    @Test
    void aHugeBadValueMakesABoundedError() {
        String name = "-" + "x".repeat(900_000);

        assertThatThrownBy(() -> add("{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"t\"}"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(CniException.INVALID_NETWORK_CONFIG);
                    assertThat(e.details()).hasSizeLessThan(4200).endsWith("(900001 characters)");
                });
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueAsGoDoes() {
        assertThat(add("{\"cniVersion\":\"1.1.0\",\"name\":\"first\",\"type\":\"t\",\"name\":\"second\"}").name())
                .isEqualTo("second");
    }

    @Test
    void requireIpamNamesTheUnsupportedTypeWithCodeTwo() {
        assertThatThrownBy(() -> add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"host-local\"}") + "}").requireIpam("podnet-ipam"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(CniException.UNSUPPORTED_FIELD);
                    assertThat(e.details()).contains("ipam.type=\"host-local\"");
                });
        assertCode(() -> add("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"t\"}").requireIpam("podnet-ipam"),
                CniException.INVALID_NETWORK_CONFIG);
    }

    @Test
    void errorDetailsNameTheKeyPath() {
        assertThatThrownBy(() -> add(MINIMAL.replace("\"type\":\"podnet-ipam\"}", "\"type\":\"podnet-ipam\",\"ranges\":"
                + "[[{\"subnet\":\"10.0.0.0/24\"}],[{\"subnet\":\"10.1.0.0/24\"},{\"subnet\":5}]]}") + "}"))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.details()).startsWith("ipam.ranges[1][1].subnet: expected a string"));
    }

    @ParameterizedTest
    @EnumSource(value = CniCommand.class, names = {"ADD", "DEL"})
    void nullMeansAbsentForOptionalSections(CniCommand command) {
        NetConf conf = NetConfDecoder.decode(bytes("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":null,"
                + "\"dns\":null,\"prevResult\":null,\"runtimeConfig\":null,\"args\":null}"), command);

        assertThat(conf.ipam()).isNull();
        assertThat(conf.prevResult()).isNull();
        assertThat(conf.requestedIps()).isEmpty();
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CniException.class,
                e -> assertThat(e.code()).as(e.msg() + ": " + e.details()).isEqualTo(code));
    }
}

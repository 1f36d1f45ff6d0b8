package dev.podnet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.generators.Generate;

class IpTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "::1", "1::", "2001:db8::5", "fe80::1:2",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "ABCD::ef"})
    void acceptsWhatGoAccepts(String text) throws UnknownHostException {
        byte[] parsed = IpText.parseAddress(text);

        assertThat(parsed).isNotNull();
        // The JDK parses these standard forms identically (it only differs on the lenient forms refused below).
        byte[] jdk = InetAddress.getByName(text).getAddress();
        if (jdk.length == 4 && parsed.length == 16) {
            assertThat(text).contains("::ffff:");
        } else {
            assertThat(parsed).isEqualTo(jdk);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10.1", "10.0.1", "010.0.0.1", "10.0.0.01", "1.2.3.256", "1.2.3.4.5", "1.2.3.", ".1.2.3",
        "0x10.0.0.1", " 10.0.0.1", "10.0.0.1 ", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "12345::", "fe80::1%eth0", "[::1]", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "g::1", "\u0661.2.3.4", "localhost"})
    void refusesLenientAndBrokenForms(String text) {
        assertThat(IpText.parseAddress(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "10.1.2.3/24", "0.0.0.0/0", "::/0", "2001:db8::/64", "1.2.3.4/32", "::1/128"})
    void parsesPrefixedForms(String text) {
        assertThat(IpText.parsePrefixed(text)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/ 8",
        "10.0.0.0/8/8", "10.0.0.0/1000"})
    void refusesBrokenPrefixes(String text) {
        assertThat(IpText.parsePrefixed(text)).isNull();
    }

    @Test
    void networksAndContainment() {
        IpText.Prefixed net = IpText.parsePrefixed("10.1.0.0/16");

        assertThat(net.isNetwork()).isTrue();
        assertThat(IpText.parsePrefixed("10.1.0.1/16").isNetwork()).isFalse();
        assertThat(net.contains(IpText.parseAddress("10.1.255.255"))).isTrue();
        assertThat(net.contains(IpText.parseAddress("10.2.0.0"))).isFalse();
        assertThat(net.contains(IpText.parseAddress("::1"))).isFalse();
        assertThat(IpText.lastAddress(net)).isEqualTo(IpText.parseAddress("10.1.255.255"));
        assertThat(IpText.step(IpText.parseAddress("10.1.0.255"), 1)).isEqualTo(IpText.parseAddress("10.1.1.0"));
        assertThat(IpText.step(IpText.parseAddress("10.1.1.0"), -1)).isEqualTo(IpText.parseAddress("10.1.0.255"));
    }

    @Test
    void everyIpv4AddressRoundTripsThroughItsDottedQuad() {
        qt().forAll(integers().all()).checkAssert(bits -> {
            byte[] address = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) (int) bits};
            String text = (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
            assertThat(IpText.parseAddress(text)).isEqualTo(address);
        });
    }

    @Test
    void everyIpv6AddressRoundTripsThroughTheJdksText() {
        qt().forAll(Generate.byteArrays(Generate.constant(16), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(address -> {
                    try {
                        String full = InetAddress.getByAddress(address).getHostAddress();
                        assertThat(IpText.parseAddress(full)).isEqualTo(address);
                    } catch (UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }
}

package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.podnet.ipam.IpRange;
import dev.podnet.ipam.Pool;
import dev.podnet.net.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An IPPool read from its object: Spiderpool's fields, podnet's additions, and the ranges the engine gets. */
class IpPoolTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    /** An IPPool object named {@code name} with this spec (JSON with single quotes). */
    static JsonNode object(String name, String spec) {
        try {
            return JSON.readTree("{'metadata': {'name': '" + name + "', 'labels': {'podnet.dev/pool': 'slots'}},"
                    + " 'spec': " + spec + "}");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static IpPool pool(String name, String spec) {
        return IpPool.fromJson(object(name, spec), "the test");
    }

    private static List<String> ranges(IpPool pool) {
        return pool.ranges().stream().map(r -> r.rangeStart().toCanonicalString() + "-"
                + r.rangeEnd().toCanonicalString()).toList();
    }

    @Test
    void spiderpoolsSampleReadsFieldForField() throws Exception {
        JsonNode object = JSON.readTree("""
                {'metadata': {'name': 'master-172'},
                 'spec': {'ipVersion': 4, 'subnet': '172.31.192.0/20',
                   'ips': ['172.31.199.180-172.31.199.189', '172.31.199.205-172.31.199.209'],
                   'excludeIPs': ['172.31.199.186-172.31.199.188', '172.31.199.207'],
                   'gateway': '172.31.207.253', 'default': true, 'disable': false,
                   'routes': [{'dst': '10.0.0.0/8', 'gw': '172.31.192.1'}],
                   'nodeName': ['node-a'], 'namespaceName': ['web'], 'multusName': ['kube-system/macvlan'],
                   'podAffinity': {'matchLabels': {'app': 'web'}},
                   'nodeAffinity': {'matchExpressions': [{'key': 'zone', 'operator': 'In', 'values': ['a']}]}},
                 'status': {'allocatedIPCount': 3, 'totalIPCount': 11}}""");
        IpPool pool = IpPool.fromJson(object, "the test");
        assertThat(pool.name()).isEqualTo("master-172");
        assertThat(pool.ipVersion()).isEqualTo(4);
        assertThat(pool.isDefault()).isTrue();
        assertThat(pool.disable()).isFalse();
        assertThat(pool.gateway()).map(a -> a.toCanonicalString()).hasValue("172.31.207.253");
        assertThat(pool.routes()).singleElement().satisfies(r -> {
            assertThat(r.dst()).hasToString("10.0.0.0/8");
            assertThat(r.gw().toCanonicalString()).isEqualTo("172.31.192.1");
        });
        assertThat(pool.nodeName()).containsExactly("node-a");
        assertThat(pool.namespaceName()).containsExactly("web");
        assertThat(pool.multusName()).containsExactly("kube-system/macvlan");
        assertThat(pool.podAffinity().orElseThrow().matches(Map.of("app", "web"))).isTrue();
        assertThat(pool.nodeAffinity().orElseThrow().matches(Map.of("zone", "b"))).isFalse();
        assertThat(pool.namespaceAffinity()).isEmpty();
        assertThat(pool.nodeSlot()).isEmpty();
        assertThat(pool.allocatedIPCount()).isEqualTo(OptionalLong.of(3));
        assertThat(pool.totalIPCount()).isEqualTo(OptionalLong.of(11));
        assertThat(ranges(pool)).containsExactly("172.31.199.180-172.31.199.185", "172.31.199.189-172.31.199.189",
                "172.31.199.205-172.31.199.206", "172.31.199.208-172.31.199.209");
        assertThat(pool.totalIps()).isEqualTo(11);
        assertThat(pool.ranges()).allSatisfy(r ->
                assertThat(r.gateway().toCanonicalString()).isEqualTo("172.31.207.253"));
    }

    @Test
    void withoutIpsTheWholeSubnetLessNetworkBroadcastAndGateway() {
        IpPool pool = pool("whole", "{'subnet': '10.1.0.0/24', 'gateway': '10.1.0.1'}");
        assertThat(ranges(pool)).containsExactly("10.1.0.2-10.1.0.254");
        assertThat(pool.totalIps()).isEqualTo(253);
        Pool engine = pool.enginePool();
        assertThat(engine.name()).isEqualTo("whole");
        assertThat(engine.ipv4()).hasSize(1);
        assertThat(engine.ipv6()).isEmpty();
    }

    @Test
    void withoutAGatewayTheEnginesDefaultGatewayIsLeftOut() {
        // The engine reserves host-local's default gateway (network + 1), so it is not counted as usable.
        IpPool pool = pool("nogw", "{'subnet': '10.1.0.0/29'}");
        assertThat(ranges(pool)).containsExactly("10.1.0.2-10.1.0.6");
        assertThat(pool.totalIps()).isEqualTo(5);
    }

    @Test
    void cidrEntriesOverlappingAndAdjacentEntriesMerge() {
        IpPool pool = pool("merge", "{'subnet': '10.2.0.0/16', 'gateway': '10.2.255.254', 'ips': ["
                + "'10.2.1.0/25', '10.2.1.100-10.2.1.200', '10.2.1.201', '10.2.3.0/24'], 'excludeIPs': ['10.2.3.0/26']}");
        assertThat(ranges(pool)).containsExactly("10.2.1.0-10.2.1.201", "10.2.3.64-10.2.3.255");
        assertThat(pool.totalIps()).isEqualTo(202 + 192);
    }

    @Test
    void anIpv6Slash80InsideASlash64IsOneRange() {
        IpPool pool = pool("v6", "{'subnet': 'fd00:1:2:3::/64', 'gateway': 'fd00:1:2:3::1',"
                + " 'ips': ['fd00:1:2:3:4::/80']}");
        assertThat(pool.ipVersion()).isEqualTo(6);
        assertThat(ranges(pool)).containsExactly("fd00:1:2:3:4::-fd00:1:2:3:4:ffff:ffff:ffff");
        assertThat(pool.totalIps()).isEqualTo(1L << 48);
        assertThat(pool.enginePool().ipv6()).hasSize(1);
    }

    @Test
    void aSlash10IsCountedNotExpanded() {
        IpPool pool = pool("big", "{'subnet': '100.64.0.0/10', 'gateway': '100.64.0.1',"
                + " 'excludeIPs': ['100.96.0.0/11']}");
        assertThat(ranges(pool)).containsExactly("100.64.0.2-100.95.255.255");
        assertThat(pool.totalIps()).isEqualTo((1L << 21) - 2);
    }

    @Test
    void aHugeIpv6RangeCountsWhatTheEngineCanHandOut() {
        IpPool pool = pool("huge", "{'subnet': 'fd00::/48'}");
        // Each engine range hands out at most 2^62 addresses; the count says what it can hand out.
        assertThat(pool.totalIps()).isEqualTo(1L << 62);
        List<IpRange> ranges = pool.ranges();
        assertThat(ranges).hasSize(1);
    }

    @Test
    void aPoolWithEverythingExcludedIsRefusedAsAnEnginePool() {
        IpPool pool = pool("empty", "{'subnet': '10.3.0.0/24', 'ips': ['10.3.0.10-10.3.0.11'],"
                + " 'excludeIPs': ['10.3.0.10', '10.3.0.11']}");
        assertThat(pool.ranges()).isEmpty();
        assertThat(pool.totalIps()).isZero();
        assertThatThrownBy(pool::enginePool).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("IPPool \"empty\": no address is left to hand out")
                .hasMessageContaining("10.3.0.10-10.3.0.11");
    }

    @Test
    void nodeSlotIsReadAndUnclaimedUntilANodeNamesItself() {
        IpPool slot = pool("slot-1", "{'subnet': '10.4.0.0/24', 'nodeSlot': {'nodeGroup': 'ng-1', 'zone': 'eu-west-1a'}}");
        assertThat(slot.nodeSlot()).contains(new IpPool.NodeSlot("ng-1", "eu-west-1a"));
        assertThat(slot.unclaimedSlot()).isTrue();
        IpPool claimed = pool("slot-2", "{'subnet': '10.4.1.0/24', 'nodeName': ['node-a'],"
                + " 'nodeSlot': {'nodeGroup': 'ng-1', 'zone': 'eu-west-1a'}}");
        assertThat(claimed.unclaimedSlot()).isFalse();
        assertThat(claimed.labels()).containsEntry("podnet.dev/pool", "slots");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {'ipVersion': 4}                                                     | IPPool "blue": spec.subnet is missing
            {'subnet': '10.1.0.1/16'}                                            | IPPool "blue": spec.subnet "10.1.0.1/16" has host bits set
            {'subnet': '10.1.0.0/16', 'ipVersion': 6}                            | IPPool "blue": spec.ipVersion 6 does not match the subnet 10.1.0.0/16
            {'subnet': '10.1.0.0/16', 'ipVersion': '4'}                          | IPPool "blue": spec.ipVersion must be 4 or 6, got "4"
            {'subnet': '10.1.0.0/16', 'ipVersion': 5}                            | IPPool "blue": spec.ipVersion must be 4 or 6, got 5
            {'subnet': '10.1.0.0/16', 'ips': ['10.1.0.1', '10.1.0.2', '10.1.0.300']} | IPPool "blue": spec.ips[2] "10.1.0.300" is not an IPv4 address
            {'subnet': '10.1.0.0/16', 'ips': ['fd00::1']}                        | IPPool "blue": spec.ips[0] "fd00::1" is not an IPv4 address
            {'subnet': '10.1.0.0/16', 'ips': ['10.2.0.1']}                       | IPPool "blue": spec.ips[0] "10.2.0.1" is not inside the subnet 10.1.0.0/16
            {'subnet': '10.1.0.0/16', 'ips': ['10.1.0.9-10.1.0.3']}              | IPPool "blue": spec.ips[0] "10.1.0.9-10.1.0.3": 10.1.0.9 is after 10.1.0.3
            {'subnet': '10.1.0.0/16', 'ips': ['10.1.0.0/8']}                     | IPPool "blue": spec.ips[0]: "10.1.0.0/8" has host bits set
            {'subnet': '10.1.0.0/16', 'ips': ['10.0.0.0/8']}                     | IPPool "blue": spec.ips[0] "10.0.0.0/8" is not inside the subnet 10.1.0.0/16
            {'subnet': '10.1.0.0/16', 'excludeIPs': ['10.1.0.01']}               | IPPool "blue": spec.excludeIPs[0] "10.1.0.01" is not an IPv4 address
            {'subnet': '10.1.0.0/16', 'gateway': '10.9.0.1'}                     | IPPool "blue": spec.gateway "10.9.0.1" is not inside the subnet 10.1.0.0/16
            {'subnet': 'fd00::/64', 'gateway': '10.1.0.1'}                       | IPPool "blue": spec.gateway "10.1.0.1" is not an IPv6 address
            {'subnet': '10.1.0.0/16', 'routes': [{'dst': 'fd00::/8', 'gw': '10.1.0.1'}]} | IPPool "blue": spec.routes[0].dst "fd00::/8" is not an IPv4 CIDR
            {'subnet': '10.1.0.0/16', 'routes': [{'dst': '10.0.0.0/8', 'gw': 'x'}]}      | IPPool "blue": spec.routes[0].gw "x" is not an IPv4 address
            {'subnet': '10.1.0.0/16', 'default': 'yes'}                          | IPPool "blue": spec.default must be true or false, got "yes"
            {'subnet': '10.1.0.0/16', 'nodeName': 'node-a'}                      | IPPool "blue": spec.nodeName must be a list of strings, got "node-a"
            {'subnet': '10.1.0.0/16', 'nodeSlot': {'zone': 'a'}}                 | IPPool "blue": spec.nodeSlot must name a nodeGroup and a zone
            {'subnet': '10.1.0.0/16', 'podAffinity': {'matchExpressions': [{'key': 'a', 'operator': 'Is'}]}} | IPPool "blue": spec.podAffinity.matchExpressions[0].operator "Is" is not one of In, NotIn, Exists, DoesNotExist
            """)
    void badInputNamesThePoolTheFieldAndTheValue(String spec, String message) {
        assertThatThrownBy(() -> pool("blue", spec)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void anObjectWithoutANameSaysWhereItCameFrom() throws Exception {
        assertThatThrownBy(() -> IpPool.fromJson(JSON.readTree("{'spec': {'subnet': '10.0.0.0/8'}}"), "the API server"))
                .isInstanceOf(InvalidInputException.class).hasMessage("the API server: an IPPool without metadata.name");
    }
}

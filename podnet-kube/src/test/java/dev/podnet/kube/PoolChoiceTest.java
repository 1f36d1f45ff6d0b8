package dev.podnet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.podnet.kube.PoolChoice.NamespaceView;
import dev.podnet.kube.PoolChoice.NodeView;
import dev.podnet.kube.PoolChoice.PodView;
import dev.podnet.kube.PoolChoice.Request;
import dev.podnet.net.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which pools one interface gets: the source in Spiderpool's order, then the pools' affinities. */
class PoolChoiceTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static IpPool pool(String name, String labels, String spec) {
        try {
            return IpPool.fromJson(JSON.readTree("{'metadata': {'name': '" + name + "', 'labels': " + labels + "},"
                    + " 'spec': " + spec + "}"), "the test");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final List<IpPool> POOLS = List.of(
            pool("v4-a", "{}", "{'subnet': '10.1.0.0/24', 'default': true}"),
            pool("v6-a", "{}", "{'subnet': 'fd00:1::/64', 'default': true}"),
            pool("v4-b", "{}", "{'subnet': '10.2.0.0/24'}"),
            pool("v6-b", "{}", "{'subnet': 'fd00:2::/64'}"),
            pool("v4-c", "{}", "{'subnet': '10.2.1.0/24'}"),
            pool("v4-web", "{}", "{'subnet': '10.3.0.0/24', 'namespaceName': ['web']}"),
            pool("v4-other-ns", "{}", "{'subnet': '10.3.1.0/24', 'namespaceName': ['db']}"),
            pool("v4-node-b", "{}", "{'subnet': '10.4.0.0/24', 'nodeName': ['node-b']}"),
            pool("v4-node-a", "{}", "{'subnet': '10.4.1.0/24', 'nodeName': ['node-a'],"
                    + " 'nodeAffinity': {'matchLabels': {'zone': 'z9'}}}"),
            pool("v4-zone2", "{}", "{'subnet': '10.5.0.0/24', 'nodeAffinity': {'matchExpressions':"
                    + " [{'key': 'zone', 'operator': 'In', 'values': ['z2']}]}}"),
            pool("v4-off", "{}", "{'subnet': '10.6.0.0/24', 'disable': true}"),
            pool("v4-db", "{}", "{'subnet': '10.7.0.0/24', 'podAffinity': {'matchLabels': {'app': 'db'}}}"),
            pool("v4-blue", "{}", "{'subnet': '10.8.0.0/24', 'namespaceAffinity': {'matchLabels': {'team': 'blue'}}}"),
            pool("v4-macvlan", "{}", "{'subnet': '10.8.1.0/24', 'multusName': ['kube-system/macvlan']}"),
            pool("v4-bare", "{}", "{'subnet': '10.8.2.0/24', 'multusName': ['net1']}"),
            pool("slot-1", "{'podnet.dev/pool': 'slots'}", "{'subnet': '10.9.0.0/24',"
                    + " 'nodeSlot': {'nodeGroup': 'ng', 'zone': 'z1'}}"),
            pool("slot-2", "{'podnet.dev/pool': 'slots'}", "{'subnet': '10.9.1.0/24', 'nodeName': ['node-a'],"
                    + " 'nodeSlot': {'nodeGroup': 'ng', 'zone': 'z1'}}"),
            pool("slot-3", "{'podnet.dev/pool': 'slots'}", "{'subnet': '10.9.2.0/24', 'nodeName': ['node-b'],"
                    + " 'nodeSlot': {'nodeGroup': 'ng', 'zone': 'z1'}}"));

    /** Pod web/p1 (app=web) on node-a (zone=z1) in namespace web (team=red), interface eth0, no network. */
    private record Case(String name, Map<String, String> podAnnotations, Map<String, String> nsAnnotations,
                        List<String> cniPools, Optional<String> network, String interfaceName) {
        static Case of(String name) {
            return new Case(name, Map.of(), Map.of(), List.of(), Optional.empty(), "eth0");
        }

        Case pod(String key, String value) {
            return new Case(name, Map.of(key, value), nsAnnotations, cniPools, network, interfaceName);
        }

        Case pod(String k1, String v1, String k2, String v2) {
            return new Case(name, Map.of(k1, v1, k2, v2), nsAnnotations, cniPools, network, interfaceName);
        }

        Case ns(String key, String value) {
            return new Case(name, podAnnotations, Map.of(key, value), cniPools, network, interfaceName);
        }

        Case ns(String k1, String v1, String k2, String v2) {
            return new Case(name, podAnnotations, Map.of(k1, v1, k2, v2), cniPools, network, interfaceName);
        }

        Case cni(String... pools) {
            return new Case(name, podAnnotations, nsAnnotations, List.of(pools), network, interfaceName);
        }

        Case network(String nad) {
            return new Case(name, podAnnotations, nsAnnotations, cniPools, Optional.of(nad), interfaceName);
        }

        Case nic(String nic) {
            return new Case(name, podAnnotations, nsAnnotations, cniPools, network, nic);
        }

        Request request() {
            return new Request(new PodView("web", "p1", Map.of("app", "web"), podAnnotations),
                    new NamespaceView("web", Map.of("team", "red"), nsAnnotations),
                    new NodeView("node-a", Map.of("zone", "z1")), interfaceName, cniPools, network);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Object[]> chosen() {
        return Stream.of(
                new Object[] {Case.of("nothing named: the default pools"), "[v4-a]", "[v6-a]",
                        "the pools with spec.default: true"},
                new Object[] {Case.of("CNI names beat defaults").cni("v4-b", "v6-b"), "[v4-b]", "[v6-b]",
                        "the CNI configuration's pools [v4-b, v6-b]"},
                new Object[] {Case.of("a CNI name that is a label: the node's claimed slot").cni("slots"),
                        "[slot-2]", "[]", "the CNI configuration's pools [slots]"},
                new Object[] {Case.of("namespace defaults beat CNI").cni("v4-b")
                        .ns(PoolChoice.NS_IPV4, "['v4-c']".replace('\'', '"')), "[v4-c]", "[]",
                        "namespace web annotations podnet.dev/default-ipv4-ippool/podnet.dev/default-ipv6-ippool"},
                new Object[] {Case.of("podnet's namespace annotation beats Spiderpool's")
                        .ns(PoolChoice.SPIDER_NS_IPV4, "[\"v4-b\"]", PoolChoice.NS_IPV6, "[\"v6-b\"]"), "[]", "[v6-b]",
                        "namespace web annotations podnet.dev/default-ipv4-ippool/podnet.dev/default-ipv6-ippool"},
                new Object[] {Case.of("Spiderpool's namespace annotation").ns(PoolChoice.SPIDER_NS_IPV4, "[\"v4-b\"]"),
                        "[v4-b]", "[]", "namespace web annotations ipam.spidernet.io/default-ipv4-ippool/"
                        + "ipam.spidernet.io/default-ipv6-ippool"},
                new Object[] {Case.of("pod annotation beats namespace").ns(PoolChoice.NS_IPV4, "[\"v4-b\"]")
                        .pod(PoolChoice.POOL, "{\"ipv4\": [\"v4-c\", \"v4-web\"], \"ipv6\": [\"v6-b\"]}"),
                        "[v4-c, v4-web]", "[v6-b]", "pod annotation podnet.dev/ippool"},
                new Object[] {Case.of("Spiderpool's pod annotation").pod(PoolChoice.SPIDER_POOL, "{\"ipv4\": [\"v4-c\"]}"),
                        "[v4-c]", "[]", "pod annotation ipam.spidernet.io/ippool"},
                new Object[] {Case.of("podnet's pod annotation beats Spiderpool's")
                        .pod(PoolChoice.SPIDER_POOL, "{\"ipv4\": [\"v4-c\"]}", PoolChoice.POOL, "{\"ipv4\": [\"v4-b\"]}"),
                        "[v4-b]", "[]", "pod annotation podnet.dev/ippool"},
                new Object[] {Case.of("per-interface annotation beats the pod annotation").nic("net1")
                        .pod(PoolChoice.POOL, "{\"ipv4\": [\"v4-b\"]}", PoolChoice.SPIDER_POOLS,
                                "[{\"interface\": \"eth0\", \"ipv4\": [\"v4-a\"]},"
                                        + " {\"interface\": \"net1\", \"ipv4\": [\"v4-c\"]}]"),
                        "[v4-c]", "[]", "pod annotation ipam.spidernet.io/ippools"},
                new Object[] {Case.of("per-interface annotation without this interface falls through").nic("net2")
                        .pod(PoolChoice.POOLS, "[{\"interface\": \"eth0\", \"ipv4\": [\"v4-b\"]}]"),
                        "[v4-a]", "[v6-a]", "the pools with spec.default: true"},
                new Object[] {Case.of("filtered pools drop out, the rest stay in order")
                        .pod(PoolChoice.POOL, "{\"ipv4\": [\"v4-off\", \"v4-node-b\", \"v4-b\", \"v4-node-a\", "
                                + "\"v4-db\", \"v4-c\"]}"),
                        "[v4-b, v4-node-a, v4-c]", "[]", "pod annotation podnet.dev/ippool"},
                new Object[] {Case.of("multusName: the network, also as a bare name in the pod's namespace")
                        .network("kube-system/macvlan").cni("v4-macvlan", "v4-bare", "v4-b"),
                        "[v4-macvlan, v4-b]", "[]", "the CNI configuration's pools [v4-macvlan, v4-bare, v4-b]"},
                new Object[] {Case.of("multusName bare name").network("web/net1").cni("v4-macvlan", "v4-bare"),
                        "[v4-bare]", "[]", "the CNI configuration's pools [v4-macvlan, v4-bare]"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void chosen(Case c, String ipv4, String ipv6, String source) {
        PoolChoice.Choice choice = PoolChoice.choose(c.request(), POOLS);
        assertThat(choice.ipv4().stream().map(IpPool::name).toList()).hasToString(ipv4);
        assertThat(choice.ipv6().stream().map(IpPool::name).toList()).hasToString(ipv6);
        assertThat(choice.source()).isEqualTo(source);
    }

    static Stream<Object[]> refused() {
        return Stream.of(
                new Object[] {Case.of("every named pool filtered, each says why").pod(PoolChoice.POOL,
                        "{\"ipv4\": [\"v4-off\", \"v4-node-b\", \"v4-zone2\", \"v4-other-ns\", \"v4-blue\", \"v4-db\","
                                + " \"nope\"]}"),
                        "pod web/p1 interface eth0: no IPv4 IPPool left from pod annotation podnet.dev/ippool: "
                                + "pool nope does not exist; "
                                + "pool v4-off: disabled (spec.disable: true); "
                                + "pool v4-node-b: nodeName [node-b] does not include node-a; "
                                + "pool v4-zone2: nodeAffinity zone in (z2) does not match node node-a; "
                                + "pool v4-other-ns: namespaceName [db] does not include web; "
                                + "pool v4-blue: namespaceAffinity team=blue does not match namespace web; "
                                + "pool v4-db: podAffinity app=db does not match pod web/p1"},
                new Object[] {Case.of("an unclaimed slot is never chosen").cni("slot-1"),
                        "no IPv4 IPPool left from the CNI configuration's pools [slot-1]: "
                                + "pool slot-1: a slot not claimed by any node"},
                new Object[] {Case.of("a dual-stack request missing one family").pod(PoolChoice.POOL,
                        "{\"ipv4\": [\"v4-b\"], \"ipv6\": [\"v6-gone\"]}"),
                        "no IPv6 IPPool left from pod annotation podnet.dev/ippool: pool v6-gone does not exist"},
                new Object[] {Case.of("an IPv6 pool named as IPv4").pod(PoolChoice.POOL, "{\"ipv4\": [\"v6-b\"]}"),
                        "pool v6-b: an IPv6 pool, named as IPv4"},
                new Object[] {Case.of("a CNI name that names nothing").cni("ghost"),
                        "pool ghost does not exist and no IPPool is labelled podnet.dev/pool=ghost"},
                new Object[] {Case.of("a multusName that does not list the network").network("web/other")
                        .cni("v4-macvlan"), "pool v4-macvlan: multusName [kube-system/macvlan] does not include web/other"},
                new Object[] {Case.of("an annotation naming no pool").pod(PoolChoice.POOL, "{}"),
                        "pod web/p1 interface eth0: no IPPool from pod annotation podnet.dev/ippool: it names none"},
                new Object[] {Case.of("malformed pod annotation").pod(PoolChoice.POOL, "{\"ipv4\": [\"v4-b\""),
                        "pod web/p1: annotation podnet.dev/ippool is not JSON"},
                new Object[] {Case.of("pod annotation of the wrong shape").pod(PoolChoice.SPIDER_POOLS, "{}"),
                        "pod web/p1: annotation ipam.spidernet.io/ippools must hold a list of {interface, ipv4, ipv6}"},
                new Object[] {Case.of("names that are not strings").pod(PoolChoice.POOL, "{\"ipv4\": [1]}"),
                        "pod web/p1: annotation podnet.dev/ippool must hold lists of pool names"},
                new Object[] {Case.of("malformed namespace annotation").ns(PoolChoice.NS_IPV6, "v6-b"),
                        "namespace web: annotation podnet.dev/default-ipv6-ippool is not JSON"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(Case c, String message) {
        assertThatThrownBy(() -> PoolChoice.choose(c.request(), POOLS)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}

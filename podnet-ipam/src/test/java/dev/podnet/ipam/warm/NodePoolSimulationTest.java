package dev.podnet.ipam.warm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The example tables of the AWS VPC CNI documentation (docs/eni-and-ip-target.md and docs/prefix-and-ip-target.md),
 * reproduced by scaling a fresh node up to the given pod count.
 * t3.small: 3 ENIs x 4 IPv4 (3 slots); p3dn.24xlarge: 15 ENIs x 50 IPv4 (49 slots).
 */
class NodePoolSimulationTest {

    @ParameterizedTest(name = "{0} ENI mode WARM_ENI={1} WARM_IP={2} MIN_IP={3} pods={4}")
    @CsvSource(delimiter = '|', textBlock = """
            # type       | WET | WIP | MIN | pods | ENIs | slots per ENI | unused
            t3.small      | 1   | 0   | 0   | 0    | 1    | 3             | 3
            t3.small      | 1   | 0   | 0   | 5    | 3    | 3;3;3         | 4
            t3.small      | 1   | 0   | 0   | 9    | 3    | 3;3;3         | 0
            t3.small      | 1   | 1   | 1   | 0    | 1    | 1             | 1
            t3.small      | 1   | 1   | 1   | 5    | 2    | 3;3           | 1
            t3.small      | 1   | 1   | 1   | 9    | 3    | 3;3;3         | 0
            t3.small      | 1   | 2   | 5   | 0    | 2    | 3;2           | 5
            t3.small      | 1   | 2   | 5   | 5    | 3    | 3;3;1         | 2
            t3.small      | 1   | 2   | 5   | 9    | 3    | 3;3;3         | 0
            p3dn.24xlarge | 1   | 0   | 0   | 0    | 1    | 49            | 49
            p3dn.24xlarge | 1   | 0   | 0   | 3    | 2    | 49;49         | 95
            p3dn.24xlarge | 1   | 0   | 0   | 95   | 3    | 49;49;49      | 52
            p3dn.24xlarge | 1   | 5   | 10  | 0    | 1    | 10            | 10
            p3dn.24xlarge | 1   | 5   | 10  | 7    | 1    | 12            | 5
            p3dn.24xlarge | 1   | 5   | 10  | 15   | 1    | 20            | 5
            p3dn.24xlarge | 1   | 5   | 10  | 45   | 2    | 49;1          | 5
            """)
    void secondaryIpModeMatchesTheVpcCniTable(String type, int warmEni, int warmIp, int minIp, int pods,
                                              int enis, String slots, int unused) {
        WarmPoolConfig config = WarmPoolConfig.builder().warmEniTarget(warmEni).warmIpTarget(warmIp)
                .minimumIpTarget(minIp).build();
        NodeFootprint node = NodePoolSimulation.scaleUp(config, limits(type, false), pods);

        assertThat(node.podsPlaced()).isEqualTo(pods);
        assertThat(node.enis()).hasSize(enis);
        assertThat(node.slotsPerEni()).isEqualTo(parse(slots));
        assertThat(node.stats().available()).isEqualTo(unused);
    }

    @ParameterizedTest(name = "{0} prefix mode WARM_PREFIX={1} WARM_IP={2} MIN_IP={3} pods={4}")
    @CsvSource(delimiter = '|', textBlock = """
            # type       | WPT | WIP | MIN | pods | prefixes per ENI | unused
            t3.small      | 1   | 0   | 0   | 0    | 1                | 16
            t3.small      | 1   | 0   | 0   | 5    | 2                | 27
            t3.small      | 1   | 0   | 0   | 16   | 2                | 16
            t3.small      | 1   | 0   | 0   | 17   | 3                | 31
            t3.small      | 1   | 0   | 0   | 58   | 3;2              | 22
            t3.small      | 1   | 1   | 1   | 0    | 1                | 16
            t3.small      | 1   | 1   | 1   | 5    | 1                | 11
            t3.small      | 1   | 1   | 1   | 17   | 2                | 15
            t3.small      | 1   | 1   | 1   | 58   | 3;1              | 6
            t3.small      | 1   | 7   | 20  | 0    | 2                | 32
            t3.small      | 1   | 7   | 20  | 5    | 2                | 27
            t3.small      | 1   | 7   | 20  | 17   | 2                | 15
            t3.small      | 1   | 7   | 20  | 58   | 3;2              | 22
            p3dn.24xlarge | 1   | 0   | 0   | 0    | 1                | 16
            p3dn.24xlarge | 1   | 0   | 0   | 3    | 2                | 29
            p3dn.24xlarge | 1   | 0   | 0   | 95   | 7                | 17
            p3dn.24xlarge | 1   | 5   | 10  | 0    | 1                | 16
            p3dn.24xlarge | 1   | 5   | 10  | 7    | 1                | 9
            p3dn.24xlarge | 1   | 5   | 10  | 15   | 2                | 17
            p3dn.24xlarge | 1   | 5   | 10  | 45   | 4                | 19
            """)
    void prefixModeMatchesTheVpcCniTable(String type, int warmPrefix, int warmIp, int minIp, int pods,
                                         String prefixes, int unused) {
        // The documentation's "t3.small WARM_IP_TARGET=7 MINIMUM_IP_TARGET=20 pods=0" row contradicts itself
        // (1 prefix attached, 2 per ENI); MINIMUM_IP_TARGET=20 needs two prefixes, which is what ipamd's code does.
        // Its p3dn rows also list spare ENIs without prefixes that ipamd's pool arithmetic never asks for.
        WarmPoolConfig config = WarmPoolConfig.builder().prefixMode(true).warmPrefixTarget(warmPrefix)
                .warmIpTarget(warmIp).minimumIpTarget(minIp).build();
        NodeFootprint node = NodePoolSimulation.scaleUp(config, limits(type, true), pods);

        assertThat(node.podsPlaced()).isEqualTo(pods);
        assertThat(node.slotsPerEni()).isEqualTo(parse(prefixes));
        assertThat(node.stats().available()).isEqualTo(unused);
    }

    private static NodeLimits limits(String type, boolean prefix) {
        return switch (type) {
            case "t3.small" -> new NodeLimits(3, 3, prefix ? 3 * 3 * 16 + 2 : 3 * 3 + 2);
            case "p3dn.24xlarge" -> new NodeLimits(15, 49, prefix ? 15 * 49 * 16 + 2 : 15 * 49 + 2);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static List<Integer> parse(String slots) {
        return Arrays.stream(slots.split(";")).map(String::strip).map(Integer::valueOf).toList();
    }
}

package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.InvalidInputException;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class BlockPoolConfigTest {

    @Test
    void defaultsAreCalicosSlash26InChunksOfEight() {
        BlockPoolConfig c = BlockPoolConfig.parse("cluster=10.244.0.0/16").build();
        assertThat(c.blockLength()).isEqualTo(26);
        assertThat(c.blockCount()).isEqualTo(1024);
        assertThat(c.chunk()).isEqualTo(8);
        assertThat(c.warmMargin()).isEqualTo(8);
        assertThat(BlockPoolConfig.builder("p", "10.0.0.0/24").blockLength(30).build().chunk()).isEqualTo(4);
    }

    @Test
    void badValuesAreRefusedAsTheyAreSet() {
        assertThatThrownBy(() -> BlockPoolConfig.builder("p", "10.0.0.0/16").blockLength(31))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/20 to /30");
        assertThatThrownBy(() -> BlockPoolConfig.builder("p", "10.0.0.0/16").chunk(6))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> BlockPoolConfig.builder("p", "10.0.0.0/27").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("larger than the pool");
        assertThatThrownBy(() -> BlockPoolConfig.builder("p", "fd00::/64").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> BlockPoolConfig.parse("10.0.0.0/16")).hasMessageContaining("NAME=CIDR");
    }

    @Test
    void layoutNamesBlocksAndKnowsTheEnginesReservedAddresses() {
        BlockLayout l = new BlockLayout(BlockPoolConfig.parse("cluster=10.244.0.0/24").build());
        assertThat(l.key(3)).isEqualTo("/podnet/pools/cluster/blocks/10.244.0.192-26");
        assertThat(l.index("/podnet/pools/cluster/blocks/10.244.0.192-26")).hasValue(3);
        assertThat(l.index("/podnet/pools/cluster/blocks/10.244.0.200-26")).isEmpty();
        assertThat(l.index("/podnet/pools/cluster/blocks/10.244.1.0-26")).isEmpty();
        BitSet first = new BitSet();
        first.set(0, 2);
        assertThat(l.unusable(0)).as("network and gateway").isEqualTo(first);
        assertThat(l.unusable(1).isEmpty()).isTrue();
        assertThat(l.unusable(3)).as("broadcast").isEqualTo(BlockCodecTest.bits(63));
    }
}

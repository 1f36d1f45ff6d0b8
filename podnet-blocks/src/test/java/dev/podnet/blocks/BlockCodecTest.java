package dev.podnet.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.net.Cidr;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockCodecTest {
    static final Cidr CIDR = Cidr.parse("10.244.3.64/26");

    static BitSet bits(int... offsets) {
        BitSet b = new BitSet();
        for (int o : offsets) {
            b.set(o);
        }
        return b;
    }

    @Test
    void hexReadsLeftToRightLikeTheBlock() {
        assertThat(BlockCodec.hex(bits(0, 1), 64)).isEqualTo("c000000000000000");
        assertThat(BlockCodec.hex(bits(63), 64)).isEqualTo("0000000000000001");
        assertThat(BlockCodec.hex(bits(0, 3), 4)).isEqualTo("9");
        assertThat(BlockCodec.bits("c000000000000001", 64)).isEqualTo(bits(0, 1, 63));
    }

    @Test
    void roundTripsTheDocumentedShape() {
        Block b = new Block(CIDR, "node-a", Map.of("node-a", bits(0, 1, 2), "node-b", bits(63), "node-c", new BitSet()));
        byte[] json = BlockCodec.encode(b, 64);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"cidr\":\"10.244.3.64/26\",\"affinity\":\"node-a\","
                + "\"holders\":{\"node-a\":\"e000000000000000\",\"node-b\":\"0000000000000001\"}}");
        assertThat(BlockCodec.decode(json, CIDR, 64)).isEqualTo(b);
    }

    @Test
    void badRecordsAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> BlockCodec.decode("nope".getBytes(), CIDR, 64)).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> BlockCodec.decode(("{\"cidr\":\"10.244.3.0/26\",\"affinity\":\"a\",\"holders\":{}}")
                .getBytes(), CIDR, 64)).hasMessageContaining("does not match its key");
        assertThatThrownBy(() -> BlockCodec.decode(("{\"cidr\":\"10.244.3.64/26\",\"affinity\":\"a\",\"holders\":"
                + "{\"a\":\"ff\"}}").getBytes(), CIDR, 64)).hasMessageContaining("has 2 hex digits");
        assertThatThrownBy(() -> BlockCodec.bits("zz", 8)).hasMessageContaining("not hex");
        assertThatThrownBy(() -> BlockCodec.decode("{\"cidr\":\"10.244.3.64/26\",\"holders\":{}}".getBytes(), CIDR, 64))
                .hasMessageContaining("\"affinity\" is missing");
    }

    @Test
    void twoHoldersCannotShareAnOffset() {
        Block b = new Block(CIDR, "node-a", Map.of("node-a", bits(5)));
        assertThatThrownBy(() -> b.withHolder("node-b", bits(4, 5))).isInstanceOf(IllegalStateException.class);
        assertThat(b.withHolder("node-b", bits(4)).taken()).isEqualTo(bits(4, 5));
    }
}

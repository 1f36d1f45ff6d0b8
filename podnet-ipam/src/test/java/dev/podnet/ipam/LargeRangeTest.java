package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LargeRangeTest {

    @Test
    void aSlash16HandsOutAll65533AddressesOnce() {
        AllocatorState state = new AllocatorState(List.of(Pool.of("big", IpRange.of("10.7.0.0/16"))), Duration.ZERO);
        Instant now = Instant.EPOCH;
        BitSet seen = new BitSet(1 << 16);
        int count = 0;
        while (true) {
            AllocatorState.Outcome o;
            try {
                o = state.allocate(AllocationRequest.of(AttachmentKey.of("c" + count, "eth0"), "big"), now);
            } catch (IpamException e) {
                assertThat(e).hasMessageContaining("all 65533 addresses are in use");
                break;
            }
            int low = o.allocation().addresses().getFirst().address().toIPv4().intValue() & 0xffff;
            assertThat(seen.get(low)).as("duplicate %s", o.allocation()).isFalse();
            seen.set(low);
            count++;
        }
        assertThat(count).isEqualTo(65_533);
        assertThat(seen.get(0)).isFalse();       // network
        assertThat(seen.get(1)).isFalse();       // gateway
        assertThat(seen.get(0xffff)).isFalse();  // broadcast
    }

    @Test
    void aSlash64IpRangeIsSparseAndTakesAddressesAnywhere() {
        AllocatorState state = new AllocatorState(List.of(Pool.of("v6", IpRange.of("fd00:1:2:3::/64"))), Duration.ZERO);
        Allocation first = state.allocate(AllocationRequest.of(AttachmentKey.of("a", "eth0"), "v6"), Instant.EPOCH)
                .allocation();
        Allocation far = state.allocate(AllocationRequest.of(AttachmentKey.of("b", "eth0"), "v6", "fd00:1:2:3:1234::9"),
                Instant.EPOCH).allocation();
        assertThat(first.addresses().getFirst().cidrText()).isEqualTo("fd00:1:2:3::2/64");
        assertThat(far.addresses().getFirst().cidrText()).isEqualTo("fd00:1:2:3:1234::9/64");
        assertThat(state.status(Instant.EPOCH).getFirst().ipv6().used()).isEqualTo(2);
    }
}

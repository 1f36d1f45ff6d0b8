package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlotAddressesTest {

    final RangeState v4 = new RangeState("p", 0, IpRange.of("10.0.0.0/24"));
    final RangeState v6 = new RangeState("p", 0, IpRange.of("fd00::/120"));

    /** Offsets count from the range start, which host-local puts at network + 1. */
    @Test
    void readsAsTheAddressesOfItsSlots() {
        SlotAddresses list = new SlotAddresses(new Slot(v4, 4), new Slot(v6, 6));

        assertThat(list).extracting(AssignedAddress::cidrText).containsExactly("10.0.0.5/24", "fd00::7/120");
        assertThat(list.getFirst().gateway()).map(Addresses::text).contains("10.0.0.1");
        assertThat(list).isEqualTo(List.of(v4.assigned(4), v6.assigned(6)));
        assertThat(list).hasSameHashCodeAs(List.of(v4.assigned(4), v6.assigned(6)));
        assertThat(list).hasToString("[10.0.0.5/24, fd00::7/120]");
    }

    @Test
    void buildsEachAddressOnceAndKeepsIt() {
        SlotAddresses list = new SlotAddresses(new Slot(v4, 9), null);

        assertThat(list.get(0)).isSameAs(list.get(0));
    }

    @Test
    void holdsOneSlotPerFamilyAndNoMore() {
        SlotAddresses single = new SlotAddresses(new Slot(v4, 9), null);
        SlotAddresses dual = new SlotAddresses(new Slot(v4, 9), new Slot(v6, 3));

        assertThat(single).hasSize(1);
        assertThat(dual.slot(1)).isEqualTo(new Slot(v6, 3));
        assertThatThrownBy(() -> single.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> dual.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> dual.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void cannotBeChanged() {
        SlotAddresses list = new SlotAddresses(new Slot(v4, 9), null);

        assertThatThrownBy(() -> list.add(v4.assigned(10))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, v4.assigned(10))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(list::clear).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anAllocationKeepsTheLazyListAndCopiesAnyOther() {
        SlotAddresses lazy = new SlotAddresses(new Slot(v4, 9), null);
        AttachmentKey key = AttachmentKey.of("c1", "eth0");
        Instant at = Instant.EPOCH;

        assertThat(new Allocation(key, "p", lazy, at, Optional.empty()).addresses()).isSameAs(lazy);
        assertThat(new Allocation(key, "p", lazy, at, Optional.empty()))
                .isEqualTo(new Allocation(key, "p", List.of(v4.assigned(9)), at, Optional.empty()));
    }
}

package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OffsetOwnersTest {

    static final AttachmentKey A = AttachmentKey.of("a", "eth0");
    static final AttachmentKey B = AttachmentKey.of("b", "eth0");

    /** Both storages: an IPv4 /16's array and an IPv6 range's map. */
    @ParameterizedTest
    @ValueSource(longs = {65_536, OffsetOwners.DENSE_LIMIT + 1, 1L << 62})
    void remembersHoldersUntilRemoved(long capacity) {
        OffsetOwners owners = new OffsetOwners(capacity);
        long last = capacity - 1;

        owners.put(0, A);
        owners.put(last, B);

        assertThat(owners.get(0)).isEqualTo(A);
        assertThat(owners.get(last)).isEqualTo(B);
        assertThat(owners.get(1)).isNull();
        owners.remove(0);
        owners.remove(1);
        assertThat(owners.get(0)).isNull();
        assertThat(owners.get(last)).isEqualTo(B);
    }

    @ParameterizedTest
    @ValueSource(longs = {65_536, 1L << 62})
    void refusesASecondHolderAndKeepsTheFirst(long capacity) {
        OffsetOwners owners = new OffsetOwners(capacity);
        owners.put(7, A);

        assertThatThrownBy(() -> owners.put(7, B)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("held by a/eth0");
        assertThat(owners.get(7)).isEqualTo(A);
    }
}

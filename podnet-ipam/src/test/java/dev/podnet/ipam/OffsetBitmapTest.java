package dev.podnet.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class OffsetBitmapTest {

    @Test
    void nextClearAgreesWithBitSetUnderRandomSetsAndClears() {
        qt().withExamples(300)
                .forAll(integers().between(1, 10_000), lists().of(integers().between(0, Integer.MAX_VALUE))
                        .ofSizeBetween(0, 400))
                .checkAssert((capacity, ops) -> {
                    OffsetBitmap bitmap = new OffsetBitmap(capacity);
                    BitSet model = new BitSet(capacity);
                    for (int op : ops) {
                        int i = op % capacity;
                        if (op % 3 == 0) {
                            assertThat(bitmap.clear(i)).isEqualTo(model.get(i));
                            model.clear(i);
                        } else {
                            assertThat(bitmap.set(i)).isEqualTo(!model.get(i));
                            model.set(i);
                        }
                        int from = (op / 7) % capacity;
                        int expected = model.nextClearBit(from);
                        assertThat(bitmap.nextClear(from)).isEqualTo(expected >= capacity ? -1 : expected);
                    }
                    assertThat(bitmap.cardinality()).isEqualTo(model.cardinality());
                });
    }

    @Test
    void fullBitmapHasNoClearBitAndFreeingOneFindsIt() {
        OffsetBitmap bitmap = new OffsetBitmap(64 * 64 * 3 + 5);
        for (long i = 0; i < bitmap.capacity(); i++) {
            bitmap.set(i);
        }
        assertThat(bitmap.nextClear(0)).isEqualTo(-1);
        bitmap.clear(7000);
        assertThat(bitmap.nextClear(0)).isEqualTo(7000);
        assertThat(bitmap.nextClear(7001)).isEqualTo(-1);
    }

    @Test
    void hugeSparseCapacityUsesMemoryOnlyWhereTouched() {
        OffsetBitmap bitmap = new OffsetBitmap(1L << 62);
        long far = (1L << 61) + 12345;
        bitmap.set(far);
        assertThat(bitmap.nextClear(far)).isEqualTo(far + 1);
        assertThat(bitmap.nextClear(0)).isZero();
        assertThat(bitmap.nextClear((1L << 62) - 1)).isEqualTo((1L << 62) - 1);
        assertThat(bitmap.get(far)).isTrue();
    }
}

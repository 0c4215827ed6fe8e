package io.tsagg.serde.collections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests for {@link LongOpenSet}. */
class LongOpenSetTest {

    @Test
    void shouldAgreeWithHashSetWhenOperationsAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final LongOpenSet set = new LongOpenSet(4);
        final Set<Long> reference = new HashSet<>();
        // Small ranges (with 0 in them) repeat keys, wide ones force growth through rehashes.
        final long[] keyRanges = {16, 1_000, 100_000, Long.MAX_VALUE};
        for (int op = 0; op < 200_000; op++) {
            final long range = keyRanges[(op / 25_000) % keyRanges.length];
            final long key =
                    range == Long.MAX_VALUE
                            ? random.nextLong()
                            : Math.floorMod(random.nextLong(), range) - range / 2;
            if (random.nextBoolean()) {
                assertThat(set.add(key))
                        .as("seed %d, op %d, add %d", seed, op, key)
                        .isEqualTo(reference.add(key));
            } else {
                assertThat(set.contains(key))
                        .as("seed %d, op %d, contains %d", seed, op, key)
                        .isEqualTo(reference.contains(key));
            }
            assertThat(set.size()).as("seed %d, op %d", seed, op).isEqualTo(reference.size());
        }
    }

    @Test
    void shouldKeepZeroAndMinValueApartFromAnEmptySlot() {
        final LongOpenSet set = new LongOpenSet(16);
        assertThat(set.contains(0)).isFalse();
        assertThat(set.add(0)).isTrue();
        assertThat(set.add(0)).isFalse();
        assertThat(set.add(Long.MIN_VALUE)).isTrue();
        assertThat(set.contains(0)).isTrue();
        assertThat(set.contains(Long.MIN_VALUE)).isTrue();
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void shouldBeEmptyAfterClear() {
        final LongOpenSet set = new LongOpenSet(16);
        for (long k = -100; k <= 100; k++) {
            set.add(k);
        }
        set.clear();
        assertThat(set.size()).isZero();
        for (long k = -100; k <= 100; k++) {
            assertThat(set.contains(k)).as("key %d", k).isFalse();
        }
        assertThat(set.add(0)).isTrue();
    }
}

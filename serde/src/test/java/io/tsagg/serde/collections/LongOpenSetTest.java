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
            // A function of the key, with few values: groups share slots and probe sequences.
            final long group = key % 7;
            if (random.nextBoolean()) {
                assertThat(set.add(key, group))
                        .as("seed %d, op %d, add %d", seed, op, key)
                        .isEqualTo(reference.add(key));
            } else {
                assertThat(set.contains(key, group))
                        .as("seed %d, op %d, contains %d", seed, op, key)
                        .isEqualTo(reference.contains(key));
            }
            assertThat(set.size()).as("seed %d, op %d", seed, op).isEqualTo(reference.size());
        }
    }

    @Test
    void shouldPlaceTheKeysOfOneGroupSideBySide() {
        final LongOpenSet set = new LongOpenSet(1 << 16);
        final Random random = new Random(1);
        for (int i = 0; i < 30_000; i++) {
            set.add(random.nextLong(), random.nextLong());
        }
        // Three new keys of one group: found again, each with its group; not with another group
        // unless a probe from there happens to reach them (not for a fresh group in this set).
        final long group = 42;
        final long[] keys = {random.nextLong(), random.nextLong(), random.nextLong()};
        for (long k : keys) {
            assertThat(set.add(k, group)).isTrue();
        }
        for (long k : keys) {
            assertThat(set.add(k, group)).isFalse();
            assertThat(set.contains(k, group)).isTrue();
        }
        assertThat(set.size()).isEqualTo(30_003);
    }

    @Test
    void shouldKeepZeroAndMinValueApartFromAnEmptySlot() {
        final LongOpenSet set = new LongOpenSet(16);
        assertThat(set.contains(0, 5)).isFalse();
        assertThat(set.add(0, 5)).isTrue();
        assertThat(set.add(0, 5)).isFalse();
        assertThat(set.add(Long.MIN_VALUE, 0)).isTrue();
        assertThat(set.contains(0, 5)).isTrue();
        assertThat(set.contains(Long.MIN_VALUE, 0)).isTrue();
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void shouldBeEmptyAfterClear() {
        final LongOpenSet set = new LongOpenSet(16);
        for (long k = -100; k <= 100; k++) {
            set.add(k, k / 10);
        }
        set.clear();
        assertThat(set.size()).isZero();
        for (long k = -100; k <= 100; k++) {
            assertThat(set.contains(k, k / 10)).as("key %d", k).isFalse();
        }
        assertThat(set.add(0, 0)).isTrue();
    }
}

package io.tsagg.serde.collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link Long2IntOpenMap}. */
class Long2IntOpenMapTest {

    @Test
    void shouldAgreeWithHashMapWhenOperationsAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Long2IntOpenMap map = new Long2IntOpenMap(4, -1);
        final Map<Long, Integer> reference = new HashMap<>();
        // Small key ranges force replacements, wide ones force growth through several rehashes.
        final long[] keyRanges = {16, 1_000, 100_000, Long.MAX_VALUE};

        for (int op = 0; op < 200_000; op++) {
            final long range = keyRanges[(op / 25_000) % keyRanges.length];
            final long key =
                    range == Long.MAX_VALUE
                            ? random.nextLong()
                            : Math.floorMod(random.nextLong(), range) - range / 2;
            final int action = random.nextInt(1_000);
            if (action < 550) {
                final int value = random.nextInt(Integer.MAX_VALUE);
                final Integer previous = reference.put(key, value);
                assertThat(map.put(key, value))
                        .as("seed %d, op %d, put %d", seed, op, key)
                        .isEqualTo(previous == null ? -1 : previous);
            } else if (action < 999) {
                assertThat(map.get(key))
                        .as("seed %d, op %d, get %d", seed, op, key)
                        .isEqualTo(reference.getOrDefault(key, -1));
            } else {
                map.clear();
                reference.clear();
            }
            assertThat(map.size()).as("seed %d, op %d", seed, op).isEqualTo(reference.size());
        }
        for (Map.Entry<Long, Integer> e : reference.entrySet()) {
            assertThat(map.get(e.getKey())).as("seed %d", seed).isEqualTo(e.getValue());
        }
    }

    @Test
    void shouldReturnMissingValueWhenKeyIsAbsent() {
        final Long2IntOpenMap map = new Long2IntOpenMap(16, Integer.MIN_VALUE);
        map.put(1L, 10);

        assertThat(map.get(2L)).isEqualTo(Integer.MIN_VALUE);
        assertThat(map.missingValue()).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void shouldRejectPutWhenValueIsTheMissingValue() {
        final Long2IntOpenMap map = new Long2IntOpenMap(16, 0);

        assertThatThrownBy(() -> map.put(1L, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing value");
        assertThat(map.size()).isZero();
    }

    @Test
    void shouldReturnPreviousValueWhenKeyIsReplaced() {
        final Long2IntOpenMap map = new Long2IntOpenMap(16, -1);

        assertThat(map.put(5L, 1)).isEqualTo(-1);
        assertThat(map.put(5L, 2)).isEqualTo(1);
        assertThat(map.get(5L)).isEqualTo(2);
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void shouldStoreEveryBitPatternWhenKeysAreExtreme() {
        final long[] keys = {0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 63 >>> 1};
        final Long2IntOpenMap map = new Long2IntOpenMap(2, -1);

        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], i);
        }

        for (int i = 0; i < keys.length; i++) {
            assertThat(map.get(keys[i])).as("key %d", keys[i]).isEqualTo(i);
        }
        assertThat(map.size()).isEqualTo(keys.length);
    }

    @Test
    void shouldForgetEveryKeyWhenCleared() {
        final Long2IntOpenMap map = new Long2IntOpenMap(16, -1);
        for (long k = 0; k < 1_000; k++) {
            map.put(k * 64, (int) k);
        }

        map.clear();

        assertThat(map.size()).isZero();
        for (long k = 0; k < 1_000; k++) {
            assertThat(map.get(k * 64)).isEqualTo(-1);
        }
        map.put(64L, 7);
        assertThat(map.get(64L)).isEqualTo(7);
        assertThat(map.get(0L)).isEqualTo(-1);
    }

    @Test
    void shouldKeepEveryEntryWhenSequentialKeysGrowTheMapManyTimes() {
        final Long2IntOpenMap map = new Long2IntOpenMap(0, -1);

        for (int k = 0; k < 300_000; k++) {
            map.put(k, k);
        }

        assertThat(map.size()).isEqualTo(300_000);
        for (int k = 0; k < 300_000; k++) {
            assertThat(map.get(k)).isEqualTo(k);
        }
        assertThat(map.get(300_000L)).isEqualTo(-1);
    }
}

package io.tsagg.serde.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link KeyDictionary}. */
class KeyDictionaryTest {

    @Test
    void shouldFindEntryWhenKeyWasPut() {
        final KeyDictionary dictionary = new KeyDictionary();
        final byte[] name = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);

        final int entry = dictionary.put(42L, name, 0, name.length);

        assertThat(dictionary.find(42L)).isEqualTo(entry);
        assertThat(dictionary.id(entry)).isEqualTo(42L);
        assertThat(dictionary.keyString(entry)).isEqualTo("cpu,host=a usage_user");
        assertThat(bytesOf(dictionary, entry)).isEqualTo(name);
        assertThat(dictionary.size()).isEqualTo(1);
    }

    @Test
    void shouldReturnMinusOneWhenIdIsUnknown() {
        final KeyDictionary dictionary = new KeyDictionary();
        dictionary.put(1L, new byte[] {'a'}, 0, 1);

        assertThat(dictionary.find(2L)).isEqualTo(-1);
    }

    @Test
    void shouldKeepFirstBytesWhenIdIsPutTwice() {
        final KeyDictionary dictionary = new KeyDictionary();
        final int first = dictionary.put(7L, "first".getBytes(StandardCharsets.UTF_8), 0, 5);

        final int second = dictionary.put(7L, "second".getBytes(StandardCharsets.UTF_8), 0, 6);

        assertThat(second).isEqualTo(first);
        assertThat(dictionary.keyString(first)).isEqualTo("first");
        assertThat(dictionary.size()).isEqualTo(1);
    }

    @Test
    void shouldCopyOnlyTheSliceWhenOffsetAndLengthAreGiven() {
        final KeyDictionary dictionary = new KeyDictionary();
        final byte[] buffer = "xxhello worldyy".getBytes(StandardCharsets.UTF_8);

        final int entry = dictionary.put(3L, buffer, 2, 11);
        Arrays.fill(buffer, (byte) 'z');

        assertThat(dictionary.keyString(entry)).isEqualTo("hello world");
    }

    @Test
    void shouldStoreEmptyKeyWhenLengthIsZero() {
        final KeyDictionary dictionary = new KeyDictionary();

        final int entry = dictionary.put(0L, new byte[0], 0, 0);

        assertThat(dictionary.find(0L)).isEqualTo(entry);
        assertThat(dictionary.length(entry)).isZero();
        assertThat(dictionary.keyString(entry)).isEmpty();
    }

    @Test
    void shouldKeepEveryKeyWhenIndexAndArenaGrow() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final KeyDictionary dictionary = new KeyDictionary();
        final List<byte[]> names = new ArrayList<>();
        final long[] ids = new long[5_000];
        long arenaBytes = 0;

        for (int i = 0; i < ids.length; i++) {
            final byte[] name = new byte[random.nextInt(i == 100 ? 200_000 : 100)];
            random.nextBytes(name);
            ids[i] = random.nextLong();
            names.add(name);
            arenaBytes += name.length;
            assertThat(dictionary.put(ids[i], name, 0, name.length))
                    .as("seed %d, key %d", seed, i)
                    .isEqualTo(i);
        }

        assertThat(arenaBytes).isGreaterThan(64 * 1024);
        assertThat(dictionary.size()).as("seed %d", seed).isEqualTo(ids.length);
        assertThat(dictionary.bytesUsed()).as("seed %d", seed).isGreaterThanOrEqualTo(arenaBytes);
        for (int i = 0; i < ids.length; i++) {
            final int entry = dictionary.find(ids[i]);
            assertThat(entry).as("seed %d, key %d", seed, i).isEqualTo(i);
            assertThat(dictionary.id(entry)).as("seed %d, key %d", seed, i).isEqualTo(ids[i]);
            assertThat(bytesOf(dictionary, entry))
                    .as("seed %d, key %d", seed, i)
                    .isEqualTo(names.get(i));
        }
    }

    @Test
    void shouldFindWithACursorInEveryOrderWhatTheIndexFinds() {
        final KeyDictionary dictionary = new KeyDictionary();
        final Random random = new Random(11);
        final long[] ids = new long[2_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextLong();
            dictionary.put(ids[i], new byte[] {(byte) i}, 0, 1);
        }
        final KeyDictionary.Cursor cursor = dictionary.cursor();

        // In order (the cursor's guess right), backwards and at random (wrong), unknown ids.
        for (int i = 0; i < ids.length; i++) {
            assertThat(cursor.find(ids[i])).isEqualTo(i);
        }
        for (int i = ids.length - 1; i >= 0; i--) {
            assertThat(cursor.find(ids[i])).isEqualTo(i);
        }
        for (int n = 0; n < 5_000; n++) {
            final int i = random.nextInt(ids.length);
            assertThat(cursor.find(ids[i])).isEqualTo(i);
            assertThat(cursor.find(random.nextLong())).isEqualTo(-1);
        }
        // Entries put after the cursor was made.
        dictionary.put(5L, new byte[] {1}, 0, 1);
        assertThat(cursor.find(ids[ids.length - 1])).isEqualTo(ids.length - 1);
        assertThat(cursor.find(5L)).isEqualTo(ids.length);
    }

    @Test
    void shouldKeepLatestValidUntilWhenKeyIsAnnouncedAgain() {
        final KeyDictionary dictionary = new KeyDictionary();
        final int entry = dictionary.put(7L, new byte[] {'a'}, 0, 1, 2_000L);

        dictionary.put(7L, new byte[] {'a'}, 0, 1, 5_000L);
        dictionary.put(7L, new byte[] {'a'}, 0, 1, 3_000L);

        assertThat(dictionary.validUntil(entry)).isEqualTo(5_000L);
        assertThat(dictionary.forgetExpired(5_000L)).isZero();
        assertThat(dictionary.forgetExpired(5_001L)).isEqualTo(1);
        assertThat(dictionary.find(7L)).isEqualTo(-1);
    }

    @Test
    void shouldDropOnlyExpiredEntriesAndKeepTheRestInOrderWhenForgetting() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final KeyDictionary dictionary = new KeyDictionary();
        final KeyDictionary.Cursor cursor = dictionary.cursor();
        final int n = 50_000;
        final long[] ids = new long[n];
        final long[] validUntil = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextLong();
            validUntil[i] = i % 7 == 0 ? Long.MAX_VALUE : random.nextInt(1_000);
            final byte[] name = ("series-" + i).getBytes(StandardCharsets.UTF_8);
            dictionary.put(ids[i], name, 0, name.length, validUntil[i]);
        }
        final long bytesBefore = dictionary.bytesUsed();
        assertThat(cursor.find(ids[n - 1])).isEqualTo(n - 1);

        assertThat(dictionary.hasExpired(0L)).isFalse();
        assertThat(dictionary.hasExpired(900L)).isTrue();
        final int dropped = dictionary.forgetExpired(900L);

        final List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (validUntil[i] >= 900L) {
                kept.add(i);
            } else {
                assertThat(dictionary.find(ids[i])).as("seed %d, key %d", seed, i).isEqualTo(-1);
            }
        }
        assertThat(dropped).isEqualTo(n - kept.size());
        assertThat(dictionary.size()).isEqualTo(kept.size());
        for (int e = 0; e < kept.size(); e++) {
            final int i = kept.get(e);
            assertThat(dictionary.find(ids[i])).as("seed %d, key %d", seed, i).isEqualTo(e);
            assertThat(dictionary.id(e)).isEqualTo(ids[i]);
            assertThat(dictionary.validUntil(e)).isEqualTo(validUntil[i]);
            assertThat(dictionary.keyString(e)).isEqualTo("series-" + i);
            // A cursor made before still finds every kept key.
            assertThat(cursor.find(ids[i])).isEqualTo(e);
        }
        assertThat(dictionary.bytesUsed()).as("shrunk").isLessThan(bytesBefore / 2);
        assertThat(dictionary.hasExpired(900L)).as("exact after forgetting").isFalse();
        // Keys valid for good are never dropped; new keys can be put after forgetting.
        assertThat(dictionary.forgetExpired(Long.MAX_VALUE)).isEqualTo(kept.size() - (n + 6) / 7);
        final int again = dictionary.put(ids[1], new byte[] {'x'}, 0, 1, 10L);
        assertThat(dictionary.find(ids[1])).isEqualTo(again);
        assertThat(dictionary.keyString(again)).isEqualTo("x");
    }

    private static byte[] bytesOf(KeyDictionary dictionary, int entry) {
        return Arrays.copyOfRange(
                dictionary.arena(),
                dictionary.offset(entry),
                dictionary.offset(entry) + dictionary.length(entry));
    }
}

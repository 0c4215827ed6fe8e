package io.tsagg.serde.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Tests for the key dictionaries a {@link FrameDecoder} remembers ({@link KeyTableCache}): a frame
 * repeating a dictionary is read exactly as if it were new, and is told apart from any other.
 */
class KeyTableCacheTest {
    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void shouldNameARepeatedDictionaryWithItsStampAndReadTheNewFramesSamples()
            throws MalformedInputException {
        byte[] first = frame(keys("cpu,host=a v", "cpu,host=b v", "mem,host=a used"), 0, 1.0);
        byte[] second = frame(keys("cpu,host=a v", "cpu,host=b v", "mem,host=a used"), 500, 7.0);

        decoder.wrap(first, 0, first.length);
        long stamp = decoder.keyTableStamp();
        int entry = decoder.keyTableEntry();
        decoder.wrap(second, 0, second.length);

        assertThat(stamp).isNotNegative();
        assertThat(entry).isBetween(0, FrameDecoder.KEY_TABLES - 1);
        assertThat(decoder.keyTableStamp()).isEqualTo(stamp);
        assertThat(decoder.keyTableEntry()).isEqualTo(entry);
        assertHashesAreTheKeys(decoder);
        assertThat(decoder.timestamp(2)).isEqualTo(502);
        assertThat(decoder.value(2)).isEqualTo(9.0);
    }

    @Test
    void shouldGiveAnotherStampToADictionaryDifferingOnlyWhereTheFingerprintDoesNotLook()
            throws MalformedInputException {
        // Three 40-byte keys: the fingerprint reads the first, middle and last 8 bytes of the
        // dictionary (table, padding, keys), none of them in the first key's bytes 12..19.
        String a = "cpu,host=aaaaaaaaaaaaaaaaaaaaaaaaaaaaa v";
        String b = "cpu,host=aaaaaaaaaaaaaaaaaaaaaaaaaaaab v";
        String c = "cpu,host=aaaaaaaaaaaaaaaaaaaaaaaaaaaac v";
        String a2 = "cpu,host=aaaZaaaaaaaaaaaaaaaaaaaaaaaaa v";
        byte[] one = frame(keys(a, b, c), 0, 1.0);
        byte[] two = frame(keys(a2, b, c), 0, 1.0);
        int from = FrameDescriptor.KEY_TABLE_OFFSET;
        int length = (int) FrameDescriptor.keyBytesOffset(3) + 3 * 40 - from;
        assertThat(KeyTableCache.fingerprint(one, from, length, 3))
                .isEqualTo(KeyTableCache.fingerprint(two, from, length, 3));

        decoder.wrap(one, 0, one.length);
        long stamp = decoder.keyTableStamp();
        decoder.wrap(two, 0, two.length);

        assertThat(decoder.keyTableStamp()).isNotEqualTo(stamp);
        assertHashesAreTheKeys(decoder);
        assertThat(key(decoder, 0)).isEqualTo(a2);
    }

    @Test
    void shouldForgetTheOldestDictionaryOnceMoreThanItKeepsWereSeen()
            throws MalformedInputException {
        byte[] first = frame(keys("cpu,host=first v"), 0, 1.0);
        decoder.wrap(first, 0, first.length);
        long stamp = decoder.keyTableStamp();
        for (int i = 0; i < KeyTableCache.SMALL_ENTRIES - 1; i++) {
            byte[] other = frame(keys("cpu,host=" + i + " v"), 0, 1.0);
            decoder.wrap(other, 0, other.length);
        }
        decoder.wrap(first, 0, first.length);
        assertThat(decoder.keyTableStamp()).isEqualTo(stamp);

        byte[] one = frame(keys("cpu,host=one-too-many v"), 0, 1.0);
        decoder.wrap(one, 0, one.length);
        decoder.wrap(first, 0, first.length);

        assertThat(decoder.keyTableStamp()).isGreaterThan(stamp);
        assertHashesAreTheKeys(decoder);
    }

    @Test
    void shouldStillCheckEverythingButTheDictionaryOfARepeatedOne() throws MalformedInputException {
        byte[] good = frame(keys("cpu,host=a v", "cpu,host=b v"), 0, 1.0);
        byte[] badIndex = frame(keys("cpu,host=a v", "cpu,host=b v"), 0, 1.0);
        int indexAt = (int) FrameDescriptor.seriesIndexColumnOffset(2, 24);
        putInt(badIndex, indexAt + 4, 2);
        reseal(badIndex);
        decoder.wrap(good, 0, good.length);

        assertThatThrownBy(() -> decoder.wrap(badIndex, 0, badIndex.length))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageStartingWith("bad_series_index");
        assertThat(decoder.keyTableStamp()).isEqualTo(-1);
        assertThat(decoder.seriesCount()).isZero();
    }

    @Test
    void shouldRejectABadDictionaryEveryTimeItComes() {
        byte[] bad = frame(keys("cpu,host=a v", "cpu,host=b v"), 0, 1.0);
        int keysAt = (int) FrameDescriptor.keyBytesOffset(2);
        bad[keysAt + 3] = (byte) 0xFF;
        reseal(bad);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> decoder.wrap(bad, 0, bad.length))
                    .isInstanceOf(MalformedInputException.class)
                    .hasMessageStartingWith("bad_utf8");
        }
    }

    @Test
    void shouldNotKeepADictionaryLargerThanTheLimitAndStillReadIt() throws MalformedInputException {
        int keys = KeyTableCache.LARGE_MAX_BYTES / 1000 + 1;
        String[] big = new String[keys];
        for (int i = 0; i < keys; i++) {
            big[i] = "m,host=" + "x".repeat(1000) + i + " v";
        }
        byte[] frame = frame(big, 0, 1.0);

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.keyTableEntry()).isEqualTo(-1);
        assertThat(decoder.keyTableStamp()).isEqualTo(-1);
        assertHashesAreTheKeys(decoder);
        decoder.wrap(frame, 0, frame.length);
        assertHashesAreTheKeys(decoder);
    }

    @Test
    void shouldKeepLargeDictionariesApartAndReuseTheArraysOnceGrown() {
        KeyTableCache cache = new KeyTableCache();
        byte[] small = dictionary(1000, 'a');
        put(cache, small);
        byte[][] large = new byte[KeyTableCache.LARGE_ENTRIES + 1][];
        for (int d = 0; d < large.length; d++) {
            large[d] = dictionary(KeyTableCache.LARGE_MAX_BYTES - 1000, 'b' + d);
            put(cache, large[d]);
        }
        long held = cache.arrayBytes();

        assertThat(find(cache, small)).isNotNegative();
        assertThat(find(cache, large[0])).isEqualTo(-1);
        for (int d = 1; d < large.length; d++) {
            assertThat(cache.hashes(find(cache, large[d]))[0]).isEqualTo(large[d][0]);
        }
        for (int round = 0; round < 3; round++) {
            for (byte[] d : large) {
                put(cache, d);
            }
        }
        assertThat(cache.arrayBytes()).isEqualTo(held);
        assertThat(held)
                .isLessThanOrEqualTo(
                        2L
                                * (KeyTableCache.SMALL_ENTRIES * KeyTableCache.SMALL_MAX_BYTES
                                        + KeyTableCache.LARGE_ENTRIES
                                                * KeyTableCache.LARGE_MAX_BYTES));
    }

    @Test
    void shouldNotKeepADictionaryOfKeysShorterThanTheirHashes() {
        KeyTableCache cache = new KeyTableCache();
        byte[] tiny = dictionary(64, 'x');

        assertThat(cache.put(tiny, 0, tiny.length, 9, 1L, new long[9])).isEqualTo(-1);
        assertThat(cache.put(tiny, 0, tiny.length, 8, 1L, new long[8])).isNotNegative();
    }

    private static byte[] dictionary(int length, int fill) {
        byte[] d = new byte[length];
        java.util.Arrays.fill(d, (byte) fill);
        return d;
    }

    /** Remembers {@code d} as a dictionary of one key whose hash is its first byte. */
    private static void put(KeyTableCache cache, byte[] d) {
        long f = KeyTableCache.fingerprint(d, 0, d.length, 1);
        assertThat(cache.put(d, 0, d.length, 1, f, new long[] {d[0]})).isNotNegative();
    }

    private static int find(KeyTableCache cache, byte[] d) {
        return cache.find(d, 0, d.length, 1, KeyTableCache.fingerprint(d, 0, d.length, 1));
    }

    private static String[] keys(String... keys) {
        return keys;
    }

    /** One sample per key: key i at {@code t0 + i} with value {@code v0 + i}. */
    private static byte[] frame(String[] keys, long t0, double v0) {
        FrameWriter w = new FrameWriter();
        for (int i = 0; i < keys.length; i++) {
            w.addSample(w.addSeries(keys[i]), t0 + i, v0 + i);
        }
        return w.toByteArray();
    }

    private static void assertHashesAreTheKeys(FrameDecoder d) {
        for (int s = 0; s < d.seriesCount(); s++) {
            byte[] k = key(d, s).getBytes(StandardCharsets.UTF_8);
            assertThat(d.seriesKeyHash(s)).isEqualTo(SeriesKeyHash.hash(k, 0, k.length));
        }
    }

    private static String key(FrameDecoder d, int s) {
        return new String(
                d.array(), d.seriesKeyOffset(s), d.seriesKeyLength(s), StandardCharsets.UTF_8);
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void reseal(byte[] frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - FrameDescriptor.TRAILER_LENGTH);
        putInt(frame, frame.length - FrameDescriptor.TRAILER_LENGTH, (int) crc.getValue());
    }
}

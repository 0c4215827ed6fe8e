package io.tsagg.serde.frame;

import java.util.Arrays;

/**
 * The key dictionaries (key end table and key bytes) of recent frames, with their {@link
 * io.tsagg.serde.key.SeriesKeyHash}es, so that a frame repeating a dictionary seen before skips
 * validating and hashing its keys. Producers that scrape a fixed set of series, as metric agents
 * do, send the same dictionary again and again; a frame whose dictionary is byte-for-byte equal to
 * a cached one has keys that passed validation and hashes that are already known.
 *
 * <p>A lookup compares a fingerprint (lengths and a few words of the dictionary) per entry and then
 * the whole dictionary with {@link Arrays#equals(byte[], int, int, byte[], int, int)}, so a hit
 * costs a memory comparison, and a miss usually not even that.
 *
 * <p>Bounded and garbage-free once warm: {@value #SMALL_ENTRIES} entries for dictionaries of up to
 * {@value #SMALL_MAX_BYTES} bytes and {@value #LARGE_ENTRIES} for those of up to {@value
 * #LARGE_MAX_BYTES} (a scrape of ten thousand series in one frame), each replaced oldest first.
 * Larger dictionaries, and those with keys under 8 bytes on average (whose hashes would outweigh
 * them), are not cached. An entry's arrays grow to the largest dictionary it held and are reused,
 * never freed, so the cache holds at most 2 x ({@value #SMALL_ENTRIES} x {@value #SMALL_MAX_BYTES}
 * + {@value #LARGE_ENTRIES} x {@value #LARGE_MAX_BYTES}) bytes, 8 MiB. Every entry carries a stamp,
 * unique for the life of the cache, so that a user can keep its own per-dictionary data next to an
 * entry and tell when the entry was replaced.
 *
 * <p>Not thread-safe; one per {@link FrameDecoder}.
 */
final class KeyTableCache {
    static final int SMALL_ENTRIES = 16;
    static final int LARGE_ENTRIES = 2;
    static final int ENTRIES = SMALL_ENTRIES + LARGE_ENTRIES;
    static final int SMALL_MAX_BYTES = 128 * 1024;
    static final int LARGE_MAX_BYTES = 1024 * 1024;

    private final long[] fingerprints = new long[ENTRIES];
    private final int[] seriesCounts = new int[ENTRIES];
    private final int[] lengths = new int[ENTRIES];
    private final byte[][] tables = new byte[ENTRIES][];
    private final long[][] hashes = new long[ENTRIES][];
    private final long[] stamps = new long[ENTRIES];
    private int nextSmall;
    private int nextLarge = SMALL_ENTRIES;
    private long lastStamp;

    KeyTableCache() {
        Arrays.fill(stamps, -1);
    }

    /**
     * A fingerprint of the dictionary {@code record[from, from + length)} of {@code series} keys:
     * equal dictionaries have equal fingerprints.
     */
    static long fingerprint(byte[] record, int from, int length, int series) {
        long h = ((long) length << 32) ^ series;
        // Three words spread over the range; dictionaries are at least 8 bytes long (one 4-byte
        // key end and a 1-byte key, padded to 8), and an empty one reads nothing.
        if (length >= Long.BYTES) {
            h = mix(h ^ FrameDecoder.readLong(record, from));
            h = mix(h ^ FrameDecoder.readLong(record, from + ((length - Long.BYTES) >>> 1)));
            h = mix(h ^ FrameDecoder.readLong(record, from + length - Long.BYTES));
        }
        return h;
    }

    /** The entry holding this dictionary, or -1. */
    int find(byte[] record, int from, int length, int series, long fingerprint) {
        for (int e = 0; e < ENTRIES; e++) {
            if (fingerprints[e] == fingerprint
                    && stamps[e] >= 0
                    && lengths[e] == length
                    && seriesCounts[e] == series
                    && Arrays.equals(tables[e], 0, length, record, from, from + length)) {
                return e;
            }
        }
        return -1;
    }

    /**
     * Remembers a validated dictionary and the hashes of its {@code series} keys, replacing the
     * oldest entry of its size; returns the entry, or -1 if the dictionary is not cached.
     */
    int put(byte[] record, int from, int length, int series, long fingerprint, long[] keyHashes) {
        if (length > LARGE_MAX_BYTES || (long) series * Long.BYTES > length) {
            return -1;
        }
        int e;
        int max;
        if (length <= SMALL_MAX_BYTES) {
            e = nextSmall;
            nextSmall = (e + 1) % SMALL_ENTRIES;
            max = SMALL_MAX_BYTES;
        } else {
            e = nextLarge;
            nextLarge = e + 1 == ENTRIES ? SMALL_ENTRIES : e + 1;
            max = LARGE_MAX_BYTES;
        }
        if (tables[e] == null || tables[e].length < length) {
            tables[e] = new byte[grown(tables[e] == null ? 0 : tables[e].length, length, max)];
        }
        if (hashes[e] == null || hashes[e].length < series) {
            int maxSeries = max / Long.BYTES;
            hashes[e] =
                    new long[grown(hashes[e] == null ? 0 : hashes[e].length, series, maxSeries)];
        }
        System.arraycopy(record, from, tables[e], 0, length);
        System.arraycopy(keyHashes, 0, hashes[e], 0, series);
        fingerprints[e] = fingerprint;
        lengths[e] = length;
        seriesCounts[e] = series;
        stamps[e] = ++lastStamp;
        return e;
    }

    /** A new array length for at least {@code needed}: doubling, at least 1,024, at most max. */
    private static int grown(int current, int needed, int max) {
        return Math.min(max, Math.max(needed, Math.max(1024, current * 2)));
    }

    /** Bytes held in the entries' arrays. */
    long arrayBytes() {
        long bytes = 0;
        for (int e = 0; e < ENTRIES; e++) {
            bytes += tables[e] == null ? 0 : tables[e].length;
            bytes += hashes[e] == null ? 0 : (long) hashes[e].length * Long.BYTES;
        }
        return bytes;
    }

    /** The key hashes of entry {@code e}, indexed by series; longer than the series count. */
    long[] hashes(int e) {
        return hashes[e];
    }

    /** The stamp of entry {@code e}: new whenever the entry is (re)filled. */
    long stamp(int e) {
        return stamps[e];
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 32)) * 0xD6E8FEB86659FD93L;
        return z ^ (z >>> 32);
    }
}

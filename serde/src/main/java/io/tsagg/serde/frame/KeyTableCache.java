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
 * costs a memory comparison, and a miss usually not even that. Bounded: at most {@value #ENTRIES}
 * entries of at most {@value #MAX_ENTRY_BYTES} dictionary bytes each (about {@value #ENTRIES} x
 * 1.25 x that in the worst case, with the hashes); larger dictionaries are not cached. Entries are
 * replaced oldest first. Every entry carries a stamp, unique for the life of the cache, so that a
 * user can keep its own per-dictionary data next to an entry and tell when the entry was replaced.
 *
 * <p>Not thread-safe; one per {@link FrameDecoder}.
 */
final class KeyTableCache {
    static final int ENTRIES = 16;
    static final int MAX_ENTRY_BYTES = 256 * 1024;

    private final long[] fingerprints = new long[ENTRIES];
    private final int[] seriesCounts = new int[ENTRIES];
    private final int[] lengths = new int[ENTRIES];
    private final byte[][] tables = new byte[ENTRIES][];
    private final long[][] hashes = new long[ENTRIES][];
    private final long[] stamps = new long[ENTRIES];
    private int next;
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
     * oldest entry; returns the entry, or -1 if the dictionary is too large to cache.
     */
    int put(byte[] record, int from, int length, int series, long fingerprint, long[] keyHashes) {
        if (length > MAX_ENTRY_BYTES) {
            return -1;
        }
        int e = next;
        next = (next + 1) % ENTRIES;
        if (tables[e] == null || tables[e].length < length) {
            tables[e] = new byte[Math.max(length, 1024)];
        }
        if (hashes[e] == null || hashes[e].length < series) {
            hashes[e] = new long[Math.max(series, 64)];
        }
        System.arraycopy(record, from, tables[e], 0, length);
        System.arraycopy(keyHashes, 0, hashes[e], 0, series);
        fingerprints[e] = fingerprint;
        lengths[e] = length;
        seriesCounts[e] = series;
        stamps[e] = ++lastStamp;
        return e;
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

package io.tsagg.serde.collections;

import java.util.Arrays;

/**
 * Open-addressing map from {@code long} to {@code int} with linear probing and no boxing. Any
 * {@code long} is a valid key; {@link #missingValue()} marks an empty slot and is what {@link #get}
 * returns for an absent key, so it may not be stored.
 *
 * <p>Keys are mixed before probing, so sequential or adversarial ids spread as well as hashes do.
 * There is no single-entry removal: owners drop a whole map with {@link #clear()} (a closed pane).
 * Not thread-safe.
 */
public final class Long2IntOpenMap {
    private static final float LOAD_FACTOR = 0.6f;

    private final int missingValue;
    private long[] keys;
    private int[] values;
    private int mask;
    private int size;
    private int resizeAt;

    public Long2IntOpenMap(int expectedSize, int missingValue) {
        this.missingValue = missingValue;
        int capacity =
                Integer.highestOneBit(Math.max(16, (int) (expectedSize / LOAD_FACTOR)) - 1) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, missingValue);
        mask = capacity - 1;
        resizeAt = (int) (capacity * LOAD_FACTOR);
    }

    public int missingValue() {
        return missingValue;
    }

    public int size() {
        return size;
    }

    /** Hot path. */
    public int get(long key) {
        int i = slot(key);
        while (true) {
            int v = values[i];
            if (v == missingValue || keys[i] == key) {
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    /** Puts a mapping; returns the previous value or {@link #missingValue()}. */
    public int put(long key, int value) {
        if (value == missingValue) {
            throw new IllegalArgumentException("cannot store the missing value " + value);
        }
        int i = slot(key);
        while (true) {
            int v = values[i];
            if (v == missingValue) {
                keys[i] = key;
                values[i] = value;
                if (++size > resizeAt) {
                    rehash(keys.length << 1);
                }
                return missingValue;
            }
            if (keys[i] == key) {
                values[i] = value;
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    public void clear() {
        if (size > 0) {
            Arrays.fill(values, missingValue);
            size = 0;
        }
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(capacity);
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != missingValue) {
                int j = slot(oldKeys[i]);
                while (values[j] != missingValue) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    private int slot(long key) {
        // Stafford's mix13 finaliser: cheap and spreads every input bit.
        long h = (key ^ (key >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return (int) (h ^ (h >>> 31)) & mask;
    }
}

package io.tsagg.serde.collections;

import java.util.Arrays;

/**
 * Open-addressing set of {@code long}s with linear probing: one {@code long[]}, 0 marking an empty
 * slot (the value 0 itself is kept in a flag). One array means one cache line per probe, which is
 * what a membership test of a large set of random ids costs: a parser checking whether it has
 * announced a key before spends its time waiting for that line (about a third of its time with
 * series that never repeat, {@code LineProtocolParseBenchmark -p cardinality=unique}).
 *
 * <p>Keys are mixed before probing, as in {@link Long2IntOpenMap}. No removal; {@link #clear()}
 * empties it. Grows by doubling at a load of 0.6; allocates only then. Not thread-safe.
 */
public final class LongOpenSet {
    private static final float LOAD_FACTOR = 0.6f;

    private long[] keys;
    private int mask;
    private int size;
    private int resizeAt;
    private boolean hasZero;

    public LongOpenSet(int expectedSize) {
        allocate(Integer.highestOneBit(Math.max(16, (int) (expectedSize / LOAD_FACTOR)) - 1) << 1);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        mask = capacity - 1;
        resizeAt = (int) (capacity * LOAD_FACTOR);
    }

    public int size() {
        return size;
    }

    /** Whether {@code key} is in the set. Hot path. */
    public boolean contains(long key) {
        if (key == 0) {
            return hasZero;
        }
        int i = slot(key);
        while (true) {
            final long k = keys[i];
            if (k == key) {
                return true;
            }
            if (k == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /** Adds {@code key}; returns whether it was not in the set before. Hot path. */
    public boolean add(long key) {
        if (key == 0) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        int i = slot(key);
        while (true) {
            final long k = keys[i];
            if (k == key) {
                return false;
            }
            if (k == 0) {
                keys[i] = key;
                if (++size > resizeAt) {
                    rehash(keys.length << 1);
                }
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    public void clear() {
        if (size > 0) {
            Arrays.fill(keys, 0L);
            hasZero = false;
            size = 0;
        }
    }

    private void rehash(int capacity) {
        final long[] old = keys;
        allocate(capacity);
        for (final long key : old) {
            if (key != 0) {
                int j = slot(key);
                while (keys[j] != 0) {
                    j = (j + 1) & mask;
                }
                keys[j] = key;
            }
        }
    }

    private int slot(long key) {
        // Stafford's mix13 finaliser, as Long2IntOpenMap.
        long h = (key ^ (key >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return (int) (h ^ (h >>> 31)) & mask;
    }
}

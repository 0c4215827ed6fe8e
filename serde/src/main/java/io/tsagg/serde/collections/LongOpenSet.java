package io.tsagg.serde.collections;

import java.util.Arrays;

/**
 * Open-addressing set of {@code long}s with linear probing, where the caller says which keys belong
 * together: each key is added and looked up with a {@code group}, and the probe starts at the
 * group's slot, so the keys of one group sit side by side. A membership test of a large set of
 * random ids costs one cache miss; testing the ids of one group after another costs about one miss
 * for the group instead of one per id. (A line-protocol parser checks whether it has announced each
 * field's key; grouped by series, the fields of a line cost one miss, not one per field: about a
 * third of the parser's time went there with series that never repeat, {@code
 * LineProtocolParseBenchmark -p cardinality=unique}.)
 *
 * <p>A key must always come with the same group (a function of the key will do); a key added under
 * two groups is two entries. Key and group are kept side by side in one {@code long[]} (16 bytes a
 * slot); an empty slot is key 0 there, and the key 0 itself is kept in a flag. No removal; {@link
 * #clear()} empties it. Grows by doubling at a load of 0.6, and allocates only then. Not
 * thread-safe.
 */
public final class LongOpenSet {
    private static final float LOAD_FACTOR = 0.6f;

    /** Key at {@code 2 * slot}, its group at {@code 2 * slot + 1}. */
    private long[] slots;

    private int mask;
    private int size;
    private int resizeAt;
    private boolean hasZero;

    public LongOpenSet(int expectedSize) {
        allocate(Integer.highestOneBit(Math.max(16, (int) (expectedSize / LOAD_FACTOR)) - 1) << 1);
    }

    private void allocate(int capacity) {
        slots = new long[2 * capacity];
        mask = capacity - 1;
        resizeAt = (int) (capacity * LOAD_FACTOR);
    }

    public int size() {
        return size;
    }

    /** Whether {@code key}, added with {@code group}, is in the set. Hot path. */
    public boolean contains(long key, long group) {
        if (key == 0) {
            return hasZero;
        }
        final long[] s = slots;
        int i = slot(group);
        while (true) {
            final long k = s[2 * i];
            if (k == key) {
                return true;
            }
            if (k == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Adds {@code key} in {@code group}; returns whether it was not in the set before. Hot path.
     */
    public boolean add(long key, long group) {
        if (key == 0) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        final long[] s = slots;
        int i = slot(group);
        while (true) {
            final long k = s[2 * i];
            if (k == key) {
                return false;
            }
            if (k == 0) {
                s[2 * i] = key;
                s[2 * i + 1] = group;
                if (++size > resizeAt) {
                    rehash(2 * (mask + 1));
                }
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    public void clear() {
        if (size > 0) {
            Arrays.fill(slots, 0L);
            hasZero = false;
            size = 0;
        }
    }

    private void rehash(int capacity) {
        final long[] old = slots;
        allocate(capacity);
        for (int j = 0; j < old.length; j += 2) {
            final long key = old[j];
            if (key != 0) {
                int i = slot(old[j + 1]);
                while (slots[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = key;
                slots[2 * i + 1] = old[j + 1];
            }
        }
    }

    private int slot(long group) {
        // Stafford's mix13 finaliser, as Long2IntOpenMap.
        long h = (group ^ (group >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return (int) (h ^ (h >>> 31)) & mask;
    }
}

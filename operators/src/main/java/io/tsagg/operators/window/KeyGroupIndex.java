package io.tsagg.operators.window;

import java.util.Arrays;

/**
 * Entries of a store sorted by key group (counting sort), so a snapshot writes each key group's
 * section in one pass. An entry is an opaque {@code long} chosen by the store (e.g. pane index and
 * slot). Rebuilt for every snapshot.
 */
final class KeyGroupIndex {
    private long[] entries = new long[0];
    private int[] start = new int[0];
    private int firstKeyGroup;

    /** Indexes {@code n} entries whose key groups are {@code keyGroups[0..n)}. */
    void build(long[] items, int[] keyGroups, int n) {
        if (n == 0) {
            start = new int[0];
            entries = new long[0];
            return;
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, keyGroups[i]);
            max = Math.max(max, keyGroups[i]);
        }
        firstKeyGroup = min;
        start = new int[max - min + 2];
        for (int i = 0; i < n; i++) {
            start[keyGroups[i] - min + 1]++;
        }
        for (int i = 1; i < start.length; i++) {
            start[i] += start[i - 1];
        }
        int[] fill = Arrays.copyOf(start, start.length);
        entries = new long[n];
        for (int i = 0; i < n; i++) {
            entries[fill[keyGroups[i] - min]++] = items[i];
        }
    }

    /** First position of the key group's entries in {@link #entry(int)} order. */
    int from(int keyGroup) {
        int i = keyGroup - firstKeyGroup;
        return i < 0 || i + 1 >= start.length ? 0 : start[i];
    }

    /** End (exclusive) of the key group's entries. */
    int to(int keyGroup) {
        int i = keyGroup - firstKeyGroup;
        return i < 0 || i + 1 >= start.length ? 0 : start[i + 1];
    }

    long entry(int position) {
        return entries[position];
    }
}

package io.tsagg.operators.window;

import io.tsagg.serde.collections.Long2IntOpenMap;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Merges per-key summaries of several panes into one summary per key (a sliding window), on the
 * heap, quantile sketches included. Callers add panes in time order so first/last stay right, then
 * {@link #visitAll}. Reused across windows; not thread-safe.
 */
final class PaneMerger {
    private final Long2IntOpenMap index = new Long2IntOpenMap(1024, -1);

    /** Makes the merged summaries: with a quantile sketch when the store keeps quantiles. */
    private final Supplier<Summary> summaries;

    private Summary[] merged = new Summary[0];
    private long[] keys = new long[0];
    private int size;

    PaneMerger(Supplier<Summary> summaries) {
        this.summaries = summaries;
    }

    void clear() {
        index.clear();
        size = 0;
    }

    void add(long key, Summary s) {
        int m = index.get(key);
        if (m < 0) {
            if (size == merged.length) {
                int capacity = Math.max(16, size * 2);
                merged = Arrays.copyOf(merged, capacity);
                keys = Arrays.copyOf(keys, capacity);
            }
            if (merged[size] == null) {
                merged[size] = summaries.get();
            }
            m = size++;
            index.put(key, m);
            keys[m] = key;
            merged[m].clear();
        }
        merged[m].merge(s);
    }

    void visitAll(WindowStore.SummaryVisitor visitor) throws Exception {
        for (int m = 0; m < size; m++) {
            visitor.visit(keys[m], merged[m]);
        }
    }
}

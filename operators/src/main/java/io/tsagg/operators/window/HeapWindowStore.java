package io.tsagg.operators.window;

import io.tsagg.operators.sketch.HeapQuantileSketch;
import io.tsagg.serde.collections.Long2IntOpenMap;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link WindowStore} on the Java heap: per pane, structure-of-arrays summary columns indexed by
 * slot, and a primitive map from key id to slot. Panes are recycled when dropped. With quantiles,
 * each slot also has a {@link HeapQuantileSketch} (recycled with its pane).
 *
 * <p>Single-threaded. Has no memory budget of its own: {@link #add} succeeds unless the store was
 * made with a maximum number of entries and a new (key, pane) would exceed it.
 */
public final class HeapWindowStore extends PanedWindowStore<HeapWindowStore.Pane> {

    /** A store without quantiles. */
    public HeapWindowStore() {
        this(0.0);
    }

    /**
     * @param quantileAccuracy relative accuracy of per-slot quantile sketches in (0, 1), or 0 for
     *     none
     */
    public HeapWindowStore(double quantileAccuracy) {
        this(quantileAccuracy, Long.MAX_VALUE);
    }

    /**
     * @param quantileAccuracy relative accuracy of per-slot quantile sketches in (0, 1), or 0 for
     *     none
     * @param maxEntries (key, pane) entries held at most: {@link #add} and {@link #merge} refuse a
     *     new one beyond
     */
    public HeapWindowStore(double quantileAccuracy, long maxEntries) {
        super(quantileAccuracy);
        this.maxEntries = maxEntries;
    }

    private final long maxEntries;

    /** Live (key, pane) entries, kept as slots are made and panes dropped. */
    private long entries;

    @Override
    Pane newPane() {
        return new Pane(quantiles ? quantileAccuracy : 0.0);
    }

    @Override
    public boolean add(long keyId, long paneStart, long timestamp, double value) {
        Pane p = paneFor(paneStart);
        if (entries >= maxEntries && p.find(keyId) < 0) {
            return false;
        }
        int before = p.size;
        p.add(keyId, timestamp, value);
        entries += p.size - before;
        return true;
    }

    @Override
    public boolean merge(long keyId, long paneStart, Summary partial) {
        if (partial.count() > 0) {
            Pane p = paneFor(paneStart);
            if (entries >= maxEntries && p.find(keyId) < 0) {
                return false;
            }
            int before = p.size;
            int slot = p.slotFor(keyId);
            entries += p.size - before;
            p.store(slot, p.load(slot, scratch).merge(partial));
        }
        return true;
    }

    @Override
    void afterDrop() {
        entries = liveEntries();
    }

    @Override
    public long bytesUsed() {
        long bytes = 0;
        for (Pane p : panes) {
            bytes += p.bytes();
        }
        for (Pane p : freePanes()) {
            bytes += p.bytes();
        }
        return bytes;
    }

    @Override
    void writeSlot(Pane p, int slot, DataOutputView out) throws IOException {
        p.load(slot, scratch).write(out);
        out.writeInt(0); // no raw values: every sample is folded in on arrival
    }

    @Override
    void readSlot(Pane p, long keyId, DataInputView in) throws IOException {
        scratch.read(in);
        int raw = in.readInt();
        for (int r = 0; r < raw; r++) {
            scratch.addValue(in.readDouble()); // the written sketch holds raw values already
        }
        int before = p.size;
        p.store(p.slotFor(keyId), scratch);
        entries += p.size - before;
    }

    /** One pane: SoA summary columns, slot per key. */
    static final class Pane extends PanedWindowStore.Pane {
        /** Relative accuracy of the slots' sketches, 0 for none. */
        final double quantileAccuracy;

        /** Per slot quantile sketch, or null without quantiles. */
        HeapQuantileSketch[] sketches;

        Pane(double quantileAccuracy) {
            this.quantileAccuracy = quantileAccuracy;
            this.sketches = quantileAccuracy == 0.0 ? null : new HeapQuantileSketch[64];
        }

        final Long2IntOpenMap slots = new Long2IntOpenMap(64, -1);
        long[] keys = new long[64];
        long[] count = new long[64];
        double[] sum = new double[64];
        double[] compensation = new double[64];
        double[] min = new double[64];
        double[] max = new double[64];
        double[] shift = new double[64];
        double[] mean = new double[64];
        double[] m2 = new double[64];
        long[] firstTs = new long[64];
        double[] first = new double[64];
        long[] lastTs = new long[64];
        double[] last = new double[64];

        int slotFor(long key) {
            int slot = slots.get(key);
            if (slot >= 0) {
                return slot;
            }
            if (size == keys.length) {
                grow(size * 2);
            }
            slot = size++;
            slots.put(key, slot);
            keys[slot] = key;
            count[slot] = 0;
            sum[slot] = 0.0;
            compensation[slot] = 0.0;
            min[slot] = Double.POSITIVE_INFINITY;
            max[slot] = Double.NEGATIVE_INFINITY;
            shift[slot] = 0.0;
            mean[slot] = 0.0;
            m2[slot] = 0.0;
            firstTs[slot] = Long.MAX_VALUE;
            first[slot] = Double.NaN;
            lastTs[slot] = Long.MIN_VALUE;
            last[slot] = Double.NaN;
            if (sketches != null) {
                if (sketches[slot] == null) {
                    sketches[slot] = new HeapQuantileSketch(quantileAccuracy);
                } else {
                    sketches[slot].clear();
                }
            }
            return slot;
        }

        /** Hot path: the same updates as {@link Summary#add}, on columns. */
        void add(long key, long ts, double v) {
            int s = slotFor(key);
            if (sketches != null) {
                sketches[s].add(v);
            }
            long n = ++count[s];
            double old = sum[s];
            double t = old + v;
            compensation[s] += Math.abs(old) >= Math.abs(v) ? (old - t) + v : (v - t) + old;
            sum[s] = t;
            if (n == 1) {
                shift[s] = v;
            }
            double y = v - shift[s];
            double mu = mean[s];
            double delta = y - mu;
            mu += delta / n;
            mean[s] = mu;
            m2[s] += delta * (y - mu);
            min[s] = Math.min(min[s], v);
            max[s] = Math.max(max[s], v);
            if (ts < firstTs[s]) {
                firstTs[s] = ts;
                first[s] = v;
            }
            if (ts >= lastTs[s]) {
                lastTs[s] = ts;
                last[s] = v;
            }
        }

        @Override
        Summary load(int s, Summary into) {
            into.count = count[s];
            into.sum = sum[s];
            into.compensation = compensation[s];
            into.min = min[s];
            into.max = max[s];
            into.shift = shift[s];
            into.mean = mean[s];
            into.m2 = m2[s];
            into.firstTs = firstTs[s];
            into.first = first[s];
            into.lastTs = lastTs[s];
            into.last = last[s];
            if (sketches != null) {
                into.setSketch(sketches[s].sketch());
            }
            return into;
        }

        void store(int s, Summary from) {
            count[s] = from.count;
            sum[s] = from.sum;
            compensation[s] = from.compensation;
            min[s] = from.min;
            max[s] = from.max;
            shift[s] = from.shift;
            mean[s] = from.mean;
            m2[s] = from.m2;
            firstTs[s] = from.firstTs;
            first[s] = from.first;
            lastTs[s] = from.lastTs;
            last[s] = from.last;
            if (sketches != null) {
                if (from.hasQuantiles()) {
                    sketches[s].copyFrom(from.sketch());
                } else {
                    sketches[s].clear(); // state from a job without quantiles
                }
            }
        }

        void grow(int n) {
            keys = Arrays.copyOf(keys, n);
            count = Arrays.copyOf(count, n);
            sum = Arrays.copyOf(sum, n);
            compensation = Arrays.copyOf(compensation, n);
            min = Arrays.copyOf(min, n);
            max = Arrays.copyOf(max, n);
            shift = Arrays.copyOf(shift, n);
            mean = Arrays.copyOf(mean, n);
            m2 = Arrays.copyOf(m2, n);
            firstTs = Arrays.copyOf(firstTs, n);
            first = Arrays.copyOf(first, n);
            lastTs = Arrays.copyOf(lastTs, n);
            last = Arrays.copyOf(last, n);
            if (sketches != null) {
                sketches = Arrays.copyOf(sketches, n);
            }
        }

        @Override
        long key(int slot) {
            return keys[slot];
        }

        @Override
        int find(long keyId) {
            return slots.get(keyId);
        }

        @Override
        void release() {
            size = 0;
            slots.clear();
        }

        long bytes() {
            long bytes = (long) keys.length * 8 * 13 + (long) keys.length * 20;
            if (sketches != null) {
                for (HeapQuantileSketch sketch : sketches) {
                    bytes += sketch == null ? 0 : 16 + sketch.bytesUsed();
                }
            }
            return bytes;
        }
    }
}

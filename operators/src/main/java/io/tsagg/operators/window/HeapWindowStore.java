package io.tsagg.operators.window;

import io.tsagg.serde.collections.Long2IntOpenMap;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link WindowStore} on the Java heap: per pane, structure-of-arrays summary columns indexed by
 * slot, and a primitive map from key id to slot. Panes are recycled when dropped.
 *
 * <p>Single-threaded. Has no memory budget of its own: {@link #add} always succeeds.
 */
public final class HeapWindowStore implements WindowStore {
    /** Panes held, sorted by start. Few at a time (window / pane + lateness). */
    private final List<Pane> panes = new ArrayList<>();

    private final ArrayDeque<Pane> freePanes = new ArrayDeque<>();
    private final Summary scratch = new Summary();
    private Pane lastPane;

    private final KeyGroupIndex snapshotIndex = new KeyGroupIndex();
    private final PaneMerger merger = new PaneMerger();

    @Override
    public boolean add(long keyId, long paneStart, long timestamp, double value) {
        Pane pane = lastPane;
        if (pane == null || pane.start != paneStart) {
            pane = paneFor(paneStart);
            lastPane = pane;
        }
        pane.add(keyId, timestamp, value);
        return true;
    }

    private Pane paneFor(long start) {
        int lo = 0;
        int hi = panes.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = panes.get(mid).start;
            if (s < start) {
                lo = mid + 1;
            } else if (s > start) {
                hi = mid - 1;
            } else {
                return panes.get(mid);
            }
        }
        Pane pane = freePanes.isEmpty() ? new Pane() : freePanes.pop();
        pane.start = start;
        panes.add(lo, pane);
        return pane;
    }

    @Override
    public long nextPaneStart(long from) {
        for (Pane p : panes) {
            if (p.start >= from) {
                return p.start;
            }
        }
        return Long.MAX_VALUE;
    }

    @Override
    public void forEachSummary(long from, long to, SummaryVisitor visitor) throws Exception {
        int first = -1;
        int last = -1;
        for (int i = 0; i < panes.size(); i++) {
            long s = panes.get(i).start;
            if (s >= from && s < to) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return;
        }
        if (first == last) {
            Pane p = panes.get(first);
            for (int slot = 0; slot < p.size; slot++) {
                visitor.visit(p.keys[slot], p.load(slot, scratch));
            }
            return;
        }
        // Several panes (sliding window): merge per key in pane order, so first/last stay right.
        merger.clear();
        for (int i = first; i <= last; i++) {
            Pane p = panes.get(i);
            for (int slot = 0; slot < p.size; slot++) {
                merger.add(p.keys[slot], p.load(slot, scratch));
            }
        }
        merger.visitAll(visitor);
    }

    @Override
    public boolean summaryOf(long keyId, long from, long to, Summary into) {
        into.clear();
        for (Pane p : panes) {
            if (p.start >= from && p.start < to) {
                int slot = p.slots.get(keyId);
                if (slot >= 0) {
                    into.merge(p.load(slot, scratch));
                }
            }
        }
        return into.count() > 0;
    }

    @Override
    public void dropPanesBefore(long paneStart) {
        while (!panes.isEmpty() && panes.get(0).start < paneStart) {
            Pane p = panes.remove(0);
            p.clear();
            freePanes.push(p);
            if (p == lastPane) {
                lastPane = null;
            }
        }
    }

    @Override
    public long liveEntries() {
        long n = 0;
        for (Pane p : panes) {
            n += p.size;
        }
        return n;
    }

    @Override
    public int livePanes() {
        return panes.size();
    }

    @Override
    public long bytesUsed() {
        long bytes = 0;
        for (Pane p : panes) {
            bytes += p.bytes();
        }
        for (Pane p : freePanes) {
            bytes += p.bytes();
        }
        return bytes;
    }

    // ---------------------------------------------------------------- checkpoints

    @Override
    public void prepareSnapshot(KeyGroupOf keyGroupOf) {
        int total = (int) liveEntries();
        long[] items = new long[total];
        int[] keyGroups = new int[total];
        int n = 0;
        for (int pi = 0; pi < panes.size(); pi++) {
            Pane p = panes.get(pi);
            for (int slot = 0; slot < p.size; slot++) {
                items[n] = ((long) pi << 32) | slot;
                keyGroups[n++] = keyGroupOf.keyGroup(p.keys[slot]);
            }
        }
        snapshotIndex.build(items, keyGroups, n);
    }

    @Override
    public void writeKeyGroup(int keyGroup, DataOutputView out) throws IOException {
        int from = snapshotIndex.from(keyGroup);
        int to = snapshotIndex.to(keyGroup);
        out.writeInt(to - from);
        for (int e = from; e < to; e++) {
            long item = snapshotIndex.entry(e);
            Pane p = panes.get((int) (item >>> 32));
            int slot = (int) item;
            out.writeLong(p.start);
            out.writeLong(p.keys[slot]);
            p.load(slot, scratch).write(out);
            out.writeInt(0); // no raw values: every sample is folded in on arrival
        }
    }

    @Override
    public void readKeyGroup(DataInputView in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long paneStart = in.readLong();
            long key = in.readLong();
            scratch.read(in);
            int raw = in.readInt();
            for (int r = 0; r < raw; r++) {
                scratch.addValue(in.readDouble());
            }
            Pane p = paneFor(paneStart);
            p.store(p.slotFor(key), scratch);
        }
        lastPane = null;
    }

    @Override
    public void close() {
        panes.clear();
        freePanes.clear();
        lastPane = null;
    }

    /** One pane: SoA summary columns, slot per key. */
    private static final class Pane {
        long start;
        int size;
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
            return slot;
        }

        /** Hot path: the same updates as {@link Summary#add}, on columns. */
        void add(long key, long ts, double v) {
            int s = slotFor(key);
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
        }

        void clear() {
            size = 0;
            slots.clear();
        }

        long bytes() {
            return (long) keys.length * 8 * 13 + (long) keys.length * 20;
        }
    }
}

package io.tsagg.operators.window;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What every {@link WindowStore} does the same way: a few live panes sorted by start (recycled when
 * dropped), visits of a window's panes with a per-key merge for sliding windows, and the key-group
 * loop of snapshots. Subclasses own the slots of a pane: how they are laid out, how a sample is
 * added, and how one entry is written and read.
 *
 * <p>Single-threaded.
 */
abstract class PanedWindowStore<P extends PanedWindowStore.Pane> implements WindowStore {
    /**
     * How many slots ahead of the visited one a window's visit names keys to the visitor ({@link
     * SummaryVisitor#upcoming}) and touches the later panes' probe tables: far enough for a cache
     * miss (~100 ns) to be over when the visit gets there, at a few hundred ns per visit with 1M
     * keys ({@code WindowOperatorBenchmark}); not tuned further.
     */
    static final int LOOKAHEAD = 8;

    /**
     * Panes with fewer slots do not look ahead: their probe tables and the visitor's lookups stay
     * in the caches, and looking ahead would only do each lookup twice ({@code
     * WindowOperatorBenchmark} at 10k keys).
     */
    static final int LOOKAHEAD_MIN_SLOTS = 1 << 16;

    /** One pane's slots; {@link #start} and {@link #size} are kept by the subclass. */
    abstract static class Pane {
        long start;
        int size;

        /** Key id of a slot. */
        abstract long key(int slot);

        /** Slot of a key, or -1. */
        abstract int find(long keyId);

        /**
         * Slot of a key, or -1, for a caller that visits keys in about the order of the pane's
         * slots: a store may try the slot after the one this returned last before it looks the key
         * up (see {@code ManagedWindowStore.Pane#findNext}).
         */
        int findNext(long keyId) {
            return find(keyId);
        }

        /**
         * Reads the memory {@link #find} reads first for the key and returns what it read (so the
         * read is not optimized away): a lookup started ahead of time.
         */
        int touch(long keyId) {
            return 0;
        }

        /** The slot's summary, loaded into {@code into}. */
        abstract Summary load(int slot, Summary into);

        /** Frees the pane's slots so it can be reused. */
        abstract void release();
    }

    /** Panes held, sorted by start. Few at a time (window / pane + lateness). */
    final List<P> panes = new ArrayList<>();

    /** Relative accuracy of the per-slot quantile sketches; 0 when there are none. */
    final double quantileAccuracy;

    /** Whether slots keep quantile sketches (only then do they cost memory). */
    final boolean quantiles;

    private final ArrayDeque<P> freePanes = new ArrayDeque<>();
    final Summary scratch;

    /** A key's summary merged over the panes of a sliding window, visited then reused. */
    private final Summary merged;

    /**
     * While a sliding window is visited: per later pane, its first bit in {@link #marked}; one bit
     * per slot, set once the slot's key was merged at an earlier pane. Reused.
     */
    private int[] markFrom = new int[0];

    private long[] marked = new long[0];

    /** Sum of what {@link Pane#touch} read: kept so those reads stay. */
    private int touched;

    private final KeyGroupIndex snapshotIndex = new KeyGroupIndex();
    private P lastPane;

    /**
     * @param quantileAccuracy relative accuracy of per-slot quantile sketches in (0, 1), or 0 for
     *     none
     */
    PanedWindowStore(double quantileAccuracy) {
        if (quantileAccuracy != 0.0 && !(quantileAccuracy > 0.0 && quantileAccuracy < 1.0)) {
            throw new IllegalArgumentException(
                    "quantile accuracy "
                            + quantileAccuracy
                            + " is not allowed: use (0, 1), or 0 for no quantiles");
        }
        this.quantileAccuracy = quantileAccuracy;
        this.quantiles = quantileAccuracy != 0.0;
        this.scratch = newSummary();
        this.merged = newSummary();
    }

    /** A summary that carries a sketch when this store keeps quantiles. */
    final Summary newSummary() {
        return quantiles ? new Summary(quantileAccuracy) : new Summary();
    }

    /** A new, empty pane. */
    abstract P newPane();

    /**
     * One slot's summary, loaded into {@code into}: with every sample, where a store may still hold
     * raw values to fold in. {@code windowStart} is the start of the window being read, which tells
     * a store whether a later window will read the pane again ({@link Long#MIN_VALUE}: not known,
     * assume it will).
     */
    Summary read(P pane, int slot, Summary into, long windowStart) {
        return pane.load(slot, into);
    }

    /** Called after panes were dropped and released. */
    void afterDrop() {}

    /** Writes one slot's entry after its pane start and key: summary and raw values. */
    abstract void writeSlot(P pane, int slot, DataOutputView out) throws IOException;

    /** Reads what {@link #writeSlot} wrote into the pane, for a key. */
    abstract void readSlot(P pane, long keyId, DataInputView in) throws IOException;

    /**
     * The pane starting at {@code start}, made if missing; cached for runs of samples. Hot path.
     */
    final P paneFor(long start) {
        P pane = lastPane;
        if (pane != null && pane.start == start) {
            return pane;
        }
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
                lastPane = panes.get(mid);
                return lastPane;
            }
        }
        pane = freePanes.isEmpty() ? newPane() : freePanes.pop();
        pane.start = start;
        panes.add(lo, pane);
        lastPane = pane;
        return pane;
    }

    @Override
    public long nextPaneStart(long from) {
        for (P p : panes) {
            if (p.start >= from && p.size > 0) {
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
        // Each slot is readied (read: its raw values folded in) just before it is read, not all
        // slots of the panes first: one pass over a slot's memory instead of two.
        if (first == last) {
            P p = panes.get(first);
            int ahead = p.size >= LOOKAHEAD_MIN_SLOTS ? p.size - LOOKAHEAD : 0;
            for (int slot = 0; slot < p.size; slot++) {
                if (slot < ahead) {
                    visitor.upcoming(p.key(slot + LOOKAHEAD));
                }
                visitor.visit(p.key(slot), read(p, slot, scratch, from));
            }
            return;
        }
        // Several panes (sliding window): each key once, at its first pane, merged over that pane
        // and the later ones in pane order (so first/last stay right). One reused summary instead
        // of one per key: with quantiles a summary holds a sketch of up to 16 KiB. A later pane's
        // slot found while merging is marked, so it is skipped there without probing the earlier
        // panes for its key (one probe per key and later pane instead of two).
        markPanes(first, last);
        for (int i = first; i <= last; i++) {
            P p = panes.get(i);
            int mark = i == first ? -1 : markFrom[i - first];
            int ahead = p.size >= LOOKAHEAD_MIN_SLOTS ? p.size - LOOKAHEAD : 0;
            for (int slot = 0; slot < p.size; slot++) {
                // Not for a slot already merged at an earlier pane (its marks are all set by now).
                if (slot < ahead && (mark < 0 || !isMarked(mark + slot + LOOKAHEAD))) {
                    long key = p.key(slot + LOOKAHEAD);
                    visitor.upcoming(key);
                    for (int j = i + 1; j <= last; j++) {
                        touched += panes.get(j).touch(key);
                    }
                }
                if (mark >= 0 && isMarked(mark + slot)) {
                    continue;
                }
                long key = p.key(slot);
                merged.copyFrom(read(p, slot, scratch, from));
                for (int j = i + 1; j <= last; j++) {
                    P later = panes.get(j);
                    int s = later.findNext(key);
                    if (s >= 0) {
                        setMark(markFrom[j - first] + s);
                        merged.merge(read(later, s, scratch, from));
                    }
                }
                visitor.visit(key, merged);
            }
        }
    }

    /** Clears one mark bit per slot of panes {@code (first, last]} (arrays grown when needed). */
    private void markPanes(int first, int last) {
        if (markFrom.length < last - first + 1) {
            markFrom = new int[Math.max(last - first + 1, markFrom.length * 2)];
        }
        int bits = 0;
        for (int j = first + 1; j <= last; j++) {
            markFrom[j - first] = bits;
            bits += panes.get(j).size;
        }
        int words = (bits + 63) >>> 6;
        if (marked.length < words) {
            marked = new long[Math.max(words, marked.length * 2)];
        } else {
            java.util.Arrays.fill(marked, 0, words, 0L);
        }
    }

    private boolean isMarked(int bit) {
        return (marked[bit >>> 6] & (1L << bit)) != 0;
    }

    private void setMark(int bit) {
        marked[bit >>> 6] |= 1L << bit;
    }

    @Override
    public boolean summaryOf(long keyId, long from, long to, Summary into) {
        into.clear();
        for (P p : panes) {
            if (p.start >= from && p.start < to) {
                int slot = p.find(keyId);
                if (slot >= 0) {
                    into.merge(read(p, slot, scratch, Long.MIN_VALUE));
                }
            }
        }
        return into.count() > 0;
    }

    @Override
    public void dropPanesBefore(long paneStart) {
        boolean dropped = false;
        while (!panes.isEmpty() && panes.get(0).start < paneStart) {
            P p = panes.remove(0);
            p.release();
            freePanes.push(p);
            if (p == lastPane) {
                lastPane = null;
            }
            dropped = true;
        }
        if (dropped) {
            afterDrop();
        }
    }

    @Override
    public long liveEntries() {
        long n = 0;
        for (P p : panes) {
            n += p.size;
        }
        return n;
    }

    @Override
    public int livePanes() {
        return panes.size();
    }

    /** Panes kept for reuse, for byte accounting. */
    final Iterable<P> freePanes() {
        return freePanes;
    }

    // ---------------------------------------------------------------- checkpoints

    @Override
    public void prepareSnapshot(KeyGroupOf keyGroupOf) {
        int total = (int) liveEntries();
        long[] items = new long[total];
        int[] keyGroups = new int[total];
        int n = 0;
        for (int pi = 0; pi < panes.size(); pi++) {
            P p = panes.get(pi);
            for (int slot = 0; slot < p.size; slot++) {
                items[n] = ((long) pi << 32) | slot;
                keyGroups[n++] = keyGroupOf.keyGroup(p.key(slot));
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
            P p = panes.get((int) (item >>> 32));
            int slot = (int) item;
            out.writeLong(p.start);
            out.writeLong(p.key(slot));
            writeSlot(p, slot, out);
        }
    }

    @Override
    public void readKeyGroup(DataInputView in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long paneStart = in.readLong();
            long key = in.readLong();
            readSlot(paneFor(paneStart), key, in);
        }
    }

    @Override
    public void close() {
        for (P p : panes) {
            p.release();
        }
        panes.clear();
        freePanes.clear();
        lastPane = null;
    }
}

package io.tsagg.operators.window;

import io.tsagg.operators.memory.RawMemory;
import io.tsagg.operators.memory.SlabAllocator;
import io.tsagg.operators.sketch.QuantileSketch;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.MemorySegment;

/**
 * A {@link WindowStore} whose state lives off-heap in slab blocks of pool pages (Flink managed
 * memory): per slot, a group of the fields every sample touches, and columns of the rest.
 *
 * <h2>Layout</h2>
 *
 * Per pane, slots are numbered densely. The fields every sample reads or writes are interleaved as
 * one 32-byte group per slot, so that a sample costs one probe of the table, one group and its
 * chunk (before, each field was a column of its own: six random cache lines per sample instead of
 * three, {@code WindowOperatorBenchmark}). Groups are packed 128 to a 4 KiB slab block: slot {@code
 * s} is group {@code s & 127} of group block {@code s >> 7}.
 *
 * <pre>
 *   0                   8                   16                  24                  32
 *   +-------------------+---------+---------+---------+---------+-------------------+
 *   | KEY: group-key id | count   | chunk   | first   | last    | LAST value        |
 *   |                   | (STATE: low, high)| (TIMES: unsigned ms from the pane     |
 *   |                   |                   |  start: high, low)|                   |
 *   +-------------------+-------------------+-------------------+-------------------+
 * </pre>
 *
 * The per-sample path ({@link #add}) reads and writes the group and the chunk by absolute address
 * through {@link RawMemory}, without a {@code MemorySegment}'s per-access checks: the slot is below
 * the pane's size and the fill below the chunk's capacity (the test suite runs with RawMemory's
 * checks on).
 *
 * <p>The other fields are 8-byte columns read only when a chunk is folded in and when the pane is
 * read: slot {@code s} lives in block {@code s >> 9} of each column at index {@code s & 511}, one 4
 * KiB slab block per column block:
 *
 * <pre>
 *   SUM     compensated sum: SUM + COMP      MIN, MAX    of the reduced samples
 *   COMP                                     M2          sum of squared deviations
 *   FIRST   value at the first timestamp
 * </pre>
 *
 * The columns are written first when the slot's first chunk is folded in (a slot with no reduced
 * samples reads as empty without looking at them), so a new slot costs its group and table entry
 * only; FIRST is written by the slot's first sample. Each 512 slots take 4 group blocks and 6
 * column blocks: 80 bytes per (key, pane); the probe table (int slot + 1, load between 1/4 and 1/2)
 * adds 8 to 16, so a live entry costs at most 96 bytes of pool memory plus its chunk.
 *
 * <h2>Raw values</h2>
 *
 * A sample is appended to its slot's chunk of raw values (a slab block from 64 bytes up to 4 KiB:
 * an 8-byte fill count, then 7 to 511 values) and only first/last are tracked per sample; count,
 * sum, min, max and M2 are computed for a whole chunk by {@link ChunkReducer} when the chunk is
 * full at its largest class and when the pane is read, then merged into the slot (Chan et al.); at
 * the pane's last window, a slot with no reduced samples yet goes from the reduction straight into
 * the result ({@link #read}).
 *
 * <h2>Memory pressure</h2>
 *
 * When a new (key, pane) finds no memory, every chunk is reduced and freed and no new chunks are
 * made until panes are dropped (samples then update the summary directly); if there is still no
 * room, {@link #add} refuses the sample. A full chunk that cannot grow is reduced in place.
 *
 * <h2>Quantiles</h2>
 *
 * Only when the store is made with a quantile accuracy: a 7th column, {@code SKETCH}, holds the
 * slab handle of the slot's {@link QuantileSketch} region (so a store without quantiles pays
 * nothing). A region starts as a 128-byte block (8 raw values; up to {@link QuantileSketch#RAW_MAX}
 * values a sketch keeps them raw) and grows by size class, each time to the smallest power of two
 * holding its values or, from the 25th value, its occupied bucket range, up to {@link
 * QuantileSketch#DEFAULT_MAX_BYTES} (or the page size, if smaller), where the lowest buckets
 * collapse. Every sample goes into the sketch as it arrives (raw chunks only defer the moments), so
 * a sketch never has to be grown at fire or snapshot time. Growing under memory pressure follows
 * the same policy as a new slot: fold every chunk and free it, retry, else refuse the sample. A
 * pane of 20 samples costs a 256-byte block (raw) plus the 8-byte handle ({@code
 * QuantileWindowStoreTest}), 8 samples or fewer a 128-byte block; from 25 samples, the buckets of a
 * gauge moving within a factor of 1.5 (21 at 1%) still fit in 256 bytes.
 *
 * <p>The last eighth of the pool is a reserve for keys that already have state: once fewer pages
 * than that are free (after folding the chunks once), a new (key, pane) is admitted only for a key
 * held in another live pane ({@link #admits}). So a burst of new keys (a cardinality explosion) is
 * refused while the series that were there before it keep opening their next panes, and their
 * results stay complete. A key counts as new when none of the live panes holds it: one that reports
 * less often than a pane lives is new again at each report.
 *
 * <p>Single-threaded. {@link #close()} frees every block (the pool goes back to Flink separately).
 */
public final class ManagedWindowStore extends PanedWindowStore<ManagedWindowStore.Pane> {
    // ---------------------------------------------------------------- layout
    static final int BLOCK_SHIFT = 9;
    static final int BLOCK_SLOTS = 1 << BLOCK_SHIFT;
    static final int BLOCK_MASK = BLOCK_SLOTS - 1;
    static final int BLOCK_BYTES = BLOCK_SLOTS * 8;

    /** Group of the per-sample fields: 32 bytes per slot, 128 slots per 4 KiB group block. */
    static final int GROUP_SHIFT = 7;

    static final int GROUP_SLOTS = 1 << GROUP_SHIFT;
    static final int GROUP_MASK = GROUP_SLOTS - 1;
    static final int GROUP_BYTES_SHIFT = 5;

    /** Group blocks per column block (both cover 512 slots). */
    static final int GROUP_BLOCKS = BLOCK_SLOTS / GROUP_SLOTS;

    static final int KEY_OFFSET = 0;
    static final int STATE_OFFSET = 8;
    static final int TIMES_OFFSET = 16;
    static final int LAST_OFFSET = 24;

    static final int SUM = 0;
    static final int COMP = 1;
    static final int MIN = 2;
    static final int MAX = 3;
    static final int M2 = 4;
    static final int FIRST = 5;
    static final int COLUMNS = 6;

    /** Slab handle of the slot's quantile sketch; a column only when quantiles are configured. */
    static final int SKETCH = 6;

    /**
     * Probe table: 1024 int entries per 4 KiB block. An entry is slot + 1 in its low {@link
     * #slotBits} bits (0: empty) under the same high bits of the key's hash (a tag), so a probe
     * that meets another key's entry reads that key's group only when the tags agree.
     */
    private static final int TABLE_SHIFT = 10;

    private static final int TABLE_MIN_CAPACITY = 1 << TABLE_SHIFT;

    /** Chunks are slab classes 0 (64 bytes, 7 values) to 6 (4 KiB, 511 values). */
    private static final int MAX_CHUNK_CLASS = 6;

    /** A chunk's first 8 bytes hold its fill count; values follow. */
    private static final int CHUNK_HEADER = 8;

    /** 32-bit chunk reference: class (3 bits) | page | offset in 64-byte units; all ones: none. */
    private static final int NO_CHUNK = -1;

    private static final int CLASS_SHIFT = 29;
    private final int unitBits;

    /** Bits of slot + 1 in a table entry: enough for as many slots as the pool has room for. */
    private final int slotMask;

    private static final long MAX_PANE_MS = 0xFFFF_FFFFL;

    private final SlabAllocator slab;

    /** The windows' slide: a pane starting before a window's start + slide is not read again. */
    private final long slide;

    private final int blockClass = SlabAllocator.sizeClass(BLOCK_BYTES);
    private final ChunkReducer reducer;

    /** No new chunks until panes are dropped: memory ran out once. */
    private boolean pressure;

    /** Columns per slot: {@link #COLUMNS}, plus {@link #SKETCH} with quantiles. */
    private final int columns;

    /** Wraps the slots' sketch regions; null without quantiles. */
    private final QuantileSketch sketch;

    private final int sketchMinClass = SlabAllocator.sizeClass(QuantileSketch.MIN_BYTES);

    /** Free pages below which only keys with state in another live pane get a new slot. */
    private int reservedPages;

    /**
     * Size class of a slot's first chunk: the largest class whose chunk at least 9 in 10 slots of
     * the pane released last had grown to. Metrics come at a steady rate, so a key gets about as
     * many samples in each pane: starting there skips the doublings (each a block taken from a cold
     * free list and a copy), which a JFR profile of the frames source thread found at 22% of its
     * samples with 100 samples per key and pane. Alone it measured no faster end to end: the cache
     * misses moved to the probe (bench/results/2026-12-06/chunk-class); it stays as the smaller
     * amount of work. The slots that get fewer samples waste at most the difference, and they are
     * fewer than 1 in 10.
     */
    private int firstChunkClass;

    /**
     * Capacity a new pane's probe table starts at: the smaller of what the tables of the two panes
     * released last had grown to (at least {@link #TABLE_MIN_CAPACITY}). A pane gets about as many
     * keys as the ones before it, so this skips the doublings, each a rehash of every key so far
     * (3.7% of a {@code WindowOperatorBenchmark} profile at 10k keys); the smaller of two, so that
     * one pane of a burst of keys does not make the panes after it take a table of its size ({@code
     * MemoryLimitIT}). Taken only while the pool keeps more than its reserve free besides; else the
     * table starts small.
     */
    private int firstTableCapacity = TABLE_MIN_CAPACITY;

    /** The capacity the table of the pane released last had grown to. */
    private int lastTableCapacity = TABLE_MIN_CAPACITY;

    /** Panes with fewer slots leave {@link #firstChunkClass} as it is: too few to tell. */
    static final int FIRST_CHUNK_MIN_SLOTS = 64;

    /** Slots per chunk class, counted while a pane is released; reused. */
    private final int[] classTally = new int[MAX_CHUNK_CLASS + 1];

    private long chunkFlushes;
    private long refused;

    /** A store without quantiles. */
    public ManagedWindowStore(SlabAllocator slab, WindowSpec spec, ChunkReducer reducer) {
        this(slab, spec, reducer, 0.0);
    }

    /**
     * @param quantileAccuracy relative accuracy of per-slot quantile sketches in (0, 1), or 0 for
     *     none
     */
    public ManagedWindowStore(
            SlabAllocator slab, WindowSpec spec, ChunkReducer reducer, double quantileAccuracy) {
        super(quantileAccuracy);
        if (spec.paneSize() > MAX_PANE_MS) {
            throw new IllegalArgumentException(
                    "window pane of "
                            + spec.paneSize()
                            + " ms is longer than the 49.7 days the managed store supports"
                            + " (gcd of window size and slide)");
        }
        if (slab.pool().pageSize() < BLOCK_BYTES) {
            throw new IllegalArgumentException("pages must be at least " + BLOCK_BYTES + " bytes");
        }
        this.slab = slab;
        this.slide = spec.slide();
        this.reducer = reducer;
        this.columns = quantiles ? COLUMNS + 1 : COLUMNS;
        this.sketch =
                quantiles
                        ? new QuantileSketch(
                                quantileAccuracy,
                                Math.min(QuantileSketch.DEFAULT_MAX_BYTES, slab.pool().pageSize()))
                        : null;
        this.unitBits = slab.pageShift() - 6;
        // A pane holds at most pool bytes / bytes per slot slots (the constructor's page limit
        // keeps that under 2^29): the entry's remaining high bits, at least 3, are the tag.
        long bytesPerSlot = (long) (GROUP_BLOCKS + columns) * BLOCK_BYTES / BLOCK_SLOTS;
        long maxSlots = (long) slab.pool().maxPages() * slab.pool().pageSize() / bytesPerSlot;
        int slotBits = Math.min(29, 64 - Long.numberOfLeadingZeros(maxSlots + 1));
        this.slotMask = (1 << slotBits) - 1;
        this.reservedPages = Math.max(1, slab.pool().maxPages() >> 3);
        if (slab.pool().maxPages() > 1 << (CLASS_SHIFT - unitBits)) {
            throw new IllegalArgumentException(
                    "the managed store addresses at most "
                            + (1 << (CLASS_SHIFT - unitBits))
                            + " pages; the pool has "
                            + slab.pool().maxPages());
        }
    }

    // ---------------------------------------------------------------- hot path

    @Override
    public boolean add(long keyId, long paneStart, long timestamp, double value) {
        Pane p = paneFor(paneStart);
        int slot = p.findNext(keyId);
        if (slot < 0) {
            slot = admits(p, keyId) ? newSlot(p, keyId, null) : -1;
            if (slot < 0) {
                refused++;
                return false;
            }
        }
        // The slot's group: the key find just read, state, times, last (one cache line). Read
        // and written by address (RawMemory): the slot is below the pane's size.
        long g = p.groupAddress(slot);
        long state = RawMemory.getLong(g + STATE_OFFSET);
        if ((int) state == Integer.MAX_VALUE) {
            refused++;
            return false;
        }
        // The sketch first: growing it may fold every chunk (so read the state again after it).
        if (sketch != null) {
            if (!addToSketch(p, slot, value)) {
                refused++;
                return false;
            }
            state = RawMemory.getLong(g + STATE_OFFSET);
        }
        int count = (int) state;
        int delta = (int) (timestamp - paneStart);
        firstAndLast(p, slot, g, count == 0, delta, value, delta, value);
        int chunk = (int) (state >>> 32);
        if (chunk == NO_CHUNK) {
            chunk = pressure ? NO_CHUNK : firstChunk();
            if (chunk == NO_CHUNK) {
                mergeOne(p, slot, count, value);
                RawMemory.putLong(g + STATE_OFFSET, state(NO_CHUNK, count + 1));
                return true;
            }
        }
        // The chunk by address too: its fill stays below its capacity.
        long c = chunkAddress(chunk);
        int fill = RawMemory.getInt(c);
        if (fill == capacity(chunk)) {
            int grown = chunkClass(chunk) < MAX_CHUNK_CLASS && !pressure ? grow(chunk) : NO_CHUNK;
            if (grown == NO_CHUNK) {
                reduceChunk(p, slot, count - fill, chunkSegment(chunk), chunkOffset(chunk), fill);
                fill = 0;
            } else {
                chunk = grown;
                c = chunkAddress(chunk);
            }
        }
        RawMemory.putDouble(c + CHUNK_HEADER + (fill << 3), value);
        RawMemory.putInt(c, fill + 1);
        RawMemory.putLong(g + STATE_OFFSET, state(chunk, count + 1));
        return true;
    }

    @Override
    public boolean merge(long keyId, long paneStart, Summary s) {
        if (s.count == 0) {
            return true;
        }
        Pane p = paneFor(paneStart);
        int slot = p.findNext(keyId);
        // A new slot starts as a copy of the partial's sketch; an existing one merges it.
        boolean sketchMerged = false;
        if (slot < 0) {
            slot = admits(p, keyId) ? newSlot(p, keyId, sketch == null ? null : sketchOf(s)) : -1;
            if (slot < 0) {
                refused += s.count;
                return false;
            }
            sketchMerged = true;
        }
        long g = p.groupAddress(slot);
        if ((int) RawMemory.getLong(g + STATE_OFFSET) + s.count > Integer.MAX_VALUE) {
            refused += s.count;
            return false;
        }
        // Before reading the state: growing the sketch may fold every chunk.
        if (sketch != null && !sketchMerged && !mergeIntoSketch(p, slot, sketchOf(s))) {
            refused += s.count;
            return false;
        }
        long state = RawMemory.getLong(g + STATE_OFFSET);
        int count = (int) state;
        int chunk = (int) (state >>> 32);
        int fill = fillOf(chunk);
        // The chunk's raw values stay raw: the partial joins the reduced part of the summary.
        merge(
                p,
                slot,
                count - fill,
                (int) s.count,
                s.sum,
                s.compensation,
                s.min,
                s.max,
                s.mean(),
                s.m2);
        firstAndLast(
                p,
                slot,
                g,
                count == 0,
                (int) (s.firstTs - paneStart),
                s.first,
                (int) (s.lastTs - paneStart),
                s.last);
        RawMemory.putLong(g + STATE_OFFSET, state(chunk, count + (int) s.count));
        return true;
    }

    /**
     * Takes {@code first} at {@code firstDelta} and {@code last} at {@code lastDelta} (ms from the
     * pane start) into the slot, whose group is at address {@code g}: on an empty slot as they are,
     * else the earlier first (the earlier arrival on a tie) and the later last (the later arrival
     * on a tie). Hot path: FIRST, the only column, is written only when it changes.
     */
    private static void firstAndLast(
            Pane p,
            int slot,
            long g,
            boolean empty,
            int firstDelta,
            double first,
            int lastDelta,
            double last) {
        if (empty) {
            RawMemory.putLong(
                    g + TIMES_OFFSET, ((long) firstDelta << 32) | (lastDelta & 0xFFFF_FFFFL));
            p.putDouble(FIRST, slot, first);
            RawMemory.putDouble(g + LAST_OFFSET, last);
            return;
        }
        long times = RawMemory.getLong(g + TIMES_OFFSET);
        if (Integer.compareUnsigned(firstDelta, (int) (times >>> 32)) < 0) {
            times = ((long) firstDelta << 32) | (times & 0xFFFF_FFFFL);
            p.putDouble(FIRST, slot, first);
        }
        if (Integer.compareUnsigned(lastDelta, (int) times) >= 0) {
            times = (times & 0xFFFF_FFFF_0000_0000L) | (lastDelta & 0xFFFF_FFFFL);
            RawMemory.putDouble(g + LAST_OFFSET, last);
        }
        RawMemory.putLong(g + TIMES_OFFSET, times);
    }

    private static long state(int chunk, int count) {
        return ((long) chunk << 32) | (count & 0xFFFF_FFFFL);
    }

    // ---------------------------------------------------------------- chunks

    private static int chunkClass(int chunk) {
        return chunk >>> CLASS_SHIFT;
    }

    private static int capacity(int chunk) {
        return (SlabAllocator.blockSize(chunkClass(chunk)) - CHUNK_HEADER) >> 3;
    }

    private long slabHandle(int chunk) {
        int page = (chunk & ((1 << CLASS_SHIFT) - 1)) >>> unitBits;
        int offset = (chunk & ((1 << unitBits) - 1)) << 6;
        return ((long) page << 32) | offset;
    }

    private MemorySegment chunkSegment(int chunk) {
        return slab.segment(slabHandle(chunk));
    }

    /** Absolute address of the chunk's first byte (its fill count), for {@link RawMemory}. */
    private long chunkAddress(int chunk) {
        int page = (chunk & ((1 << CLASS_SHIFT) - 1)) >>> unitBits;
        return slab.pool().address(page) + chunkOffset(chunk);
    }

    private int chunkOffset(int chunk) {
        return (chunk & ((1 << unitBits) - 1)) << 6;
    }

    /** Raw values in the chunk (0 for {@link #NO_CHUNK}). */
    private int fillOf(int chunk) {
        return chunk == NO_CHUNK ? 0 : chunkSegment(chunk).getInt(chunkOffset(chunk));
    }

    /** A new empty chunk of the class, or NO_CHUNK. */
    private int newChunk(int sizeClass) {
        long h = slab.allocate(sizeClass);
        if (h == SlabAllocator.NONE) {
            return NO_CHUNK;
        }
        int page = (int) (h >>> 32);
        int chunk =
                (sizeClass << CLASS_SHIFT) | (page << unitBits) | (SlabAllocator.offset(h) >>> 6);
        slab.segment(h).putInt(SlabAllocator.offset(h), 0);
        return chunk;
    }

    /** A slot's first chunk: of {@link #firstChunkClass}, else the smallest; or NO_CHUNK. */
    private int firstChunk() {
        int chunk = newChunk(firstChunkClass);
        return chunk == NO_CHUNK && firstChunkClass > 0 ? newChunk(0) : chunk;
    }

    /**
     * The largest class that at least 9 in 10 of {@code slots} reached, given how many ended in
     * each class ({@code tally}, a slot without a chunk counted in class 0).
     */
    static int classReachedByNineInTen(int[] tally, int slots) {
        long atLeast = 0;
        for (int c = tally.length - 1; c > 0; c--) {
            atLeast += tally[c];
            if (atLeast * 10 >= 9L * slots) {
                return c;
            }
        }
        return 0;
    }

    /** Size class a new slot's first chunk gets now; for tests. */
    int firstChunkClass() {
        return firstChunkClass;
    }

    private void freeChunk(int chunk) {
        slab.free(slabHandle(chunk), chunkClass(chunk));
    }

    /** A chunk of the next class holding a copy of a full chunk, or NO_CHUNK. */
    private int grow(int chunk) {
        int bigger = newChunk(chunkClass(chunk) + 1);
        if (bigger == NO_CHUNK) {
            return NO_CHUNK;
        }
        chunkSegment(chunk)
                .copyTo(
                        chunkOffset(chunk),
                        chunkSegment(bigger),
                        chunkOffset(bigger),
                        SlabAllocator.blockSize(chunkClass(chunk)));
        freeChunk(chunk);
        return bigger;
    }

    /**
     * Folds the chunk's {@code fill} raw values into the slot whose summary holds {@code reduced}
     * samples, and empties the chunk.
     */
    private void reduceChunk(Pane p, int slot, int reduced, MemorySegment seg, int base, int fill) {
        if (fill == 0) {
            return;
        }
        reducer.reduce(seg, base + CHUNK_HEADER, fill);
        merge(
                p,
                slot,
                reduced,
                fill,
                reducer.sum(),
                reducer.sumCompensation(),
                reducer.min(),
                reducer.max(),
                reducer.mean(),
                reducer.m2());
        seg.putInt(base, 0);
    }

    /** Folds one value straight into the summary (no chunk under memory pressure). */
    private void mergeOne(Pane p, int slot, int reduced, double value) {
        merge(p, slot, reduced, 1, value, 0.0, value, value, value, 0.0);
    }

    /**
     * Chan et al.'s merge of (n, sum + compensation, min, max, mean, m2) into a slot with {@code
     * na} reduced samples; with none, the columns are written without being read (a new slot's
     * columns are not cleared).
     */
    private static void merge(
            Pane p,
            int slot,
            int na,
            int nb,
            double sumB,
            double compB,
            double minB,
            double maxB,
            double meanB,
            double m2B) {
        if (na == 0) {
            p.putDouble(SUM, slot, sumB);
            p.putDouble(COMP, slot, compB);
            p.putDouble(MIN, slot, minB);
            p.putDouble(MAX, slot, maxB);
            p.putDouble(M2, slot, m2B);
            return;
        }
        double sum = p.getDouble(SUM, slot);
        double comp = p.getDouble(COMP, slot);
        double meanA = (sum + comp) / na;
        double n = (double) na + nb;
        double delta = meanB - meanA;
        p.putDouble(M2, slot, p.getDouble(M2, slot) + m2B + delta * delta * ((double) na * nb / n));
        double t = sum + sumB;
        comp += (Math.abs(sum) >= Math.abs(sumB) ? (sum - t) + sumB : (sumB - t) + sum) + compB;
        p.putDouble(SUM, slot, t);
        p.putDouble(COMP, slot, comp);
        p.putDouble(MIN, slot, Math.min(p.getDouble(MIN, slot), minB));
        p.putDouble(MAX, slot, Math.max(p.getDouble(MAX, slot), maxB));
    }

    /** Reduces every chunk of a pane; frees them when {@code free}. */
    private void reduceAll(Pane p, boolean free) {
        for (int slot = 0; slot < p.size; slot++) {
            reduceSlot(p, slot);
            if (free) {
                long state = p.stateOf(slot);
                int chunk = (int) (state >>> 32);
                if (chunk != NO_CHUNK) {
                    freeChunk(chunk);
                    p.setState(slot, state(NO_CHUNK, (int) state));
                }
            }
        }
    }

    /** Memory ran out: fold every chunk into its summary and free it. */
    private void flushChunks() {
        for (Pane p : panes) {
            reduceAll(p, true);
        }
        slab.compact();
        pressure = true;
        chunkFlushes++;
    }

    // ---------------------------------------------------------------- sketches

    /** Adds a value to the slot's sketch, growing its region; false when memory ran out. */
    private boolean addToSketch(Pane p, int slot, double value) {
        long h = p.get(SKETCH, slot);
        sketch.wrap(slab.segment(h), SlabAllocator.offset(h));
        if (sketch.tryAdd(value, 1)) {
            return true;
        }
        return growSketch(p, slot, h) && sketch.tryAdd(value, 1);
    }

    /**
     * Merges a sketch (e.g. of a partial summary) into the slot's sketch, growing its region; false
     * when memory ran out, and then the slot's sketch is unchanged.
     */
    boolean mergeIntoSketch(Pane p, int slot, QuantileSketch other) {
        long h = p.get(SKETCH, slot);
        sketch.wrap(slab.segment(h), SlabAllocator.offset(h));
        if (sketch.tryMerge(other)) {
            return true;
        }
        return growSketch(p, slot, h) && sketch.tryMerge(other);
    }

    /**
     * After a failed try on the wrapped sketch (handle {@code h}): moves it to a block of the size
     * class it asks for and wraps that. False when there is no memory even after folding chunks.
     */
    private boolean growSketch(Pane p, int slot, long h) {
        int sizeClass = SlabAllocator.sizeClass(sketch.requiredBytes());
        long grown = allocateOrFlush(sizeClass);
        if (grown == SlabAllocator.NONE) {
            return false;
        }
        MemorySegment seg = slab.segment(grown);
        int offset = SlabAllocator.offset(grown);
        sketch.copyTo(seg, offset, SlabAllocator.blockSize(sizeClass));
        freeSketch(h);
        p.put(SKETCH, slot, grown);
        sketch.wrap(seg, offset);
        return true;
    }

    /** Replaces the slot's sketch by a copy of {@code from} in a block that fits it (restore). */
    private boolean storeSketch(Pane p, int slot, QuantileSketch from) {
        int sizeClass = SlabAllocator.sizeClass(Math.min(from.compactBytes(), sketch.maxBytes()));
        long h = allocateOrFlush(sizeClass);
        if (h == SlabAllocator.NONE) {
            return false;
        }
        from.copyTo(slab.segment(h), SlabAllocator.offset(h), SlabAllocator.blockSize(sizeClass));
        freeSketch(p.get(SKETCH, slot));
        p.put(SKETCH, slot, h);
        return true;
    }

    private void freeSketch(long h) {
        sketch.wrap(slab.segment(h), SlabAllocator.offset(h));
        slab.free(h, SlabAllocator.sizeClass(sketch.length()));
    }

    /** A block of the class; when there is none, folds every chunk and tries once more. */
    private long allocateOrFlush(int sizeClass) {
        long h = slab.allocate(sizeClass);
        // Under pressure no chunk has been made since the last flush: another would free nothing.
        if (h == SlabAllocator.NONE && !pressure) {
            flushChunks();
            h = slab.allocate(sizeClass);
        }
        return h;
    }

    // ---------------------------------------------------------------- slots and panes

    /** The sketch of a partial merged into this store, which keeps quantiles. */
    private static QuantileSketch sketchOf(Summary s) {
        if (!s.hasQuantiles()) {
            throw new IllegalArgumentException(
                    "Cannot merge a summary without a quantile sketch into a store with quantiles");
        }
        return s.sketch();
    }

    /**
     * A new slot for the key; with quantiles, its sketch is empty or a copy of {@code initial}. -1
     * when memory ran out (then nothing was allocated).
     */
    private int newSlot(Pane p, long keyId, QuantileSketch initial) {
        long sketchBlock = SlabAllocator.NONE;
        int sketchClass = sketchMinClass;
        if (sketch != null) {
            if (initial != null) {
                sketchClass =
                        SlabAllocator.sizeClass(
                                Math.min(initial.compactBytes(), sketch.maxBytes()));
            }
            // Before the slot: a slot that cannot get a sketch must not exist (it would have no
            // samples).
            sketchBlock = allocateOrFlush(sketchClass);
            if (sketchBlock == SlabAllocator.NONE) {
                return -1;
            }
        }
        int slot = p.insert(keyId);
        // Under pressure no chunk has been made since the last flush: another would free nothing.
        if (slot < 0 && !pressure) {
            flushChunks();
            slot = p.insert(keyId);
        }
        if (sketch != null) {
            if (slot < 0) {
                slab.free(sketchBlock, sketchClass);
                return -1;
            }
            MemorySegment seg = slab.segment(sketchBlock);
            int offset = SlabAllocator.offset(sketchBlock);
            if (initial == null) {
                sketch.format(seg, offset, SlabAllocator.blockSize(sketchClass));
            } else {
                initial.copyTo(seg, offset, SlabAllocator.blockSize(sketchClass));
            }
            p.put(SKETCH, slot, sketchBlock);
        }
        return slot;
    }

    /**
     * Whether a key without a slot in pane {@code p} may have one: always while more than the
     * reserve is free; inside the reserve only if another live pane holds the key, after folding
     * every chunk once. Not a hot path: once per new (key, pane), and per sample (or partial) of a
     * refused key.
     */
    /**
     * No reserve for keys with state: a new key may take the last free page. For a store that is
     * emptied whenever it fills (the pre-aggregator's), where no key needs to keep its panes.
     */
    public ManagedWindowStore withoutReserve() {
        reservedPages = 0;
        return this;
    }

    boolean admits(Pane p, long keyId) {
        // A new slot may double the pane's probe table or add a column block: that much on top.
        int pageSize = slab.pool().pageSize();
        int needed = reservedPages + (int) ((p.growthBytes() + pageSize - 1) / pageSize);
        if (freePages() > needed) {
            return true;
        }
        for (Pane other : panes) {
            if (other != p && other.find(keyId) >= 0) {
                return true;
            }
        }
        if (!pressure) {
            flushChunks();
            return freePages() > needed;
        }
        return false;
    }

    private int freePages() {
        return slab.pool().maxPages() - slab.pool().pagesInUse();
    }

    /** Folds the raw values of one slot's chunk into its summary. */
    private void reduceSlot(Pane p, int slot) {
        long state = p.stateOf(slot);
        int chunk = (int) (state >>> 32);
        if (chunk != NO_CHUNK) {
            MemorySegment seg = chunkSegment(chunk);
            int base = chunkOffset(chunk);
            int fill = seg.getInt(base);
            reduceChunk(p, slot, (int) state - fill, seg, base, fill);
        }
    }

    @Override
    public long bytesUsed() {
        return slab.bytesInUse();
    }

    /** Times memory ran out and every chunk was folded and freed. */
    public long chunkFlushes() {
        return chunkFlushes;
    }

    /** Samples refused for lack of memory. */
    public long refusedSamples() {
        return refused;
    }

    // ---------------------------------------------------------------- checkpoints

    @Override
    Pane newPane() {
        return new Pane();
    }

    /**
     * At the pane's last window, a slot whose samples are all still raw in its chunk (every slot
     * that got no more samples than its chunk holds) is reduced straight into {@code into}, with
     * the same result as folding the chunk into the columns and loading them: the columns are
     * neither written nor read, and the chunk stays as it is (a late sample's update reduces it
     * again). Before, the chunk is folded in, so that later windows do not reduce it again.
     */
    @Override
    Summary read(Pane p, int slot, Summary into, long windowStart) {
        long state = p.stateOf(slot);
        int chunk = (int) (state >>> 32);
        int count = (int) state;
        if (chunk != NO_CHUNK
                && count > 0
                && p.start - slide < windowStart
                && fillOf(chunk) == count) {
            reducer.reduce(chunkSegment(chunk), chunkOffset(chunk) + CHUNK_HEADER, count);
            return p.loadReduced(slot, into, count, reducer);
        }
        reduceSlot(p, slot);
        return p.load(slot, into);
    }

    @Override
    void afterDrop() {
        slab.compact();
        pressure = false;
    }

    @Override
    void writeSlot(Pane p, int slot, DataOutputView out) throws IOException {
        // Raw values stay raw, so reduction order (and every bit) survives a restore.
        int chunk = (int) (p.stateOf(slot) >>> 32);
        int fill = fillOf(chunk);
        p.load(slot, scratch, fill).write(out);
        out.writeInt(fill);
        if (fill > 0) {
            MemorySegment seg = chunkSegment(chunk);
            int values = chunkOffset(chunk) + CHUNK_HEADER;
            for (int i = 0; i < fill; i++) {
                out.writeDouble(seg.getDouble(values + (i << 3)));
            }
        }
    }

    @Override
    void readSlot(Pane p, long key, DataInputView in) throws IOException {
        scratch.read(in);
        int raw = in.readInt();
        int slot = p.find(key);
        boolean sketchRestored = false;
        if (slot < 0) {
            QuantileSketch initial = scratch.hasQuantiles() ? scratch.sketch() : null;
            slot = newSlot(p, key, sketch == null ? null : initial);
            sketchRestored = true;
        }
        if (slot < 0) {
            throw new IOException(
                    "not enough managed memory to restore the window state: "
                            + liveEntries()
                            + " entries restored so far; give the job more managed memory"
                            + " (taskmanager.memory.managed.size or .fraction)");
        }
        p.store(slot, scratch);
        if (sketch != null
                && !sketchRestored
                && scratch.hasQuantiles()
                && !storeSketch(p, slot, scratch.sketch())) {
            throw new IOException(
                    "not enough managed memory to restore the quantile sketches: "
                            + liveEntries()
                            + " entries restored so far; give the job more managed memory"
                            + " (taskmanager.memory.managed.size or .fraction)");
        }
        restoreRaw(p, slot, (int) scratch.count, raw, in);
    }

    /** Puts restored raw values back into a chunk (or folds them in if there is no memory). */
    private void restoreRaw(Pane p, int slot, int reduced, int raw, DataInputView in)
            throws IOException {
        int sizeClass = SlabAllocator.sizeClass(CHUNK_HEADER + raw * 8);
        int chunk = raw == 0 || sizeClass > MAX_CHUNK_CLASS ? NO_CHUNK : newChunk(sizeClass);
        if (chunk == NO_CHUNK) {
            int count = reduced;
            for (int i = 0; i < raw; i++) {
                mergeOne(p, slot, count++, in.readDouble());
            }
            p.setState(slot, state(NO_CHUNK, count));
            return;
        }
        MemorySegment seg = chunkSegment(chunk);
        int base = chunkOffset(chunk);
        for (int i = 0; i < raw; i++) {
            seg.putDouble(base + CHUNK_HEADER + (i << 3), in.readDouble());
        }
        seg.putInt(base, raw);
        p.setState(slot, state(chunk, reduced + raw));
    }

    /**
     * One pane: group blocks, column blocks and the probe table, all in slab blocks. The few heap
     * arrays hold block addresses only.
     */
    final class Pane extends PanedWindowStore.Pane {

        /** Per group block (128 slots): segment, base offset and slab handle. */
        MemorySegment[] groupSegments = new MemorySegment[GROUP_BLOCKS * 4];

        /** Absolute address of each group block, for {@link RawMemory}. */
        long[] groupAddresses = new long[GROUP_BLOCKS * 4];

        int[] groupBases = new int[GROUP_BLOCKS * 4];
        long[] groupHandles = new long[GROUP_BLOCKS * 4];

        /** Per column, per column block (512 slots): segment and base offset. */
        final MemorySegment[][] segments = new MemorySegment[columns][4];

        final int[][] bases = new int[columns][4];
        final long[][] handles = new long[columns][4];

        /** Column blocks per column; each comes with {@link #GROUP_BLOCKS} group blocks. */
        int blocks;

        /** Probe table blocks; capacity 0 until the first key. */
        MemorySegment[] tableSegments = new MemorySegment[1];

        int[] tableBases = new int[1];
        long[] tableHandles = new long[1];
        int tableCapacity;

        /**
         * The slot {@link #findNext} returned last, or that {@link #insert} made last; -1 when
         * none.
         */
        private int cursor = -1;

        /** Arrays of the table before the last doubling, reused by the next one (see growTable). */
        private MemorySegment[] spareTableSegments = new MemorySegment[0];

        private int[] spareTableBases = new int[0];
        private long[] spareTableHandles = new long[0];

        /** The block holding the slot's group. Hot path. */
        MemorySegment group(int slot) {
            return groupSegments[slot >>> GROUP_SHIFT];
        }

        /** Absolute address of the slot's group. Hot path. */
        long groupAddress(int slot) {
            return groupAddresses[slot >>> GROUP_SHIFT]
                    + ((slot & GROUP_MASK) << GROUP_BYTES_SHIFT);
        }

        /** Offset of the slot's group in {@link #group}. Hot path. */
        int groupAt(int slot) {
            return groupBases[slot >>> GROUP_SHIFT] + ((slot & GROUP_MASK) << GROUP_BYTES_SHIFT);
        }

        /** Count (low 32 bits) and chunk (high 32 bits) of a slot. */
        long stateOf(int slot) {
            return group(slot).getLong(groupAt(slot) + STATE_OFFSET);
        }

        void setState(int slot, long state) {
            group(slot).putLong(groupAt(slot) + STATE_OFFSET, state);
        }

        long get(int column, int slot) {
            int b = slot >>> BLOCK_SHIFT;
            return segments[column][b].getLong(bases[column][b] + ((slot & BLOCK_MASK) << 3));
        }

        void put(int column, int slot, long v) {
            int b = slot >>> BLOCK_SHIFT;
            segments[column][b].putLong(bases[column][b] + ((slot & BLOCK_MASK) << 3), v);
        }

        double getDouble(int column, int slot) {
            int b = slot >>> BLOCK_SHIFT;
            return segments[column][b].getDouble(bases[column][b] + ((slot & BLOCK_MASK) << 3));
        }

        void putDouble(int column, int slot, double v) {
            int b = slot >>> BLOCK_SHIFT;
            segments[column][b].putDouble(bases[column][b] + ((slot & BLOCK_MASK) << 3), v);
        }

        @Override
        long key(int slot) {
            return RawMemory.getLong(groupAddress(slot) + KEY_OFFSET);
        }

        /** Slot of the key, or -1. Hot path. */
        @Override
        int find(long keyId) {
            if (tableCapacity == 0) {
                return -1;
            }
            int mask = tableCapacity - 1;
            long h = mix(keyId);
            int tag = (int) (h >>> 32) & ~slotMask;
            int i = (int) h & mask;
            while (true) {
                int v = tableGet(i);
                if (v == 0) {
                    return -1;
                }
                if ((v & ~slotMask) == tag) {
                    int slot = (v & slotMask) - 1;
                    if (key(slot) == keyId) {
                        return slot;
                    }
                }
                i = (i + 1) & mask;
            }
        }

        /**
         * Slot of the key, or -1: first the slot after {@link #cursor}, then the probe table. Hot
         * path. Metrics arrive in about the same order in every pane (a scraper or producer walks
         * its series in a fixed order), and a pane's slots are numbered in its first arrivals'
         * order, so the next key is usually in the next slot. That slot's group is the one the
         * sample then updates, next to the last one in memory: a miss costs a compare of a cached
         * key; a hit saves the probe, a read at a random place of the table.
         */
        @Override
        int findNext(long keyId) {
            int next = cursor + 1;
            if (next < size && key(next) == keyId) {
                cursor = next;
                return next;
            }
            int slot = find(keyId);
            if (slot >= 0) {
                cursor = slot;
            }
            return slot;
        }

        @Override
        int touch(long keyId) {
            return tableCapacity == 0 ? 0 : tableGet((int) mix(keyId) & (tableCapacity - 1));
        }

        /** Bytes the next {@link #insert} takes at most: a doubled probe table, blocks. */
        long growthBytes() {
            long bytes = 0;
            if ((size + 1) * 2 > tableCapacity) {
                bytes += (tableCapacity == 0 ? firstCapacity() : tableCapacity * 2L) * 4;
            }
            if ((size & BLOCK_MASK) == 0) {
                bytes += (long) (columns + GROUP_BLOCKS) * BLOCK_BYTES;
            }
            return bytes;
        }

        /**
         * Adds a slot for a key known to be absent; -1 when memory ran out. Only the group's key
         * and state are written: the columns are written when first needed (see {@link #merge}).
         */
        int insert(long keyId) {
            if ((size + 1) * 2 > tableCapacity && !growTable()) {
                return -1;
            }
            int slot = size;
            if ((slot >>> BLOCK_SHIFT) == blocks && !addBlock()) {
                return -1;
            }
            MemorySegment g = group(slot);
            int at = groupAt(slot);
            g.putLong(at + KEY_OFFSET, keyId);
            g.putLong(at + STATE_OFFSET, state(NO_CHUNK, 0));
            size++;
            tableInsert(keyId, slot);
            cursor = slot;
            return slot;
        }

        private void tableInsert(long keyId, int slot) {
            int mask = tableCapacity - 1;
            long h = mix(keyId);
            int i = (int) h & mask;
            while (tableGet(i) != 0) {
                i = (i + 1) & mask;
            }
            tablePut(i, ((int) (h >>> 32) & ~slotMask) | (slot + 1));
        }

        private int tableGet(int i) {
            int b = i >>> TABLE_SHIFT;
            return tableSegments[b].getInt(tableBases[b] + ((i & (TABLE_MIN_CAPACITY - 1)) << 2));
        }

        private void tablePut(int i, int v) {
            int b = i >>> TABLE_SHIFT;
            tableSegments[b].putInt(tableBases[b] + ((i & (TABLE_MIN_CAPACITY - 1)) << 2), v);
        }

        /** Doubles the probe table (or makes the first one); false when memory ran out. */
        private boolean growTable() {
            if (tableCapacity > 0) {
                return growTable(tableCapacity * 2);
            }
            int first = firstCapacity();
            return growTable(first)
                    || (first > TABLE_MIN_CAPACITY && growTable(TABLE_MIN_CAPACITY));
        }

        /** Moves the table to one of {@code capacity} entries; false when memory ran out. */
        private boolean growTable(int capacity) {
            int nBlocks = capacity >>> TABLE_SHIFT;
            // Block address arrays are reused, so a pane taken from the free list allocates no heap
            // memory for its table: an empty table's own arrays hold no block, and the arrays of
            // the table before the last doubling are kept as spares.
            MemorySegment[] segs;
            int[] bases;
            long[] handles;
            if (tableCapacity == 0 && tableSegments.length >= nBlocks) {
                segs = tableSegments;
                bases = tableBases;
                handles = tableHandles;
            } else if (spareTableSegments.length >= nBlocks) {
                segs = spareTableSegments;
                bases = spareTableBases;
                handles = spareTableHandles;
            } else {
                segs = new MemorySegment[nBlocks];
                bases = new int[nBlocks];
                handles = new long[nBlocks];
            }
            for (int i = 0; i < nBlocks; i++) {
                long h = slab.allocate(blockClass);
                if (h == SlabAllocator.NONE) {
                    for (int j = 0; j < i; j++) {
                        slab.free(handles[j], blockClass);
                    }
                    return false;
                }
                handles[i] = h;
                segs[i] = slab.segment(h);
                bases[i] = SlabAllocator.offset(h);
                for (int at = 0; at < BLOCK_BYTES; at += 8) {
                    segs[i].putLong(bases[i] + at, 0L);
                }
            }
            int oldBlocks = tableCapacity >>> TABLE_SHIFT;
            MemorySegment[] oldSegments = tableSegments;
            int[] oldBases = tableBases;
            long[] oldHandles = tableHandles;
            tableSegments = segs;
            tableBases = bases;
            tableHandles = handles;
            tableCapacity = capacity;
            for (int slot = 0; slot < size; slot++) {
                tableInsert(key(slot), slot);
            }
            for (int j = 0; j < oldBlocks; j++) {
                slab.free(oldHandles[j], blockClass);
                oldSegments[j] = null;
            }
            if (segs != oldSegments) {
                spareTableSegments = oldSegments;
                spareTableBases = oldBases;
                spareTableHandles = oldHandles;
            }
            return true;
        }

        /**
         * Capacity of a first table: {@link #firstTableCapacity} if the pool keeps more than its
         * reserve free besides, else the smallest.
         */
        private int firstCapacity() {
            int pages =
                    (int)
                            (((long) firstTableCapacity * 4 + slab.pool().pageSize() - 1)
                                    / slab.pool().pageSize());
            return freePages() - pages > reservedPages ? firstTableCapacity : TABLE_MIN_CAPACITY;
        }

        /** Adds the group and column blocks of the next 512 slots; false when memory ran out. */
        private boolean addBlock() {
            if (blocks == segments[0].length) {
                for (int c = 0; c < columns; c++) {
                    segments[c] = java.util.Arrays.copyOf(segments[c], blocks * 2);
                    bases[c] = java.util.Arrays.copyOf(bases[c], blocks * 2);
                    handles[c] = java.util.Arrays.copyOf(handles[c], blocks * 2);
                }
                groupSegments = java.util.Arrays.copyOf(groupSegments, blocks * 2 * GROUP_BLOCKS);
                groupAddresses = java.util.Arrays.copyOf(groupAddresses, blocks * 2 * GROUP_BLOCKS);
                groupBases = java.util.Arrays.copyOf(groupBases, blocks * 2 * GROUP_BLOCKS);
                groupHandles = java.util.Arrays.copyOf(groupHandles, blocks * 2 * GROUP_BLOCKS);
            }
            int firstGroup = blocks * GROUP_BLOCKS;
            for (int i = 0; i < GROUP_BLOCKS; i++) {
                long h = slab.allocate(blockClass);
                if (h == SlabAllocator.NONE) {
                    for (int j = 0; j < i; j++) {
                        slab.free(groupHandles[firstGroup + j], blockClass);
                    }
                    return false;
                }
                groupHandles[firstGroup + i] = h;
                groupSegments[firstGroup + i] = slab.segment(h);
                groupBases[firstGroup + i] = SlabAllocator.offset(h);
                groupAddresses[firstGroup + i] =
                        slab.pool().address((int) (h >>> 32)) + SlabAllocator.offset(h);
            }
            for (int c = 0; c < columns; c++) {
                long h = slab.allocate(blockClass);
                if (h == SlabAllocator.NONE) {
                    for (int d = 0; d < c; d++) {
                        slab.free(handles[d][blocks], blockClass);
                    }
                    for (int j = 0; j < GROUP_BLOCKS; j++) {
                        slab.free(groupHandles[firstGroup + j], blockClass);
                    }
                    return false;
                }
                handles[c][blocks] = h;
                segments[c][blocks] = slab.segment(h);
                bases[c][blocks] = SlabAllocator.offset(h);
            }
            blocks++;
            return true;
        }

        @Override
        Summary load(int slot, Summary s) {
            return load(slot, s, 0);
        }

        /** The summary without the {@code unreduced} raw values still in the chunk. */
        Summary load(int slot, Summary s, int unreduced) {
            s.count = (int) stateOf(slot) - unreduced;
            // Nothing reduced yet: the columns other than FIRST were never written.
            if (s.count == 0) {
                s.sum = 0.0;
                s.compensation = 0.0;
                s.min = Double.POSITIVE_INFINITY;
                s.max = Double.NEGATIVE_INFINITY;
                s.m2 = 0.0;
            } else {
                s.sum = getDouble(SUM, slot);
                s.compensation = getDouble(COMP, slot);
                s.min = getDouble(MIN, slot);
                s.max = getDouble(MAX, slot);
                s.m2 = getDouble(M2, slot);
            }
            return loadRest(slot, s);
        }

        /**
         * The summary of a slot whose {@code count} samples are all in its chunk, from the chunk's
         * reduction: what {@link #load} returns after {@link #merge} wrote it into the columns.
         */
        Summary loadReduced(int slot, Summary s, int count, ChunkReducer reduced) {
            s.count = count;
            s.sum = reduced.sum();
            s.compensation = reduced.sumCompensation();
            s.min = reduced.min();
            s.max = reduced.max();
            s.m2 = reduced.m2();
            return loadRest(slot, s);
        }

        /** The rest of a summary whose count and moments are set: mean, ends, sketch. */
        private Summary loadRest(int slot, Summary s) {
            MemorySegment g = group(slot);
            int at = groupAt(slot);
            long times = g.getLong(at + TIMES_OFFSET);
            // No shift column: the mean comes from the compensated sum (M2 is shift-invariant).
            s.shift = 0.0;
            s.mean = s.count == 0 ? 0.0 : (s.sum + s.compensation) / s.count;
            s.firstTs = start + (times >>> 32);
            s.first = getDouble(FIRST, slot);
            s.lastTs = start + (times & 0xFFFF_FFFFL);
            s.last = g.getDouble(at + LAST_OFFSET);
            if (sketch != null && s.hasQuantiles()) {
                long h = get(SKETCH, slot);
                s.setSketch(sketch.wrap(slab.segment(h), SlabAllocator.offset(h)));
            }
            return s;
        }

        /** Overwrites a slot's summary (restore); raw values are already folded in. */
        void store(int slot, Summary s) {
            MemorySegment g = group(slot);
            int at = groupAt(slot);
            g.putLong(at + STATE_OFFSET, state(NO_CHUNK, (int) s.count));
            putDouble(SUM, slot, s.sum);
            putDouble(COMP, slot, s.compensation);
            putDouble(MIN, slot, s.min);
            putDouble(MAX, slot, s.max);
            putDouble(M2, slot, s.m2);
            putDouble(FIRST, slot, s.first);
            g.putDouble(at + LAST_OFFSET, s.last);
            g.putLong(
                    at + TIMES_OFFSET,
                    ((s.firstTs - start) << 32) | ((s.lastTs - start) & 0xFFFF_FFFFL));
        }

        /** Frees every chunk, group block, column block and table block. */
        @Override
        void release() {
            int[] tally = classTally;
            java.util.Arrays.fill(tally, 0);
            for (int slot = 0; slot < size; slot++) {
                int chunk = (int) (stateOf(slot) >>> 32);
                if (chunk != NO_CHUNK) {
                    tally[chunkClass(chunk)]++;
                    freeChunk(chunk);
                } else {
                    tally[0]++;
                }
                if (sketch != null) {
                    freeSketch(get(SKETCH, slot));
                }
            }
            for (int b = 0; b < blocks; b++) {
                for (int c = 0; c < columns; c++) {
                    slab.free(handles[c][b], blockClass);
                    segments[c][b] = null;
                }
                for (int i = b * GROUP_BLOCKS; i < (b + 1) * GROUP_BLOCKS; i++) {
                    slab.free(groupHandles[i], blockClass);
                    groupSegments[i] = null;
                    groupAddresses[i] = 0;
                }
            }
            for (int j = 0; j < tableCapacity >>> TABLE_SHIFT; j++) {
                slab.free(tableHandles[j], blockClass);
                tableSegments[j] = null;
            }
            if (size >= FIRST_CHUNK_MIN_SLOTS) {
                firstChunkClass = classReachedByNineInTen(tally, size);
            }
            int reached = Math.max(TABLE_MIN_CAPACITY, tableCapacity);
            firstTableCapacity = Math.min(reached, lastTableCapacity);
            lastTableCapacity = reached;
            blocks = 0;
            size = 0;
            tableCapacity = 0;
            cursor = -1;
        }
    }

    /** 64 well-mixed bits of a key: the low ones index the table, the high ones tag entries. */
    private static long mix(long key) {
        long h = (key ^ (key >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}

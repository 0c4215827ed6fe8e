package io.tsagg.operators.sketch;

import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.core.memory.MemorySegment;

/**
 * A mergeable relative-error quantile sketch (DDSketch: Masson, Rim and Lee, VLDB 2019) laid out in
 * a region of a Flink {@link MemorySegment}: a flyweight, so one instance reads and writes any
 * number of sketches, off-heap in pool pages (the window stores' slab blocks) or on the heap (a
 * segment wrapping a {@code byte[]}, see {@link HeapQuantileSketch}). {@code quantile(q)} is within
 * the relative accuracy {@code α} of the exact value of rank {@code ⌊q·(count − 1)⌋} (unless the
 * lowest buckets were collapsed, see below).
 *
 * <h2>Layout of one sketch (bytes from {@code offset})</h2>
 *
 * <pre>
 *   0                   8                   16                  24                  32
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | COUNT             | ZERO_COUNT        | MIN (double)      | MAX (double)      |
 *   +---------+---------+---------+---------+---------+---------+---------+---------+
 *   | POS BASE| POS LOW | POS HIGH| POS CAP | NEG BASE| NEG LOW | NEG HIGH| NEG CAP |  32..64
 *   +---------+---------+---------+---------+---------+---------+---------+---------+
 *   | positive bucket counts, POS CAP longs ...                                     |
 *   | negative bucket counts, NEG CAP longs ...                                     |
 *   +-------------------------------------------------------------------------------+
 * </pre>
 *
 * A region is {@link #HEADER_BYTES} plus 8 bytes per bucket, all of it between the two stores. A
 * value {@code v > 0} goes to bucket {@code i = mapping.index(v)} of the positive store, {@code v <
 * 0} to bucket {@code mapping.index(-v)} of the negative store, values closer to 0 than the mapping
 * can index to {@code ZERO_COUNT}. Each store is a window of {@code CAP} consecutive bucket indexes
 * starting at {@code BASE}; {@code LOW..HIGH} are the lowest and highest non-empty indexes ({@code
 * LOW > HIGH} when empty), and every bucket outside them is zero.
 *
 * <h2>Small sketches: raw values</h2>
 *
 * Up to {@link #RAW_MAX} values a sketch keeps the values themselves, sorted, instead of buckets
 * (marked by {@code POS CAP = -1}; {@code NEG CAP} is then the room in values): a pane of a few
 * samples costs 8 bytes per sample, not a bucket range that can span hundreds of buckets when the
 * values are spread over decades, and its quantiles are exact. The 25th value turns the sketch into
 * buckets. Whether a sketch is raw depends only on its count, so merging sketches still gives
 * exactly the sketch of all their values.
 *
 * <h2>Growing: the owner's job</h2>
 *
 * The flyweight never allocates. A region starts small ({@link #MIN_BYTES}, 8 buckets: a quiet
 * series costs 128 bytes) and its owner grows it: when a value (or a merged sketch) falls outside a
 * store's window and the occupied range plus the new index no longer fits, {@link #tryAdd} and
 * {@link #tryMerge} change nothing and return false, {@link #requiredBytes()} says how large a
 * region the result needs, and the owner allocates one (of a size class at least that large),
 * {@link #copyTo copies} the sketch into it with the capacities re-split between the stores, wraps
 * it and retries. At the largest size a try also fails once when the other store has spare buckets
 * to give: the copy then goes to a region of the same size. Owners: {@link HeapQuantileSketch}
 * (heap arrays) and the managed window store (slab blocks of pool pages, so under memory pressure a
 * value can be refused rather than stored). Regions are bounded by {@code maxBytes} ({@link
 * #DEFAULT_MAX_BYTES}: 2,040 buckets, a factor of about 10^17 at 1%); a store of a region at that
 * size re-centres its window or, when the range no longer fits, collapses its lowest buckets into
 * the lowest kept one, as DDSketch's collapsing-lowest store does. Only quantiles below the
 * collapse point lose their guarantee (they are over-estimated in magnitude for positive values,
 * under-estimated for negative ones).
 *
 * <p>Why a segment-backed flyweight and not sketches-java's own sketch: the library's stores are
 * heap objects ({@code long[]} per store, an object graph per sketch) that cannot live in pool
 * pages and would cost an object header and array per (key, pane); here a sketch is bytes in a slab
 * block, found by a handle in a store column, copied with a {@code memcpy} and freed with its pane.
 *
 * <h2>Index mapping</h2>
 *
 * From DataDog's {@code com.datadoghq:sketches-java}: {@link CubicallyInterpolatedMapping}, which
 * approximates {@code log_γ} with the double's exponent bits and a cubic polynomial of the
 * mantissa: no {@code Math.log} per value, about 1% more buckets than the exact logarithmic mapping
 * for the same guarantee, and index semantics identical to DDSketch's, so sketches can be exported
 * to DataDog's protobuf format later. The mapping is a small immutable object with no storage of
 * its own, so it fits an off-heap layout; the storage is ours.
 *
 * <h2>Encoding</h2>
 *
 * {@link #write} writes only the occupied bucket range of each store, counts as variable-length
 * integers (7 bits per byte): a sketch of 30 buckets of small counts takes about 80 bytes. {@link
 * HeapQuantileSketch#read} reads it back.
 *
 * <p>Not thread-safe; a flyweight wraps one region at a time and never allocates after construction
 * except one helper flyweight on the first {@link #copyTo}.
 */
public final class QuantileSketch {
    /** Default relative accuracy of quantiles: 1%. */
    public static final double DEFAULT_RELATIVE_ACCURACY = 0.01;

    /** Bytes before the bucket counts. */
    public static final int HEADER_BYTES = 64;

    /** Smallest region: the header and 8 buckets. */
    public static final int MIN_BYTES = HEADER_BYTES + 8 * 8;

    /**
     * Most values a sketch keeps raw (exact) before it turns into buckets: 24 values and the header
     * fill a 256-byte block.
     */
    public static final int RAW_MAX = 24;

    /** {@code POS CAP} of a sketch in raw mode. */
    private static final int RAW = -1;

    /** Default largest region: 16 KiB, 2,040 buckets, as DDSketch's default 2,048-bucket store. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024;

    // ---------------------------------------------------------------- layout (bytes)
    static final int COUNT_OFFSET = 0;
    static final int ZERO_COUNT_OFFSET = 8;
    static final int MIN_OFFSET = 16;
    static final int MAX_OFFSET = 24;

    /** Store headers: BASE, LOW, HIGH, CAPACITY as ints. */
    static final int POS = 32;

    static final int NEG = 48;
    static final int BASE = 0;
    static final int LOW = 4;
    static final int HIGH = 8;
    static final int CAPACITY = 12;

    // ---------------------------------------------------------------- encoding
    static final byte VERSION = 2;
    static final byte MAPPING_CUBIC = 1;
    static final byte ENCODED_BUCKETS = 0;
    static final byte ENCODED_RAW = 1;

    private final IndexMapping mapping;
    private final double relativeAccuracy;
    private final double minIndexable;
    private final double maxIndexable;
    private final int maxBytes;

    private MemorySegment m;
    private int o;

    /** Set by a failed {@link #tryAdd}/{@link #tryMerge}: bucket spans the stores need. */
    private long needPos;

    private long needNeg;
    private int growStore;
    private int requiredBytes;

    /** Set with {@link #requiredBytes}: the copy stays raw, with room for this many values. */
    private boolean growRaw;

    /** Writes the copy in {@link #copyTo}; made on first use. */
    private QuantileSketch copier;

    /** A flyweight for sketches of the given relative accuracy, in (0, 1), up to 16 KiB each. */
    public QuantileSketch(double relativeAccuracy) {
        this(relativeAccuracy, DEFAULT_MAX_BYTES);
    }

    /**
     * A flyweight for sketches of the given relative accuracy, in (0, 1), whose regions grow up to
     * {@code maxBytes} (at least {@link #MIN_BYTES}, a multiple of 8).
     */
    public QuantileSketch(double relativeAccuracy, int maxBytes) {
        if (!(relativeAccuracy > 0.0 && relativeAccuracy < 1.0)) {
            throw new IllegalArgumentException(
                    "relative accuracy " + relativeAccuracy + " is not allowed: use (0, 1)");
        }
        if (maxBytes < MIN_BYTES || (maxBytes & 7) != 0) {
            throw new IllegalArgumentException(
                    "largest sketch of "
                            + maxBytes
                            + " bytes is not allowed: use a multiple of 8, at least "
                            + MIN_BYTES);
        }
        this.relativeAccuracy = relativeAccuracy;
        this.maxBytes = maxBytes;
        this.mapping = new CubicallyInterpolatedMapping(relativeAccuracy);
        this.minIndexable = mapping.minIndexableValue();
        this.maxIndexable = mapping.maxIndexableValue();
    }

    /** Buckets a region of {@code bytes} bytes holds. */
    public static int bucketCapacity(int bytes) {
        return (bytes - HEADER_BYTES) >> 3;
    }

    /**
     * Writes an empty sketch over {@code bytes} bytes at {@code offset} and wraps it. An empty
     * sketch keeps raw values.
     */
    public QuantileSketch format(MemorySegment segment, int offset, int bytes) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a sketch region of " + bytes + " bytes is too small: at least " + MIN_BYTES);
        }
        Objects.checkFromIndexSize(offset, bytes, segment.size());
        m = segment;
        o = offset;
        requiredBytes = 0;
        m.putInt(o + NEG + CAPACITY, bucketCapacity(bytes));
        return clearHeader();
    }

    /**
     * Writes an empty sketch in bucket mode whose positive store has {@code positiveCapacity}
     * buckets.
     */
    QuantileSketch format(MemorySegment segment, int offset, int bytes, int positiveCapacity) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "a sketch region of " + bytes + " bytes is too small: at least " + MIN_BYTES);
        }
        Objects.checkFromIndexSize(offset, bytes, segment.size());
        int capacity = bucketCapacity(bytes);
        Objects.checkIndex(positiveCapacity, capacity + 1);
        m = segment;
        o = offset;
        m.putInt(o + POS + CAPACITY, positiveCapacity);
        m.putInt(o + NEG + CAPACITY, capacity - positiveCapacity);
        m.putInt(o + POS + BASE, 0);
        m.putInt(o + NEG + BASE, 0);
        zero(o + HEADER_BYTES, capacity);
        requiredBytes = 0;
        clearCounts();
        return this;
    }

    /** Wraps the sketch at {@code offset}, formatted before by {@link #format}. */
    public QuantileSketch wrap(MemorySegment segment, int offset) {
        Objects.checkFromIndexSize(offset, HEADER_BYTES, segment.size());
        m = segment;
        o = offset;
        Objects.checkFromIndexSize(offset, length(), segment.size());
        requiredBytes = 0;
        return this;
    }

    /**
     * Empties the wrapped sketch, keeping its region; it keeps raw values again (an empty sketch
     * always does).
     */
    public QuantileSketch clear() {
        int bytes = length();
        requiredBytes = 0;
        m.putInt(o + NEG + CAPACITY, bucketCapacity(bytes));
        return clearHeader();
    }

    /** Raw mode, no values; the room for values ({@code NEG CAP}) is set by the caller. */
    private QuantileSketch clearHeader() {
        m.putInt(o + POS + CAPACITY, RAW);
        clearCounts();
        return this;
    }

    /** Whether the sketch keeps its values raw (at most {@link #RAW_MAX}) rather than buckets. */
    public boolean isRaw() {
        return m.getInt(o + POS + CAPACITY) == RAW;
    }

    private void clearCounts() {
        m.putLong(o + COUNT_OFFSET, 0L);
        m.putLong(o + ZERO_COUNT_OFFSET, 0L);
        m.putDouble(o + MIN_OFFSET, Double.POSITIVE_INFINITY);
        m.putDouble(o + MAX_OFFSET, Double.NEGATIVE_INFINITY);
        for (int store = POS; store <= NEG; store += NEG - POS) {
            m.putInt(o + store + LOW, Integer.MAX_VALUE);
            m.putInt(o + store + HIGH, Integer.MIN_VALUE);
        }
    }

    // ---------------------------------------------------------------- adding

    /**
     * Adds {@code count} occurrences of {@code value}, or returns false and changes nothing when
     * the region must grow first (see {@link #requiredBytes()}). Hot path.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite, or {@code count < 1}
     */
    public boolean tryAdd(double value, long count) {
        if (!Double.isFinite(value) || count < 1) {
            throw new IllegalArgumentException(
                    "value "
                            + value
                            + " x "
                            + count
                            + " is not allowed: finite values, count >= 1");
        }
        if (isRaw()) {
            long n = count();
            if (n + count <= RAW_MAX) {
                if (n + count > rawCapacity()) {
                    needRawGrowth((int) (n + count));
                    return false;
                }
                insertRaw(value, count);
                return true;
            }
            // The value would be one too many: turn into buckets first (in a new region).
            long range = range(value);
            long pos = union(range(POS), value > 0 ? range : EMPTY);
            long neg = union(range(NEG), value < 0 ? range : EMPTY);
            needGrowth(value < 0 ? NEG : POS, span(pos), span(neg));
            return false;
        }
        if (value > minIndexable || value < -minIndexable) {
            int store = value > 0 ? POS : NEG;
            int index = mapping.index(Math.min(Math.abs(value), maxIndexable));
            int base = m.getInt(o + store + BASE);
            if (index < base || index - base >= capacity(store)) {
                long span = unionSpan(store, index, index);
                if (span > capacity(store) && mustGrow(store)) {
                    needGrowth(
                            store,
                            store == POS ? span : occupiedSpan(POS),
                            store == NEG ? span : occupiedSpan(NEG));
                    return false;
                }
                ensureRange(store, index, index);
            }
            addToBucket(store, index, count);
        } else {
            m.putLong(o + ZERO_COUNT_OFFSET, zeroCount() + count);
        }
        m.putLong(o + COUNT_OFFSET, count() + count);
        if (value < min()) {
            m.putDouble(o + MIN_OFFSET, value);
        }
        if (value > max()) {
            m.putDouble(o + MAX_OFFSET, value);
        }
        return true;
    }

    /**
     * Merges the sketch {@code other} wraps (same relative accuracy, any region) into this one, or
     * returns false and changes nothing when the region must grow first. The result is the sketch
     * of both inputs' values, exactly as if they had been added here (up to collapsing at the
     * largest region).
     */
    public boolean tryMerge(QuantileSketch other) {
        return merge(other, true);
    }

    private boolean merge(QuantileSketch other, boolean mayRefuse) {
        if (other.relativeAccuracy != relativeAccuracy) {
            throw new IllegalArgumentException(
                    "Cannot merge a sketch of relative accuracy "
                            + other.relativeAccuracy
                            + " into one of "
                            + relativeAccuracy);
        }
        if (other.m == m && other.o == o) {
            throw new IllegalArgumentException("Cannot merge a sketch into itself");
        }
        if (other.count() == 0) {
            return true;
        }
        if (isRaw()) {
            long total = count() + other.count();
            if (other.isRaw() && total <= RAW_MAX) {
                if (total > rawCapacity()) {
                    needRawGrowth((int) total);
                    return false;
                }
                for (int i = 0; i < other.count(); i++) {
                    insertRaw(other.rawValue(i), 1);
                }
                return true;
            }
            needGrowth(
                    POS,
                    span(union(range(POS), other.range(POS))),
                    span(union(range(NEG), other.range(NEG))));
            return false;
        }
        if (mayRefuse) {
            long spanPos = mergedSpan(POS, other);
            long spanNeg = mergedSpan(NEG, other);
            boolean growPos = spanPos > capacity(POS) && mustGrow(POS);
            boolean growNeg = spanNeg > capacity(NEG) && mustGrow(NEG);
            if (growPos || growNeg) {
                needGrowth(growPos ? POS : NEG, spanPos, spanNeg);
                return false;
            }
        }
        if (other.isRaw()) {
            for (int i = 0; i < other.count(); i++) {
                addToBuckets(other.rawValue(i));
            }
            return true;
        }
        for (int store = POS; store <= NEG; store += NEG - POS) {
            int lo = other.low(store);
            int hi = other.high(store);
            if (lo > hi) {
                continue;
            }
            ensureRange(store, lo, hi);
            for (int i = lo; i <= hi; i++) {
                long c = other.m.getLong(other.bucketAddress(store, i));
                if (c != 0) {
                    addToBucket(store, i, c);
                }
            }
        }
        m.putLong(o + ZERO_COUNT_OFFSET, zeroCount() + other.zeroCount());
        m.putLong(o + COUNT_OFFSET, count() + other.count());
        if (other.min() < min()) {
            m.putDouble(o + MIN_OFFSET, other.min());
        }
        if (other.max() > max()) {
            m.putDouble(o + MAX_OFFSET, other.max());
        }
        return true;
    }

    /**
     * After {@link #tryAdd} or {@link #tryMerge} returned false: the bytes of a region that holds
     * the result, at most {@code maxBytes}. Give {@link #copyTo} a region at least this large.
     */
    public int requiredBytes() {
        if (requiredBytes == 0) {
            throw new IllegalStateException("the sketch did not ask to grow");
        }
        return requiredBytes;
    }

    /** Bytes of a region that holds this sketch's occupied buckets without slack. */
    public int compactBytes() {
        long need =
                isRaw()
                        ? HEADER_BYTES + 8 * count()
                        : HEADER_BYTES + 8 * (occupiedSpan(POS) + occupiedSpan(NEG));
        return (int) Math.max(MIN_BYTES, Math.min(maxBytes, need));
    }

    /**
     * Writes a copy of the wrapped sketch over {@code bytes} bytes of {@code target} (another
     * region), splitting the buckets between the stores as the last failed {@link #tryAdd} or
     * {@link #tryMerge} asked (or by occupied ranges), spare buckets to the store that grows. This
     * flyweight stays on the source; {@link #wrap} the target to continue there. When the region is
     * smaller than {@link #compactBytes()} the lowest buckets collapse.
     */
    public void copyTo(MemorySegment target, int offset, int bytes) {
        if (copier == null) {
            copier = new QuantileSketch(relativeAccuracy, maxBytes);
        }
        if (isRaw() && (requiredBytes == 0 || growRaw)) {
            int n = (int) count();
            if (bucketCapacity(bytes) < n) {
                throw new IllegalArgumentException(
                        "a region of " + bytes + " bytes cannot hold " + n + " raw values");
            }
            copier.format(target, offset, bytes);
            m.copyTo(o + HEADER_BYTES, target, offset + HEADER_BYTES, 8 * n);
            target.putLong(offset + COUNT_OFFSET, n);
            target.putDouble(offset + MIN_OFFSET, min());
            target.putDouble(offset + MAX_OFFSET, max());
            return;
        }
        long spanPos = requiredBytes != 0 ? needPos : occupiedSpan(POS);
        long spanNeg = requiredBytes != 0 ? needNeg : occupiedSpan(NEG);
        int grow = requiredBytes != 0 ? growStore : spanNeg > spanPos ? NEG : POS;
        copier.format(
                target,
                offset,
                bytes,
                positiveCapacity(bucketCapacity(bytes), spanPos, spanNeg, grow == POS));
        copier.merge(this, false);
    }

    /**
     * How many of {@code capacity} buckets go to the positive store when the stores need {@code
     * spanPos} and {@code spanNeg}: both needs if they fit, spare to the growing store; otherwise
     * the other store keeps its need (up to half) and the growing store gets the rest.
     */
    static int positiveCapacity(int capacity, long spanPos, long spanNeg, boolean growPositive) {
        if (spanPos + spanNeg <= capacity) {
            if (spanPos == 0 && spanNeg == 0) {
                return capacity;
            }
            long spare = capacity - spanPos - spanNeg;
            return (int) (growPositive || spanNeg == 0 ? spanPos + spare : spanPos);
        }
        if (spanNeg == 0) {
            return capacity;
        }
        if (spanPos == 0) {
            return 0;
        }
        return growPositive
                ? capacity - (int) Math.min(spanNeg, capacity / 2)
                : (int) Math.min(spanPos, capacity / 2);
    }

    /**
     * A store that overflows may not collapse yet: the region can grow, or (at the largest size) a
     * new split would give the store more buckets: the other store has spare ones. A store with no
     * bucket at all always gets some.
     */
    private boolean mustGrow(int store) {
        if (length() < maxBytes) {
            return true;
        }
        int total = bucketCapacity(length());
        long other = occupiedSpan(store == POS ? NEG : POS);
        return capacity(store) < total - Math.min(other, total / 2);
    }

    /** A raw sketch needs room for {@code values} values. */
    private void needRawGrowth(int values) {
        growRaw = true;
        requiredBytes = Math.max(MIN_BYTES, HEADER_BYTES + 8 * values);
    }

    private void needGrowth(int store, long spanPos, long spanNeg) {
        growRaw = false;
        needPos = spanPos;
        needNeg = spanNeg;
        growStore = store;
        long need = HEADER_BYTES + 8 * (spanPos + spanNeg);
        requiredBytes = (int) Math.max(MIN_BYTES, Math.min(maxBytes, need));
    }

    // ---------------------------------------------------------------- reading

    /**
     * The value of rank {@code ⌊q·(count − 1)⌋}, within the relative accuracy, clamped to the exact
     * [min, max]; NaN when the sketch is empty.
     *
     * @throws IllegalArgumentException if {@code q} is not in [0, 1]
     */
    public double quantile(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("quantile " + q + " is not allowed: use [0, 1]");
        }
        long count = count();
        if (count == 0) {
            return Double.NaN;
        }
        double rank = Math.floor(q * (count - 1));
        if (isRaw()) {
            return rawValue((int) rank); // exact
        }
        if (rank < 1.0) {
            return min(); // rank 0: known exactly, even when the lowest buckets collapsed
        }
        if (rank >= count - 1) {
            return max();
        }
        long seen = 0;
        for (int i = high(NEG); i >= low(NEG); i--) {
            seen += m.getLong(bucketAddress(NEG, i));
            if (seen > rank) {
                return clamp(-mapping.value(i));
            }
        }
        seen += zeroCount();
        if (seen > rank) {
            return clamp(0.0);
        }
        for (int i = low(POS); i <= high(POS); i++) {
            seen += m.getLong(bucketAddress(POS, i));
            if (seen > rank) {
                return clamp(mapping.value(i));
            }
        }
        return max();
    }

    public long count() {
        return m.getLong(o + COUNT_OFFSET);
    }

    /** Values too close to 0 for the mapping (counted in raw mode). */
    public long zeroCount() {
        if (isRaw()) {
            long zeros = 0;
            for (int i = 0; i < count(); i++) {
                zeros += Math.abs(rawValue(i)) <= minIndexable ? 1 : 0;
            }
            return zeros;
        }
        return m.getLong(o + ZERO_COUNT_OFFSET);
    }

    /** The exact smallest value added; +∞ when empty. */
    public double min() {
        return m.getDouble(o + MIN_OFFSET);
    }

    /** The exact largest value added; −∞ when empty. */
    public double max() {
        return m.getDouble(o + MAX_OFFSET);
    }

    public double relativeAccuracy() {
        return relativeAccuracy;
    }

    /** The largest region this flyweight lets a sketch grow to. */
    public int maxBytes() {
        return maxBytes;
    }

    /** Bytes of the wrapped region (header and both stores). */
    public int length() {
        return isRaw()
                ? HEADER_BYTES + 8 * rawCapacity()
                : HEADER_BYTES + 8 * (capacity(POS) + capacity(NEG));
    }

    /** Occupied buckets of both stores; 0 in raw mode. */
    public int occupiedBuckets() {
        return isRaw() ? 0 : (int) (occupiedSpan(POS) + occupiedSpan(NEG));
    }

    public MemorySegment segment() {
        return m;
    }

    public int offset() {
        return o;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Writes the wrapped sketch: version, mapping, relative accuracy, then a kind byte; raw: the
     * count (variable-length) and the values; buckets: zero count, min, max, then per store
     * (positive, negative) its lowest and highest index and the counts in between as
     * variable-length integers. Capacities are not written: the reader sizes its own region.
     */
    public void write(DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(MAPPING_CUBIC);
        out.writeDouble(relativeAccuracy);
        if (isRaw()) {
            out.writeByte(ENCODED_RAW);
            writeVarLong(out, count());
            for (int i = 0; i < count(); i++) {
                out.writeDouble(rawValue(i));
            }
            return;
        }
        out.writeByte(ENCODED_BUCKETS);
        writeVarLong(out, zeroCount());
        out.writeDouble(min());
        out.writeDouble(max());
        for (int store = POS; store <= NEG; store += NEG - POS) {
            int lo = low(store);
            int hi = high(store);
            if (lo > hi) {
                out.writeInt(1);
                out.writeInt(0);
                continue;
            }
            out.writeInt(lo);
            out.writeInt(hi);
            for (int i = lo; i <= hi; i++) {
                writeVarLong(out, m.getLong(bucketAddress(store, i)));
            }
        }
    }

    static void writeVarLong(DataOutputView out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** Sets the header of a sketch read by {@link HeapQuantileSketch#read}. */
    void setHeader(long zeroCount, double min, double max) {
        m.putLong(o + ZERO_COUNT_OFFSET, zeroCount);
        m.putDouble(o + MIN_OFFSET, min);
        m.putDouble(o + MAX_OFFSET, max);
        m.putLong(o + COUNT_OFFSET, count() + zeroCount);
    }

    /** Adds {@code count} to bucket {@code index} of a store, collapsing if need be (reading). */
    void putBucket(boolean positive, int index, long count) {
        int store = positive ? POS : NEG;
        ensureRange(store, index, index);
        addToBucket(store, index, count);
        m.putLong(o + COUNT_OFFSET, count() + count);
    }

    // ---------------------------------------------------------------- raw values

    private static final long EMPTY =
            ((long) Integer.MAX_VALUE << 32) | (Integer.MIN_VALUE & 0xFFFF_FFFFL);

    private int rawCapacity() {
        return m.getInt(o + NEG + CAPACITY);
    }

    /** The {@code i}-th smallest raw value. */
    double rawValue(int i) {
        return m.getDouble(o + HEADER_BYTES + 8 * i);
    }

    /** Inserts {@code count} copies of a value in sorted position (room checked by the caller). */
    void insertRaw(double value, long count) {
        int n = (int) count();
        int at = o + HEADER_BYTES;
        int i = n;
        while (i > 0 && m.getDouble(at + 8 * (i - 1)) > value) {
            i--;
        }
        for (int j = n - 1; j >= i; j--) {
            m.putDouble(at + 8 * (j + (int) count), m.getDouble(at + 8 * j));
        }
        for (int k = 0; k < count; k++) {
            m.putDouble(at + 8 * (i + k), value);
        }
        m.putLong(o + COUNT_OFFSET, n + count);
        if (value < min()) {
            m.putDouble(o + MIN_OFFSET, value);
        }
        if (value > max()) {
            m.putDouble(o + MAX_OFFSET, value);
        }
    }

    /** Adds one value in bucket mode after the range was checked (merging a raw sketch). */
    private void addToBuckets(double value) {
        if (value > minIndexable || value < -minIndexable) {
            int store = value > 0 ? POS : NEG;
            int index = mapping.index(Math.min(Math.abs(value), maxIndexable));
            ensureRange(store, index, index);
            addToBucket(store, index, 1);
        } else {
            m.putLong(o + ZERO_COUNT_OFFSET, m.getLong(o + ZERO_COUNT_OFFSET) + 1);
        }
        m.putLong(o + COUNT_OFFSET, count() + 1);
        if (value < min()) {
            m.putDouble(o + MIN_OFFSET, value);
        }
        if (value > max()) {
            m.putDouble(o + MAX_OFFSET, value);
        }
    }

    /** Bucket index range of one value as {@code lo << 32 | hi}; {@link #EMPTY} near 0. */
    private long range(double value) {
        if (value > minIndexable || value < -minIndexable) {
            int index = mapping.index(Math.min(Math.abs(value), maxIndexable));
            return ((long) index << 32) | (index & 0xFFFF_FFFFL);
        }
        return EMPTY;
    }

    /** Bucket index range of a store, in either mode, as {@code lo << 32 | hi}. */
    private long range(int store) {
        if (!isRaw()) {
            return ((long) low(store) << 32) | (high(store) & 0xFFFF_FFFFL);
        }
        long r = EMPTY;
        for (int i = 0; i < count(); i++) {
            double v = rawValue(i);
            if (store == POS ? v > minIndexable : v < -minIndexable) {
                r = union(r, range(v));
            }
        }
        return r;
    }

    private static long union(long a, long b) {
        int lo = Math.min((int) (a >> 32), (int) (b >> 32));
        int hi = Math.max((int) a, (int) b);
        return ((long) lo << 32) | (hi & 0xFFFF_FFFFL);
    }

    private static long span(long range) {
        int lo = (int) (range >> 32);
        int hi = (int) range;
        return lo > hi ? 0 : (long) hi - lo + 1;
    }

    // ---------------------------------------------------------------- stores

    private int capacity(int store) {
        return m.getInt(o + store + CAPACITY);
    }

    private int low(int store) {
        return m.getInt(o + store + LOW);
    }

    private int high(int store) {
        return m.getInt(o + store + HIGH);
    }

    private long occupiedSpan(int store) {
        int low = low(store);
        int high = high(store);
        return low > high ? 0 : (long) high - low + 1;
    }

    /** Span of the store's occupied range joined with {@code [lo, hi]}. */
    private long unionSpan(int store, int lo, int hi) {
        int low = low(store);
        int high = high(store);
        return low > high ? (long) hi - lo + 1 : (long) Math.max(high, hi) - Math.min(low, lo) + 1;
    }

    private long mergedSpan(int store, QuantileSketch other) {
        long r = other.range(store);
        int lo = (int) (r >> 32);
        int hi = (int) r;
        return lo > hi ? occupiedSpan(store) : unionSpan(store, lo, hi);
    }

    /** Address of bucket {@code index}, which must be inside the store's window. */
    private int bucketAddress(int store, int index) {
        int buckets = store == POS ? o + HEADER_BYTES : o + HEADER_BYTES + 8 * capacity(POS);
        return buckets + 8 * (index - m.getInt(o + store + BASE));
    }

    /**
     * Adds to a bucket after {@link #ensureRange}; an index below the window after a collapse goes
     * to the lowest kept bucket. Hot path.
     */
    private void addToBucket(int store, int index, long count) {
        int h = o + store;
        index = Math.max(index, m.getInt(h + BASE));
        int at = bucketAddress(store, index);
        m.putLong(at, m.getLong(at) + count);
        if (index < m.getInt(h + LOW)) {
            m.putInt(h + LOW, index);
        }
        if (index > m.getInt(h + HIGH)) {
            m.putInt(h + HIGH, index);
        }
    }

    /**
     * Moves the window of a store (capacity at least 1) so it covers {@code [lo, hi]} and the
     * occupied range, centred; if they do not fit, the window ends at the highest index and lower
     * buckets collapse into its first bucket.
     */
    private void ensureRange(int store, int lo, int hi) {
        int h = o + store;
        int cap = capacity(store);
        if (cap == 0) {
            throw new IllegalStateException("store without buckets: grow the region first");
        }
        long base = m.getInt(h + BASE);
        long low = low(store);
        long high = high(store);
        boolean empty = low > high;
        long newLo = empty ? lo : Math.min(low, lo);
        long newHi = empty ? hi : Math.max(high, hi);
        if (newLo >= base && newHi < base + cap) {
            return;
        }
        long span = newHi - newLo + 1;
        long newBase = span <= cap ? newLo - (cap - span) / 2 : newHi - cap + 1;
        newBase = Math.max(Integer.MIN_VALUE, Math.min(newBase, (long) Integer.MAX_VALUE - cap));
        if (empty) {
            m.putInt(h + BASE, (int) newBase);
            return;
        }
        int buckets = bucketAddress(store, (int) base);
        long collapsed = 0;
        for (long i = low; i <= high && i < newBase; i++) {
            int at = buckets + 8 * (int) (i - base);
            collapsed += m.getLong(at);
            m.putLong(at, 0L);
        }
        long keepLo = Math.max(low, newBase);
        // Move the kept buckets [keepLo, high] by (base - newBase) slots, zeroing what they leave.
        int shift = (int) (base - newBase);
        if (shift > 0) {
            for (long i = high; i >= keepLo; i--) {
                move(buckets + 8 * (int) (i - base), shift);
            }
        } else if (shift < 0) {
            for (long i = keepLo; i <= high; i++) {
                move(buckets + 8 * (int) (i - base), shift);
            }
        }
        m.putInt(h + BASE, (int) newBase);
        if (keepLo > high) {
            m.putInt(h + LOW, Integer.MAX_VALUE);
            m.putInt(h + HIGH, Integer.MIN_VALUE);
        } else {
            m.putInt(h + LOW, (int) keepLo);
        }
        if (collapsed != 0) {
            int first = buckets; // bucket newBase now sits at the start of the store
            m.putLong(first, m.getLong(first) + collapsed);
            m.putInt(h + LOW, (int) newBase);
            m.putInt(h + HIGH, (int) Math.max(high, newBase));
        }
    }

    private void move(int at, int slots) {
        long c = m.getLong(at);
        m.putLong(at, 0L);
        m.putLong(at + 8 * slots, c);
    }

    private void zero(int at, int words) {
        for (int i = 0; i < words; i++) {
            m.putLong(at + 8 * i, 0L);
        }
    }

    private double clamp(double v) {
        return Math.max(min(), Math.min(max(), v));
    }
}

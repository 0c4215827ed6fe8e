package io.tsagg.operators.sketch;

import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A mergeable relative-error quantile sketch (DDSketch: Masson, Rim and Lee, VLDB 2019) kept in a
 * flat {@code long[]} region: a flyweight, so one instance reads and writes any number of sketches
 * that live in pool pages or arrays. {@code quantile(q)} is within the relative accuracy {@code α}
 * of the exact value of rank {@code ⌊q·(count − 1)⌋} (unless the lowest buckets were collapsed, see
 * below).
 *
 * <h2>Layout of one sketch (64-bit words from {@code offset})</h2>
 *
 * <pre>
 *   0                   1                   2                   3
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | COUNT             | ZERO_COUNT        | MIN (double bits) | MAX (double bits) |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | POS_CAPACITY      | NEG_CAPACITY      | POS_BASE          | POS_LOW           |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | POS_HIGH          | NEG_BASE          | NEG_LOW           | NEG_HIGH          |
 *   +-------------------+-------------------+-------------------+-------------------+
 *   | positive bucket counts, POS_CAPACITY words ...                                |
 *   | negative bucket counts, NEG_CAPACITY words ...                                |
 *   +-------------------------------------------------------------------------------+
 * </pre>
 *
 * A value {@code v > 0} goes to bucket {@code i = mapping.index(v)} of the positive store, {@code v
 * < 0} to bucket {@code mapping.index(-v)} of the negative store, values closer to 0 than the
 * mapping can index to {@code ZERO_COUNT}. Each store is a window of {@code CAPACITY} consecutive
 * bucket indexes starting at {@code BASE}; {@code LOW..HIGH} are the lowest and highest non-empty
 * indexes ({@code LOW > HIGH} when empty). When a new index falls outside the window, the window is
 * re-centred over the occupied range (a {@code System.arraycopy}); when the range no longer fits,
 * the lowest buckets collapse into the lowest kept bucket, as DDSketch's collapsing-lowest store
 * does. Memory is thus bounded by the capacities, and only the quantiles below the collapse point
 * lose their guarantee (they are over-estimated in magnitude for positive values, under-estimated
 * for negative ones). With {@code α = 1%}, 1,024 buckets span a factor of about 10^8.8 and 2,048
 * buckets 10^17.6.
 *
 * <h2>Index mapping</h2>
 *
 * From DataDog's {@code com.datadoghq:sketches-java}: {@link CubicallyInterpolatedMapping}, which
 * approximates {@code log_γ} with the double's exponent bits and a cubic polynomial of the
 * mantissa: no {@code Math.log} per value, about 1% more buckets than the exact logarithmic mapping
 * for the same guarantee, and index semantics identical to DDSketch's, so sketches can be exported
 * to DataDog's protobuf format later. The storage is our own, because the library's stores are heap
 * objects that cannot live in pool pages.
 *
 * <p>Not thread-safe; a flyweight wraps one region at a time. The region's owner decides where
 * sketches live and for how long; the flyweight never allocates after construction.
 */
public final class QuantileSketch {
    /** Default relative accuracy of quantiles: 1%. */
    public static final double DEFAULT_RELATIVE_ACCURACY = 0.01;

    /** Default buckets per store, as DDSketch's default collapsing store. */
    public static final int DEFAULT_BUCKETS = 2048;

    // ---------------------------------------------------------------- layout (words)
    static final int COUNT_OFFSET = 0;
    static final int ZERO_COUNT_OFFSET = 1;
    static final int MIN_OFFSET = 2;
    static final int MAX_OFFSET = 3;
    static final int POS_CAPACITY_OFFSET = 4;
    static final int NEG_CAPACITY_OFFSET = 5;

    /** BASE, LOW and HIGH of the positive store; the negative store's follow at +3. */
    static final int POS_STORE_OFFSET = 6;

    static final int NEG_STORE_OFFSET = 9;
    static final int BASE = 0;
    static final int LOW = 1;
    static final int HIGH = 2;

    /** Words before the bucket counts. */
    public static final int HEADER_WORDS = 12;

    // ---------------------------------------------------------------- serialisation
    private static final byte VERSION = 1;
    private static final byte MAPPING_CUBIC = 1;

    private final IndexMapping mapping;
    private final double relativeAccuracy;
    private final double minIndexable;
    private final double maxIndexable;

    private long[] a;
    private int o;

    /** A flyweight for sketches of the given relative accuracy, in (0, 1). Wraps nothing yet. */
    public QuantileSketch(double relativeAccuracy) {
        if (!(relativeAccuracy > 0.0 && relativeAccuracy < 1.0)) {
            throw new IllegalArgumentException(
                    "relativeAccuracy " + relativeAccuracy + " is not allowed: use (0, 1)");
        }
        this.relativeAccuracy = relativeAccuracy;
        this.mapping = new CubicallyInterpolatedMapping(relativeAccuracy);
        this.minIndexable = mapping.minIndexableValue();
        this.maxIndexable = mapping.maxIndexableValue();
    }

    /** Words a sketch with these capacities needs. */
    public static int regionLength(int positiveBuckets, int negativeBuckets) {
        if (positiveBuckets < 1 || negativeBuckets < 1) {
            throw new IllegalArgumentException(
                    "bucket capacities "
                            + positiveBuckets
                            + "/"
                            + negativeBuckets
                            + " are not allowed: use at least 1 each");
        }
        return HEADER_WORDS + positiveBuckets + negativeBuckets;
    }

    /** A new heap-backed sketch (its own {@code long[]}), for tests and partial results. */
    public static QuantileSketch onHeap(
            double relativeAccuracy, int positiveBuckets, int negativeBuckets) {
        return new QuantileSketch(relativeAccuracy)
                .format(
                        new long[regionLength(positiveBuckets, negativeBuckets)],
                        0,
                        positiveBuckets,
                        negativeBuckets);
    }

    /** Writes an empty sketch with these capacities at {@code region[offset]} and wraps it. */
    public QuantileSketch format(
            long[] region, int offset, int positiveBuckets, int negativeBuckets) {
        Objects.checkFromIndexSize(
                offset, regionLength(positiveBuckets, negativeBuckets), region.length);
        a = region;
        o = offset;
        a[o + POS_CAPACITY_OFFSET] = positiveBuckets;
        a[o + NEG_CAPACITY_OFFSET] = negativeBuckets;
        return clear();
    }

    /** Wraps the sketch at {@code region[offset]}, formatted before by {@link #format}. */
    public QuantileSketch wrap(long[] region, int offset) {
        Objects.checkFromIndexSize(offset, HEADER_WORDS, region.length);
        int length =
                regionLength(
                        (int) region[offset + POS_CAPACITY_OFFSET],
                        (int) region[offset + NEG_CAPACITY_OFFSET]);
        Objects.checkFromIndexSize(offset, length, region.length);
        a = region;
        o = offset;
        return this;
    }

    /** Empties the wrapped sketch, keeping its capacities. */
    public QuantileSketch clear() {
        a[o + COUNT_OFFSET] = 0;
        a[o + ZERO_COUNT_OFFSET] = 0;
        a[o + MIN_OFFSET] = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
        a[o + MAX_OFFSET] = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
        for (int store = POS_STORE_OFFSET; store <= NEG_STORE_OFFSET; store += 3) {
            a[o + store + BASE] = 0;
            a[o + store + LOW] = Integer.MAX_VALUE;
            a[o + store + HIGH] = Integer.MIN_VALUE;
        }
        Arrays.fill(a, o + HEADER_WORDS, o + length(), 0L);
        return this;
    }

    // ---------------------------------------------------------------- adding

    /** Adds one value. Hot path. */
    public void add(double value) {
        add(value, 1);
    }

    /**
     * Adds {@code count} occurrences of {@code value}. Hot path.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite, or {@code count < 1}
     */
    public void add(double value, long count) {
        if (!Double.isFinite(value) || count < 1) {
            throw new IllegalArgumentException(
                    "value "
                            + value
                            + " x "
                            + count
                            + " is not allowed: finite values, count >= 1");
        }
        if (value > minIndexable) {
            storeAdd(POS_STORE_OFFSET, mapping.index(Math.min(value, maxIndexable)), count);
        } else if (value < -minIndexable) {
            storeAdd(NEG_STORE_OFFSET, mapping.index(Math.min(-value, maxIndexable)), count);
        } else {
            a[o + ZERO_COUNT_OFFSET] += count;
        }
        a[o + COUNT_OFFSET] += count;
        if (value < min()) {
            a[o + MIN_OFFSET] = Double.doubleToRawLongBits(value);
        }
        if (value > max()) {
            a[o + MAX_OFFSET] = Double.doubleToRawLongBits(value);
        }
    }

    /**
     * Adds {@code values[from, to)}, e.g. a chunk of raw values of one (key, pane). Hot path.
     * Scalar: a vector version would need the mapping in vector form and a histogram scatter with
     * conflicting lanes, and bucket increments are not where the time goes (see {@code
     * QuantileSketchBenchmark}).
     */
    public void addAll(double[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        for (int i = from; i < to; i++) {
            add(values[i], 1);
        }
    }

    /**
     * Merges the sketch {@code other} wraps (same relative accuracy, any capacities) into this one:
     * the result is the sketch of both inputs' values, exactly as if they had been added here (up
     * to collapsing when this sketch's capacity is smaller).
     */
    public void merge(QuantileSketch other) {
        if (other.relativeAccuracy != relativeAccuracy) {
            throw new IllegalArgumentException(
                    "Cannot merge a sketch of relative accuracy "
                            + other.relativeAccuracy
                            + " into one of "
                            + relativeAccuracy);
        }
        if (other.a == a && other.o == o) {
            throw new IllegalArgumentException("Cannot merge a sketch into itself");
        }
        if (other.count() == 0) {
            return;
        }
        for (int store = POS_STORE_OFFSET; store <= NEG_STORE_OFFSET; store += 3) {
            long[] b = other.a;
            int lo = (int) b[other.o + store + LOW];
            int hi = (int) b[other.o + store + HIGH];
            if (lo > hi) {
                continue;
            }
            ensureRange(store, lo, hi);
            int otherBuckets = other.bucketsOffset(store) - (int) b[other.o + store + BASE];
            for (int i = lo; i <= hi; i++) {
                long c = b[otherBuckets + i];
                if (c != 0) {
                    storeAdd(store, i, c);
                }
            }
        }
        a[o + ZERO_COUNT_OFFSET] += other.zeroCount();
        a[o + COUNT_OFFSET] += other.count();
        if (other.min() < min()) {
            a[o + MIN_OFFSET] = Double.doubleToRawLongBits(other.min());
        }
        if (other.max() > max()) {
            a[o + MAX_OFFSET] = Double.doubleToRawLongBits(other.max());
        }
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
        double rank = q * (count - 1);
        if (rank < 1.0) {
            return min(); // rank 0: known exactly, even when the lowest buckets collapsed
        }
        if (rank >= count - 1) {
            return max();
        }
        long seen = 0;
        int neg = bucketsOffset(NEG_STORE_OFFSET) - (int) a[o + NEG_STORE_OFFSET + BASE];
        for (int i = (int) a[o + NEG_STORE_OFFSET + HIGH];
                i >= (int) a[o + NEG_STORE_OFFSET + LOW];
                i--) {
            seen += a[neg + i];
            if (seen > rank) {
                return clamp(-mapping.value(i));
            }
        }
        seen += zeroCount();
        if (seen > rank) {
            return clamp(0.0);
        }
        int pos = bucketsOffset(POS_STORE_OFFSET) - (int) a[o + POS_STORE_OFFSET + BASE];
        for (int i = (int) a[o + POS_STORE_OFFSET + LOW];
                i <= (int) a[o + POS_STORE_OFFSET + HIGH];
                i++) {
            seen += a[pos + i];
            if (seen > rank) {
                return clamp(mapping.value(i));
            }
        }
        return max();
    }

    public long count() {
        return a[o + COUNT_OFFSET];
    }

    public long zeroCount() {
        return a[o + ZERO_COUNT_OFFSET];
    }

    /** The exact smallest value added; +∞ when empty. */
    public double min() {
        return Double.longBitsToDouble(a[o + MIN_OFFSET]);
    }

    /** The exact largest value added; −∞ when empty. */
    public double max() {
        return Double.longBitsToDouble(a[o + MAX_OFFSET]);
    }

    public double relativeAccuracy() {
        return relativeAccuracy;
    }

    /** Words of the wrapped sketch (header and both stores). */
    public int length() {
        return regionLength((int) a[o + POS_CAPACITY_OFFSET], (int) a[o + NEG_CAPACITY_OFFSET]);
    }

    public long[] region() {
        return a;
    }

    public int offset() {
        return o;
    }

    // ---------------------------------------------------------------- serialisation

    /**
     * Writes the wrapped sketch: version, mapping, count, zero count, min, max, then per store
     * (positive, negative) its lowest and highest index and the counts in between. Capacities are
     * not written: the reader keeps its own.
     */
    public void write(DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(MAPPING_CUBIC);
        out.writeDouble(relativeAccuracy);
        out.writeLong(count());
        out.writeLong(zeroCount());
        out.writeDouble(min());
        out.writeDouble(max());
        for (int store = POS_STORE_OFFSET; store <= NEG_STORE_OFFSET; store += 3) {
            int lo = (int) a[o + store + LOW];
            int hi = (int) a[o + store + HIGH];
            out.writeInt(lo);
            out.writeInt(hi);
            int buckets = bucketsOffset(store) - (int) a[o + store + BASE];
            for (int i = lo; i <= hi; i++) {
                out.writeLong(a[buckets + i]);
            }
        }
    }

    /**
     * Replaces the wrapped sketch with one written by {@link #write}. If this region's capacity is
     * smaller than the written range, the lowest buckets collapse.
     *
     * @throws IOException if the input is not a sketch of this version and relative accuracy
     */
    public QuantileSketch read(DataInputView in) throws IOException {
        byte version = in.readByte();
        byte mappingKind = in.readByte();
        double accuracy = in.readDouble();
        if (version != VERSION || mappingKind != MAPPING_CUBIC || accuracy != relativeAccuracy) {
            throw new IOException(
                    "Cannot read quantile sketch version "
                            + version
                            + ", mapping "
                            + mappingKind
                            + ", relative accuracy "
                            + accuracy
                            + ": expected version "
                            + VERSION
                            + ", mapping "
                            + MAPPING_CUBIC
                            + ", relative accuracy "
                            + relativeAccuracy);
        }
        clear();
        a[o + COUNT_OFFSET] = in.readLong();
        a[o + ZERO_COUNT_OFFSET] = in.readLong();
        a[o + MIN_OFFSET] = Double.doubleToRawLongBits(in.readDouble());
        a[o + MAX_OFFSET] = Double.doubleToRawLongBits(in.readDouble());
        for (int store = POS_STORE_OFFSET; store <= NEG_STORE_OFFSET; store += 3) {
            int lo = in.readInt();
            int hi = in.readInt();
            if (lo > hi) {
                continue;
            }
            if ((long) hi - lo > Integer.MAX_VALUE / 2) {
                throw new IOException("Corrupt quantile sketch: bucket range " + lo + ".." + hi);
            }
            ensureRange(store, lo, hi);
            for (int i = lo; i <= hi; i++) {
                long c = in.readLong();
                if (c < 0) {
                    throw new IOException(
                            "Corrupt quantile sketch: count " + c + " at bucket " + i);
                }
                if (c != 0) {
                    storeAdd(store, i, c);
                }
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- stores

    private int bucketsOffset(int store) {
        return store == POS_STORE_OFFSET
                ? o + HEADER_WORDS
                : o + HEADER_WORDS + (int) a[o + POS_CAPACITY_OFFSET];
    }

    private int capacity(int store) {
        return (int) a[o + (store == POS_STORE_OFFSET ? POS_CAPACITY_OFFSET : NEG_CAPACITY_OFFSET)];
    }

    /** Adds {@code count} to bucket {@code index} of a store. Hot path. */
    private void storeAdd(int store, int index, long count) {
        int h = o + store;
        long base = a[h + BASE];
        if (index < base || index >= base + capacity(store) || a[h + LOW] > a[h + HIGH]) {
            ensureRange(store, index, index);
            base = a[h + BASE];
            // Below the window after a collapse: counts go to the lowest kept bucket.
            index = (int) Math.max(index, base);
        }
        a[bucketsOffset(store) + (int) (index - base)] += count;
        if (index < a[h + LOW]) {
            a[h + LOW] = index;
        }
        if (index > a[h + HIGH]) {
            a[h + HIGH] = index;
        }
    }

    /**
     * Moves the window of a store so it covers {@code [lo, hi]} and the occupied range, centred; if
     * they do not fit, the window ends at the highest index and lower buckets collapse into its
     * first bucket.
     */
    private void ensureRange(int store, int lo, int hi) {
        int h = o + store;
        int cap = capacity(store);
        long base = a[h + BASE];
        long low = a[h + LOW];
        long high = a[h + HIGH];
        boolean empty = low > high;
        long newLo = empty ? lo : Math.min(low, lo);
        long newHi = empty ? hi : Math.max(high, hi);
        if (!empty && newLo >= base && newHi < base + cap) {
            return;
        }
        long span = newHi - newLo + 1;
        long newBase = span <= cap ? newLo - (cap - span) / 2 : newHi - cap + 1;
        int buckets = bucketsOffset(store);
        if (empty) {
            Arrays.fill(a, buckets, buckets + cap, 0L);
            a[h + BASE] = newBase;
            return;
        }
        long collapsed = 0;
        for (long i = low; i <= high && i < newBase; i++) {
            collapsed += a[buckets + (int) (i - base)];
        }
        long keepLo = Math.max(low, newBase);
        if (keepLo <= high) {
            System.arraycopy(
                    a,
                    buckets + (int) (keepLo - base),
                    a,
                    buckets + (int) (keepLo - newBase),
                    (int) (high - keepLo + 1));
            Arrays.fill(a, buckets, buckets + (int) (keepLo - newBase), 0L);
            Arrays.fill(a, buckets + (int) (high - newBase + 1), buckets + cap, 0L);
        } else {
            Arrays.fill(a, buckets, buckets + cap, 0L);
        }
        if (collapsed != 0) {
            a[buckets] += collapsed;
            a[h + LOW] = newBase;
            a[h + HIGH] = Math.max(high, newBase);
        }
        a[h + BASE] = newBase;
    }

    private double clamp(double v) {
        return Math.max(min(), Math.min(max(), v));
    }
}

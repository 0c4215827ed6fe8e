package io.tsagg.operators.sketch;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;

/**
 * A {@link QuantileSketch} that owns its region on the heap and grows it: the sketch a {@code
 * Summary} carries when it leaves a window store (visits, merged sliding windows, partials of the
 * two phases, checkpoints), and the per-slot sketch of the heap window store.
 *
 * <p>The region starts at {@link QuantileSketch#MIN_BYTES} and doubles (two arrays, swapped on
 * growth) up to the flyweight's largest region, so once a sketch has seen its widest data it
 * allocates nothing more. Not thread-safe.
 */
public final class HeapQuantileSketch {
    private final QuantileSketch sketch;
    private byte[] bytes;
    private MemorySegment segment;
    private byte[] spare = new byte[0];
    private MemorySegment spareSegment;

    /** Bucket counts read by {@link #readBody}, before the region is sized. */
    private long[] readPositive = new long[16];

    private long[] readNegative = new long[16];

    public HeapQuantileSketch(double relativeAccuracy) {
        this(relativeAccuracy, QuantileSketch.DEFAULT_MAX_BYTES);
    }

    public HeapQuantileSketch(double relativeAccuracy, int maxBytes) {
        sketch = new QuantileSketch(relativeAccuracy, maxBytes);
        bytes = new byte[QuantileSketch.MIN_BYTES];
        segment = MemorySegmentFactory.wrap(bytes);
        sketch.format(segment, 0, bytes.length);
    }

    /** The sketch, for reading; valid until this one changes. */
    public QuantileSketch sketch() {
        return sketch;
    }

    public double relativeAccuracy() {
        return sketch.relativeAccuracy();
    }

    public HeapQuantileSketch clear() {
        sketch.clear();
        return this;
    }

    public void add(double value) {
        add(value, 1);
    }

    public void add(double value, long count) {
        while (!sketch.tryAdd(value, count)) {
            grow();
        }
    }

    /** Merges another sketch of the same relative accuracy into this one. */
    public void merge(QuantileSketch other) {
        while (!sketch.tryMerge(other)) {
            grow();
        }
    }

    /** Makes this sketch a copy of {@code other} (same relative accuracy): one memory copy. */
    public HeapQuantileSketch copyFrom(QuantileSketch other) {
        if (other.relativeAccuracy() != sketch.relativeAccuracy()) {
            throw new IllegalArgumentException(
                    "Cannot copy a sketch of relative accuracy "
                            + other.relativeAccuracy()
                            + " into one of "
                            + sketch.relativeAccuracy());
        }
        int length = other.length();
        if (bytes.length < length) {
            bytes = new byte[sizeFor(length)];
            segment = MemorySegmentFactory.wrap(bytes);
        }
        other.segment().copyTo(other.offset(), segment, 0, length);
        sketch.wrap(segment, 0);
        return this;
    }

    private void grow() {
        int size = sizeFor(sketch.requiredBytes());
        if (spare.length < size) {
            spare = new byte[size];
            spareSegment = MemorySegmentFactory.wrap(spare);
        }
        sketch.copyTo(spareSegment, 0, spare.length);
        byte[] b = bytes;
        MemorySegment s = segment;
        bytes = spare;
        segment = spareSegment;
        spare = b;
        spareSegment = s;
        sketch.wrap(segment, 0);
    }

    /** The next power of two, at least the smallest and at most the largest region. */
    private int sizeFor(int need) {
        int size = Math.max(QuantileSketch.MIN_BYTES, Integer.highestOneBit(need - 1) << 1);
        return Math.max(need, Math.min(size, sketch.maxBytes()));
    }

    /** Bytes of heap this sketch holds. */
    public long bytesUsed() {
        return bytes.length + spare.length;
    }

    // ---------------------------------------------------------------- reading

    /** Replaces this sketch with one written by {@link QuantileSketch#write}. */
    public HeapQuantileSketch read(DataInputView in) throws IOException {
        double accuracy = readAccuracy(in);
        if (accuracy != sketch.relativeAccuracy()) {
            throw new IOException(
                    "Cannot read a quantile sketch of relative accuracy "
                            + accuracy
                            + " into one of relative accuracy "
                            + sketch.relativeAccuracy());
        }
        return readBody(in);
    }

    /**
     * Reads the version, mapping and relative accuracy that start a written sketch and returns the
     * accuracy; {@link #readBody} reads the rest.
     */
    public static double readAccuracy(DataInputView in) throws IOException {
        byte version = in.readByte();
        byte mapping = in.readByte();
        double accuracy = in.readDouble();
        if (version != QuantileSketch.VERSION || mapping != QuantileSketch.MAPPING_CUBIC) {
            throw new IOException(
                    "Cannot read quantile sketch version "
                            + version
                            + ", mapping "
                            + mapping
                            + ": this build reads version "
                            + QuantileSketch.VERSION
                            + ", mapping "
                            + QuantileSketch.MAPPING_CUBIC);
        }
        if (!(accuracy > 0.0 && accuracy < 1.0)) {
            throw new IOException("Corrupt quantile sketch: relative accuracy " + accuracy);
        }
        return accuracy;
    }

    /** Reads what follows {@link #readAccuracy} into this sketch, sizing the region to fit. */
    public HeapQuantileSketch readBody(DataInputView in) throws IOException {
        byte kind = in.readByte();
        if (kind == QuantileSketch.ENCODED_RAW) {
            long n = readCount(in);
            if (n > QuantileSketch.RAW_MAX) {
                throw new IOException("Corrupt quantile sketch: " + n + " raw values");
            }
            int size = sizeFor(QuantileSketch.HEADER_BYTES + 8 * (int) n);
            if (bytes.length < size) {
                bytes = new byte[size];
                segment = MemorySegmentFactory.wrap(bytes);
            }
            sketch.format(segment, 0, bytes.length);
            for (int i = 0; i < n; i++) {
                double v = in.readDouble();
                if (!Double.isFinite(v)) {
                    throw new IOException("Corrupt quantile sketch: raw value " + v);
                }
                sketch.insertRaw(v, 1);
            }
            return this;
        }
        if (kind != QuantileSketch.ENCODED_BUCKETS) {
            throw new IOException("Corrupt quantile sketch: kind " + kind);
        }
        long zeroCount = readCount(in);
        double min = in.readDouble();
        double max = in.readDouble();
        int posLo = in.readInt();
        int posHi = in.readInt();
        readPositive = readCounts(in, posLo, posHi, readPositive);
        int negLo = in.readInt();
        int negHi = in.readInt();
        readNegative = readCounts(in, negLo, negHi, readNegative);
        long posSpan = posLo > posHi ? 0 : (long) posHi - posLo + 1;
        long negSpan = negLo > negHi ? 0 : (long) negHi - negLo + 1;
        long need = QuantileSketch.HEADER_BYTES + 8 * (posSpan + negSpan);
        int size = sizeFor((int) Math.min(sketch.maxBytes(), need));
        if (bytes.length < size) {
            bytes = new byte[size];
            segment = MemorySegmentFactory.wrap(bytes);
        }
        sketch.format(
                segment,
                0,
                bytes.length,
                QuantileSketch.positiveCapacity(
                        QuantileSketch.bucketCapacity(bytes.length), posSpan, negSpan, true));
        for (int i = 0; i < posSpan; i++) {
            if (readPositive[i] != 0) {
                sketch.putBucket(true, posLo + i, readPositive[i]);
            }
        }
        for (int i = 0; i < negSpan; i++) {
            if (readNegative[i] != 0) {
                sketch.putBucket(false, negLo + i, readNegative[i]);
            }
        }
        sketch.setHeader(zeroCount, min, max);
        return this;
    }

    private static long[] readCounts(DataInputView in, int lo, int hi, long[] into)
            throws IOException {
        if (lo > hi) {
            return into;
        }
        long span = (long) hi - lo + 1;
        if (span > 1 << 24) {
            throw new IOException("Corrupt quantile sketch: bucket range " + lo + ".." + hi);
        }
        if (into.length < span) {
            into = new long[(int) span];
        }
        for (int i = 0; i < span; i++) {
            into[i] = readCount(in);
        }
        return into;
    }

    private static long readCount(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw new IOException("Corrupt quantile sketch: count " + v);
                }
                return v;
            }
        }
        throw new IOException("Corrupt quantile sketch: count longer than 64 bits");
    }
}

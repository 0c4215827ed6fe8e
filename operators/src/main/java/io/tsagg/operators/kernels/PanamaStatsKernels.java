package io.tsagg.operators.kernels;

import java.util.Objects;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StatsKernels} on the Vector API ({@code jdk.incubator.vector}), over {@code double[]} and
 * {@code long[]} with the preferred species. Loaded only by {@link StatsKernelsProvider}, and only
 * when the module is present, so the rest of the job never links against the incubator module.
 *
 * <p>Loop shape of {@link #moments}: one vector accumulator set (the body is 14 vector operations,
 * throughput-bound, so a second set adds nothing but register pressure), then the lanes and the
 * scalar tail of fewer than {@code LANES} values are reduced in a fixed order through {@link
 * ChunkMoments}' scratch, so results are deterministic. The shape is chosen for C2 on JDK 17, which
 * otherwise boxes vectors (allocates) in some compilations: a method small enough that every Vector
 * API call is inlined, and no vector live after the loop (see the comments in the code). Measured
 * with {@code StatsKernelsBenchmark} and {@code -prof gc}: 0 B per call at every size. Stateless
 * and thread-safe.
 */
final class PanamaStatsKernels implements StatsKernels {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int LANES = DOUBLES.length();
    private static final int LONG_LANES = LONGS.length();

    private final String name = "vector(" + DOUBLES.vectorBitSize() + "-bit)";

    PanamaStatsKernels() {}

    /** Bits of the preferred double species; the provider refuses the kernels below 256. */
    static int preferredBitSize() {
        return DOUBLES.vectorBitSize();
    }

    @Override
    public String name() {
        return name;
    }

    /** Hot path. */
    @Override
    public ChunkMoments moments(double[] values, int from, int to, ChunkMoments out) {
        Objects.checkFromToIndex(from, to, values.length);
        final int n = to - from;
        if (n < LANES) {
            return ScalarStatsKernels.INSTANCE.moments(values, from, to, out);
        }
        final double k = values[from];
        final int bound = from + (n & -LANES);
        final DoubleVector vk = DoubleVector.broadcast(DOUBLES, k);
        DoubleVector s = DoubleVector.zero(DOUBLES);
        DoubleVector c = s;
        DoubleVector q = s;
        LongVector mn = LongVector.broadcast(LONGS, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(LONGS, Long.MIN_VALUE);
        final double[] lanes = out.lanes;
        final long[] longLanes = out.longLanes;
        for (int i = from; i < bound; i += LANES) {
            final DoubleVector x = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector t = s.add(x);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
            s = t;
            final DoubleVector d = x.sub(vk);
            q = d.fma(d, q);
            final LongVector o = ordered(x);
            mn = mn.min(o);
            mx = mx.max(o);
            // Stored every step (to L1, beside the 14 vector operations) so that no vector is
            // used after the loop: C2 then never needs a box at the loop exit. Storing after the
            // loop allocated 192 to 480 B per call in some JIT runs and not in others.
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q.intoArray(lanes, 2 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finishLanes(values, from, bound, to, k, out);
    }

    /**
     * Reduces the lanes the vector loop left in {@code out}'s scratch in a fixed order, adds the
     * scalar tail {@code values[tail, to)} and finishes. Scalar code only, kept out of {@link
     * #moments} so that C2 inlines every Vector API call of the loop: past its node budget
     * (NodeCountInliningCutoff) it stops inlining, and each vector that then crosses a call is
     * boxed (up to 192 B per call on JDK 17).
     */
    private static ChunkMoments finishLanes(
            double[] values, int from, int tail, int to, double k, ChunkMoments out) {
        final double[] lanes = out.lanes;
        final long[] longLanes = out.longLanes;
        double s = 0.0;
        double c = 0.0;
        double q = 0.0;
        long mn = Long.MAX_VALUE;
        long mx = Long.MIN_VALUE;
        for (int j = 0; j < LANES; j++) {
            final double d = lanes[j];
            final double t = s + d;
            c += ChunkMoments.twoSumError(s, d, t) + lanes[LANES + j];
            s = t;
            q += lanes[2 * LANES + j];
            mn = Math.min(mn, longLanes[j]);
            mx = Math.max(mx, longLanes[LANES + j]);
        }
        for (int i = tail; i < to; i++) {
            final double x = values[i];
            final double t = s + x;
            c += ChunkMoments.twoSumError(s, x, t);
            s = t;
            final double d = x - k;
            q += d * d;
            final long o = ordered(Double.doubleToRawLongBits(x));
            mn = Math.min(mn, o);
            mx = Math.max(mx, o);
        }
        double min = unordered(mn);
        double max = unordered(mx);
        if (Double.isNaN(s + c)) {
            // Rare path: a NaN or an infinity (TwoSum turns one into a NaN). Math.min/max order
            // NaN unlike the integer order of ordered(), so redo min and max their way.
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
        }
        return out.finish(to - from, k, s, c, q, min, max);
    }

    /**
     * The bits of {@code x} as longs whose signed order is the order of {@link Math#min(double,
     * double)} on non-NaN values ({@code -0.0 < 0.0}): negative values get their magnitude bits
     * flipped. Its own inverse. One integer min/max per lane is 3 to 4 times cheaper than the NaN-
     * and zero-aware {@code lanewise(MIN)} on AVX-512 (measured on JDK 17 and 25 with a loop over
     * 4096 values, 0.16 against 0.58 ns per value).
     */
    private static LongVector ordered(DoubleVector x) {
        return ordered(x.reinterpretAsLongs());
    }

    private static long ordered(long bits) {
        return bits ^ ((bits >> 63) >>> 1);
    }

    private static double unordered(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) >>> 1));
    }

    private static LongVector ordered(LongVector bits) {
        return bits.lanewise(
                VectorOperators.XOR,
                bits.lanewise(VectorOperators.ASHR, 63).lanewise(VectorOperators.LSHR, 1));
    }

    /** Hot path. */
    @Override
    public double sum(double[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        int i = from;
        double s = 0.0;
        int n = to - from;
        if (n >= LANES) {
            DoubleVector a0 = DoubleVector.zero(DOUBLES);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            int bound = from + (n & -(4 * LANES));
            for (; i < bound; i += 4 * LANES) {
                a0 = a0.add(DoubleVector.fromArray(DOUBLES, values, i));
                a1 = a1.add(DoubleVector.fromArray(DOUBLES, values, i + LANES));
                a2 = a2.add(DoubleVector.fromArray(DOUBLES, values, i + 2 * LANES));
                a3 = a3.add(DoubleVector.fromArray(DOUBLES, values, i + 3 * LANES));
            }
            a0 = a0.add(a1).add(a2.add(a3));
            bound = from + (n & -LANES);
            for (; i < bound; i += LANES) {
                a0 = a0.add(DoubleVector.fromArray(DOUBLES, values, i));
            }
            s = a0.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) {
            s += values[i];
        }
        return s;
    }

    /** Hot path. */
    @Override
    public int indexOfMin(long[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        if (from == to) {
            return -1;
        }
        int i = from;
        long mn = Long.MAX_VALUE;
        int bound = from + ((to - from) & -LONG_LANES);
        if (bound > from) {
            LongVector m = LongVector.broadcast(LONGS, Long.MAX_VALUE);
            for (; i < bound; i += LONG_LANES) {
                LongVector x = LongVector.fromArray(LONGS, values, i);
                // compare + blend: 64-bit lanewise MIN has no AVX2 instruction.
                m = m.blend(x, x.lt(m));
            }
            mn = m.reduceLanes(VectorOperators.MIN);
        }
        for (; i < to; i++) {
            mn = Math.min(mn, values[i]);
        }
        // Second pass from the left: the first occurrence.
        i = from;
        LongVector target = LongVector.broadcast(LONGS, mn);
        for (; i < bound; i += LONG_LANES) {
            VectorMask<Long> eq = LongVector.fromArray(LONGS, values, i).eq(target);
            if (eq.anyTrue()) {
                break;
            }
        }
        for (; i < to; i++) {
            if (values[i] == mn) {
                return i;
            }
        }
        throw new AssertionError("minimum not found");
    }

    /** Hot path. */
    @Override
    public int indexOfMax(long[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        if (from == to) {
            return -1;
        }
        int n = to - from;
        // Vectors aligned to the end, so the second pass can walk from the right.
        int head = to - (n & -LONG_LANES);
        long mx = Long.MIN_VALUE;
        for (int i = from; i < head; i++) {
            mx = Math.max(mx, values[i]);
        }
        if (head < to) {
            LongVector m = LongVector.broadcast(LONGS, Long.MIN_VALUE);
            for (int i = head; i < to; i += LONG_LANES) {
                LongVector x = LongVector.fromArray(LONGS, values, i);
                m = m.blend(x, x.compare(VectorOperators.GT, m));
            }
            mx = Math.max(mx, m.reduceLanes(VectorOperators.MAX));
        }
        // Second pass from the right: the last occurrence.
        int i = to;
        LongVector target = LongVector.broadcast(LONGS, mx);
        while (i > head) {
            VectorMask<Long> eq = LongVector.fromArray(LONGS, values, i - LONG_LANES).eq(target);
            if (eq.anyTrue()) {
                break;
            }
            i -= LONG_LANES;
        }
        for (i = i - 1; i >= from; i--) {
            if (values[i] == mx) {
                return i;
            }
        }
        throw new AssertionError("maximum not found");
    }
}

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
 * <p>Loop shape of {@link #moments}: two vectors per iteration into two independent accumulator
 * sets (the TwoSum and FMA chains of one set would otherwise bound the loop by their latency), then
 * the lanes and the scalar tail of fewer than {@code 2 * LANES} values are reduced in a fixed order
 * through {@link ChunkMoments}' scratch, so results are deterministic. The body is throughput-bound
 * on the floating-point pipes: 25 vector operations per two vectors, some of the additions written
 * as {@code fma(a, ±1, b)} (the same value) so that they run on the FMA pipes beside the adder
 * pipes. Min and max are a compare and a blend on doubles, cheaper than Java's {@code
 * lanewise(MIN)}; the cases where that order differs from {@link Math#min(double, double)} (NaN,
 * {@code -0.0} against {@code 0.0}) are fixed after the loop, see {@link #finishLanes}.
 *
 * <p>The shape is chosen for C2 on JDK 17, which otherwise boxes vectors (allocates) in some
 * compilations: a method small enough that every Vector API call is inlined, no inner loop, and no
 * vector live after the loop (the accumulators are stored in the last iteration). Measured with
 * {@code StatsKernelsBenchmark}, {@code KernelsCpuTime} and {@code -prof gc}: 0 B per call at every
 * size. Stateless and thread-safe.
 */
final class PanamaStatsKernels implements StatsKernels {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int LANES = DOUBLES.length();
    private static final int LONG_LANES = LONGS.length();
    private static final long NEGATIVE_ZERO_BITS = Double.doubleToRawLongBits(-0.0);
    private static final long POSITIVE_ZERO_BITS = 0L;

    // Offsets of the accumulators in ChunkMoments.lanes, LANES values each.
    private static final int SUM = 0;
    private static final int COMP = LANES;
    private static final int SQUARES = 2 * LANES;
    private static final int MIN = 3 * LANES;
    private static final int MAX = 4 * LANES;

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
        if (n < 2 * LANES) {
            return ScalarStatsKernels.INSTANCE.moments(values, from, to, out);
        }
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector negK = DoubleVector.broadcast(DOUBLES, -k);
        final DoubleVector one = DoubleVector.broadcast(DOUBLES, 1.0);
        final DoubleVector minusOne = DoubleVector.broadcast(DOUBLES, -1.0);
        DoubleVector s0 = DoubleVector.zero(DOUBLES);
        DoubleVector c0 = s0;
        DoubleVector q0 = s0;
        DoubleVector s1 = s0;
        DoubleVector c1 = s0;
        DoubleVector q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(DOUBLES, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(DOUBLES, Double.NEGATIVE_INFINITY);
        final double[] lanes = out.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(DOUBLES, values, i + LANES);
            // TwoSum; x - b as fma(b, -1, x) and x - k as fma(x, 1, -k): the same values, computed
            // on the FMA pipes, which the adds would otherwise leave idle.
            DoubleVector t = s0.add(x0);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(minusOne, x0)));
            s0 = t;
            t = s1.add(x1);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(minusOne, x1)));
            s1 = t;
            DoubleVector d = x0.fma(one, negK);
            q0 = d.fma(d, q0);
            d = x1.fma(one, negK);
            q1 = d.fma(d, q1);
            // One compare orders the pair, so min and max take one compare and blend each.
            final VectorMask<Double> lower = x0.lt(x1);
            final DoubleVector lo = x1.blend(x0, lower);
            final DoubleVector hi = x0.blend(x1, lower);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 2 * LANES >= bound) {
                // Stored in the last iteration, so that no vector is used after the loop: C2 then
                // never needs a box at the loop exit. Storing after the loop allocated 192 to 480
                // B per call in some JIT runs and not in others. The two sets are added lane by
                // lane here (TwoSum again), which leaves half the lanes to the scalar reduction.
                t = s0.add(s1);
                b = t.sub(s0);
                t.intoArray(lanes, SUM);
                c0.add(c1).add(s0.sub(t.sub(b)).add(b.fma(minusOne, s1))).intoArray(lanes, COMP);
                q0.add(q1).intoArray(lanes, SQUARES);
                mn.intoArray(lanes, MIN);
                mx.intoArray(lanes, MAX);
            }
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
        double s = 0.0;
        double c = 0.0;
        double q = 0.0;
        double mn = Double.POSITIVE_INFINITY;
        double mx = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < LANES; j++) {
            final double d = lanes[SUM + j];
            final double t = s + d;
            c += ChunkMoments.twoSumError(s, d, t) + lanes[COMP + j];
            s = t;
            q += lanes[SQUARES + j];
            mn = lanes[MIN + j] < mn ? lanes[MIN + j] : mn;
            mx = mx < lanes[MAX + j] ? lanes[MAX + j] : mx;
        }
        for (int i = tail; i < to; i++) {
            final double x = values[i];
            final double t = s + x;
            c += ChunkMoments.twoSumError(s, x, t);
            s = t;
            final double d = x - k;
            q += d * d;
            mn = x < mn ? x : mn;
            mx = mx < x ? x : mx;
        }
        if (Double.isNaN(s + c)) {
            // Rare path: a NaN or an infinity (TwoSum turns one into a NaN). Compare and blend
            // skip a NaN, which Math.min/max return, so redo min and max their way.
            mn = Double.POSITIVE_INFINITY;
            mx = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                mn = Math.min(mn, values[i]);
                mx = Math.max(mx, values[i]);
            }
        } else {
            // Compare and blend do not order -0.0 below 0.0, Math.min/max do: when the minimum
            // (maximum) is a zero, its sign says whether any -0.0 (0.0) is in the chunk.
            if (mn == 0.0) {
                mn = containsBits(values, from, to, NEGATIVE_ZERO_BITS) ? -0.0 : 0.0;
            }
            if (mx == 0.0) {
                mx = containsBits(values, from, to, POSITIVE_ZERO_BITS) ? 0.0 : -0.0;
            }
        }
        return out.finish(to - from, k, s, c, q, mn, mx);
    }

    /** Whether a value of {@code values[from, to)} has the raw bits {@code bits}. */
    private static boolean containsBits(double[] values, int from, int to, long bits) {
        int i = from;
        final int bound = from + ((to - from) & -LANES);
        final LongVector target = LongVector.broadcast(LONGS, bits);
        for (; i < bound; i += LANES) {
            final LongVector v = DoubleVector.fromArray(DOUBLES, values, i).reinterpretAsLongs();
            if (v.eq(target).anyTrue()) {
                return true;
            }
        }
        for (; i < to; i++) {
            if (Double.doubleToRawLongBits(values[i]) == bits) {
                return true;
            }
        }
        return false;
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

package io.tsagg.operators.kernels;

import java.util.Arrays;
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
 * <p>Loop shape of {@link #moments}: blocks of four vectors, each summed plainly and added to one
 * TwoSum-compensated accumulator per lane (block-wise compensation, see the bound in {@link
 * StatsKernels}); M2 in two FMA chains; min and max by compare and blend in the double domain
 * (signed zeros and NaN are settled after the loop). The remaining whole vectors are compensated
 * one by one, the lanes and the scalar tail of fewer than {@code LANES} values are reduced in a
 * fixed order through {@link ChunkMoments}' scratch, so results are deterministic. The shape is
 * chosen for C2 on JDK 17, which otherwise boxes vectors (allocates) in some compilations: loops in
 * methods small enough that every Vector API call is inlined, only {@code DoubleVector}s in loop
 * state, and no vector live after a loop or across a call (see the comments in the code). Measured
 * with {@code StatsKernelsBenchmark}, {@code StatsKernelsMemoryBenchmark} and {@code -prof gc}: 0 B
 * per call. Stateless and thread-safe.
 */
final class PanamaStatsKernels implements StatsKernels {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int LANES = DOUBLES.length();
    private static final int LONG_LANES = LONGS.length();

    /** Values per block of {@link #blocks}: four vectors. */
    private static final int BLOCK = 4 * LANES;

    // Offsets of the accumulators in ChunkMoments.lanes, LANES doubles each.
    private static final int S = 0;
    private static final int C = LANES;
    private static final int Q0 = 2 * LANES;
    private static final int Q1 = 3 * LANES;
    private static final int MIN = 4 * LANES;
    private static final int MAX = 5 * LANES;

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
        final int blocks = from + (n & -BLOCK);
        final int vectors = from + (n & -LANES);
        if (blocks > from) {
            blocks(values, from, blocks, k, out.lanes);
        } else {
            clearLanes(out.lanes);
        }
        if (vectors > blocks) {
            vectors(values, blocks, vectors, k, out.lanes);
        }
        return finishLanes(values, from, vectors, to, k, out);
    }

    /**
     * The main loop over whole blocks {@code values[from, to)} ({@code to - from} a multiple of
     * {@link #BLOCK}), leaving its accumulators in {@code lanes} (layout: {@link #S}, {@link #C},
     * {@link #Q0}, {@link #Q1}, {@link #MIN}, {@link #MAX}, {@code LANES} doubles each).
     *
     * <p>Per block of four vectors: their plain lane-wise sum {@code (x0 + x1) + (x2 + x3)} goes
     * into the compensated accumulator {@code (s, c)} by TwoSum, so 7 of the 37 vector operations
     * per block compensate (14 of 14 per vector with one TwoSum per vector). Fewer operations per
     * value matter beyond the caches: on this class of machine the time of a pass over memory is
     * about the streaming time plus the in-cache compute time, they do not overlap (see {@code
     * bench/results/2026-11-26/jmh-kernels.md}).
     *
     * <p>Min and max are compare-and-blend on doubles ({@code <} and {@code >} ignore NaN and do
     * not order -0.0 before 0.0; {@link #finishLanes} settles both cases). No {@code LongVector} in
     * the loop state: with one, C2 on JDK 17 failed to intrinsify its store in some compilations
     * and boxed it (allocation) on every iteration.
     */
    private static void blocks(double[] values, int from, int to, double k, double[] lanes) {
        final DoubleVector vk = DoubleVector.broadcast(DOUBLES, k);
        DoubleVector s = DoubleVector.zero(DOUBLES);
        DoubleVector c = s;
        DoubleVector q0 = s;
        DoubleVector q1 = s;
        DoubleVector mn = DoubleVector.broadcast(DOUBLES, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(DOUBLES, Double.NEGATIVE_INFINITY);
        for (int i = from; i < to; i += BLOCK) {
            final DoubleVector x0 = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(DOUBLES, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(DOUBLES, values, i + 2 * LANES);
            final DoubleVector x3 = DoubleVector.fromArray(DOUBLES, values, i + 3 * LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector lo01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector lo23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector lo = lo01.blend(lo23, lo23.lt(lo01));
            mn = mn.blend(lo, lo.lt(mn));
            final DoubleVector hi01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector hi23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector hi = hi01.blend(hi23, hi23.compare(VectorOperators.GT, hi01));
            mx = mx.blend(hi, hi.compare(VectorOperators.GT, mx));
            // Stored every block (to L1) so that no vector is used after the loop: C2 then never
            // needs a box at the loop exit. Storing after the loop allocated 192 to 480 B per
            // call in some JIT runs and not in others.
            s.intoArray(lanes, S);
            c.intoArray(lanes, C);
            q0.intoArray(lanes, Q0);
            q1.intoArray(lanes, Q1);
            mn.intoArray(lanes, MIN);
            mx.intoArray(lanes, MAX);
        }
    }

    /**
     * Whole vectors {@code values[from, to)} after the blocks (fewer than four), each compensated
     * by TwoSum; continues from and returns to the accumulators in {@code lanes}.
     */
    private static void vectors(double[] values, int from, int to, double k, double[] lanes) {
        final DoubleVector vk = DoubleVector.broadcast(DOUBLES, k);
        DoubleVector s = DoubleVector.fromArray(DOUBLES, lanes, S);
        DoubleVector c = DoubleVector.fromArray(DOUBLES, lanes, C);
        DoubleVector q = DoubleVector.fromArray(DOUBLES, lanes, Q0);
        DoubleVector mn = DoubleVector.fromArray(DOUBLES, lanes, MIN);
        DoubleVector mx = DoubleVector.fromArray(DOUBLES, lanes, MAX);
        for (int i = from; i < to; i += LANES) {
            final DoubleVector x = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector t = s.add(x);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
            s = t;
            final DoubleVector d = x.sub(vk);
            q = d.fma(d, q);
            mn = mn.blend(x, x.lt(mn));
            mx = mx.blend(x, x.compare(VectorOperators.GT, mx));
            s.intoArray(lanes, S);
            c.intoArray(lanes, C);
            q.intoArray(lanes, Q0);
            mn.intoArray(lanes, MIN);
            mx.intoArray(lanes, MAX);
        }
    }

    /** The accumulators' start values, when no block ran. */
    private static void clearLanes(double[] lanes) {
        Arrays.fill(lanes, S, MIN, 0.0);
        Arrays.fill(lanes, MIN, MAX, Double.POSITIVE_INFINITY);
        Arrays.fill(lanes, MAX, MAX + LANES, Double.NEGATIVE_INFINITY);
    }

    /**
     * Reduces the lanes the vector loops left in {@code out}'s scratch in a fixed order, adds the
     * scalar tail {@code values[tail, to)} and finishes. Scalar code only, kept out of the vector
     * loops so that C2 inlines every Vector API call there: past its node budget
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
            final double d = lanes[S + j];
            final double t = s + d;
            c += ChunkMoments.twoSumError(s, d, t) + lanes[C + j];
            s = t;
            q += lanes[Q0 + j] + lanes[Q1 + j];
            mn = Math.min(mn, lanes[MIN + j]);
            mx = Math.max(mx, lanes[MAX + j]);
        }
        for (int i = tail; i < to; i++) {
            final double x = values[i];
            final double t = s + x;
            c += ChunkMoments.twoSumError(s, x, t);
            s = t;
            final double d = x - k;
            q += d * d;
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
        }
        if (Double.isNaN(s + c) || mn == 0.0 || mx == 0.0) {
            // Rare path: a NaN or an infinity (TwoSum turns one into a NaN), which the vector
            // compares skip, or a zero extreme, whose sign they do not order: redo min and max the
            // way Math.min and Math.max order them.
            mn = Double.POSITIVE_INFINITY;
            mx = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                mn = Math.min(mn, values[i]);
                mx = Math.max(mx, values[i]);
            }
        }
        return out.finish(to - from, k, s, c, q, mn, mx);
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

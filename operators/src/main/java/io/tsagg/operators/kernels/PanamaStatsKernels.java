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
 * sets (the add and FMA chains of one set would otherwise bound the loop by their latency), then
 * the lanes and the scalar tail of fewer than {@code 2 * LANES} values are reduced in a fixed order
 * through {@link ChunkMoments}' scratch, so results are deterministic. Two loops, both
 * throughput-bound on the floating-point pipes:
 *
 * <ul>
 *   <li>{@link #momentsBiased}, for nearly every chunk where it is on (by default with 256-bit
 *       vectors, see {@link #BIASED_BY_DEFAULT}): each lane's sum starts at a power of two larger
 *       than any value of the chunk, so Fast2Sum (3 operations) gives an addition's exact error
 *       where TwoSum needs 6; 21 vector operations per two vectors. The bias is chosen from the
 *       chunk's first values and checked against its largest after the loop;
 *   <li>{@link #momentsTwoSum}, when no bias fits (the first values are zeros, tiny or huge, or a
 *       later value was too large for it): TwoSum at every addition, 25 vector operations per two
 *       vectors, some of the additions written as {@code fma(a, ±1, b)} (the same value) so that
 *       they run on the FMA pipes beside the adder pipes.
 * </ul>
 *
 * Min and max are a compare and a blend on doubles, cheaper than Java's {@code lanewise(MIN)}; the
 * cases where that order differs from {@link Math#min(double, double)} (NaN, {@code -0.0} against
 * {@code 0.0}) are fixed after the loop, see {@link #finishLanes}.
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
    private static final int SHIFTS = 5 * LANES;

    /**
     * Whether {@link #moments} tries {@link #momentsBiased} first by default: with 256-bit vectors,
     * where it measured 16-42% faster than {@link #momentsTwoSum} on AVX2 (AMD Zen 2), and between
     * 13% slower and 6% faster on AMD Zen 5 run with {@code -XX:MaxVectorSize=32}. With 512-bit
     * vectors on JDK 17 it measured 8-22% slower (Zen 5): C2 there compiles both loops to about
     * twice the time the same loops take in C, and the TwoSum loop loses less. See {@code
     * bench/results/2026-12-07/biased-sum}.
     */
    static final boolean BIASED_BY_DEFAULT = LANES <= 4;

    private final boolean biased;
    private final String name;

    PanamaStatsKernels() {
        this(BIASED_BY_DEFAULT);
    }

    /** With {@code biased} false, every chunk takes {@link #momentsTwoSum}; for tests. */
    PanamaStatsKernels(boolean biased) {
        this.biased = biased;
        this.name =
                "vector(" + DOUBLES.vectorBitSize() + "-bit" + (biased ? ", fast2sum" : "") + ")";
    }

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
        final int bound = from + (n & -(2 * LANES));
        final double bias = biased ? bias(values, from, (bound - from) / (2 * LANES)) : 0.0;
        if (bias != 0.0) {
            ChunkMoments result = momentsBiased(values, from, bound, to, bias, out);
            if (result != null) {
                return result;
            }
        }
        return momentsTwoSum(values, from, bound, to, out);
    }

    /**
     * The bias of {@link #momentsBiased} for a chunk starting at {@code from} whose vector loop
     * puts {@code perLane} values into each accumulator lane, or 0 when the fast loop does not
     * apply.
     *
     * <p>With {@code M₀} the largest magnitude of the chunk's first {@code 2 * LANES} values and
     * {@code 2^L > perLane + 1}, the bias is the power of two {@code B ≥ M₀·2(perLane + 2)·2^G} (at
     * most four times that): every later value up to {@code 2^G·M₀} in magnitude keeps the Fast2Sum
     * condition. The margin {@code G = min(20, 44 − 3L)} bounds what the lane compensations lose to
     * their own rounding: each sums {@code perLane} errors of at most {@code ε·B}, so the {@code
     * 2·LANES} lanes lose at most {@code LANES·perLane²·ε²·B ≤ ε·M₀/2} for up to 32 lanes (see
     * {@link StatsKernels}). {@code G} is 20 up to 1023 values, 14 for 4096-value chunks with 4
     * lanes. Zero for a zero, subnormal, huge or non-finite {@code M₀}, and for chunks so long that
     * no margin is left.
     */
    private static double bias(double[] values, int from, int perLane) {
        // The magnitudes' bits order as the magnitudes do (a NaN's above infinity's): a long max
        // and the exponent field, cheaper than Math.max and Math.getExponent on doubles.
        long m0 = 0L;
        for (int i = from; i < from + 2 * LANES; i++) {
            m0 = Math.max(m0, Double.doubleToRawLongBits(values[i]) & Long.MAX_VALUE);
        }
        final int exponent = (int) (m0 >>> 52); // biased by 1023
        final int l = 32 - Integer.numberOfLeadingZeros(perLane + 1);
        final int margin = Math.min(20, 44 - 3 * l);
        // Only for 2^-900 <= M0 < 2^901: not for zeros, subnormals, huge values, NaNs, infinities.
        if (exponent < 1023 - 900 || exponent > 1023 + 900 || margin < 1) {
            return 0.0;
        }
        // 2^(exponent(M0) + 2 + l + margin).
        return Double.longBitsToDouble((long) (exponent + 2 + l + margin) << 52);
    }

    /**
     * The fast loop: each lane's sum starts at {@code bias}, so that {@code |s| ≥ |x|} at every
     * addition and Fast2Sum (3 operations) gives the exact rounding error instead of TwoSum (6).
     * The lanes also sum {@code x − k} (plainly), from which M2 is finished: the double-double sum
     * then need not carry the precision that data on a large offset need. Returns null, and leaves
     * the chunk to {@link #momentsTwoSum}, when a value turns out too large for the bias (checked
     * in {@link #finishLanes}); so the result is always exact Fast2Sum or TwoSum.
     */
    private static ChunkMoments momentsBiased(
            double[] values, int from, int bound, int to, double bias, ChunkMoments out) {
        final double k = values[from];
        // Sixteen vector registers on AVX2 hold this loop's state only without FMA constants: x - k
        // as x + (-k), and one sum of x - k for both sets (C2 otherwise keeps accumulators on the
        // stack, a store and a load per iteration).
        final DoubleVector negK = DoubleVector.broadcast(DOUBLES, -k);
        DoubleVector s0 = DoubleVector.broadcast(DOUBLES, bias);
        DoubleVector s1 = s0;
        DoubleVector c0 = DoubleVector.zero(DOUBLES);
        DoubleVector c1 = c0;
        DoubleVector q0 = c0;
        DoubleVector q1 = c0;
        DoubleVector p = c0;
        DoubleVector mn = DoubleVector.broadcast(DOUBLES, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(DOUBLES, Double.NEGATIVE_INFINITY);
        final double[] lanes = out.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(DOUBLES, values, i + LANES);
            // Fast2Sum: c += x - (t - s), exact since |s| >= |x|.
            DoubleVector t = s0.add(x0);
            c0 = c0.add(x0.sub(t.sub(s0)));
            s0 = t;
            t = s1.add(x1);
            c1 = c1.add(x1.sub(t.sub(s1)));
            s1 = t;
            final DoubleVector d0 = x0.add(negK);
            final DoubleVector d1 = x1.add(negK);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            p = p.add(d0.add(d1));
            final VectorMask<Double> lower = x0.lt(x1);
            final DoubleVector lo = x1.blend(x0, lower);
            final DoubleVector hi = x0.blend(x1, lower);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 2 * LANES >= bound) {
                // As in momentsTwoSum: stored in the last iteration. The biased sums lose their
                // bias exactly (Sterbenz: each is within a factor of 2 of it), then the two sets
                // are added by TwoSum.
                final DoubleVector h0 = s0.sub(bias);
                final DoubleVector h1 = s1.sub(bias);
                t = h0.add(h1);
                final DoubleVector e = t.sub(h0);
                t.intoArray(lanes, SUM);
                c0.add(c1).add(h0.sub(t.sub(e)).add(h1.sub(e))).intoArray(lanes, COMP);
                q0.add(q1).intoArray(lanes, SQUARES);
                mn.intoArray(lanes, MIN);
                mx.intoArray(lanes, MAX);
                p.intoArray(lanes, SHIFTS);
            }
        }
        return finishLanes(values, from, bound, to, k, bias, out);
    }

    /** The loop for any chunk: TwoSum at every addition. */
    private static ChunkMoments momentsTwoSum(
            double[] values, int from, int bound, int to, ChunkMoments out) {
        final double k = values[from];
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
        return finishLanes(values, from, bound, to, k, 0.0, out);
    }

    /**
     * Reduces the lanes the vector loop left in {@code out}'s scratch in a fixed order, adds the
     * scalar tail {@code values[tail, to)} and finishes. Scalar code only, kept out of the loops so
     * that C2 inlines every Vector API call of them: past its node budget (NodeCountInliningCutoff)
     * it stops inlining, and each vector that then crosses a call is boxed (up to 192 B per call on
     * JDK 17).
     *
     * <p>After {@link #momentsBiased} ({@code bias != 0}), also checks the bias against the chunk's
     * largest magnitude and returns null if a value was too large for it; the lanes' plain sums of
     * {@code x − k} then give M2.
     */
    private static ChunkMoments finishLanes(
            double[] values, int from, int tail, int to, double k, double bias, ChunkMoments out) {
        final double[] lanes = out.lanes;
        double s = 0.0;
        double c = 0.0;
        double q = 0.0;
        double p = 0.0;
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
        if (bias != 0.0) {
            // The largest magnitude the loop met must keep |s| >= |x| in every lane: perLane
            // values of at most M move a lane's sum at most perLane·M away from the bias.
            final int perLane = (tail - from) / (2 * LANES);
            if (!(Math.max(-mn, mx) <= bias / (2.0 * (perLane + 2)))) {
                return null;
            }
            for (int j = 0; j < LANES; j++) {
                p += lanes[SHIFTS + j];
            }
        }
        for (int i = tail; i < to; i++) {
            final double x = values[i];
            final double t = s + x;
            c += ChunkMoments.twoSumError(s, x, t);
            s = t;
            final double d = x - k;
            q += d * d;
            p += d;
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
        return bias != 0.0
                ? out.finishShifted(to - from, s, c, p, q, mn, mx)
                : out.finish(to - from, k, s, c, q, mn, mx);
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

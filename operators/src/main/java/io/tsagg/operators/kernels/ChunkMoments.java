package io.tsagg.operators.kernels;

/**
 * The moments of a chunk of values, as computed by {@link StatsKernels#moments}: count, sum as a
 * double-double ({@link #sumHigh()} + {@link #sumLow()}), min, max, mean and M2 (sum of squared
 * deviations from the mean). An empty chunk has the neutral moments (count 0, sum 0, min +∞, max
 * −∞, mean 0, M2 0).
 *
 * <p>Mutable and reused: one instance per caller (per store, per task thread), never shared between
 * threads, because the vector kernels use its lane scratch space.
 */
public final class ChunkMoments {
    /**
     * Lane scratch for the vector kernels: six vectors of up to 2048 bits (the largest Vector API
     * shape), so lanes are reduced in a fixed order without allocating.
     */
    final double[] lanes = new double[6 * 32];

    private long count;
    private double sumHigh;
    private double sumLow;
    private double min;
    private double max;
    private double mean;
    private double m2;

    public ChunkMoments() {
        clear();
    }

    /** Sets the neutral moments of an empty chunk. */
    public ChunkMoments clear() {
        count = 0;
        sumHigh = 0.0;
        sumLow = 0.0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        mean = 0.0;
        m2 = 0.0;
        return this;
    }

    /**
     * Finishes a one-pass reduction: {@code s + c} is {@code Σxᵢ} as a double-double (TwoSum
     * compensated), {@code q} is {@code Σ(xᵢ − k)²} with {@code k} the chunk's first value. Shared
     * by both twins so they differ only in summation order.
     */
    ChunkMoments finish(int n, double k, double s, double c, double q, double mn, double mx) {
        double dn = n;
        setCountSumAndRange(n, s, c, mn, mx);
        // Σ(x − k) = (s + c) − n·k, with n·k exactly as p + pe: near-exact even when the values sit
        // on a large offset, because s + c carries about twice the precision of a double.
        double p = dn * k;
        double pe = Math.fma(dn, k, -p);
        double shift = (s - p) + (c - pe);
        double meanShift = shift / dn;
        mean = k + meanShift;
        // M2 = Σ(x−k)² − n·(mean−k)²; k is one of the values, so the subtracted term is at most
        // n·M2: at most log10(n) digits lost, none when the data sit on a large offset.
        m2 = Math.max(0.0, q - shift * meanShift);
        return this;
    }

    /**
     * Finishes a one-pass reduction that summed the deviations from the chunk's first value {@code
     * k} itself: {@code s + c} is {@code Σxᵢ} (compensated), {@code shift} is {@code Σ(xᵢ − k)} and
     * {@code q} is {@code Σ(xᵢ − k)²}. The mean comes from the sum, M2 from the shifted sums, so M2
     * needs no more precision of the sum than a double's.
     */
    ChunkMoments finishShifted(
            int n, double s, double c, double shift, double q, double mn, double mx) {
        double dn = n;
        mean = setCountSumAndRange(n, s, c, mn, mx) / dn;
        m2 = Math.max(0.0, q - shift * (shift / dn));
        return this;
    }

    /** Sets what both finishes share and returns the sum rounded to a double. */
    private double setCountSumAndRange(int n, double s, double c, double mn, double mx) {
        double total = s + c;
        sumLow = twoSumError(s, c, total);
        sumHigh = total;
        count = n;
        min = mn;
        max = mx;
        return total;
    }

    /** The rounding error of {@code t = a + b} (Knuth's TwoSum, no ordering needed). */
    static double twoSumError(double a, double b, double t) {
        double bp = t - a;
        return (a - (t - bp)) + (b - bp);
    }

    public long count() {
        return count;
    }

    /** The compensated sum, rounded to a double. */
    public double sum() {
        return sumHigh + sumLow;
    }

    /**
     * High part of the sum; {@code sumHigh() + sumLow()} is the sum to about twice the precision.
     */
    public double sumHigh() {
        return sumHigh;
    }

    /** Low part (compensation) of the sum. */
    public double sumLow() {
        return sumLow;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return mean;
    }

    /** Sum of squared deviations from the mean. */
    public double m2() {
        return m2;
    }

    @Override
    public String toString() {
        return "ChunkMoments{count="
                + count
                + ", sum="
                + sum()
                + ", min="
                + min
                + ", max="
                + max
                + ", mean="
                + mean
                + ", m2="
                + m2
                + "}";
    }
}

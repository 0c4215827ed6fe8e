package io.tsagg.operators.kernels;

import java.util.Objects;
import org.apache.flink.core.memory.MemorySegment;

/**
 * The scalar twin of the vector kernels: the same shifted, compensated one-pass algorithm, one
 * element at a time, with TwoSum at every addition (the vector kernels' biased Fast2Sum saves
 * operations, which a scalar loop bound by the latency of its sum does not gain from). Runs
 * everywhere; used when {@code jdk.incubator.vector} is absent or would be slow (see {@link
 * StatsKernelsProvider}). Stateless and thread-safe.
 *
 * <p>The algorithm, one pass over memory: sum {@code xᵢ} with Knuth's TwoSum compensation (the sum
 * as a double-double) and, with {@code K} the chunk's first value, {@code dᵢ² = (xᵢ − K)²}; then
 * {@code Σd = Σx − n·K} (in double-double), {@code mean = K + Σd/n} and {@code M2 = Σd² − (Σd)²/n}.
 * Shifting by a value of the chunk keeps M2 precise on a large offset with a tiny spread.
 */
public final class ScalarStatsKernels implements StatsKernels {
    static final ScalarStatsKernels INSTANCE = new ScalarStatsKernels();

    private ScalarStatsKernels() {}

    @Override
    public String name() {
        return "scalar";
    }

    /** Hot path. */
    @Override
    public ChunkMoments moments(double[] values, int from, int to, ChunkMoments out) {
        Objects.checkFromToIndex(from, to, values.length);
        int n = to - from;
        if (n == 0) {
            return out.clear();
        }
        double k = values[from];
        double s = 0.0;
        double c = 0.0;
        double q = 0.0;
        double mn = Double.POSITIVE_INFINITY;
        double mx = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            double x = values[i];
            double t = s + x;
            double bp = t - s;
            c += (s - (t - bp)) + (x - bp);
            s = t;
            double d = x - k;
            q += d * d;
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
        }
        return out.finish(n, k, s, c, q, mn, mx);
    }

    /**
     * {@link #moments} of {@code n} doubles at {@code offset} of {@code segment} (native order, as
     * {@link MemorySegment#putDouble} writes them), read in place: the same arithmetic in the same
     * order, so the same bits (ChunkReducerTest compares them), without copying them into an array
     * first. For short chunks, where the copy and the call cost as much as the loop. Hot path.
     *
     * <p>Min and max are kept as {@link #orderKey}s, whose signed order is {@link Math#min}'s on
     * every value but NaN ({@code -0.0 < 0.0}): a long compare and a conditional move per value
     * instead of {@code Math.min}'s blend sequence, the longest chain of this loop ({@code
     * WindowOperatorBenchmark} at 10k keys, 5 samples per key and pane, spent 11% of its time
     * here). A chunk holding a NaN (the job drops them; the kernel contract keeps them) takes its
     * min and max from a second pass with {@code Math.min}/{@code max}, so the result stays {@link
     * #moments}'s.
     */
    public static ChunkMoments momentsOf(
            MemorySegment segment, int offset, int n, ChunkMoments out) {
        if (n == 0) {
            return out.clear();
        }
        double k = segment.getDouble(offset);
        double s = 0.0;
        double c = 0.0;
        double q = 0.0;
        long mn = Long.MAX_VALUE;
        long mx = Long.MIN_VALUE;
        boolean nan = false;
        for (int i = 0; i < n; i++) {
            double x = segment.getDouble(offset + (i << 3));
            double t = s + x;
            double bp = t - s;
            c += (s - (t - bp)) + (x - bp);
            s = t;
            double d = x - k;
            q += d * d;
            long o = orderKey(x);
            mn = Math.min(mn, o);
            mx = Math.max(mx, o);
            nan |= x != x;
        }
        if (nan) {
            // Math.min/max's own result (a NaN) from a second pass; the sums do not change.
            double mnNan = Double.POSITIVE_INFINITY;
            double mxNan = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double x = segment.getDouble(offset + (i << 3));
                mnNan = Math.min(mnNan, x);
                mxNan = Math.max(mxNan, x);
            }
            return out.finish(n, k, s, c, q, mnNan, mxNan);
        }
        return out.finish(n, k, s, c, q, fromOrderKey(mn), fromOrderKey(mx));
    }

    /**
     * The bits of {@code x} as a long whose signed order is the order of the doubles, {@code -0.0}
     * before {@code 0.0}: negative doubles have their magnitude bits flipped. Its own inverse.
     */
    static long orderKey(double x) {
        long b = Double.doubleToRawLongBits(x);
        return b ^ ((b >> 63) & Long.MAX_VALUE);
    }

    static double fromOrderKey(long o) {
        return Double.longBitsToDouble(o ^ ((o >> 63) & Long.MAX_VALUE));
    }

    /** Hot path. */
    @Override
    public double sum(double[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        double s = 0.0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s;
    }

    /** Hot path. */
    @Override
    public int indexOfMin(long[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        int at = -1;
        long mn = Long.MAX_VALUE;
        for (int i = from; i < to; i++) {
            if (values[i] < mn || at < 0) {
                mn = values[i];
                at = i;
            }
        }
        return at;
    }

    /** Hot path. */
    @Override
    public int indexOfMax(long[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        int at = -1;
        long mx = Long.MIN_VALUE;
        for (int i = from; i < to; i++) {
            if (values[i] >= mx) {
                mx = values[i];
                at = i;
            }
        }
        return at;
    }
}

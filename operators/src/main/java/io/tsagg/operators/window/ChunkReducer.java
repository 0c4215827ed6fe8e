package io.tsagg.operators.window;

import org.apache.flink.core.memory.MemorySegment;

/**
 * Reduces a chunk of raw values (doubles in native order, as {@link MemorySegment#putDouble} writes
 * them) to (sum, min, max, mean, M2). The mean and M2 come from a two-pass algorithm over the
 * chunk, so a large offset with a tiny spread keeps its precision. Results are read through the
 * accessors after {@link #reduce}. Not thread-safe: one per store.
 */
public class ChunkReducer {
    private double sum;
    private double min;
    private double max;
    private double mean;
    private double m2;

    /** Reduces {@code n} doubles at {@code offset} of {@code segment}. */
    public void reduce(MemorySegment segment, int offset, int n) {
        double s = 0.0;
        double c = 0.0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int end = offset + (n << 3);
        for (int at = offset; at < end; at += 8) {
            double v = segment.getDouble(at);
            double t = s + v;
            c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double mu = (s + c) / n;
        double squares = 0.0;
        double deviations = 0.0;
        for (int at = offset; at < end; at += 8) {
            double d = segment.getDouble(at) - mu;
            squares += d * d;
            deviations += d;
        }
        this.sum = s + c;
        this.min = lo;
        this.max = hi;
        // The correction term removes the error of mu from the second pass.
        this.mean = mu + deviations / n;
        this.m2 = Math.max(0.0, squares - deviations * deviations / n);
    }

    public double sum() {
        return sum;
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

    public double m2() {
        return m2;
    }
}

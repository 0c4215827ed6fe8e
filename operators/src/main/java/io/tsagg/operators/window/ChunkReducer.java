package io.tsagg.operators.window;

import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.ScalarStatsKernels;
import io.tsagg.operators.kernels.StatsKernels;
import org.apache.flink.core.memory.MemorySegment;

/**
 * Reduces a chunk of raw values (doubles in native order, as {@link MemorySegment#putDouble} writes
 * them) to its moments with the JVM's {@link StatsKernels} (Vector API or the scalar twin): the
 * values are copied into a reusable {@code double[]}, the portable form every JDK's Vector API
 * loads, then reduced in one pass (compensated sum, min, max, mean and M2 from the chunk's first
 * value). Results are read through the accessors after {@link #reduce}.
 *
 * <p>Not thread-safe: one per store. Allocates nothing once its scratch array fits the largest
 * chunk.
 */
public final class ChunkReducer {
    private final StatsKernels kernels;
    private final ChunkMoments moments = new ChunkMoments();
    private double[] scratch = new double[512];

    /**
     * Chunks shorter than this are reduced in place by the scalar loop, which is what every kernel
     * runs for them: the vector kernels start at two vectors of at least 4 lanes.
     */
    static final int SHORT = 8;

    public ChunkReducer(StatsKernels kernels) {
        this.kernels = kernels;
    }

    public StatsKernels kernels() {
        return kernels;
    }

    /** Reduces {@code n} doubles at {@code offset} of {@code segment}. Hot path. */
    public void reduce(MemorySegment segment, int offset, int n) {
        if (n < SHORT) {
            // What every kernel runs for so few values, read in place (the same bits).
            ScalarStatsKernels.momentsOf(segment, offset, n, moments);
            return;
        }
        if (scratch.length < n) {
            scratch = new double[Integer.highestOneBit(n - 1) << 1];
        }
        double[] values = scratch;
        for (int i = 0; i < n; i++) {
            values[i] = segment.getDouble(offset + (i << 3));
        }
        kernels.moments(values, 0, n, moments);
    }

    /** High part of the compensated sum. */
    public double sum() {
        return moments.sumHigh();
    }

    /** Low (compensation) part of the sum: the sum is {@code sum() + sumCompensation()}. */
    public double sumCompensation() {
        return moments.sumLow();
    }

    public double min() {
        return moments.min();
    }

    public double max() {
        return moments.max();
    }

    public double mean() {
        return moments.mean();
    }

    public double m2() {
        return moments.m2();
    }
}

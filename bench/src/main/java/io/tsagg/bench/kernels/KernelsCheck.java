package io.tsagg.bench.kernels;

import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.StatsKernels;

/** Checks at benchmark setup that the twins compute the same thing, so we time correct code. */
final class KernelsCheck {
    private KernelsCheck() {}

    static void assertTwinsAgree(StatsKernels vector, StatsKernels scalar, double[] v, int n) {
        ChunkMoments a = vector.moments(v, 0, n, new ChunkMoments());
        ChunkMoments b = scalar.moments(v, 0, n, new ChunkMoments());
        boolean ok =
                a.count() == b.count()
                        && a.min() == b.min()
                        && a.max() == b.max()
                        && close(a.sum(), b.sum(), 1e-13)
                        && close(a.mean(), b.mean(), 1e-13)
                        && close(a.m2(), b.m2(), 1e-9);
        double sum = scalar.sum(v, 0, n);
        ok &= close(vector.sum(v, 0, n), sum, 1e-9) && close(sum, b.sum(), 1e-9);
        if (!ok) {
            throw new IllegalStateException(
                    "Twins disagree on " + n + " values: " + a + " vs " + b);
        }
    }

    /** The results of {@code m} as raw bits, for later comparison. */
    static long[] copy(ChunkMoments m) {
        return new long[] {
            m.count(),
            bits(m.sumHigh()),
            bits(m.sumLow()),
            bits(m.min()),
            bits(m.max()),
            bits(m.mean()),
            bits(m.m2())
        };
    }

    /**
     * Returns {@code actual} after checking it is bit for bit the {@code expected} result: each
     * benchmark call is checked, cheaply next to the reduction it times.
     */
    static ChunkMoments same(ChunkMoments actual, long[] expected) {
        if (actual.count() != expected[0]
                || bits(actual.sumHigh()) != expected[1]
                || bits(actual.sumLow()) != expected[2]
                || bits(actual.min()) != expected[3]
                || bits(actual.max()) != expected[4]
                || bits(actual.mean()) != expected[5]
                || bits(actual.m2()) != expected[6]) {
            throw new IllegalStateException(
                    "kernel returned " + actual + ", not the result computed at setup");
        }
        return actual;
    }

    /** Returns {@code actual} after checking it is bit for bit {@code expected}. */
    static double same(double actual, double expected) {
        if (bits(actual) != bits(expected)) {
            throw new IllegalStateException("result is " + actual + ", expected " + expected);
        }
        return actual;
    }

    private static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    private static boolean close(double x, double y, double relative) {
        return Math.abs(x - y) <= relative * Math.max(Math.abs(x), Math.abs(y));
    }
}

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

    private static boolean close(double x, double y, double relative) {
        return Math.abs(x - y) <= relative * Math.max(Math.abs(x), Math.abs(y));
    }
}

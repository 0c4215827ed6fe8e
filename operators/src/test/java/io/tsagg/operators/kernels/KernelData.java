package io.tsagg.operators.kernels;

import java.util.SplittableRandom;

/** Seeded test data for the kernels. */
final class KernelData {
    /** Base seed of a run: {@code -Dtests.seed=...} to repeat one, printed in failure messages. */
    static final long SEED = Long.getLong("tests.seed", System.nanoTime());

    /** Sizes around lane counts of 128- to 512-bit vectors and the unrolled bodies. */
    static final int[] AWKWARD_SIZES = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 257, 1000,
        1023, 1024, 1025, 4095, 4096
    };

    enum Shape {
        UNIFORM,
        NORMAL_OFFSET,
        MIXED_SIGNS,
        LARGE_OFFSET_TINY_SPREAD,
        CONSTANT,
        SPIKY,
        /** Alternating ±1e15 with a small positive noise: large terms that cancel. */
        CANCELLING
    }

    private KernelData() {}

    /**
     * {@code n} values of the given shape, placed at {@code from} in an array with garbage around.
     */
    static double[] values(Shape shape, int from, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[from + n + 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1e300; // garbage outside the range: would ruin every statistic if read
        }
        for (int i = from; i < from + n; i++) {
            v[i] =
                    switch (shape) {
                        case UNIFORM -> r.nextDouble(0.0, 1000.0);
                        case NORMAL_OFFSET -> 50.0 + 10.0 * gaussian(r);
                        case MIXED_SIGNS -> r.nextDouble(-1e6, 1e6);
                        case LARGE_OFFSET_TINY_SPREAD -> 1e7 + 0.1 * r.nextInt(0, 11);
                        case CONSTANT -> 42.25;
                        case SPIKY -> r.nextInt(100) == 0 ? 1e9 : r.nextDouble();
                        case CANCELLING -> ((i - from) % 2 == 0 ? 1e15 : -1e15) + r.nextDouble();
                    };
        }
        return v;
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double w = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u)) * Math.cos(2.0 * Math.PI * w);
    }
}

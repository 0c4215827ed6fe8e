package io.tsagg.operators.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.operators.kernels.KernelData.Shape;
import io.tsagg.operators.window.Summary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link StatsKernels} implementation must have. */
abstract class StatsKernelsContract {

    abstract StatsKernels kernels();

    private final ChunkMoments out = new ChunkMoments();

    @Test
    void shouldReturnNeutralMomentsWhenChunkIsEmpty() {
        ChunkMoments m = kernels().moments(new double[] {1.0, 2.0}, 1, 1, out);
        assertThat(m.count()).isZero();
        assertThat(m.sum()).isZero();
        assertThat(m.min()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(m.max()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(m.mean()).isZero();
        assertThat(m.m2()).isZero();
    }

    @Test
    void shouldMatchExactReferenceTo1e12WhenDataAreWellConditioned() {
        for (Shape shape : new Shape[] {Shape.UNIFORM, Shape.NORMAL_OFFSET, Shape.SPIKY}) {
            for (int n : KernelData.AWKWARD_SIZES) {
                if (n < 2) {
                    continue;
                }
                long seed = KernelData.SEED + n * 31L + shape.ordinal();
                double[] v = KernelData.values(shape, 3, n, seed);
                ExactMoments exact = new ExactMoments(v, 3, 3 + n);
                ChunkMoments m = kernels().moments(v, 3, 3 + n, out);
                String why = "seed " + seed + ", " + shape + ", n " + n + ", " + kernels().name();
                assertThat(m.count()).as(why).isEqualTo(n);
                assertThat(m.min()).as(why).isEqualTo(min(v, 3, 3 + n));
                assertThat(m.max()).as(why).isEqualTo(max(v, 3, 3 + n));
                assertWithin1e12(m, exact, true, why);
            }
        }
    }

    @Test
    void shouldKeepEightDigitsOfStddevWhenValuesSitOnALargeOffset() {
        for (int n : KernelData.AWKWARD_SIZES) {
            if (n < 2) {
                continue;
            }
            long seed = KernelData.SEED + n;
            double[] v = KernelData.values(Shape.LARGE_OFFSET_TINY_SPREAD, 0, n, seed);
            ExactMoments exact = new ExactMoments(v, 0, n);
            ChunkMoments m = kernels().moments(v, 0, n, out);
            String why = "seed " + seed + ", n " + n + ", " + kernels().name();
            assertThat(exact.stddevRelativeError(m.m2())).as(why).isLessThan(1e-8);
            assertThat(ExactMoments.relativeError(m.sum(), exact.sum)).as(why).isLessThan(1e-12);
            assertThat(ExactMoments.relativeError(m.mean(), exact.mean)).as(why).isLessThan(1e-12);
        }
    }

    @Test
    void shouldCompensateTheSumWhenLargeTermsCancel() {
        double[] v = new double[1001];
        for (int i = 0; i < 1000; i += 2) {
            v[i] = 1e16;
            v[i + 1] = -1e16;
        }
        v[1000] = 1.0;
        double[] shuffled = v.clone();
        shuffled[0] = 1.0;
        shuffled[1000] = 1e16;
        assertThat(kernels().moments(v, 0, v.length, out).sum()).isEqualTo(1.0);
        assertThat(kernels().moments(shuffled, 0, v.length, out).sum()).isEqualTo(1.0);
    }

    @Test
    void shouldCompensateTheSumWhenLargeTermsCancelAfterSmallFirstValues() {
        // The vector kernels choose a bias for Fast2Sum from a chunk's first values; here it is far
        // too small for the later ones, and only a chunk summed again with TwoSum is exact.
        for (int n : new int[] {16, 64, 257, 1000, 1023, 4096}) {
            double[] v = new double[n];
            int small = 0;
            for (int i = 0; i < n; i++) {
                boolean large = i >= n / 2 && (i - n / 2) / 2 < (n - n / 2) / 2;
                v[i] = large ? ((i - n / 2) % 2 == 0 ? 1e16 : -1e16) : 0.375;
                small += large ? 0 : 1;
            }
            ChunkMoments m = kernels().moments(v, 0, n, out);
            ExactMoments exact = new ExactMoments(v, 0, n);
            String why = "n " + n + ", " + kernels().name();
            assertThat(m.sum()).as(why).isEqualTo(0.375 * small);
            assertThat(ExactMoments.relativeError(m.mean(), exact.mean)).as(why).isLessThan(1e-15);
            assertThat(ExactMoments.relativeError(m.m2(), exact.m2)).as(why).isLessThan(1e-12);
        }
    }

    @Test
    void shouldMatchExactReferenceAtEveryMagnitude() {
        // From subnormal-adjacent to near-overflow values: the vector kernels' bias applies between
        // 2^-900 and 2^901, and outside that range the chunk takes the plain TwoSum loop.
        for (double scale : new double[] {1e-300, 1e-150, 1e-30, 1e30, 1e150, 1e300}) {
            for (int n : new int[] {16, 100, 1023, 4096}) {
                long seed = KernelData.SEED + n + Double.doubleToRawLongBits(scale);
                double[] v = KernelData.values(Shape.MIXED_SIGNS, 0, n, seed);
                for (int i = 0; i < n; i++) {
                    v[i] *= scale * 1e-6;
                }
                ExactMoments exact = new ExactMoments(v, 0, n);
                ChunkMoments m = kernels().moments(v, 0, n, out);
                String why = "seed " + seed + ", scale " + scale + ", n " + n;
                boolean squaresFit = scale >= 1e-150 && scale <= 1e150;
                assertWithin1e12(m, exact, squaresFit, why);
            }
        }
    }

    @Test
    void shouldOrderSignedZerosAsMathMinAndMaxDo() {
        for (int n : new int[] {1, 2, 7, 9, 17, 33, 100}) {
            for (int at = 0; at < n; at++) {
                double[] v = new double[n];
                v[at] = -0.0;
                ChunkMoments m = kernels().moments(v, 0, n, out);
                assertThat(Double.doubleToRawLongBits(m.min()))
                        .as("n %d, -0.0 at %d", n, at)
                        .isEqualTo(Double.doubleToRawLongBits(-0.0));
                assertThat(Double.doubleToRawLongBits(m.max()))
                        .as("n %d, -0.0 at %d", n, at)
                        .isEqualTo(n == 1 ? Double.doubleToRawLongBits(-0.0) : 0L);
            }
        }
    }

    @Test
    void shouldOrderSignedZerosAsMathMinAndMaxDoWhenAZeroIsTheSmallestOrLargestOfManyValues() {
        long seed = KernelData.SEED;
        SplittableRandom r = new SplittableRandom(seed);
        for (int n : new int[] {16, 17, 255, 1000, 1023, 4096}) {
            for (double sign : new double[] {1.0, -1.0}) {
                double[] v = KernelData.values(Shape.UNIFORM, 0, n, r.nextLong());
                for (int i = 0; i < n; i++) {
                    v[i] = sign * (1.0 + v[i]); // all of one sign, so a zero is the min or max
                }
                int a = r.nextInt(n);
                int b = r.nextInt(n);
                for (double[] zeros :
                        new double[][] {{0.0, 0.0}, {-0.0, -0.0}, {0.0, -0.0}, {-0.0, 0.0}}) {
                    double[] w = v.clone();
                    w[a] = zeros[0];
                    w[b] = zeros[1];
                    ChunkMoments m = kernels().moments(w, 0, n, out);
                    String why =
                            "seed "
                                    + seed
                                    + ", n "
                                    + n
                                    + ", zeros "
                                    + zeros[0]
                                    + " at "
                                    + a
                                    + ", "
                                    + zeros[1]
                                    + " at "
                                    + b;
                    assertThat(Double.doubleToRawLongBits(m.min()))
                            .as(why)
                            .isEqualTo(Double.doubleToRawLongBits(min(w, 0, n)));
                    assertThat(Double.doubleToRawLongBits(m.max()))
                            .as(why)
                            .isEqualTo(Double.doubleToRawLongBits(max(w, 0, n)));
                }
            }
        }
    }

    @Test
    void shouldReturnNaNStatisticsWhenChunkHoldsNaN() {
        for (int n : new int[] {1, 5, 8, 16, 33, 100}) {
            for (int at : new int[] {0, n / 2, n - 1}) {
                double[] v = KernelData.values(Shape.UNIFORM, 0, n, n);
                v[at] = Double.NaN;
                ChunkMoments m = kernels().moments(v, 0, n, out);
                String why = "n " + n + ", NaN at " + at;
                assertThat(m.count()).as(why).isEqualTo(n);
                assertThat(m.min()).as(why).isNaN();
                assertThat(m.max()).as(why).isNaN();
                assertThat(m.sum()).as(why).isNaN();
                assertThat(m.mean()).as(why).isNaN();
            }
        }
    }

    @Test
    void shouldKeepExactMinAndMaxAndNonFiniteSumWhenChunkHoldsInfinities() {
        for (int n : new int[] {3, 9, 33, 100}) {
            double[] v = KernelData.values(Shape.UNIFORM, 0, n, n);
            v[n / 2] = Double.NEGATIVE_INFINITY;
            v[n - 1] = Double.POSITIVE_INFINITY;
            ChunkMoments m = kernels().moments(v, 0, n, out);
            assertThat(m.min()).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(m.max()).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(Double.isFinite(m.sum())).isFalse();
            assertThat(Double.isFinite(m.mean())).isFalse();
        }
    }

    @Test
    void shouldMatchPerSampleSummaryWhenChunksAreMergedIntoSummary() {
        long seed = KernelData.SEED;
        int n = 10_000;
        double[] v = KernelData.values(Shape.NORMAL_OFFSET, 0, n, seed);
        Summary perSample = new Summary();
        Summary chunked = new Summary();
        int chunk = 1000 - 3;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            ChunkMoments m = kernels().moments(v, from, to, out);
            chunked.mergeMoments(
                    m.count(), m.sumHigh(), m.sumLow(), m.min(), m.max(), m.mean(), m.m2());
            for (int i = from; i < to; i++) {
                perSample.add(i, v[i]);
            }
        }
        ExactMoments exact = new ExactMoments(v, 0, n);
        String why = "seed " + seed;
        assertThat(chunked.count()).as(why).isEqualTo(perSample.count());
        assertThat(chunked.min()).as(why).isEqualTo(perSample.min());
        assertThat(chunked.max()).as(why).isEqualTo(perSample.max());
        assertThat(ExactMoments.relativeError(chunked.sum(), exact.sum)).as(why).isLessThan(1e-14);
        assertThat(ExactMoments.relativeError(chunked.mean(), exact.mean))
                .as(why)
                .isLessThan(1e-13);
        assertThat(ExactMoments.relativeError(chunked.m2(), exact.m2)).as(why).isLessThan(1e-12);
    }

    @Test
    void shouldSumPlainlyToExactReferenceWhenDataAreWellConditioned() {
        for (int n : KernelData.AWKWARD_SIZES) {
            long seed = KernelData.SEED + n;
            double[] v = KernelData.values(Shape.UNIFORM, 1, n, seed);
            ExactMoments exact = new ExactMoments(v, 1, 1 + n);
            assertThat(ExactMoments.relativeError(kernels().sum(v, 1, 1 + n), exact.sum))
                    .as("seed %d, n %d", seed, n)
                    .isLessThan(1e-12);
        }
    }

    @Test
    void shouldFindFirstSmallestAndLastLargestTimestamp() {
        for (int n : KernelData.AWKWARD_SIZES) {
            long seed = KernelData.SEED + n;
            SplittableRandom r = new SplittableRandom(seed);
            long[] ts = new long[n + 4];
            ts[0] = Long.MIN_VALUE;
            ts[n + 3] = Long.MAX_VALUE;
            for (int i = 2; i < n + 2; i++) {
                ts[i] = 1_767_225_600_000L + r.nextInt(8); // many ties
            }
            String why = "seed " + seed + ", n " + n;
            assertThat(kernels().indexOfMin(ts, 2, n + 2))
                    .as(why)
                    .isEqualTo(firstMin(ts, 2, n + 2));
            assertThat(kernels().indexOfMax(ts, 2, n + 2)).as(why).isEqualTo(lastMax(ts, 2, n + 2));
        }
    }

    @Test
    void shouldRejectRangeOutsideTheArray() {
        assertThatThrownBy(() -> kernels().moments(new double[4], 2, 5, out))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> kernels().indexOfMax(new long[4], 3, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Sum, mean and (when {@code withM2}) M2 within 1e-12 relative of the exact reference. */
    private static void assertWithin1e12(
            ChunkMoments m, ExactMoments exact, boolean withM2, String why) {
        assertThat(ExactMoments.relativeError(m.sum(), exact.sum)).as(why).isLessThan(1e-12);
        assertThat(ExactMoments.relativeError(m.mean(), exact.mean)).as(why).isLessThan(1e-12);
        if (withM2) {
            assertThat(ExactMoments.relativeError(m.m2(), exact.m2)).as(why).isLessThan(1e-12);
        }
    }

    static double min(double[] v, int from, int to) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.min(m, v[i]);
        }
        return m;
    }

    static double max(double[] v, int from, int to) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.max(m, v[i]);
        }
        return m;
    }

    static int firstMin(long[] v, int from, int to) {
        int at = -1;
        for (int i = from; i < to; i++) {
            if (at < 0 || v[i] < v[at]) {
                at = i;
            }
        }
        return at;
    }

    static int lastMax(long[] v, int from, int to) {
        int at = -1;
        for (int i = from; i < to; i++) {
            if (at < 0 || v[i] >= v[at]) {
                at = i;
            }
        }
        return at;
    }
}

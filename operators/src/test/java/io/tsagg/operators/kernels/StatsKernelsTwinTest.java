package io.tsagg.operators.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsagg.operators.kernels.KernelData.Shape;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels and their scalar twin agree: count, min, max and indexes exactly; sum, mean
 * and M2 within the bounds stated in {@link StatsKernels}. Skipped when {@code
 * jdk.incubator.vector} is absent.
 */
class StatsKernelsTwinTest {
    private static final double EPS = 0x1p-53;

    private final ChunkMoments vectorOut = new ChunkMoments();
    private final ChunkMoments scalarOut = new ChunkMoments();

    @BeforeAll
    static void requireVectorModule() {
        assumeTrue(
                StatsKernelsProvider.vector().isPresent(),
                "jdk.incubator.vector is absent: start the JVM with --add-modules");
    }

    @Test
    void shouldAgreeWithinStatedBoundsOnAwkwardSizesAndShapes() {
        for (boolean biased : new boolean[] {true, false}) {
            agreeWithinStatedBounds(new PanamaStatsKernels(biased));
        }
    }

    private void agreeWithinStatedBounds(StatsKernels vector) {
        StatsKernels scalar = StatsKernelsProvider.scalar();
        int lanes = DoubleVector.SPECIES_PREFERRED.length();
        for (Shape shape : Shape.values()) {
            for (int n : KernelData.AWKWARD_SIZES) {
                for (int from : new int[] {0, 1, 5}) {
                    long seed = KernelData.SEED ^ (n * 1_000_003L + from * 131L + shape.ordinal());
                    double[] v = KernelData.values(shape, from, n, seed);
                    ChunkMoments a = vector.moments(v, from, from + n, vectorOut);
                    ChunkMoments b = scalar.moments(v, from, from + n, scalarOut);
                    String why =
                            String.format(
                                    "%s, seed %d, %s, n %d, from %d: %s vs %s",
                                    vector.name(), seed, shape, n, from, a, b);
                    assertThat(a.count()).as(why).isEqualTo(b.count());
                    assertThat(Double.doubleToRawLongBits(a.min()))
                            .as(why)
                            .isEqualTo(Double.doubleToRawLongBits(b.min()));
                    assertThat(Double.doubleToRawLongBits(a.max()))
                            .as(why)
                            .isEqualTo(Double.doubleToRawLongBits(b.max()));
                    double k = n == 0 ? 0.0 : v[from];
                    double sumAbs = 0.0;
                    double maxAbs = 0.0;
                    double sumSq = 0.0;
                    for (int i = from; i < from + n; i++) {
                        sumAbs += Math.abs(v[i]);
                        maxAbs = Math.max(maxAbs, Math.abs(v[i]));
                        sumSq += (v[i] - k) * (v[i] - k);
                    }
                    double sumBound =
                            2 * EPS * Math.abs(b.sum())
                                    + 2.0 * n * n * EPS * EPS * sumAbs
                                    + EPS * maxAbs / 2;
                    double m2Bound = (2.0 * n + 10 * lanes) * EPS * sumSq;
                    double meanBound =
                            4 * EPS * (Math.abs(b.mean()) + Math.abs(b.mean() - k))
                                    + sumBound / Math.max(1, n);
                    assertThat(Math.abs(a.sum() - b.sum())).as(why).isLessThanOrEqualTo(sumBound);
                    assertThat(Math.abs(a.m2() - b.m2())).as(why).isLessThanOrEqualTo(m2Bound);
                    assertThat(Math.abs(a.mean() - b.mean()))
                            .as(why)
                            .isLessThanOrEqualTo(meanBound);
                }
            }
        }
    }

    @Test
    void shouldAgreeOnTimestampIndexesWithTies() {
        StatsKernels vector = StatsKernelsProvider.vector().orElseThrow();
        StatsKernels scalar = StatsKernelsProvider.scalar();
        for (int n : KernelData.AWKWARD_SIZES) {
            for (int spread : new int[] {1, 3, 1000}) {
                long seed = KernelData.SEED ^ (n * 7919L + spread);
                SplittableRandom r = new SplittableRandom(seed);
                long[] ts = new long[n + 1];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = r.nextLong(-spread, spread);
                }
                String why = "seed " + seed + ", n " + n + ", spread " + spread;
                assertThat(vector.indexOfMin(ts, 1, n + 1))
                        .as(why)
                        .isEqualTo(scalar.indexOfMin(ts, 1, n + 1));
                assertThat(vector.indexOfMax(ts, 1, n + 1))
                        .as(why)
                        .isEqualTo(scalar.indexOfMax(ts, 1, n + 1));
            }
        }
    }
}

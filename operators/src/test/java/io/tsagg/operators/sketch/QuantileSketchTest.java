package io.tsagg.operators.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link QuantileSketch}. */
class QuantileSketchTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final double[] QUANTILES = {
        0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1
    };
    private static final double ALPHA = QuantileSketch.DEFAULT_RELATIVE_ACCURACY;

    @Test
    void shouldStayWithinRelativeAccuracyOnSeveralDistributions() {
        SplittableRandom r = new SplittableRandom(SEED);
        assertAccurate("uniform", () -> r.nextDouble(0.0, 1000.0), 100_000);
        assertAccurate("lognormal", () -> Math.exp(2.0 + 1.5 * gaussian(r)), 100_000);
        assertAccurate("negative", () -> -Math.exp(gaussian(r)), 50_000);
        assertAccurate("mixed signs", () -> 100.0 * gaussian(r), 50_000);
        assertAccurate("with zeros", () -> r.nextInt(3) == 0 ? 0.0 : r.nextDouble(1, 10), 50_000);
        assertAccurate("constant", () -> 42.0, 1_000);
        assertAccurate("tiny", () -> r.nextDouble(1e-300, 1e-290), 10_000);
    }

    @Test
    void shouldHonourAConfiguredRelativeAccuracy() {
        SplittableRandom r = new SplittableRandom(SEED);
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(3 * gaussian(r));
        }
        QuantileSketch s = QuantileSketch.onHeap(0.001, 1 << 14, 16);
        s.addAll(v, 0, v.length);
        assertQuantiles("alpha 0.001", s, v, 0.001);
    }

    @Test
    void shouldEqualAddingAllWhenMerged() {
        SplittableRandom r = new SplittableRandom(SEED);
        QuantileSketch all = QuantileSketch.onHeap(ALPHA, 2048, 2048);
        QuantileSketch merged = QuantileSketch.onHeap(ALPHA, 2048, 2048);
        // Partials with other capacities, as panes and pre-aggregated partials would have.
        QuantileSketch part = new QuantileSketch(ALPHA);
        long[] pages = new long[3 * QuantileSketch.regionLength(1024, 1024)];
        for (int p = 0; p < 3; p++) {
            part.format(pages, p * QuantileSketch.regionLength(1024, 1024), 1024, 1024);
            for (int i = 0; i < 10_000; i++) {
                double v = (p == 1 ? -1 : 1) * Math.exp(p + gaussian(r));
                part.add(i % 101 == 0 ? 0.0 : v);
                all.add(i % 101 == 0 ? 0.0 : v);
            }
        }
        for (int p = 0; p < 3; p++) {
            merged.merge(part.wrap(pages, p * QuantileSketch.regionLength(1024, 1024)));
        }
        assertThat(merged.count()).isEqualTo(all.count());
        assertThat(merged.zeroCount()).isEqualTo(all.zeroCount());
        assertThat(merged.min()).isEqualTo(all.min());
        assertThat(merged.max()).isEqualTo(all.max());
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(merged.quantile(q)).as("seed %d, q %f", SEED, q).isEqualTo(all.quantile(q));
        }
    }

    @Test
    void shouldRoundTripThroughSerialisation() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED);
        QuantileSketch s = QuantileSketch.onHeap(ALPHA, 512, 512);
        for (int i = 0; i < 5_000; i++) {
            s.add(i % 50 == 0 ? 0.0 : 10 * gaussian(r));
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.write(out);
        QuantileSketch back = QuantileSketch.onHeap(ALPHA, 512, 512);
        back.read(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.count()).isEqualTo(s.count());
        assertThat(back.zeroCount()).isEqualTo(s.zeroCount());
        assertThat(back.min()).isEqualTo(s.min());
        assertThat(back.max()).isEqualTo(s.max());
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(back.quantile(q)).as("seed %d, q %f", SEED, q).isEqualTo(s.quantile(q));
        }
        DataOutputSerializer again = new DataOutputSerializer(64);
        back.write(again);
        assertThat(again.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    @Test
    void shouldRefuseToReadASketchOfAnotherAccuracy() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        QuantileSketch.onHeap(0.02, 64, 64).write(out);
        QuantileSketch other = QuantileSketch.onHeap(ALPHA, 64, 64);
        assertThatThrownBy(() -> other.read(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("relative accuracy 0.02");
    }

    @Test
    void shouldBoundMemoryByCollapsingTheLowestBuckets() {
        int capacity = 256;
        QuantileSketch s = QuantileSketch.onHeap(ALPHA, capacity, 8);
        long[] region = s.region();
        int length = region.length;
        double[] v = new double[100_000];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow(10, r.nextDouble(-20, 20)); // 40 decades: far more than 256 buckets
        }
        s.addAll(v, 0, v.length);
        assertThat(s.region()).isSameAs(region);
        assertThat(region).hasSize(length);
        Arrays.sort(v);
        // 256 buckets at 1% cover a factor of about e^(256·0.02) ≈ 170: the top two decades.
        for (double q : new double[] {0.99, 0.995, 0.999, 1.0}) {
            double exact = v[(int) Math.floor(q * (v.length - 1))];
            assertThat(relativeError(s.quantile(q), exact))
                    .as("seed %d, q %f", SEED, q)
                    .isLessThanOrEqualTo(ALPHA + 1e-12);
        }
        // Below the collapse point the estimate is an over-estimate, never below the exact value.
        double median = v[(v.length - 1) / 2];
        assertThat(s.quantile(0.5)).isGreaterThan(median);
        assertThat(s.quantile(0.0)).isEqualTo(v[0]);
        assertThat(s.count()).isEqualTo(v.length);
    }

    @Test
    void shouldRejectNonFiniteValuesAndBadQuantiles() {
        QuantileSketch s = QuantileSketch.onHeap(ALPHA, 64, 64);
        assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.add(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.quantile(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
        assertThat(s.quantile(0.5)).isNaN();
    }

    @Test
    void shouldKeepSketchesSideBySideInOneRegion() {
        QuantileSketch s = new QuantileSketch(ALPHA);
        int len = QuantileSketch.regionLength(128, 16);
        long[] page = new long[2 * len];
        s.format(page, 0, 128, 16).add(1.0);
        s.format(page, len, 128, 16).add(1000.0);
        assertThat(s.wrap(page, 0).quantile(0.5)).isEqualTo(1.0);
        assertThat(s.wrap(page, len).quantile(0.5)).isEqualTo(1000.0);
    }

    private static void assertAccurate(String name, DoubleSupplier values, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = values.getAsDouble();
        }
        QuantileSketch s = QuantileSketch.onHeap(ALPHA, 2048, 2048);
        s.addAll(v, 0, n);
        assertQuantiles(name, s, v, ALPHA);
    }

    private static void assertQuantiles(String name, QuantileSketch s, double[] v, double alpha) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        assertThat(s.count()).isEqualTo(v.length);
        for (double q : QUANTILES) {
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            assertThat(relativeError(s.quantile(q), exact))
                    .as("seed %d, %s, q %f: %f vs exact %f", SEED, name, q, s.quantile(q), exact)
                    .isLessThanOrEqualTo(alpha + 1e-12);
        }
    }

    private static double relativeError(double actual, double exact) {
        return exact == 0.0 ? Math.abs(actual) : Math.abs(actual - exact) / Math.abs(exact);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2.0 * Math.log(1.0 - r.nextDouble()))
                * Math.cos(2.0 * Math.PI * r.nextDouble());
    }
}

package io.tsagg.operators.sketch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link QuantileSketch} and {@link HeapQuantileSketch}. */
class QuantileSketchTest {
    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final double[] QUANTILES = {
        0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1
    };
    private static final double ALPHA = QuantileSketch.DEFAULT_RELATIVE_ACCURACY;

    /** Off-heap memory of a test, freed after it. */
    private MemorySegment offHeap;

    @AfterEach
    void freeOffHeap() {
        if (offHeap != null) {
            offHeap.free();
        }
    }

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
        assertAccurate("few", () -> r.nextDouble(-5, 5), 7);
    }

    @Test
    void shouldHonourAConfiguredRelativeAccuracy() {
        SplittableRandom r = new SplittableRandom(SEED);
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(3 * gaussian(r));
        }
        // At 0.1% the ±4σ range needs about 12,000 buckets: allow a region that holds them.
        HeapQuantileSketch s = new HeapQuantileSketch(0.001, 1 << 17);
        for (double x : v) {
            s.add(x);
        }
        assertQuantiles("alpha 0.001", s.sketch(), v, 0.001);
    }

    @Test
    void shouldGrowFromTheSmallestRegionOnlyAsTheOccupiedRangeNeeds() {
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        s.add(10.0);
        s.add(10.05);
        assertThat(s.sketch().length()).isEqualTo(QuantileSketch.MIN_BYTES);
        // 10 .. 15 at 1%: about 21 buckets, 64 + 8 * 21 bytes: the 256-byte class.
        for (double x = 10; x <= 15; x += 0.01) {
            s.add(x);
        }
        assertThat(s.sketch().occupiedBuckets()).isBetween(20, 24);
        assertThat(s.sketch().length()).isEqualTo(256);
        s.add(-3.0);
        assertThat(s.sketch().length()).isEqualTo(256);
        assertThat(s.sketch().quantile(0.0)).isEqualTo(-3.0);
    }

    @Test
    void shouldChangeNothingWhenItAsksToGrowAndContinueInTheCopy() {
        offHeap = MemorySegmentFactory.allocateOffHeapUnsafeMemory(1 << 20);
        QuantileSketch s = new QuantileSketch(ALPHA).format(offHeap, 64, QuantileSketch.MIN_BYTES);
        HeapQuantileSketch reference = new HeapQuantileSketch(ALPHA);
        SplittableRandom r = new SplittableRandom(SEED);
        int offset = 64;
        int grown = 0;
        for (int i = 0; i < 20_000; i++) {
            double v = (r.nextInt(5) == 0 ? -1 : 1) * Math.exp(2 * gaussian(r)); // no collapse
            reference.add(v);
            if (!s.tryAdd(v, 1)) {
                long count = s.count();
                boolean raw = s.isRaw();
                int occupied = s.occupiedBuckets();
                int required = s.requiredBytes();
                assertThat(required)
                        .isGreaterThan(
                                QuantileSketch.HEADER_BYTES + 8 * (raw ? (int) count : occupied));
                int next = offset + s.length();
                // As owners do: the next power of two (slab size classes, doubling arrays).
                int size = Math.min(Integer.highestOneBit(required - 1) << 1, s.maxBytes());
                s.copyTo(offHeap, next, size);
                s.wrap(offHeap, next);
                offset = next;
                grown++;
                assertThat(s.count()).isEqualTo(count);
                if (raw == s.isRaw()) {
                    assertThat(s.occupiedBuckets()).isEqualTo(occupied);
                } else {
                    assertThat(count).isEqualTo(QuantileSketch.RAW_MAX); // turned into buckets
                }
                assertThat(s.tryAdd(v, 1)).isTrue();
            }
        }
        assertThat(grown).isBetween(1, 30);
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(s.quantile(q))
                    .as("seed %d, q %f", SEED, q)
                    .isEqualTo(reference.sketch().quantile(q));
        }
    }

    @Test
    void shouldEqualAddingAllWhenMerged() {
        SplittableRandom r = new SplittableRandom(SEED);
        HeapQuantileSketch all = new HeapQuantileSketch(ALPHA);
        HeapQuantileSketch merged = new HeapQuantileSketch(ALPHA);
        HeapQuantileSketch[] parts = new HeapQuantileSketch[3];
        for (int p = 0; p < 3; p++) {
            parts[p] = new HeapQuantileSketch(ALPHA);
            for (int i = 0; i < 10_000; i++) {
                double v = i % 101 == 0 ? 0.0 : (p == 1 ? -1 : 1) * Math.exp(p + gaussian(r));
                parts[p].add(v);
                all.add(v);
            }
        }
        for (HeapQuantileSketch part : parts) {
            merged.merge(part.sketch());
        }
        assertThat(merged.sketch().count()).isEqualTo(all.sketch().count());
        assertThat(merged.sketch().zeroCount()).isEqualTo(all.sketch().zeroCount());
        assertThat(merged.sketch().min()).isEqualTo(all.sketch().min());
        assertThat(merged.sketch().max()).isEqualTo(all.sketch().max());
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(merged.sketch().quantile(q))
                    .as("seed %d, q %f", SEED, q)
                    .isEqualTo(all.sketch().quantile(q));
        }
    }

    @Test
    void shouldRoundTripThroughTheCompactEncoding() throws IOException {
        SplittableRandom r = new SplittableRandom(SEED);
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        for (int i = 0; i < 5_000; i++) {
            s.add(i % 50 == 0 ? 0.0 : 10 * gaussian(r));
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.sketch().write(out);
        HeapQuantileSketch back =
                new HeapQuantileSketch(ALPHA)
                        .read(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.sketch().count()).isEqualTo(s.sketch().count());
        assertThat(back.sketch().zeroCount()).isEqualTo(s.sketch().zeroCount());
        assertThat(back.sketch().min()).isEqualTo(s.sketch().min());
        assertThat(back.sketch().max()).isEqualTo(s.sketch().max());
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(back.sketch().quantile(q))
                    .as("seed %d, q %f", SEED, q)
                    .isEqualTo(s.sketch().quantile(q));
        }
        DataOutputSerializer again = new DataOutputSerializer(64);
        back.sketch().write(again);
        assertThat(again.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    @Test
    void shouldWriteOnlyTheOccupiedBucketsWithShortCounts() throws IOException {
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        for (int i = 0; i < 600; i++) {
            s.add(50.0 + (i % 60) * 0.5); // 50 .. 79.5: about 24 buckets, counts < 128
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.sketch().write(out);
        int buckets = s.sketch().occupiedBuckets();
        // Version, mapping, accuracy, kind, zero count, min, max, two ranges, a byte per count.
        assertThat(out.length()).isEqualTo(2 + 8 + 1 + 1 + 16 + 16 + buckets);
    }

    @Test
    void shouldRefuseToReadASketchOfAnotherAccuracy() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        HeapQuantileSketch other = new HeapQuantileSketch(0.02);
        other.add(1.0);
        other.sketch().write(out);
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        assertThatThrownBy(() -> s.read(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("relative accuracy 0.02");
    }

    @Test
    void shouldBoundMemoryByCollapsingTheLowestBuckets() {
        int maxBytes = QuantileSketch.HEADER_BYTES + 8 * 256;
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA, maxBytes);
        double[] v = new double[100_000];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.pow(10, r.nextDouble(-20, 20)); // 40 decades: far more than 256 buckets
            s.add(v[i]);
        }
        assertThat(s.sketch().length()).isEqualTo(maxBytes);
        Arrays.sort(v);
        // 256 buckets at 1% cover a factor of about e^(256·0.02) ≈ 170: the top two decades.
        for (double q : new double[] {0.99, 0.995, 0.999, 1.0}) {
            double exact = v[(int) Math.floor(q * (v.length - 1))];
            assertThat(relativeError(s.sketch().quantile(q), exact))
                    .as("seed %d, q %f", SEED, q)
                    .isLessThanOrEqualTo(ALPHA + 1e-12);
        }
        // Below the collapse point the estimate is an over-estimate, never below the exact value.
        double median = v[(v.length - 1) / 2];
        assertThat(s.sketch().quantile(0.5)).isGreaterThan(median);
        assertThat(s.sketch().quantile(0.0)).isEqualTo(v[0]);
        assertThat(s.sketch().count()).isEqualTo(v.length);
    }

    @Test
    void shouldResplitTheLargestRegionBeforeCollapsing() {
        int maxBytes = QuantileSketch.HEADER_BYTES + 8 * 248;
        HeapQuantileSketch bounded = new HeapQuantileSketch(ALPHA, maxBytes);
        HeapQuantileSketch unbounded = new HeapQuantileSketch(ALPHA);
        // One negative bucket, then 1 .. e^4: about 200 positive buckets that take the rest of
        // the region, then 40 negative ones: 240 fit in 248 if the positive store gives some back.
        bounded.add(-1.0);
        unbounded.add(-1.0);
        for (double x = 1; x < Math.exp(4); x *= 1.005) {
            bounded.add(x);
            unbounded.add(x);
        }
        for (double x = -1; x > -Math.exp(0.8); x *= 1.005) {
            bounded.add(x);
            unbounded.add(x);
        }
        assertThat(bounded.sketch().length()).isEqualTo(maxBytes);
        assertThat(bounded.sketch().occupiedBuckets())
                .isEqualTo(unbounded.sketch().occupiedBuckets());
        for (double q = 0; q <= 1.0; q += 0.001) {
            assertThat(bounded.sketch().quantile(q))
                    .as("q %f", q)
                    .isEqualTo(unbounded.sketch().quantile(q));
        }
    }

    @Test
    void shouldKeepFewValuesRawAndExactThenTurnIntoBuckets() throws IOException {
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        double[] v = new double[QuantileSketch.RAW_MAX + 1];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < QuantileSketch.RAW_MAX; i++) {
            v[i] = Math.pow(10, r.nextDouble(-3, 6)) * (i % 5 == 0 ? -1 : 1);
            s.add(v[i]);
        }
        // Nine decades in 24 values: raw, 256 bytes, exact; as buckets it would take ~1,000.
        assertThat(s.sketch().isRaw()).isTrue();
        assertThat(s.sketch().length()).isEqualTo(256);
        double[] sorted = Arrays.copyOf(v, QuantileSketch.RAW_MAX);
        Arrays.sort(sorted);
        for (double q = 0; q <= 1.0; q += 0.01) {
            assertThat(s.sketch().quantile(q))
                    .isEqualTo(sorted[(int) Math.floor(q * (sorted.length - 1))]);
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.sketch().write(out);
        assertThat(out.length()).isEqualTo(2 + 8 + 1 + 1 + 8 * QuantileSketch.RAW_MAX);
        HeapQuantileSketch back =
                new HeapQuantileSketch(ALPHA)
                        .read(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.sketch().isRaw()).isTrue();
        assertThat(back.sketch().quantile(0.5)).isEqualTo(s.sketch().quantile(0.5));

        v[QuantileSketch.RAW_MAX] = 1.0;
        s.add(1.0);
        assertThat(s.sketch().isRaw()).isFalse();
        assertQuantiles("turned into buckets", s.sketch(), v, ALPHA);
        s.clear();
        assertThat(s.sketch().isRaw()).isTrue();
        assertThat(s.sketch().count()).isZero();
    }

    @Test
    void shouldMergeRawAndBucketSketchesInAnyOrderLikeAddingAll() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int trial = 0; trial < 200; trial++) {
            int parts = 1 + r.nextInt(5);
            HeapQuantileSketch all = new HeapQuantileSketch(ALPHA);
            HeapQuantileSketch merged = new HeapQuantileSketch(ALPHA);
            for (int p = 0; p < parts; p++) {
                HeapQuantileSketch part = new HeapQuantileSketch(ALPHA);
                int n = r.nextInt(3) == 0 ? r.nextInt(60) : r.nextInt(12);
                for (int i = 0; i < n; i++) {
                    double v = r.nextInt(10) == 0 ? 0.0 : 100 * gaussian(r);
                    part.add(v);
                    all.add(v);
                }
                merged.merge(part.sketch());
            }
            assertThat(merged.sketch().count()).isEqualTo(all.sketch().count());
            assertThat(merged.sketch().isRaw()).isEqualTo(all.sketch().isRaw());
            assertThat(merged.sketch().zeroCount()).isEqualTo(all.sketch().zeroCount());
            for (double q = 0; q <= 1.0; q += 0.01) {
                // Bit for bit, NaN (no values at all) included.
                assertThat(Double.doubleToLongBits(merged.sketch().quantile(q)))
                        .as("seed %d, trial %d, q %f", SEED, trial, q)
                        .isEqualTo(Double.doubleToLongBits(all.sketch().quantile(q)));
            }
        }
    }

    @Test
    void shouldRejectNonFiniteValuesAndBadQuantiles() {
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.add(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sketch().quantile(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
        assertThat(s.sketch().quantile(0.5)).isNaN();
    }

    @Test
    void shouldKeepSketchesSideBySideInOneSegment() {
        offHeap = MemorySegmentFactory.allocateOffHeapUnsafeMemory(4096);
        QuantileSketch s = new QuantileSketch(ALPHA);
        assertThat(s.format(offHeap, 0, 256).tryAdd(1.0, 1)).isTrue();
        assertThat(s.format(offHeap, 256, 256).tryAdd(1000.0, 3)).isTrue();
        assertThat(s.tryAdd(1000.0, QuantileSketch.RAW_MAX)).isFalse(); // would turn into buckets
        assertThat(s.wrap(offHeap, 0).quantile(0.5)).isEqualTo(1.0);
        assertThat(s.wrap(offHeap, 256).quantile(0.5)).isEqualTo(1000.0);
        assertThat(s.count()).isEqualTo(3);
    }

    private static void assertAccurate(String name, DoubleSupplier values, int n) {
        double[] v = new double[n];
        HeapQuantileSketch s = new HeapQuantileSketch(ALPHA);
        for (int i = 0; i < n; i++) {
            v[i] = values.getAsDouble();
            s.add(v[i]);
        }
        assertQuantiles(name, s.sketch(), v, ALPHA);
    }

    static void assertQuantiles(String name, QuantileSketch s, double[] v, double alpha) {
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

    static double relativeError(double actual, double exact) {
        return exact == 0.0 ? Math.abs(actual) : Math.abs(actual - exact) / Math.abs(exact);
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2.0 * Math.log(1.0 - r.nextDouble()))
                * Math.cos(2.0 * Math.PI * r.nextDouble());
    }
}

package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Tests for {@link Summary}. */
class SummaryTest {

    private static final MathContext MC = new MathContext(60);

    @Test
    void shouldMatchTwoPassReferenceWhenSamplesAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);

        for (int trial = 0; trial < 50; trial++) {
            final double[] values = randomValues(random, 2 + random.nextInt(5_000));
            final Summary summary = new Summary();
            for (int i = 0; i < values.length; i++) {
                summary.add(i, values[i]);
            }

            assertMatchesReference(summary, values, 1e-12, "seed " + seed + ", trial " + trial);
        }
    }

    @Test
    void shouldEqualAddingAllWhenSplitSummariesAreMerged() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);

        for (int trial = 0; trial < 50; trial++) {
            final double[] values = randomValues(random, 2 + random.nextInt(3_000));
            final int parts = 1 + random.nextInt(8);
            final Summary[] split = new Summary[parts];
            for (int p = 0; p < parts; p++) {
                split[p] = new Summary();
            }
            final Summary all = new Summary();
            for (int i = 0; i < values.length; i++) {
                all.add(i, values[i]);
                split[random.nextInt(parts)].add(i, values[i]);
            }

            final Summary merged = new Summary();
            for (Summary s : split) {
                merged.merge(s);
            }

            final String as = "seed " + seed + ", trial " + trial;
            assertMatchesReference(merged, values, 1e-12, as);
            assertThat(merged.count()).as(as).isEqualTo(all.count());
            assertThat(merged.min()).as(as).isEqualTo(all.min());
            assertThat(merged.max()).as(as).isEqualTo(all.max());
            assertThat(merged.first()).as(as).isEqualTo(all.first());
            assertThat(merged.last()).as(as).isEqualTo(all.last());
            assertThat(merged.firstTimestamp()).as(as).isEqualTo(all.firstTimestamp());
            assertThat(merged.lastTimestamp()).as(as).isEqualTo(all.lastTimestamp());
        }
    }

    @Test
    void shouldKeepEightDigitsOfStddevWhenOffsetIsLargeAndSpreadSmall() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);

        for (int trial = 0; trial < 20; trial++) {
            final double[] values = new double[2_000 + random.nextInt(20_000)];
            for (int i = 0; i < values.length; i++) {
                values[i] = 1e7 + 0.1 * random.nextDouble();
            }
            final Summary added = new Summary();
            final Summary[] panes = {new Summary(), new Summary(), new Summary(), new Summary()};
            for (int i = 0; i < values.length; i++) {
                added.add(i, values[i]);
                panes[i * panes.length / values.length].add(i, values[i]);
            }
            final Summary merged = new Summary();
            for (Summary pane : panes) {
                merged.merge(pane);
            }

            final double stddev = referenceStddev(values);
            final double sum = referenceSum(values).doubleValue();
            final String as = "seed " + seed + ", trial " + trial;
            assertThat(added.stddev()).as(as).isCloseTo(stddev, within(stddev * 1e-8));
            assertThat(merged.stddev()).as(as).isCloseTo(stddev, within(stddev * 1e-8));
            assertThat(added.sum()).as(as).isCloseTo(sum, within(Math.ulp(sum)));
            assertThat(merged.sum()).as(as).isCloseTo(sum, within(Math.ulp(sum)));
        }
    }

    @Test
    void shouldTakeFirstAndLastByTimestampWhenSamplesArriveOutOfOrder() {
        final Summary summary = new Summary();

        summary.add(50, 5.0);
        summary.add(10, 1.0);
        summary.add(90, 9.0);
        summary.add(30, 3.0);

        assertThat(summary.first()).isEqualTo(1.0);
        assertThat(summary.firstTimestamp()).isEqualTo(10);
        assertThat(summary.last()).isEqualTo(9.0);
        assertThat(summary.lastTimestamp()).isEqualTo(90);
    }

    @Test
    void shouldKeepEarlierArrivalForFirstAndLaterForLastWhenTimestampsTie() {
        final Summary summary = new Summary();

        summary.add(10, 1.0);
        summary.add(10, 2.0);
        summary.add(20, 3.0);
        summary.add(20, 4.0);

        assertThat(summary.first()).isEqualTo(1.0);
        assertThat(summary.last()).isEqualTo(4.0);
    }

    @Test
    void shouldTakeFirstAndLastByTimestampWhenMergingInAnyOrder() {
        final Summary early = new Summary();
        early.add(10, 1.0);
        early.add(20, 2.0);
        final Summary late = new Summary();
        late.add(30, 3.0);
        late.add(40, 4.0);

        final Summary lateFirst = new Summary();
        lateFirst.merge(late);
        lateFirst.merge(early);
        final Summary earlyFirst = new Summary();
        earlyFirst.merge(early);
        earlyFirst.merge(late);

        for (Summary s : new Summary[] {lateFirst, earlyFirst}) {
            assertThat(s.first()).isEqualTo(1.0);
            assertThat(s.last()).isEqualTo(4.0);
            assertThat(s.count()).isEqualTo(4);
            assertThat(s.mean()).isEqualTo(2.5);
        }
    }

    @Test
    void shouldReportNaNStddevWhenCountIsBelowTwo() {
        final Summary summary = new Summary();

        assertThat(summary.stddev()).isNaN();
        assertThat(summary.variance()).isNaN();
        summary.add(1, 42.0);
        assertThat(summary.stddev()).isNaN();
        assertThat(summary.count()).isEqualTo(1);
        assertThat(summary.mean()).isEqualTo(42.0);
        summary.add(2, 44.0);
        assertThat(summary.stddev()).isCloseTo(Math.sqrt(2.0), within(1e-15));
    }

    @Test
    void shouldReportZeroStddevWhenAllValuesAreEqual() {
        final Summary summary = new Summary();
        for (int i = 0; i < 1_000; i++) {
            summary.add(i, 0.1);
        }

        assertThat(summary.stddev()).isEqualTo(0.0);
        assertThat(summary.min()).isEqualTo(0.1);
        assertThat(summary.max()).isEqualTo(0.1);
    }

    @Test
    void shouldLeaveSummaryUnchangedWhenMergingAnEmptyOne() {
        final Summary summary = new Summary();
        summary.add(1, 1.0);
        summary.add(2, 3.0);

        summary.merge(new Summary());

        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.mean()).isEqualTo(2.0);
        assertThat(summary.m2()).isEqualTo(2.0);
        assertThat(summary.last()).isEqualTo(3.0);
    }

    @Test
    void shouldRestoreEveryFieldWhenEncodedAndDecoded() throws IOException {
        final Summary summary = new Summary();
        summary.add(-5, 1e7 + 0.01);
        summary.add(7, -3.25);
        summary.add(3, 1e-300);
        final DataOutputSerializer out = new DataOutputSerializer(16);

        summary.write(out);
        final Summary read = new Summary().read(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(out.length()).isEqualTo(Summary.ENCODED_BYTES);
        assertThat(read.count()).isEqualTo(summary.count());
        assertThat(read.sum()).isEqualTo(summary.sum());
        assertThat(read.compensation).isEqualTo(summary.compensation);
        assertThat(read.shift).isEqualTo(summary.shift);
        assertThat(read.min()).isEqualTo(summary.min());
        assertThat(read.max()).isEqualTo(summary.max());
        assertThat(read.mean()).isEqualTo(summary.mean());
        assertThat(read.m2()).isEqualTo(summary.m2());
        assertThat(read.firstTimestamp()).isEqualTo(-5);
        assertThat(read.first()).isEqualTo(1e7 + 0.01);
        assertThat(read.lastTimestamp()).isEqualTo(7);
        assertThat(read.last()).isEqualTo(-3.25);
    }

    @Test
    void shouldCarryItsQuantileSketchThroughMergeAndEncoding() throws IOException {
        final Summary a = new Summary(0.01);
        final Summary b = new Summary(0.01);
        final Summary all = new Summary(0.01);
        for (int i = 0; i < 1_000; i++) {
            final double v = Math.exp(i % 37) - 500;
            (i % 3 == 0 ? a : b).add(i, v);
            all.add(i, v);
        }
        final Summary merged = new Summary(0.01).merge(a).merge(b);
        final DataOutputSerializer out = new DataOutputSerializer(64);
        merged.write(out);
        // A receiver without quantiles of its own takes the sketch it reads (partial transport).
        final Summary read = new Summary().read(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(out.length()).isGreaterThan(Summary.ENCODED_BYTES);
        assertThat(read.hasQuantiles()).isTrue();
        assertThat(read.sketch().count()).isEqualTo(all.count());
        for (double q = 0; q <= 1; q += 0.01) {
            assertThat(merged.quantile(q)).as("q %f", q).isEqualTo(all.quantile(q));
            assertThat(read.quantile(q)).as("q %f", q).isEqualTo(all.quantile(q));
        }
    }

    @Test
    void shouldRefuseToMergeASummaryWithoutSketchIntoOneWithQuantiles() {
        final Summary withQuantiles = new Summary(0.01);
        withQuantiles.add(1, 1.0);
        final Summary plain = new Summary();
        plain.add(2, 2.0);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withQuantiles.merge(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantile sketch");
        assertThat(new Summary().merge(withQuantiles).hasQuantiles()).isFalse();
    }

    @Test
    void shouldRoundTripEmptySummaryWhenEncoded() throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(16);

        new Summary().write(out);
        final Summary read = new Summary();
        read.add(1, 2.0);
        read.read(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(read.count()).isZero();
        assertThat(read.min()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(read.max()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(read.first()).isNaN();
        assertThat(read.last()).isNaN();
    }

    // ---------------------------------------------------------------- reference

    /** Values around a random offset with a random spread, so the mean is well away from 0. */
    private static double[] randomValues(Random random, int n) {
        final double offset = (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextInt(7));
        final double spread = Math.abs(offset) * Math.pow(10, -random.nextInt(4)) / 4;
        final double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = offset + spread * random.nextGaussian();
        }
        return values;
    }

    private static BigDecimal referenceSum(double[] values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
            sum = sum.add(new BigDecimal(v));
        }
        return sum;
    }

    private static double referenceStddev(double[] values) {
        final BigDecimal mean = referenceSum(values).divide(BigDecimal.valueOf(values.length), MC);
        BigDecimal m2 = BigDecimal.ZERO;
        for (double v : values) {
            final BigDecimal d = new BigDecimal(v).subtract(mean);
            m2 = m2.add(d.multiply(d));
        }
        return m2.divide(BigDecimal.valueOf(values.length - 1), MC).sqrt(MC).doubleValue();
    }

    private static void assertMatchesReference(
            Summary summary, double[] values, double relative, String as) {
        final BigDecimal sum = referenceSum(values);
        final double mean = sum.divide(BigDecimal.valueOf(values.length), MC).doubleValue();
        final double stddev = referenceStddev(values);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }

        assertThat(summary.count()).as(as).isEqualTo(values.length);
        assertThat(summary.sum())
                .as(as)
                .isCloseTo(sum.doubleValue(), relativeTo(sum.doubleValue(), relative));
        assertThat(summary.mean()).as(as).isCloseTo(mean, relativeTo(mean, relative));
        assertThat(summary.stddev()).as(as).isCloseTo(stddev, relativeTo(stddev, relative));
        assertThat(summary.min()).as(as).isEqualTo(min);
        assertThat(summary.max()).as(as).isEqualTo(max);
        assertThat(summary.first()).as(as).isEqualTo(values[0]);
        assertThat(summary.last()).as(as).isEqualTo(values[values.length - 1]);
    }

    private static Offset<Double> relativeTo(double expected, double relative) {
        return within(Math.abs(expected) * relative);
    }
}

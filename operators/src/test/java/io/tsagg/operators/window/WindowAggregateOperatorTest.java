package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.MetricRecordSerializer;
import io.tsagg.serde.record.RecordTypeInfo;
import io.tsagg.serde.record.WindowResult;
import io.tsagg.serde.record.WindowResultSerializer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link WindowAggregateOperator}. */
class WindowAggregateOperatorTest {

    private static final int MAX_PARALLELISM = 128;
    private static final OutputTag<MetricRecord> LATE =
            new OutputTag<>("late-samples", RecordTypeInfo.METRIC_RECORD);
    private static final long KEY_A = 0x1111_2222_3333_4444L;
    private static final long KEY_B = -0x5555_6666_7777_8888L;

    /**
     * Quantiles every harness emits, so every comparison (reference, restore, rescale) covers the
     * sketches too; {@link #shouldEmitNoQuantilesWhenNoneAreConfigured} turns them off.
     */
    private static final double[] QUANTILES = {0.0, 0.5, 0.9, 0.99, 1.0};

    private static final double QUANTILE_ACCURACY = 0.01;

    /** Quantiles of the harnesses of the running test. */
    private static double[] quantiles = QUANTILES;

    // ---------------------------------------------------------------- firing

    @Test
    void shouldMatchIndependentComputationWhenTumblingWindowsSeeRandomSamples() throws Exception {
        assertMatchesReference(WindowSpec.tumbling(10_000), 0, 0.0);
    }

    @Test
    void shouldMatchIndependentComputationWhenSlidingWindowsSeeRandomSamples() throws Exception {
        assertMatchesReference(WindowSpec.sliding(10_000, 5_000), 0, 0.0);
    }

    @Test
    void shouldMatchIndependentComputationWhenSlideDoesNotDivideSize() throws Exception {
        assertMatchesReference(WindowSpec.sliding(10_000, 4_000), 0, 0.0);
    }

    @Test
    void shouldEmitNothingWhenWatermarkHasNotPassedWindowEnd() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 0, 1.0);
            h.sample(KEY_A, 9_999, 3.0);

            assertThat(h.watermark(9_998)).isEmpty();
            assertThat(h.watermark(9_999)).isEmpty();
            final List<StreamRecord<WindowResult>> fired = h.watermark(10_000);

            assertThat(fired).hasSize(1);
            assertThat(fired.get(0).getTimestamp()).isEqualTo(9_999);
            final WindowResult r = fired.get(0).getValue();
            assertThat(r.keyString()).isEqualTo("a");
            assertThat(r.keyId()).isEqualTo(KEY_A);
            assertThat(r.windowStart()).isEqualTo(0);
            assertThat(r.windowEnd()).isEqualTo(10_000);
            assertThat(r.count()).isEqualTo(2);
            assertThat(r.sum()).isEqualTo(4.0);
            assertThat(r.mean()).isEqualTo(2.0);
            assertThat(r.stddev()).isCloseTo(Math.sqrt(2.0), within(1e-15));
            assertThat(r.first()).isEqualTo(1.0);
            assertThat(r.last()).isEqualTo(3.0);
        }
    }

    @Test
    void shouldEmitOneResultPerKeyWithSamplesWhenWindowFires() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.key(KEY_A, "a");
            h.key(KEY_B, "b");
            h.sample(KEY_A, -5_000, 1.0);
            h.sample(KEY_B, 5_000, 2.0);
            h.sample(KEY_A, 15_000, 3.0);

            final List<StreamRecord<WindowResult>> fired = h.watermark(20_000);

            assertThat(fired)
                    .extracting(r -> r.getValue().keyString() + "@" + r.getValue().windowStart())
                    .containsExactlyInAnyOrder("a@-10000", "b@0", "a@10000");
            assertThat(fired).allMatch(r -> r.getValue().count() == 1);
            assertThat(fired).allMatch(r -> Double.isNaN(r.getValue().stddev()));
        }
    }

    @Test
    void shouldEmitNoQuantilesWhenNoneAreConfigured() throws Exception {
        quantiles = new double[0];
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 1_000, 1.0);
            h.sample(KEY_A, 2_000, 3.0);
            final List<StreamRecord<WindowResult>> fired = h.watermark(10_000);
            assertThat(fired).hasSize(1);
            assertThat(fired.get(0).getValue().count()).isEqualTo(2);
            assertThat(fired.get(0).getValue().quantileCount()).isZero();
        }
    }

    @Test
    void shouldEmitConfiguredQuantilesInTheirOrder() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.key(KEY_A, "a");
            for (int i = 1; i <= 100; i++) {
                h.sample(KEY_A, i * 10, i);
            }
            final WindowResult r = h.watermark(10_000).get(0).getValue();
            assertThat(r.quantileCount()).isEqualTo(QUANTILES.length);
            // Ranks floor(q * 99) of 1..100: 1, 50, 90, 99, 100.
            final double[] exact = {1, 50, 90, 99, 100};
            for (int i = 0; i < exact.length; i++) {
                assertThat(r.quantile(i))
                        .as("q %f", QUANTILES[i])
                        .isCloseTo(exact[i], within(exact[i] * QUANTILE_ACCURACY));
            }
        }
    }

    @Test
    void shouldIgnoreWatermarkWhenItGoesBack() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 15_000, 1.0);
            assertThat(h.watermark(12_000)).isEmpty();

            assertThat(h.watermark(5_000)).isEmpty();
            h.sample(KEY_A, 8_000, 2.0);

            assertThat(h.late()).extracting(MetricRecord::timestamp).containsExactly(8_000L);
            assertThat(h.watermark(20_000)).hasSize(1);
        }
    }

    @Test
    void shouldNameKeyByIdWhenDictionaryEntryIsMissing() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 0)) {
            h.sample(0xABCDL, 1, 1.0);

            final List<StreamRecord<WindowResult>> fired = h.watermark(10_000);

            assertThat(fired).hasSize(1);
            assertThat(fired.get(0).getValue().keyString()).isEqualTo("unknown:abcd");
        }
    }

    @Test
    void shouldForgetKeysOnlyOnceTheWatermarkPassesValidUntilPlusWindowAndLateness()
            throws Exception {
        final long size = 10_000;
        final long lateness = 3_000;
        OperatorSubtaskState state;
        try (Harness h = Harness.open(WindowSpec.tumbling(size), lateness)) {
            // Announced valid until 20,000: samples of A are stamped before it, so the last one
            // can fall in [10,000, 20,000), whose window may still be updated until 23,000.
            h.key(KEY_A, "a", 20_000);
            h.key(KEY_B, "b", 20_000);
            h.key(KEY_B, "b", 40_000); // announced again in B's next epoch
            h.sample(KEY_A, 19_999, 1.0);
            h.sample(KEY_B, 19_999, 1.0);

            assertThat(h.watermark(20_000 + lateness - 1))
                    .extracting(r -> r.getValue().keyString())
                    .containsExactlyInAnyOrder("a", "b");
            // Within the lateness: A's window is updated, and named when emitted again.
            h.sample(KEY_A, 19_000, 2.0);
            assertThat(h.watermark(20_000 + size + lateness - 1))
                    .extracting(r -> r.getValue().keyString() + " " + r.getValue().count())
                    .containsExactly("a 2");
            assertThat(h.counter("expiredKeys")).isZero();
            assertThat(h.gauge("liveKeys")).isEqualTo(2);

            // Now a sample stamped before 20,000 is late in every window: A is forgotten.
            assertThat(h.watermark(20_000 + size + lateness)).isEmpty();
            assertThat(h.counter("expiredKeys")).isEqualTo(1);
            assertThat(h.gauge("liveKeys")).isEqualTo(1);
            assertThat(h.counter("unnamedKeys")).isZero();
            state = h.snapshot();
        }
        try (Harness restored = Harness.open(WindowSpec.tumbling(size), lateness, 1, 0, state)) {
            // B's time survives the snapshot: named until the watermark passes 53,000.
            restored.sample(KEY_B, 39_999, 5.0);
            assertThat(restored.watermark(40_000 + size + lateness - 1))
                    .extracting(r -> r.getValue().keyString())
                    .containsExactly("b");
            assertThat(restored.counter("expiredKeys")).isZero();
            restored.watermark(40_000 + size + lateness);
            assertThat(restored.counter("expiredKeys")).isEqualTo(1);
            assertThat(restored.gauge("liveKeys")).isZero();
            // A key announced again after it was forgotten is named again.
            restored.key(KEY_A, "a", 70_000);
            restored.sample(KEY_A, 60_000, 3.0);
            assertThat(restored.watermark(70_000))
                    .extracting(r -> r.getValue().keyString())
                    .containsExactly("a");
            assertThat(restored.counter("unnamedKeys")).isZero();
        }
    }

    @Test
    void shouldFireEveryPendingWindowWhenInputEnds() throws Exception {
        try (Harness h = Harness.open(WindowSpec.sliding(10_000, 5_000), 60_000)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 1_000, 1.0);
            h.sample(KEY_A, 42_000, 2.0);

            final List<StreamRecord<WindowResult>> fired = h.watermark(Long.MAX_VALUE);

            assertThat(fired)
                    .extracting(r -> r.getValue().windowStart())
                    .containsExactlyInAnyOrder(-5_000L, 0L, 35_000L, 40_000L);
            assertThat(h.gauge("liveEntries")).isEqualTo(0L);
        }
    }

    // ---------------------------------------------------------------- lateness

    @Test
    void shouldSendLateSampleToSideOutputWithKeyBytesWhenItsWindowsHaveFired() throws Exception {
        try (Harness h = Harness.open(WindowSpec.sliding(10_000, 5_000), 0)) {
            h.key(KEY_A, "cpu,host=a usage_user");
            h.sample(KEY_A, 1_000, 1.0);
            h.watermark(20_000);

            // Last window holding 9_999 is [5_000, 15_000): over.
            h.sample(KEY_A, 9_999, 42.0);
            // Last window holding 15_000 is [15_000, 25_000): still open. Its other window,
            // [10_000, 20_000), fired empty and is past the lateness: it stays unemitted.
            h.sample(KEY_A, 15_000, 7.0);

            assertThat(h.late()).hasSize(1);
            final MetricRecord late = h.late().get(0);
            assertThat(late.isSample()).isTrue();
            assertThat(late.hasKey()).isTrue();
            assertThat(new String(late.keyBytes(), 0, late.keyLength(), StandardCharsets.UTF_8))
                    .isEqualTo("cpu,host=a usage_user");
            assertThat(late.keyId()).isEqualTo(KEY_A);
            assertThat(late.timestamp()).isEqualTo(9_999);
            assertThat(late.value()).isEqualTo(42.0);
            assertThat(h.counter("lateSamples")).isEqualTo(1);
            assertThat(h.watermark(30_000))
                    .extracting(r -> r.getValue().windowStart() + ":" + r.getValue().sum())
                    .containsExactly("15000:7.0");
        }
    }

    @Test
    void shouldReemitOnlyUpdatedKeyAndWindowWhenSampleArrivesWithinLateness() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 5_000)) {
            h.key(KEY_A, "a");
            h.key(KEY_B, "b");
            h.sample(KEY_A, 1_000, 1.0);
            h.sample(KEY_B, 2_000, 2.0);
            h.sample(KEY_A, 12_000, 5.0);
            assertThat(h.watermark(10_000)).hasSize(2);

            h.sample(KEY_A, 3_000, 3.0);
            final List<StreamRecord<WindowResult>> refired = h.watermark(11_000);

            assertThat(h.late()).isEmpty();
            assertThat(refired).hasSize(1);
            final WindowResult r = refired.get(0).getValue();
            assertThat(refired.get(0).getTimestamp()).isEqualTo(9_999);
            assertThat(r.keyString()).isEqualTo("a");
            assertThat(r.windowStart()).isEqualTo(0);
            assertThat(r.windowEnd()).isEqualTo(10_000);
            assertThat(r.count()).isEqualTo(2);
            assertThat(r.sum()).isEqualTo(4.0);
            assertThat(r.last()).isEqualTo(3.0);
        }
    }

    @Test
    void shouldReemitUpdatedWindowWhenNextWatermarkPassesTheLateness() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 5_000)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 1_000, 1.0);
            h.watermark(10_000);

            // Within the lateness when it arrives, so it is accepted ...
            h.sample(KEY_A, 3_000, 3.0);
            // ... and must not vanish because the next watermark jumps past the lateness.
            final List<StreamRecord<WindowResult>> refired = h.watermark(100_000);

            assertThat(h.late()).isEmpty();
            assertThat(refired).hasSize(1);
            assertThat(refired.get(0).getValue().count()).isEqualTo(2);
            assertThat(refired.get(0).getValue().sum()).isEqualTo(4.0);
        }
    }

    @Test
    void shouldTreatSampleAsLateWhenWindowEndedAtOrBeforeWatermarkMinusLateness() throws Exception {
        try (Harness h = Harness.open(WindowSpec.tumbling(10_000), 5_000)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 1_000, 1.0);
            h.watermark(14_999);
            h.sample(KEY_A, 2_000, 2.0);
            h.watermark(15_000);

            h.sample(KEY_A, 3_000, 3.0);

            assertThat(h.late()).extracting(MetricRecord::timestamp).containsExactly(3_000L);
            assertThat(h.watermark(16_000)).isEmpty();
        }
    }

    @Test
    void shouldMatchIndependentComputationWhenTumblingSamplesAreLateWithinAndBeyondLateness()
            throws Exception {
        assertMatchesReference(WindowSpec.tumbling(10_000), 15_000, 0.15);
    }

    @Test
    void shouldMatchIndependentComputationWhenSlidingSamplesAreLateWithinAndBeyondLateness()
            throws Exception {
        assertMatchesReference(WindowSpec.sliding(10_000, 4_000), 7_000, 0.15);
    }

    @Test
    void shouldFreeStateWhenWindowsCanNoLongerChange() throws Exception {
        try (Harness h = Harness.open(WindowSpec.sliding(10_000, 5_000), 3_000)) {
            h.key(KEY_A, "a");
            for (long ts = 0; ts < 100_000; ts += 500) {
                h.sample(KEY_A, ts, 1.0);
                if (ts % 10_000 == 0) {
                    h.watermark(ts);
                }
            }
            final long before = h.gauge("liveEntries");

            h.watermark(100_000 + 10_000 + 3_000);

            assertThat(before).isBetween(1L, 6L);
            assertThat(h.gauge("liveEntries")).isEqualTo(0L);
            assertThat(h.gauge("livePanes")).isEqualTo(0L);
        }
    }

    // ---------------------------------------------------------------- snapshot and restore

    @Test
    void shouldContinueIdenticallyWhenRestoredFromSnapshot() throws Exception {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final WindowSpec spec = WindowSpec.sliding(10_000, 5_000);
        final long lateness = 8_000;
        final List<Event> events = randomEvents(random, 30, 3_000, 0.1, false);

        for (int trial = 0; trial < 4; trial++) {
            final int cut = 1 + random.nextInt(events.size() - 1);
            final Emitted uninterrupted = run(spec, lateness, events, cut);
            final Emitted actual = new Emitted();
            final OperatorSubtaskState state;
            try (Harness h = Harness.open(spec, lateness, 1, 0, null)) {
                feed(List.of(h), 1, events.subList(0, cut), actual);
                state = h.snapshot();
            }
            try (Harness restored = Harness.open(spec, lateness, 1, 0, state)) {
                feed(List.of(restored), 1, events.subList(cut, events.size()), actual);
            }

            assertSameOutput(
                    actual, uninterrupted, "seed " + seed + ", snapshot after event " + cut);
        }
    }

    @Test
    void shouldKeepPendingReemissionWhenSnapshotIsTakenBeforeNextWatermark() throws Exception {
        final WindowSpec spec = WindowSpec.tumbling(10_000);
        final OperatorSubtaskState state;
        try (Harness h = Harness.open(spec, 5_000)) {
            h.key(KEY_A, "a");
            h.sample(KEY_A, 1_000, 1.0);
            h.sample(KEY_A, 12_000, 5.0);
            h.watermark(10_000);
            h.sample(KEY_A, 3_000, 3.0);
            state = h.snapshot();
        }

        try (Harness restored = Harness.open(spec, 5_000, 1, 0, state)) {
            final List<StreamRecord<WindowResult>> fired = restored.watermark(20_000);

            assertThat(fired)
                    .extracting(r -> r.getValue().windowStart() + ":" + r.getValue().sum())
                    .containsExactlyInAnyOrder("0:4.0", "10000:5.0");
            assertThat(fired.get(0).getValue().keyString()).isEqualTo("a");
        }
    }

    static Stream<Arguments> rescaleCases() {
        return Stream.of(
                Arguments.of(WindowSpec.tumbling(10_000), 0L, 1),
                Arguments.of(WindowSpec.tumbling(10_000), 0L, 3),
                Arguments.of(WindowSpec.sliding(10_000, 5_000), 0L, 1),
                Arguments.of(WindowSpec.sliding(10_000, 5_000), 0L, 3),
                Arguments.of(WindowSpec.sliding(10_000, 4_000), 7_000L, 1),
                Arguments.of(WindowSpec.sliding(10_000, 4_000), 7_000L, 3));
    }

    @ParameterizedTest(name = "{0}, lateness {1} ms, 2 -> {2}")
    @MethodSource("rescaleCases")
    void shouldContinueIdenticallyWhenRescaledFromTwoSubtasks(
            WindowSpec spec, long lateness, int newParallelism) throws Exception {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        // Keys of subtask 1 stop early: the two subtasks have fired up to different windows.
        final List<Event> events = randomEvents(random, 24, 3_000, lateness > 0 ? 0.1 : 0, true);
        final int cut = events.size() / 2 + random.nextInt(events.size() / 4);
        final Emitted uninterrupted = run(spec, lateness, events, cut);

        final Emitted actual = new Emitted();
        final OperatorSubtaskState[] states = new OperatorSubtaskState[2];
        final List<Harness> two = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                two.add(Harness.open(spec, lateness, 2, i, null));
            }
            feed(two, 2, events.subList(0, cut), actual);
            for (int i = 0; i < 2; i++) {
                states[i] = two.get(i).snapshot();
            }
        } finally {
            closeAll(two);
        }
        final OperatorSubtaskState packed = Harness.repackage(states);
        final List<Harness> rescaled = new ArrayList<>();
        try {
            for (int i = 0; i < newParallelism; i++) {
                rescaled.add(
                        Harness.open(
                                spec,
                                lateness,
                                newParallelism,
                                i,
                                Harness.repartition(packed, 2, newParallelism, i)));
            }
            feed(rescaled, newParallelism, events.subList(cut, events.size()), actual);
        } finally {
            closeAll(rescaled);
        }

        assertSameOutput(actual, uninterrupted, "seed " + seed + ", rescaled after event " + cut);
    }

    // ---------------------------------------------------------------- reference comparison

    /**
     * Runs seeded random samples (some out of order, a {@code lateFraction} far behind) through one
     * harness and compares every watermark's results and the late output with {@link Reference}.
     */
    private static void assertMatchesReference(WindowSpec spec, long lateness, double lateFraction)
            throws Exception {
        final long seed = System.nanoTime();
        final List<Event> events = randomEvents(new Random(seed), 20, 4_000, lateFraction, false);
        final Reference reference = new Reference(spec.size(), spec.slide(), lateness);
        final List<MetricRecord> late = new ArrayList<>();
        int step = 0;
        int fired = 0;
        try (Harness h = Harness.open(spec, lateness)) {
            for (Event e : events) {
                if (e instanceof KeyEvent) {
                    final KeyEvent k = (KeyEvent) e;
                    h.key(k.id, k.name);
                    reference.key(k.id, k.name);
                } else if (e instanceof SampleEvent) {
                    final SampleEvent s = (SampleEvent) e;
                    h.sample(s.id, s.ts, s.value);
                    reference.sample(s.id, s.ts, s.value);
                } else {
                    final long w = ((WatermarkEvent) e).ts;
                    final String as = "seed " + seed + ", watermark " + w + " (#" + step++ + ")";
                    final List<StreamRecord<WindowResult>> actual = h.watermark(w);
                    assertSameResults(actual, reference.watermark(w), as);
                    fired += actual.size();
                }
            }
            late.addAll(h.late());
        }

        assertThat(fired).as("seed %d", seed).isGreaterThan(100);
        assertThat(late)
                .as("seed %d", seed)
                .extracting(r -> r.keyId() + "@" + r.timestamp() + "=" + r.value() + " " + key(r))
                .containsExactlyElementsOf(reference.late);
        if (lateFraction > 0) {
            assertThat(reference.late).as("seed %d", seed).isNotEmpty();
            assertThat(reference.reemitted).as("seed %d", seed).isPositive();
        }
    }

    private static void assertSameResults(
            List<StreamRecord<WindowResult>> actual, List<Expected> expected, String as) {
        final List<StreamRecord<WindowResult>> sorted = new ArrayList<>(actual);
        sorted.sort(
                Comparator.comparingLong((StreamRecord<WindowResult> r) -> r.getValue().keyId())
                        .thenComparingLong(r -> r.getValue().windowEnd()));
        assertThat(sorted)
                .as(as)
                .extracting(
                        r ->
                                r.getValue().keyString()
                                        + " ["
                                        + r.getValue().windowStart()
                                        + ", "
                                        + r.getValue().windowEnd()
                                        + ") n="
                                        + r.getValue().count()
                                        + " @"
                                        + r.getTimestamp())
                .containsExactlyElementsOf(
                        expected.stream()
                                .map(
                                        x ->
                                                x.name
                                                        + " ["
                                                        + (x.end - x.size)
                                                        + ", "
                                                        + x.end
                                                        + ") n="
                                                        + x.count()
                                                        + " @"
                                                        + (x.end - 1))
                                .collect(Collectors.toList()));
        for (int i = 0; i < sorted.size(); i++) {
            final WindowResult r = sorted.get(i).getValue();
            final Expected x = expected.get(i);
            final String what = as + ", " + r;
            assertThat(r.keyId()).as(what).isEqualTo(x.keyId);
            assertThat(r.sum()).as(what).isCloseTo(x.sum(), within(Math.abs(x.sum()) * 1e-12));
            assertThat(r.mean()).as(what).isCloseTo(x.mean(), within(Math.abs(x.mean()) * 1e-12));
            if (x.count() < 2) {
                assertThat(r.stddev()).as(what).isNaN();
            } else {
                assertThat(r.stddev()).as(what).isCloseTo(x.stddev(), within(x.stddev() * 1e-9));
            }
            assertThat(r.min()).as(what).isEqualTo(x.min());
            assertThat(r.max()).as(what).isEqualTo(x.max());
            assertThat(r.first()).as(what).isEqualTo(x.first());
            assertThat(r.last()).as(what).isEqualTo(x.last());
            assertThat(r.quantileCount()).as(what).isEqualTo(QUANTILES.length);
            for (int q = 0; q < QUANTILES.length; q++) {
                final double exact = x.quantile(QUANTILES[q]);
                assertThat(r.quantile(q))
                        .as("%s, q %f", what, QUANTILES[q])
                        .isCloseTo(exact, within(Math.abs(exact) * QUANTILE_ACCURACY));
            }
        }
    }

    /**
     * The contract, computed the slow way: every window holding a sample is enumerated from its
     * start, each (key, window) keeps its raw samples, and statistics are exact two-pass sums.
     */
    private static final class Reference {
        private final long size;
        private final long slide;
        private final long lateness;
        private final Map<Long, String> names = new HashMap<>();

        /** window end -> key -> samples {timestamp, value} in arrival order. */
        private final TreeMap<Long, Map<Long, List<double[]>>> windows = new TreeMap<>();

        /** (key, window end) that took a sample after firing, within the lateness. */
        private final Set<List<Long>> updated = new HashSet<>();

        private final List<String> late = new ArrayList<>();
        private int reemitted;
        private long watermark = Long.MIN_VALUE;

        Reference(long size, long slide, long lateness) {
            this.size = size;
            this.slide = slide;
            this.lateness = lateness;
        }

        void key(long id, String name) {
            names.putIfAbsent(id, name);
        }

        void sample(long id, long ts, double value) {
            final List<Long> ends = new ArrayList<>();
            for (long start = Math.floorDiv(ts, slide) * slide; start + size > ts; start -= slide) {
                ends.add(start + size);
            }
            final long lastEnd = ends.get(0);
            if (watermark != Long.MIN_VALUE && lastEnd <= watermark - lateness) {
                late.add(id + "@" + ts + "=" + value + " " + name(id));
                return;
            }
            for (long end : ends) {
                windows.computeIfAbsent(end, e -> new LinkedHashMap<>())
                        .computeIfAbsent(id, k -> new ArrayList<>())
                        .add(new double[] {ts, value});
                if (end <= watermark && end > watermark - lateness) {
                    updated.add(List.of(id, end));
                }
            }
        }

        /** Results due when the watermark reaches {@code w}, sorted by key id and window end. */
        List<Expected> watermark(long w) {
            final List<Expected> due = new ArrayList<>();
            for (List<Long> u : updated) {
                due.add(expected(u.get(0), u.get(1)));
            }
            reemitted += updated.size();
            updated.clear();
            if (w > watermark) {
                final long from = watermark;
                for (Map.Entry<Long, Map<Long, List<double[]>>> window :
                        windows.subMap(from, false, w, true).entrySet()) {
                    for (long id : window.getValue().keySet()) {
                        due.add(expected(id, window.getKey()));
                    }
                }
                watermark = w;
            }
            due.sort(
                    Comparator.comparingLong((Expected x) -> x.keyId)
                            .thenComparingLong(x -> x.end));
            return due;
        }

        private Expected expected(long id, long end) {
            return new Expected(id, name(id), size, end, windows.get(end).get(id));
        }

        private String name(long id) {
            final String name = names.get(id);
            return name != null ? name : "unknown:" + Long.toHexString(id);
        }
    }

    /** One expected result: the raw samples of one (key, window). */
    private static final class Expected {
        private static final MathContext MC = new MathContext(40);
        final long keyId;
        final String name;
        final long size;
        final long end;
        final List<double[]> samples;

        Expected(long keyId, String name, long size, long end, List<double[]> samples) {
            this.keyId = keyId;
            this.name = name;
            this.size = size;
            this.end = end;
            this.samples = new ArrayList<>(samples);
        }

        long count() {
            return samples.size();
        }

        private BigDecimal exactSum() {
            BigDecimal sum = BigDecimal.ZERO;
            for (double[] s : samples) {
                sum = sum.add(new BigDecimal(s[1]));
            }
            return sum;
        }

        double sum() {
            return exactSum().doubleValue();
        }

        double mean() {
            return exactSum().divide(BigDecimal.valueOf(count()), MC).doubleValue();
        }

        double stddev() {
            final BigDecimal mean = exactSum().divide(BigDecimal.valueOf(count()), MC);
            BigDecimal m2 = BigDecimal.ZERO;
            for (double[] s : samples) {
                final BigDecimal d = new BigDecimal(s[1]).subtract(mean);
                m2 = m2.add(d.multiply(d));
            }
            return m2.divide(BigDecimal.valueOf(count() - 1), MC).sqrt(MC).doubleValue();
        }

        double min() {
            return samples.stream().mapToDouble(s -> s[1]).min().getAsDouble();
        }

        /** The exact value of rank floor(q * (n - 1)). */
        double quantile(double q) {
            final double[] sorted = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }

        double max() {
            return samples.stream().mapToDouble(s -> s[1]).max().getAsDouble();
        }

        /** Value of the smallest timestamp; the earliest arrival on a tie. */
        double first() {
            double[] first = samples.get(0);
            for (double[] s : samples) {
                if (s[0] < first[0]) {
                    first = s;
                }
            }
            return first[1];
        }

        /** Value of the largest timestamp; the latest arrival on a tie. */
        double last() {
            double[] last = samples.get(0);
            for (double[] s : samples) {
                if (s[0] >= last[0]) {
                    last = s;
                }
            }
            return last[1];
        }
    }

    // ---------------------------------------------------------------- events

    private interface Event {}

    private static final class KeyEvent implements Event {
        final long id;
        final String name;

        KeyEvent(long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private static final class SampleEvent implements Event {
        final long id;
        final long ts;
        final double value;

        SampleEvent(long id, long ts, double value) {
            this.id = id;
            this.ts = ts;
            this.value = value;
        }
    }

    private static final class WatermarkEvent implements Event {
        final long ts;

        WatermarkEvent(long ts) {
            this.ts = ts;
        }
    }

    /**
     * Samples of {@code keys} keys over time starting before the epoch, out of order by up to 3 s
     * with watermarks trailing by that bound (sometimes repeated or going back), a {@code
     * lateFraction} of them up to 30 s behind, then a final {@code Long.MAX_VALUE} watermark. Each
     * key is announced before its first sample; some timestamps repeat. With {@code
     * subtaskOneStopsEarly}, keys that parallelism 2 puts on subtask 1 get no samples after the
     * first third.
     */
    private static List<Event> randomEvents(
            Random random,
            int keys,
            int samples,
            double lateFraction,
            boolean subtaskOneStopsEarly) {
        final long bound = 3_000;
        final long[] ids = new long[keys];
        final boolean[] announced = new boolean[keys];
        final List<Event> events = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            ids[k] = random.nextLong();
        }
        long now = -40_000 - random.nextInt(10_000);
        long lastTs = now;
        for (int i = 0; i < samples; i++) {
            now += random.nextInt(60);
            int k = random.nextInt(keys);
            if (subtaskOneStopsEarly && i > samples / 3) {
                while (subtaskOf(ids[k], 2) == 1) {
                    k = random.nextInt(keys);
                }
            }
            if (!announced[k]) {
                events.add(new KeyEvent(ids[k], "cpu,host=h" + k + " usage_\"user\"\\" + k));
                announced[k] = true;
            }
            final long ts;
            final double r = random.nextDouble();
            if (r < 0.05) {
                ts = lastTs;
            } else if (r < 0.05 + lateFraction) {
                ts = now - bound - random.nextInt(30_000);
            } else {
                ts = now - random.nextInt((int) bound);
            }
            lastTs = ts;
            events.add(new SampleEvent(ids[k], ts, 100 + 10 * random.nextGaussian()));
            if (random.nextInt(25) == 0) {
                events.add(new WatermarkEvent(now - bound - random.nextInt(2) * 2_000));
            }
        }
        events.add(new WatermarkEvent(now + 1_000));
        events.add(new WatermarkEvent(Long.MAX_VALUE));
        return events;
    }

    private static int subtaskOf(long keyId, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                keyId, MAX_PARALLELISM, parallelism);
    }

    /** What a run emitted: the results of each watermark, and the late samples in input order. */
    private static final class Emitted {
        final List<List<String>> results = new ArrayList<>();
        final List<String> late = new ArrayList<>();
    }

    /**
     * Runs the events through one fresh harness (see {@link #feed}), taking a checkpoint that is
     * never restored after event {@code checkpointAt}: with a pre-aggregator, a checkpoint sends
     * partials early, which changes the grouping of floating-point sums, so a restored run is
     * compared with an uninterrupted run that took the same checkpoint.
     */
    private static Emitted run(WindowSpec spec, long lateness, List<Event> events, int checkpointAt)
            throws Exception {
        final Emitted emitted = new Emitted();
        try (Harness h = Harness.open(spec, lateness, 1, 0, null)) {
            feed(List.of(h), 1, events.subList(0, checkpointAt), emitted);
            h.snapshot();
            feed(List.of(h), 1, events.subList(checkpointAt, events.size()), emitted);
        }
        return emitted;
    }

    /**
     * Routes each key's records to its subtask's harness and every watermark to all of them;
     * appends, per watermark, the sorted union of the results emitted, and each late sample.
     */
    private static void feed(
            List<Harness> harnesses, int parallelism, List<Event> events, Emitted emitted)
            throws Exception {
        for (Event e : events) {
            if (e instanceof KeyEvent) {
                final KeyEvent k = (KeyEvent) e;
                harnesses.get(subtaskOf(k.id, parallelism)).key(k.id, k.name);
            } else if (e instanceof SampleEvent) {
                final SampleEvent s = (SampleEvent) e;
                final Harness h = harnesses.get(subtaskOf(s.id, parallelism));
                h.sample(s.id, s.ts, s.value);
                for (MetricRecord late : h.drainLate()) {
                    emitted.late.add(late + " " + key(late));
                }
            } else {
                final List<String> step = new ArrayList<>();
                for (Harness h : harnesses) {
                    for (StreamRecord<WindowResult> r : h.watermark(((WatermarkEvent) e).ts)) {
                        step.add(
                                r.getValue().keyId()
                                        + " "
                                        + r.getValue()
                                        + " @"
                                        + r.getTimestamp());
                    }
                    assertThat(h.drainLate()).as("late samples from a watermark").isEmpty();
                }
                step.sort(null);
                emitted.results.add(step);
            }
        }
    }

    /** Compares watermark by watermark, so a failure names the first step that differs. */
    private static void assertSameOutput(Emitted actual, Emitted expected, String as) {
        for (int i = 0; i < Math.min(actual.results.size(), expected.results.size()); i++) {
            assertThat(actual.results.get(i))
                    .as("%s, watermark #%d", as, i)
                    .containsExactlyElementsOf(expected.results.get(i));
        }
        assertThat(actual.results).as(as).hasSameSizeAs(expected.results);
        assertThat(actual.late).as("%s, late samples", as).isEqualTo(expected.late);
    }

    private static String key(MetricRecord r) {
        return r.hasKey() ? new String(r.keyBytes(), 0, r.keyLength(), StandardCharsets.UTF_8) : "";
    }

    private static void closeAll(List<Harness> harnesses) throws Exception {
        for (Harness h : harnesses) {
            h.close();
        }
    }

    // ---------------------------------------------------------------- harness

    /** Keys the stream like the job does: {@code keyBy(r -> r.keyId(), Types.LONG)}. */
    private static final class KeyIdSelector implements KeySelector<MetricRecord, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(MetricRecord r) {
            return r.keyId();
        }
    }

    /** Managed memory of the harnesses of the running test: 0 runs the heap store. */
    private static long managedMemoryBytes;

    /** Managed memory given to the operator; subclasses run every test on the managed store. */
    protected long managedMemory() {
        return 0;
    }

    /** Whether the harnesses of the running test put a {@link PreAggregateOperator} in front. */
    private static boolean twoPhase;

    /** Two-phase aggregation: subclasses run every test with a pre-aggregator in front. */
    protected boolean preAggregate() {
        return false;
    }

    @BeforeEach
    void chooseStore() {
        managedMemoryBytes = managedMemory();
        quantiles = QUANTILES;
        twoPhase = preAggregate();
    }

    /**
     * A {@link KeyedOneInputStreamOperatorTestHarness} around the operator, with its metrics. For
     * two-phase tests, samples and watermarks go through a {@link PreAggregateOperator} first,
     * whose output (partials, samples passed on, watermarks) is fed to the window operator in
     * order; a snapshot then sends its partials first, as before a checkpoint barrier.
     */
    private static final class Harness implements AutoCloseable {
        private final KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, WindowResult>
                harness;
        private final InterceptingOperatorMetricGroup metrics;
        private final MockEnvironment environment;
        private final OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> pre;
        private final MockEnvironment preEnvironment;
        private int outputSeen;
        private int lateSeen;
        private int preSeen;

        /** Pre-aggregator state taken with each window operator state, in two-phase tests. */
        private static final Map<OperatorSubtaskState, OperatorSubtaskState> PRE_STATES =
                new IdentityHashMap<>();

        private Harness(
                WindowSpec spec,
                long lateness,
                int parallelism,
                int subtask,
                OperatorSubtaskState restore)
                throws Exception {
            final InterceptingOperatorMetricGroup operatorMetrics =
                    new InterceptingOperatorMetricGroup();
            final InterceptingTaskMetricGroup taskMetrics =
                    new InterceptingTaskMetricGroup() {
                        @Override
                        public InternalOperatorMetricGroup getOrAddOperator(
                                OperatorID id, String name, Map<String, String> variables) {
                            return operatorMetrics;
                        }
                    };
            this.environment =
                    new MockEnvironmentBuilder()
                            .setMaxParallelism(MAX_PARALLELISM)
                            .setParallelism(parallelism)
                            .setSubtaskIndex(subtask)
                            .setMetricGroup(taskMetrics)
                            .setManagedMemorySize(Math.max(managedMemoryBytes, 1L << 20))
                            .build();
            this.metrics = operatorMetrics;
            this.harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new WindowAggregateOperator(
                                    spec, lateness, LATE, null, quantiles, QUANTILE_ACCURACY),
                            new KeyIdSelector(),
                            Types.LONG,
                            environment);
            harness.setup(WindowResultSerializer.INSTANCE);
            harness.getStreamConfig()
                    .setManagedMemoryFractionOperatorOfUseCase(
                            ManagedMemoryUseCase.OPERATOR, managedMemoryBytes > 0 ? 1.0 : 0.0);
            if (restore != null) {
                harness.initializeState(restore);
            }
            harness.open();
            if (!twoPhase) {
                pre = null;
                preEnvironment = null;
                return;
            }
            preEnvironment =
                    new MockEnvironmentBuilder()
                            .setMaxParallelism(MAX_PARALLELISM)
                            .setParallelism(parallelism)
                            .setSubtaskIndex(subtask)
                            .setManagedMemorySize(Math.max(managedMemoryBytes, 1L << 20))
                            .build();
            pre =
                    new OneInputStreamOperatorTestHarness<>(
                            new PreAggregateOperator(
                                    spec, quantiles.length > 0 ? QUANTILE_ACCURACY : 0.0),
                            preEnvironment);
            pre.setup(MetricRecordSerializer.INSTANCE);
            pre.getStreamConfig()
                    .setManagedMemoryFractionOperatorOfUseCase(
                            ManagedMemoryUseCase.OPERATOR, managedMemoryBytes > 0 ? 1.0 : 0.0);
            OperatorSubtaskState preState = restore == null ? null : PRE_STATES.get(restore);
            if (restore != null) {
                assertThat(preState).as("pre-aggregator state of the restored state").isNotNull();
            }
            pre.initializeState(preState);
            pre.open();
        }

        /** Packs the states of several subtasks (of both operators in two-phase tests). */
        static OperatorSubtaskState repackage(OperatorSubtaskState... states) throws Exception {
            final OperatorSubtaskState packed =
                    AbstractStreamOperatorTestHarness.repackageState(states);
            if (twoPhase) {
                final OperatorSubtaskState[] pres = new OperatorSubtaskState[states.length];
                for (int i = 0; i < states.length; i++) {
                    pres[i] = PRE_STATES.get(states[i]);
                }
                PRE_STATES.put(packed, AbstractStreamOperatorTestHarness.repackageState(pres));
            }
            return packed;
        }

        /** The part of packed state one subtask restores at a new parallelism. */
        static OperatorSubtaskState repartition(
                OperatorSubtaskState packed, int oldParallelism, int newParallelism, int subtask)
                throws Exception {
            final OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            packed, MAX_PARALLELISM, oldParallelism, newParallelism, subtask);
            if (twoPhase) {
                PRE_STATES.put(
                        part,
                        AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                PRE_STATES.get(packed),
                                MAX_PARALLELISM,
                                oldParallelism,
                                newParallelism,
                                subtask));
            }
            return part;
        }

        static Harness open(WindowSpec spec, long lateness) throws Exception {
            return new Harness(spec, lateness, 1, 0, null);
        }

        static Harness open(
                WindowSpec spec,
                long lateness,
                int parallelism,
                int subtask,
                OperatorSubtaskState restore)
                throws Exception {
            return new Harness(spec, lateness, parallelism, subtask, restore);
        }

        void key(long id, String name) throws Exception {
            key(id, name, Long.MAX_VALUE);
        }

        void key(long id, String name, long validUntil) throws Exception {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            process(new MetricRecord().setKey(id, bytes, 0, bytes.length, validUntil));
        }

        void sample(long id, long ts, double value) throws Exception {
            process(new MetricRecord().setSample(id, ts, value));
        }

        private void process(MetricRecord r) throws Exception {
            final long ts = r.isSample() ? r.timestamp() : Long.MIN_VALUE;
            if (pre != null) {
                pre.processElement(r, ts);
                forward();
            } else {
                harness.processElement(r, ts);
            }
            assertThat(results()).as("results emitted by processElement(%s)", r).isEmpty();
        }

        /** Advances the watermark; returns the results it fired. */
        List<StreamRecord<WindowResult>> watermark(long ts) throws Exception {
            if (pre != null) {
                pre.processWatermark(ts);
                forward();
            } else {
                harness.processWatermark(ts);
            }
            return results();
        }

        /** Feeds what the pre-aggregator emitted since the last call to the window operator. */
        @SuppressWarnings("unchecked")
        private void forward() throws Exception {
            final List<Object> all = new ArrayList<>(pre.getOutput());
            for (Object o : all.subList(preSeen, all.size())) {
                if (o instanceof StreamRecord) {
                    harness.processElement((StreamRecord<MetricRecord>) o);
                } else if (o instanceof Watermark) {
                    harness.processWatermark((Watermark) o);
                }
            }
            preSeen = all.size();
        }

        /** Results emitted since the last call. */
        @SuppressWarnings("unchecked")
        private List<StreamRecord<WindowResult>> results() {
            final List<Object> all = new ArrayList<>(harness.getOutput());
            final List<StreamRecord<WindowResult>> fresh = new ArrayList<>();
            for (Object o : all.subList(outputSeen, all.size())) {
                if (o instanceof StreamRecord) {
                    fresh.add((StreamRecord<WindowResult>) o);
                }
            }
            outputSeen = all.size();
            return fresh;
        }

        /** Every late sample so far. */
        List<MetricRecord> late() {
            final List<MetricRecord> late = new ArrayList<>();
            if (harness.getSideOutput(LATE) != null) {
                for (StreamRecord<MetricRecord> r : harness.getSideOutput(LATE)) {
                    assertThat(r.getTimestamp()).isEqualTo(r.getValue().timestamp());
                    late.add(r.getValue());
                }
            }
            return late;
        }

        /** Late samples since the last call. */
        List<MetricRecord> drainLate() {
            final List<MetricRecord> all = late();
            final List<MetricRecord> fresh = new ArrayList<>(all.subList(lateSeen, all.size()));
            lateSeen = all.size();
            return fresh;
        }

        long counter(String name) {
            return ((Counter) metrics.get(name)).getCount();
        }

        long gauge(String name) {
            return ((Number) ((Gauge<?>) metrics.get(name)).getValue()).longValue();
        }

        OperatorSubtaskState snapshot() throws Exception {
            if (pre == null) {
                return harness.snapshot(1L, 1L);
            }
            pre.prepareSnapshotPreBarrier(1L);
            forward();
            final OperatorSubtaskState preState = pre.snapshot(1L, 1L);
            final OperatorSubtaskState state = harness.snapshot(1L, 1L);
            PRE_STATES.put(state, preState);
            return state;
        }

        @Override
        public void close() throws Exception {
            try {
                if (pre != null) {
                    pre.close();
                    preEnvironment.close();
                }
            } finally {
                try {
                    harness.close();
                } finally {
                    environment.close();
                }
            }
        }
    }
}

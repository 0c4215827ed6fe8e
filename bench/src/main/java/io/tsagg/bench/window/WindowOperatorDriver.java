package io.tsagg.bench.window;

import io.tsagg.bench.baseline.StatsAccumulator;
import io.tsagg.bench.baseline.StatsAggregateFunction;
import io.tsagg.operators.window.WindowAggregateOperator;
import io.tsagg.operators.window.WindowSpec;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import io.tsagg.serde.record.WindowResult;
import io.tsagg.serde.record.WindowResultSerializer;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.functions.windowing.WindowFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drives one keyed window operator, ours ({@link WindowAggregateOperator}, off-heap store on
 * managed memory) or Flink's {@code WindowOperator} with a {@link StatsAggregateFunction} on the
 * heap state backend, through Flink's {@link KeyedOneInputStreamOperatorTestHarness} with the same
 * generated input: {@code keys} random 64-bit key ids, round robin (or, {@code shuffled}, each
 * round in a new random order), each key getting {@link #SAMPLES_PER_KEY_PER_WINDOW} samples per
 * window, timestamps ascending, a watermark every {@code watermarkEvery} samples. The driver's own
 * work per sample is a few increments and compares (no divisions), so that it adds little to either
 * operator's time.
 *
 * <p>Records are handed to the operator as Flink's task does it ({@code RecordProcessorUtils}): the
 * key context is set only if the operator says it has one (ours does not). Results go to a counting
 * {@link Output} instead of the harness's queue, which would copy and keep every result. Not
 * thread-safe.
 */
final class WindowOperatorDriver implements AutoCloseable {
    static final long WINDOW_MS = 10_000;
    static final long SLIDE_MS = 5_000;
    static final int SAMPLES_PER_KEY_PER_WINDOW = 5;
    static final long START_MS = 1_767_225_600_000L;
    private static final int MAX_PARALLELISM = 128;
    private static final int VALUES = 1 << 16;

    private final KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, ?> harness;
    private final OneInputStreamOperator<MetricRecord, ?> operator;
    private final boolean keyContext;
    private final ResultOutput results;
    private final long[] keyIds;
    private final double[] values = new double[VALUES];
    private final long samplesPerWindow;
    private final int watermarkEvery;
    private final int windowsPerSample;
    private final MetricRecord record = new MetricRecord();
    private final StreamRecord<MetricRecord> element = new StreamRecord<>(record);

    private final boolean shuffled;
    private final SplittableRandom order = new SplittableRandom(7);

    /**
     * Sample {@code next}'s key index, timestamp ({@code START_MS + tsMs}, where {@code tsMs} is
     * {@code next * WINDOW_MS / samplesPerWindow} with remainder {@code tsRemainder}) and samples
     * left to the next watermark, kept incrementally.
     */
    private int keyIndex;

    private long tsMs;
    private long tsRemainder;
    private final long tsStep;
    private final long tsStepRemainder;
    private int toWatermark;

    private long next;
    private double fedSum;

    WindowOperatorDriver(
            String operatorName,
            int keys,
            boolean sliding,
            int watermarkEvery,
            long managedBytes,
            boolean collect)
            throws Exception {
        this(operatorName, keys, sliding, watermarkEvery, managedBytes, collect, false);
    }

    WindowOperatorDriver(
            String operatorName,
            int keys,
            boolean sliding,
            int watermarkEvery,
            long managedBytes,
            boolean collect,
            boolean shuffled)
            throws Exception {
        this.watermarkEvery = watermarkEvery;
        this.toWatermark = watermarkEvery;
        this.shuffled = shuffled;
        this.windowsPerSample = sliding ? (int) (WINDOW_MS / SLIDE_MS) : 1;
        this.samplesPerWindow = (long) keys * SAMPLES_PER_KEY_PER_WINDOW;
        this.tsStep = WINDOW_MS / samplesPerWindow;
        this.tsStepRemainder = WINDOW_MS % samplesPerWindow;
        SplittableRandom random = new SplittableRandom(42);
        keyIds = new long[keys];
        for (int k = 0; k < keys; k++) {
            keyIds[k] = random.nextLong();
        }
        for (int i = 0; i < VALUES; i++) {
            // Awkward values: a large offset on some keys, so naive sums lose digits.
            values[i] = (i % 7 == 0 ? 1.0e6 : 0.0) + random.nextDouble() * 100;
        }
        results = new ResultOutput(collect);
        MockEnvironment environment =
                new MockEnvironmentBuilder()
                        .setMaxParallelism(MAX_PARALLELISM)
                        .setParallelism(1)
                        .setSubtaskIndex(0)
                        .setManagedMemorySize(managedBytes)
                        .build();
        KeySelector<MetricRecord, Long> byKey = new KeyIdSelector();
        if ("tsagg".equals(operatorName) || "tsagg-quantiles".equals(operatorName)) {
            WindowSpec spec =
                    sliding
                            ? WindowSpec.sliding(WINDOW_MS, SLIDE_MS)
                            : WindowSpec.tumbling(WINDOW_MS);
            // tsagg-quantiles: the same with p50, p90, p99 at 1% (a sketch per (key, pane)).
            WindowAggregateOperator op =
                    "tsagg".equals(operatorName)
                            ? new WindowAggregateOperator(spec, 0, null)
                            : new WindowAggregateOperator(
                                    spec, 0, null, null, new double[] {0.5, 0.9, 0.99}, 0.01);
            KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, WindowResult> h =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            op, byKey, Types.LONG, environment);
            h.setup(WindowResultSerializer.INSTANCE);
            h.getStreamConfig()
                    .setManagedMemoryFractionOperatorOfUseCase(ManagedMemoryUseCase.OPERATOR, 1.0);
            harness = h;
            operator = op;
        } else if ("flink".equals(operatorName)) {
            WindowAssigner<Object, TimeWindow> assigner =
                    sliding
                            ? SlidingEventTimeWindows.of(
                                    Duration.ofMillis(WINDOW_MS), Duration.ofMillis(SLIDE_MS))
                            : TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW_MS));
            WindowOperatorBuilder<MetricRecord, Long, TimeWindow> builder =
                    new WindowOperatorBuilder<>(
                            assigner,
                            EventTimeTrigger.create(),
                            new ExecutionConfig(),
                            RecordTypeInfo.METRIC_RECORD,
                            byKey,
                            Types.LONG);
            OneInputStreamOperator<MetricRecord, FlinkResult> op =
                    builder.aggregate(
                            new SampleStats(),
                            new AttachWindow(),
                            TypeInformation.of(StatsAccumulator.class));
            KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, FlinkResult> h =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            op, byKey, Types.LONG, environment);
            h.setup();
            harness = h;
            operator = op;
        } else {
            throw new IllegalArgumentException(
                    "operator must be tsagg or flink, got " + operatorName);
        }
        replaceOutput((AbstractStreamOperator<?>) operator, results);
        harness.open();
        keyContext = ((AbstractStreamOperator<?>) operator).hasKeyContext1();
        if (operator instanceof WindowAggregateOperator) {
            // Our operator names keys from dictionary records, sent once per key.
            for (int k = 0; k < keys; k++) {
                byte[] name = ("cpu,host=h-" + k + " usage").getBytes(StandardCharsets.UTF_8);
                record.setKey(keyIds[k], name, 0, name.length);
                element.replace(record, Long.MIN_VALUE);
                operator.processElement(element);
            }
        }
        if (shuffled) {
            shuffleKeys();
        }
    }

    /** A new random order of the keys for the next round (Fisher-Yates). */
    private void shuffleKeys() {
        for (int i = keyIds.length - 1; i > 0; i--) {
            int j = order.nextInt(i + 1);
            long swap = keyIds[i];
            keyIds[i] = keyIds[j];
            keyIds[j] = swap;
        }
    }

    /** Flink's harness copies and keeps results; both operators write to our output instead. */
    private static void replaceOutput(AbstractStreamOperator<?> op, Output<?> out)
            throws ReflectiveOperationException {
        Field f = AbstractStreamOperator.class.getDeclaredField("output");
        f.setAccessible(true);
        f.set(op, out);
    }

    /** Feeds {@code n} samples. Hot path. */
    void feed(int n) throws Exception {
        int keys = keyIds.length;
        long g = next;
        for (int i = 0; i < n; i++, g++) {
            long ts = START_MS + tsMs;
            double v = values[(int) (g & (VALUES - 1))];
            fedSum += v;
            record.setSample(keyIds[keyIndex], ts, v);
            element.replace(record, ts);
            if (keyContext) {
                operator.setKeyContextElement1(element);
            }
            operator.processElement(element);
            if (--toWatermark == 0) {
                operator.processWatermark(new Watermark(ts - 1));
                toWatermark = watermarkEvery;
            }
            // Sample g + 1: the next key, then the timestamp START_MS + (g + 1) * WINDOW_MS /
            // samplesPerWindow, carried as quotient and remainder.
            if (++keyIndex == keys) {
                keyIndex = 0;
                if (shuffled) {
                    shuffleKeys();
                }
            }
            tsMs += tsStep;
            tsRemainder += tsStepRemainder;
            if (tsRemainder >= samplesPerWindow) {
                tsRemainder -= samplesPerWindow;
                tsMs++;
            }
        }
        next = g;
    }

    /** Fires every window left, then checks what came out against what went in. */
    void finishAndCheck() throws Exception {
        operator.processWatermark(Watermark.MAX_WATERMARK);
        long expected = next * windowsPerSample;
        if (results.countSum != expected) {
            throw new AssertionError(
                    "results count " + results.countSum + " samples, expected " + expected);
        }
        double want = fedSum * windowsPerSample;
        if (Math.abs(results.sumSum - want) > 1e-9 * Math.abs(want)) {
            throw new AssertionError("results sum " + results.sumSum + ", expected " + want);
        }
    }

    long samplesFed() {
        return next;
    }

    long resultsSeen() {
        return results.results;
    }

    /** (key, window start) -> {count, sum, min, max, mean, stddev, first, last}. */
    Map<String, double[]> collected() {
        return results.collected;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }

    // ---------------------------------------------------------------- Flink's side

    /** The key selector both operators are keyed with, as in the job. */
    static final class KeyIdSelector implements KeySelector<MetricRecord, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(MetricRecord r) {
            return r.keyId();
        }
    }

    /** The user's aggregate over samples. */
    static final class SampleStats extends StatsAggregateFunction<MetricRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        protected long timestamp(MetricRecord r) {
            return r.timestamp();
        }

        @Override
        protected double value(MetricRecord r) {
            return r.value();
        }
    }

    /** Result of Flink's operator: key, window and accumulator, in a reused holder. */
    static final class FlinkResult {
        long key;
        long windowStart;
        StatsAccumulator stats;
    }

    /**
     * Attaches key and window to the accumulator. Reuses one result object, which is kind to Flink:
     * a user would allocate one per result.
     */
    static final class AttachWindow
            implements WindowFunction<StatsAccumulator, FlinkResult, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private transient FlinkResult result;

        @Override
        public void apply(
                Long key,
                TimeWindow window,
                Iterable<StatsAccumulator> input,
                Collector<FlinkResult> out) {
            if (result == null) {
                result = new FlinkResult();
            }
            result.key = key;
            result.windowStart = window.getStart();
            result.stats = input.iterator().next();
            out.collect(result);
        }
    }

    // ---------------------------------------------------------------- output

    /** Sums the counts and sums of every result; optionally keeps them all (cross-checks). */
    static final class ResultOutput implements Output<StreamRecord<Object>> {
        private final boolean collect;
        final Map<String, double[]> collected = new HashMap<>();
        long results;
        long countSum;
        double sumSum;

        ResultOutput(boolean collect) {
            this.collect = collect;
        }

        @Override
        public void collect(StreamRecord<Object> record) {
            Object v = record.getValue();
            results++;
            if (v instanceof WindowResult) {
                WindowResult r = (WindowResult) v;
                countSum += r.count();
                sumSum += r.sum();
                if (collect) {
                    keep(
                            r.keyId(),
                            r.windowStart(),
                            r.count(),
                            r.sum(),
                            r.min(),
                            r.max(),
                            r.mean(),
                            r.stddev(),
                            r.first(),
                            r.last());
                }
            } else {
                FlinkResult r = (FlinkResult) v;
                StatsAccumulator s = r.stats;
                countSum += s.count;
                sumSum += s.sum;
                if (collect) {
                    keep(
                            r.key,
                            r.windowStart,
                            s.count,
                            s.sum,
                            s.min,
                            s.max,
                            s.mean,
                            s.stddev(),
                            s.first,
                            s.last);
                }
            }
        }

        private void keep(long key, long start, long count, double... stats) {
            double[] row = new double[stats.length + 1];
            row[0] = count;
            System.arraycopy(stats, 0, row, 1, stats.length);
            if (collected.put(key + "@" + start, row) != null) {
                throw new AssertionError("two results for " + key + "@" + start);
            }
        }

        @Override
        public <X> void collect(OutputTag<X> outputTag, StreamRecord<X> record) {
            throw new AssertionError("no side output expected, got " + record);
        }

        @Override
        public void emitWatermark(Watermark mark) {}

        @Override
        public void emitWatermarkStatus(WatermarkStatus watermarkStatus) {}

        @Override
        public void emitLatencyMarker(LatencyMarker latencyMarker) {}

        @Override
        public void emitRecordAttributes(RecordAttributes recordAttributes) {}

        @Override
        public void emitWatermark(WatermarkEvent watermark) {}

        @Override
        public void close() {}
    }
}

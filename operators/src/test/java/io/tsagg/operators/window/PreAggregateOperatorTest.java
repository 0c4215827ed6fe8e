package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.MetricRecordSerializer;
import io.tsagg.serde.record.RecordTypeInfo;
import io.tsagg.serde.record.SampleBatch;
import io.tsagg.serde.record.WindowResult;
import io.tsagg.serde.record.WindowResultSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link PreAggregateOperator} on its own: when partials are sent and what they hold.
 * That two-phase results equal single-phase ones is tested by {@link
 * WindowAggregateOperatorTwoPhaseTest}.
 */
class PreAggregateOperatorTest {
    private static final WindowSpec SPEC = WindowSpec.tumbling(10_000);
    private static final long A = 0xA;
    private static final long B = 0xB;

    @Test
    void shouldSendOnePartialPerKeyAndPaneBeforeTheWatermarkThatClosesIt() throws Exception {
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.key(A, "a");
            pre.sample(A, 1_000, 1.0);
            pre.sample(A, 2_000, 3.0);
            pre.sample(B, 5_000, 10.0);
            pre.sample(A, 12_000, 7.0);
            assertThat(pre.drain()).containsExactly("key a");

            pre.watermark(9_999);
            assertThat(pre.drain()).containsExactly("watermark 9999");
            pre.watermark(10_000);

            assertThat(pre.drain())
                    .containsExactly(
                            "partial a@0 n=2 sum=4.0 first=1.0 last=3.0",
                            "partial b@0 n=1 sum=10.0 first=10.0 last=10.0",
                            "watermark 10000");
            assertThat(pre.counter("preAggregatedSamples")).isEqualTo(4);
            assertThat(pre.counter("partials")).isEqualTo(2);
        }
    }

    @Test
    void shouldPassOnSamplesWhosePaneIsBehindItsWatermarkWithTheirOriginWritten() throws Exception {
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.watermark(20_000);
            pre.drain();
            pre.sample(A, 19_999, 1.0);
            pre.sample(A, 20_000, 2.0);
            pre.rejected("not a frame");

            // Only the sample behind the watermark had its origin written (it may be late).
            assertThat(pre.drain())
                    .containsExactly(
                            "sample a@19999=1.0 origin=input of 19999", "rejected not a frame");
            assertThat(pre.origins).containsExactly(19_999L);
            assertThat(pre.counter("passedSamples")).isEqualTo(1);
            pre.watermark(Long.MAX_VALUE);
            assertThat(pre.drain())
                    .containsExactly(
                            "partial a@20000 n=1 sum=2.0 first=2.0 last=2.0",
                            "watermark " + Long.MAX_VALUE);
        }
    }

    @Test
    void shouldTreatEachSampleOfABatchAsIfItHadComeAlone() throws Exception {
        final long[][] samples = {
            {A, 19_999, 1}, {A, 20_000, 2}, {B, 25_000, 3}, {A, 29_999, 4}, {B, 5_000, 5}
        };
        final List<String> alone;
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.watermark(20_000);
            for (long[] x : samples) {
                pre.sample(x[0], x[1], x[2]);
            }
            pre.watermark(30_000);
            alone = pre.drain();
            assertThat(pre.counter("passedSamples")).isEqualTo(2);
        }
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.watermark(20_000);
            pre.batch(samples);
            pre.watermark(30_000);

            assertThat(pre.drain()).isEqualTo(alone);
            assertThat(alone)
                    .contains(
                            "sample a@19999=1.0 origin=input of 19999",
                            "sample b@5000=5.0 origin=input of 5000",
                            "partial a@20000 n=2 sum=6.0 first=2.0 last=4.0");
            assertThat(pre.counter("passedSamples")).isEqualTo(2);
            assertThat(pre.counter("preAggregatedSamples")).isEqualTo(3);
        }
    }

    @Test
    void shouldSendEveryPaneBeforeACheckpointBarrierAndWhenTheSourceGoesIdle() throws Exception {
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.sample(A, 1_000, 1.0);
            pre.sample(A, 11_000, 2.0);
            pre.harness.prepareSnapshotPreBarrier(1);
            assertThat(pre.drain())
                    .containsExactly(
                            "partial a@0 n=1 sum=1.0 first=1.0 last=1.0",
                            "partial a@10000 n=1 sum=2.0 first=2.0 last=2.0");

            pre.sample(B, 21_000, 3.0);
            pre.harness.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(pre.drain())
                    .containsExactly("partial b@20000 n=1 sum=3.0 first=3.0 last=3.0", "idle");
        }
    }

    @Test
    void shouldRestoreTheLargestWatermarkOfAllSubtasks() throws Exception {
        final OperatorSubtaskState[] states = new OperatorSubtaskState[2];
        for (int i = 0; i < 2; i++) {
            try (Pre pre = new Pre(2, i, 64L << 20, null)) {
                pre.watermark(i == 0 ? 10_000 : 30_000);
                pre.harness.prepareSnapshotPreBarrier(1);
                states[i] = pre.harness.snapshot(1, 1);
            }
        }
        final OperatorSubtaskState packed =
                AbstractStreamOperatorTestHarness.repackageState(states);
        for (int i = 0; i < 3; i++) {
            final OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            packed, 128, 2, 3, i);
            try (Pre restored = new Pre(3, i, 64L << 20, part)) {
                restored.sample(A, 29_999, 1.0);
                restored.sample(A, 30_000, 2.0);
                // Behind the window operator's watermark, maybe: passed on as it is, with its
                // origin in case it is late there.
                assertThat(restored.drain())
                        .as("subtask %d", i)
                        .containsExactly("sample a@29999=1.0 origin=input of 29999");
            }
        }
    }

    @Test
    void shouldSendEverythingAndGoOnWhenItsMemoryRunsOut() throws Exception {
        try (Pre pre = new Pre(1, 0, 2L << 20, null)) {
            final int samples = 60_000;
            double sum = 0;
            for (int i = 0; i < samples; i++) {
                pre.sample(i * 0x9E3779B97F4A7C15L, 1_000 + i % 5_000, i);
                sum += i;
            }
            assertThat(pre.metrics.get("poolPagesBudget")).as("managed store in use").isNotNull();
            assertThat(pre.counter("fullFlushes")).isPositive();
            pre.watermark(Long.MAX_VALUE);

            assertThat(pre.counter("preAggregatedSamples") + pre.counter("passedSamples"))
                    .isEqualTo(samples);
            long count = 0;
            double partialSum = 0;
            for (MetricRecord r : pre.outputRecords()) {
                if (r.isPartial()) {
                    final Summary s = new PartialCodec().decode(r, new Summary());
                    count += s.count();
                    partialSum += s.sum();
                } else {
                    count++;
                    partialSum += r.value();
                }
            }
            assertThat(count).isEqualTo(samples);
            assertThat(partialSum).isEqualTo(sum);
        }
    }

    @Test
    void shouldCountALatePartialAsItsSamplesAndSendItToTheLateOutputAsASummaryLine()
            throws Exception {
        final OutputTag<MetricRecord> late =
                new OutputTag<>("late-samples", RecordTypeInfo.METRIC_RECORD);
        final MetricRecord partial;
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            // A pre-aggregator whose source was idle while the others moved on.
            pre.key(A, "cpu,host=a usage_user");
            pre.sample(A, 1_000, 1.0);
            pre.sample(A, 2_000, 3.0);
            pre.harness.prepareSnapshotPreBarrier(1);
            final List<MetricRecord> out = pre.outputRecords();
            partial = out.get(out.size() - 1);
        }
        final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        try (MockEnvironment env = environment(1, 0, 1L << 20, metrics);
                KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, WindowResult> window =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new WindowAggregateOperator(SPEC, 0, late),
                                MetricRecord::keyId,
                                Types.LONG,
                                env)) {
            window.setup(WindowResultSerializer.INSTANCE);
            window.open();
            final byte[] name = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);
            window.processElement(new MetricRecord().setKey(A, name, 0, name.length), 0);
            window.processWatermark(new Watermark(50_000));
            window.processElement(partial, 0);

            final List<MetricRecord> lates = new ArrayList<>();
            for (StreamRecord<MetricRecord> r : window.getSideOutput(late)) {
                lates.add(r.getValue());
            }
            assertThat(lates).hasSize(1);
            final MetricRecord r = lates.get(0);
            assertThat(r.isPartial()).isTrue();
            assertThat(new String(r.keyBytes(), 0, r.keyLength(), StandardCharsets.UTF_8))
                    .isEqualTo("cpu,host=a usage_user");
            assertThat(new String(r.payload(), 0, r.payloadLength(), StandardCharsets.UTF_8))
                    .startsWith("cpu,host=a usage_user_count=2,usage_user_sum=4,")
                    .endsWith(" 0");
            assertThat(((Counter) metrics.get("lateSamples")).getCount()).isEqualTo(2);
        }
    }

    @Test
    void shouldHaveTheWindowOperatorSendRejectedInputItPassedOnToTheDeadLetterOutput()
            throws Exception {
        final OutputTag<DeadLetter> refused =
                new OutputTag<>("refused", RecordTypeInfo.DEAD_LETTER);
        final MetricRecord rejected;
        try (Pre pre = new Pre(1, 0, 64L << 20, null)) {
            pre.rejected("not a frame");
            rejected = pre.outputRecords().get(0);
        }
        try (MockEnvironment env =
                        environment(1, 0, 1L << 20, new InterceptingOperatorMetricGroup());
                KeyedOneInputStreamOperatorTestHarness<Long, MetricRecord, WindowResult> window =
                        new KeyedOneInputStreamOperatorTestHarness<>(
                                new WindowAggregateOperator(SPEC, 0, null, refused),
                                MetricRecord::keyId,
                                Types.LONG,
                                env)) {
            window.setup(WindowResultSerializer.INSTANCE);
            window.open();
            window.processElement(rejected, 0);

            final List<DeadLetter> dead = new ArrayList<>();
            for (StreamRecord<DeadLetter> r : window.getSideOutput(refused)) {
                dead.add(r.getValue());
            }
            assertThat(dead).extracting(DeadLetter::reason).containsExactly("bad_magic");
            assertThat(dead.get(0).payload())
                    .isEqualTo("not a frame".getBytes(StandardCharsets.UTF_8));
            assertThat(window.extractOutputValues()).isEmpty();
        }
    }

    /** An environment whose operator metrics end up in {@code metrics}. */
    private static MockEnvironment environment(
            int parallelism,
            int subtask,
            long managedMemory,
            InterceptingOperatorMetricGroup metrics) {
        return new MockEnvironmentBuilder()
                .setMaxParallelism(128)
                .setParallelism(parallelism)
                .setSubtaskIndex(subtask)
                .setManagedMemorySize(managedMemory)
                .setMetricGroup(
                        new InterceptingTaskMetricGroup() {
                            @Override
                            public InternalOperatorMetricGroup getOrAddOperator(
                                    OperatorID id, String name, Map<String, String> variables) {
                                return metrics;
                            }
                        })
                .build();
    }

    /** A pre-aggregator in a test harness, its output rendered as strings. */
    private static final class Pre implements AutoCloseable {
        final OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> harness;
        private final MockEnvironment environment;
        private final InterceptingOperatorMetricGroup metrics =
                new InterceptingOperatorMetricGroup();
        private int seen;

        Pre(int parallelism, int subtask, long managedMemory, OperatorSubtaskState restore)
                throws Exception {
            environment = environment(parallelism, subtask, managedMemory, metrics);
            harness =
                    new OneInputStreamOperatorTestHarness<>(
                            new PreAggregateOperator(SPEC), environment);
            harness.setup(MetricRecordSerializer.INSTANCE);
            harness.getStreamConfig()
                    .setManagedMemoryFractionOperatorOfUseCase(ManagedMemoryUseCase.OPERATOR, 1.0);
            harness.initializeState(restore);
            harness.open();
        }

        void key(long id, String name) throws Exception {
            final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            harness.processElement(new MetricRecord().setKey(id, bytes, 0, bytes.length), 0);
        }

        /** Timestamps of the samples whose origin was written. */
        final List<Long> origins = new ArrayList<>();

        private final MetricRecord.OriginWriter originWriter =
                (ts, into) -> {
                    origins.add((long) ts);
                    final byte[] b = ("input of " + ts).getBytes(StandardCharsets.UTF_8);
                    into.setOrigin(b, 0, b.length);
                };

        /** A sample whose origin writer writes {@code "input of <ts>"}. */
        void sample(long id, long ts, double value) throws Exception {
            harness.processElement(
                    new MetricRecord().setSample(id, ts, value).withOrigin(originWriter, (int) ts),
                    ts);
        }

        /** One batch record of samples {id, ts, value}; origins as for {@link #sample}. */
        void batch(long[][] samples) throws Exception {
            final SampleBatch batch =
                    new SampleBatch() {
                        @Override
                        public int size() {
                            return samples.length;
                        }

                        @Override
                        public long keyId(int i) {
                            return samples[i][0];
                        }

                        @Override
                        public long timestamp(int i) {
                            return samples[i][1];
                        }

                        @Override
                        public double value(int i) {
                            return samples[i][2];
                        }

                        @Override
                        public void writeOrigin(int i, MetricRecord into) {
                            originWriter.writeOrigin((int) samples[i][1], into);
                        }
                    };
            long max = Long.MIN_VALUE;
            for (long[] x : samples) {
                max = Math.max(max, x[1]);
            }
            harness.processElement(new MetricRecord().setBatch(batch, max), max);
        }

        void rejected(String what) throws Exception {
            final byte[] b = what.getBytes(StandardCharsets.UTF_8);
            harness.processElement(
                    new MetricRecord()
                            .setRejected(new DeadLetter(b, "in", 0, 0L, "bad_magic", what, 0L)),
                    0);
        }

        void watermark(long ts) throws Exception {
            harness.processWatermark(ts);
        }

        long counter(String name) {
            return ((Counter) metrics.get(name)).getCount();
        }

        /** Records emitted so far. */
        @SuppressWarnings("unchecked")
        List<MetricRecord> outputRecords() {
            final List<MetricRecord> records = new ArrayList<>();
            for (Object o : harness.getOutput()) {
                if (o instanceof StreamRecord) {
                    records.add(((StreamRecord<MetricRecord>) o).getValue());
                }
            }
            return records;
        }

        /** What was emitted since the last call. */
        @SuppressWarnings("unchecked")
        List<String> drain() throws Exception {
            final List<Object> all = new ArrayList<>(harness.getOutput());
            final List<String> out = new ArrayList<>();
            for (Object o : all.subList(seen, all.size())) {
                if (o instanceof Watermark) {
                    out.add("watermark " + ((Watermark) o).getTimestamp());
                } else if (o instanceof WatermarkStatus) {
                    out.add(((WatermarkStatus) o).isIdle() ? "idle" : "active");
                } else {
                    final MetricRecord r = ((StreamRecord<MetricRecord>) o).getValue();
                    out.add(describe(r));
                }
            }
            seen = all.size();
            return out;
        }

        private static String describe(MetricRecord r) throws Exception {
            final String key = Long.toHexString(r.keyId());
            if (r.isKey()) {
                return "key " + new String(r.keyBytes(), 0, r.keyLength(), StandardCharsets.UTF_8);
            }
            if (r.isSample()) {
                return "sample "
                        + key
                        + "@"
                        + r.timestamp()
                        + "="
                        + r.value()
                        + (r.hasOrigin()
                                ? " origin="
                                        + new String(
                                                r.originBytes(),
                                                0,
                                                r.originLength(),
                                                StandardCharsets.UTF_8)
                                : "");
            }
            if (r.isRejected()) {
                return "rejected " + r.deadLetter().message();
            }
            final Summary s = new PartialCodec().decode(r, new Summary());
            return "partial "
                    + key
                    + "@"
                    + r.timestamp()
                    + " n="
                    + s.count()
                    + " sum="
                    + s.sum()
                    + " first="
                    + s.first()
                    + " last="
                    + s.last();
        }

        @Override
        public void close() throws Exception {
            try {
                harness.close();
            } finally {
                environment.close();
            }
        }
    }
}

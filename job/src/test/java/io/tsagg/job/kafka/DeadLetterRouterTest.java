package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.MetricRecordSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Tests for {@link DeadLetterRouter}: which samples get their origin written. */
class DeadLetterRouterTest {

    /** Records which samples had their origin asked for, and writes {@code "origin <n>"}. */
    private final List<Integer> asked = new ArrayList<>();

    private final MetricRecord.OriginWriter writer =
            (sample, into) -> {
                asked.add(sample);
                byte[] b = ("origin " + sample).getBytes(StandardCharsets.UTF_8);
                into.setOrigin(b, 0, b.length);
            };

    private static OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> harness(
            int maxParallelism, int parallelism, int subtask) throws Exception {
        OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new DeadLetterRouter()),
                        maxParallelism,
                        parallelism,
                        subtask);
        h.setup(MetricRecordSerializer.INSTANCE);
        return h;
    }

    private void sample(
            OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h, int n, long ts)
            throws Exception {
        h.processElement(
                new StreamRecord<>(new MetricRecord().setSample(1L, ts, n).withOrigin(writer, n)));
    }

    private static List<String> originsOut(
            OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h) {
        List<String> out = new ArrayList<>();
        for (MetricRecord r : h.extractOutputValues()) {
            out.add(
                    r.hasOrigin()
                            ? new String(
                                    r.originBytes(), 0, r.originLength(), StandardCharsets.UTF_8)
                            : "-");
        }
        return out;
    }

    @Test
    void shouldWriteOriginsOnlyOfSamplesBehindTheWatermark() throws Exception {
        try (OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h = harness(1, 1, 0)) {
            h.open();
            sample(h, 0, 5); // no watermark yet
            h.processWatermark(new Watermark(100));
            sample(h, 1, 99); // behind: may be late downstream
            sample(h, 2, 100); // at the watermark: cannot be late
            sample(h, 3, 500);
            h.processWatermark(new Watermark(50)); // a lower watermark does not lower the floor
            sample(h, 4, 60);

            assertThat(asked).containsExactly(1, 4);
            assertThat(originsOut(h)).containsExactly("-", "origin 1", "-", "-", "origin 4");
        }
    }

    @Test
    void shouldUseTheLargestCheckpointedWatermarkOfAnySubtaskAfterARestore() throws Exception {
        OperatorSubtaskState a;
        OperatorSubtaskState b;
        try (OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h = harness(4, 2, 0)) {
            h.open();
            h.processWatermark(new Watermark(100));
            sample(h, 0, 150);
            a = h.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h = harness(4, 2, 1)) {
            h.open();
            h.processWatermark(new Watermark(300));
            sample(h, 0, 350);
            b = h.snapshot(1, 1);
        }
        asked.clear();
        // Rescaled to one subtask, before the source has sent any watermark again.
        try (OneInputStreamOperatorTestHarness<MetricRecord, MetricRecord> h = harness(4, 1, 0)) {
            h.initializeState(OneInputStreamOperatorTestHarness.repackageState(a, b));
            h.open();
            sample(h, 1, 299);
            sample(h, 2, 300);

            assertThat(asked).containsExactly(1);
        }
    }
}

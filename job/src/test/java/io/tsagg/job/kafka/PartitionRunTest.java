package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitState;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Tests for {@link PartitionRunSplitReader.Runs} and {@link PartitionRunEmitter}. */
class PartitionRunTest {
    @Test
    void shouldHandOverEachSplitsRecordsOfAFetchAsOneRunInOffsetOrder() {
        RecordsBySplits.Builder<ConsumerRecord<byte[], byte[]>> fetch =
                new RecordsBySplits.Builder<>();
        fetch.add("in-0", record(0, 5, "a"));
        fetch.add("in-0", record(0, 6, "b"));
        fetch.add("in-1", record(1, 9, "c"));
        fetch.addFinishedSplit("in-2");
        RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> runs =
                new PartitionRunSplitReader.Runs(fetch.build());

        List<String> seen = new ArrayList<>();
        for (String split = runs.nextSplit(); split != null; split = runs.nextSplit()) {
            ConsumerRecord<byte[], byte[]> element = runs.nextRecordFromSplit();
            assertThat(element).isInstanceOf(PartitionRun.class);
            assertThat(element.offset())
                    .as("the run's offset is its first record's")
                    .isEqualTo(split.equals("in-0") ? 5 : 9);
            PartitionRun run = (PartitionRun) element;
            for (ConsumerRecord<byte[], byte[]> r = run.next(); r != null; r = run.next()) {
                seen.add(split + "@" + r.offset() + "=" + new String(r.value()));
            }
            assertThat(runs.nextRecordFromSplit()).as("one run per split").isNull();
        }

        assertThat(seen).containsExactly("in-0@5=a", "in-0@6=b", "in-1@9=c");
        assertThat(runs.finishedSplits()).containsExactly("in-2");
    }

    @Test
    void shouldEmitARunAsOneBatchAndMoveTheOffsetPastItsLastRecord() throws Exception {
        long now = System.currentTimeMillis();
        RecordsBySplits.Builder<ConsumerRecord<byte[], byte[]>> fetch =
                new RecordsBySplits.Builder<>();
        for (int i = 0; i < 5; i++) {
            fetch.add("in-0", record(0, 100 + i, "cpu,host=a v=" + i + " " + now * 1_000_000L));
        }
        RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> runs =
                new PartitionRunSplitReader.Runs(fetch.build());
        LineProtocolRecordDeserializer deserializer =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), 0, true);
        deserializer.open(new CountingContext());
        SimpleCounter numRecordsIn = new SimpleCounter();
        PartitionRunEmitter<MetricRecord> emitter =
                new PartitionRunEmitter<>(deserializer, numRecordsIn);
        KafkaPartitionSplitState state =
                new KafkaPartitionSplitState(
                        new KafkaPartitionSplit(new TopicPartition("in", 0), 100));
        List<String> out = new ArrayList<>();
        Output output = new Output(out);

        runs.nextSplit();
        numRecordsIn.inc(); // the reader counts the run as one record
        emitter.emitRecord(runs.nextRecordFromSplit(), output, state);

        assertThat(out).containsExactly("key", "batch of 5");
        assertThat(state.getCurrentOffset()).isEqualTo(105);
        assertThat(numRecordsIn.getCount()).isEqualTo(5);

        // A plain record (not a run) is deserialized on its own.
        emitter.emitRecord(record(0, 105, "cpu,host=a v=9 " + now * 1_000_000L), output, state);
        assertThat(out).containsExactly("key", "batch of 5", "batch of 1");
        assertThat(state.getCurrentOffset()).isEqualTo(106);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String v) {
        return new ConsumerRecord<>(
                "in", partition, offset, null, v.getBytes(StandardCharsets.UTF_8));
    }

    /** Describes what the emitter collects. */
    private record Output(List<String> out) implements SourceOutput<MetricRecord> {
        @Override
        public void collect(MetricRecord r) {
            out.add(r.isBatch() ? "batch of " + r.batch().size() : r.isKey() ? "key" : "other");
        }

        @Override
        public void collect(MetricRecord r, long timestamp) {
            collect(r);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}

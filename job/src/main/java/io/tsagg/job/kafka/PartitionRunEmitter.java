package io.tsagg.job.kafka;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Emits a {@link PartitionRun}: hands each of its records, in offset order, to the deserializer
 * between {@link PartitionRunDeserializer#startRun} and {@link PartitionRunDeserializer#endRun},
 * then moves the split's offset past the last. All in one call of the source reader, so a
 * checkpoint sees either none or all of the run, and the offset it stores is past every record
 * whose samples went downstream before it.
 *
 * <p>The source reader counts each run as one record in Flink's {@code numRecordsIn}; this emitter
 * adds the rest, so that metric still counts Kafka records. The deserializer's records are
 * collected without the Kafka timestamp (tsagg's timestamp assigner reads the samples' own).
 * Element of any other type: a plain Kafka record, deserialized on its own.
 */
final class PartitionRunEmitter<T>
        implements RecordEmitter<ConsumerRecord<byte[], byte[]>, T, KafkaPartitionSplitState> {
    private final PartitionRunDeserializer<T> deserializer;
    private final Counter numRecordsIn;
    private final Output<T> output = new Output<>();

    PartitionRunEmitter(PartitionRunDeserializer<T> deserializer, Counter numRecordsIn) {
        this.deserializer = deserializer;
        this.numRecordsIn = numRecordsIn;
    }

    @Override
    public void emitRecord(
            ConsumerRecord<byte[], byte[]> element,
            SourceOutput<T> sourceOutput,
            KafkaPartitionSplitState split)
            throws Exception {
        output.to = sourceOutput;
        long last = element.offset();
        try {
            if (element instanceof PartitionRun run) {
                int records = 0;
                deserializer.startRun(output);
                for (ConsumerRecord<byte[], byte[]> r = run.next(); r != null; r = run.next()) {
                    deserializer.deserializeInRun(r, output);
                    last = r.offset();
                    records++;
                }
                deserializer.endRun(output);
                numRecordsIn.inc(records - 1);
            } else {
                deserializer.deserialize(element, output);
            }
        } catch (Exception e) {
            throw new IOException(
                    "Failed to deserialize the records of "
                            + element.topic()
                            + "-"
                            + element.partition()
                            + " up to offset "
                            + last,
                    e);
        }
        split.setCurrentOffset(last + 1);
    }

    /** The reader's output for the split being emitted, as the deserializer's collector. */
    private static final class Output<T> implements Collector<T> {
        private SourceOutput<T> to;

        @Override
        public void collect(T record) {
            to.collect(record);
        }

        @Override
        public void close() {}
    }
}

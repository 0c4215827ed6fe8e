package io.tsagg.job.kafka;

import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record deserializer that {@link PartitionRunEmitter} hands a whole {@link PartitionRun} (the
 * records of one partition from one fetch): {@link #startRun}, then {@link #deserializeInRun} for
 * each record in offset order, then {@link #endRun}, all within one call of the source reader, so
 * no checkpoint falls between them. A reader may thus hold samples of several records and emit them
 * together at {@link #endRun}; it must have emitted everything when {@link #endRun} returns. By
 * default each record is deserialized on its own.
 */
public interface PartitionRunDeserializer<T> extends KafkaRecordDeserializationSchema<T> {
    /** A run of records starts. */
    default void startRun(Collector<T> out) {}

    /** The next record of the run. */
    default void deserializeInRun(ConsumerRecord<byte[], byte[]> record, Collector<T> out)
            throws Exception {
        deserialize(record, out);
    }

    /** The run ends: emit whatever is held. */
    default void endRun(Collector<T> out) {}
}

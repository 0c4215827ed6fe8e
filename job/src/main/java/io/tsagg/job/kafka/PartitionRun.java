package io.tsagg.job.kafka;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records of one partition from one fetch, handed to the source reader as one element, so that
 * {@link PartitionRunEmitter} reads all of them in one call of the reader instead of one call, one
 * trip through the task's mailbox loop and one emitted record each.
 *
 * <p>It is a {@link ConsumerRecord} only to pass through Flink's {@code KafkaSourceReader}, whose
 * element type that is (so its offset commits, split handling and metrics stay Flink's own): its
 * topic, partition and offset are those of its first record, and it has no key or value. Its
 * records are read from the fetch as {@link #next()} is called, in offset order, each record
 * exactly once; the emitter reads all of them before it returns. Made and read on the task thread.
 */
final class PartitionRun extends ConsumerRecord<byte[], byte[]> {
    private final RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch;
    private ConsumerRecord<byte[], byte[]> first;

    PartitionRun(
            RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch,
            ConsumerRecord<byte[], byte[]> first) {
        super(first.topic(), first.partition(), first.offset(), null, null);
        this.fetch = fetch;
        this.first = first;
    }

    /** The next record of the partition in this fetch; null after the last. */
    ConsumerRecord<byte[], byte[]> next() {
        ConsumerRecord<byte[], byte[]> r = first;
        if (r != null) {
            first = null;
            return r;
        }
        return fetch.nextRecordFromSplit();
    }
}

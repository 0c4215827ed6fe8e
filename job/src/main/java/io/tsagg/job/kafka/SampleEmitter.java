package io.tsagg.job.kafka;

import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What every input format's reader does with what it decoded: announces each group key once (a
 * dictionary record before the first sample of that id), emits samples in one reused {@link
 * MetricRecord}, sends rejected input to the dead-letter output, and keeps the shared counters
 * ({@code recordsIn}, {@code samplesIn}, {@code malformedRecords}, {@code nonFiniteValues}).
 *
 * <p>One per source reader, created in {@code open}; not thread-safe.
 */
final class SampleEmitter {
    private final MetricRecord record = new MetricRecord();
    private final Long2IntOpenMap announced = new Long2IntOpenMap(4096, 0);

    final Counter recordsIn;
    final Counter samplesIn;
    final Counter malformedRecords;
    final Counter nonFiniteValues;

    SampleEmitter(MetricGroup metrics) {
        recordsIn = metrics.counter("recordsIn");
        samplesIn = metrics.counter("samplesIn");
        malformedRecords = metrics.counter("malformedRecords");
        nonFiniteValues = metrics.counter("nonFiniteValues");
    }

    /** Emits the dictionary record of {@code id} unless this reader has done so already. */
    void announce(long id, byte[] key, int offset, int length, Collector<MetricRecord> out) {
        if (announced.get(id) == 0) {
            announced.put(id, 1);
            out.collect(record.setKey(id, key, offset, length));
        }
    }

    /** Hot path: allocates nothing. */
    void sample(long id, long timestampMs, double value, Collector<MetricRecord> out) {
        out.collect(record.setSample(id, timestampMs, value));
    }

    /**
     * Sends {@code payload} (the whole record's value, or the part of it that was rejected) to the
     * dead-letter output, with the source position of {@code r}.
     */
    void reject(
            ConsumerRecord<byte[], byte[]> r,
            byte[] payload,
            String reason,
            long position,
            String message,
            Collector<MetricRecord> out) {
        malformedRecords.inc();
        out.collect(
                record.setRejected(
                        new DeadLetter(
                                payload,
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                reason,
                                message,
                                position)));
    }
}

package io.tsagg.job.kafka;

import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;
import java.time.Instant;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What every input format's reader does with what it decoded: announces each group key once (a
 * dictionary record before the first sample of that id), emits samples in one reused {@link
 * MetricRecord}, sends rejected input to the dead-letter output, and keeps the shared counters
 * ({@code recordsIn}, {@code samplesIn}, {@code malformedRecords}, {@code nonFiniteValues}, {@code
 * futureSamples}).
 *
 * <p><b>Far-future timestamps.</b> A sample stamped more than {@code maxFutureSkewMs} ahead of the
 * wall clock would move its partition's watermark ahead by as much and make every later sample of
 * the partition late. Readers ask {@link #futureHorizon()} once per Kafka record (one clock read,
 * not one per sample), dead-letter samples beyond it with reason {@value #TIMESTAMP_IN_FUTURE} and
 * count them in {@code futureSamples} (not in {@code malformedRecords}: the input is well formed).
 *
 * <p>One per source reader, created in {@code open}; not thread-safe.
 */
final class SampleEmitter {
    /** Dead-letter reason of samples stamped too far ahead of the wall clock. */
    static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";

    private final MetricRecord record = new MetricRecord();
    private final Long2IntOpenMap announced = new Long2IntOpenMap(4096, 0);

    /** 0: no limit. */
    private final long maxFutureSkewMs;

    final Counter recordsIn;
    final Counter samplesIn;
    final Counter malformedRecords;
    final Counter nonFiniteValues;
    final Counter futureSamples;

    /**
     * @param maxFutureSkewMs how far ahead of the wall clock a timestamp may be; 0: no limit
     */
    SampleEmitter(MetricGroup metrics, long maxFutureSkewMs) {
        if (maxFutureSkewMs < 0) {
            throw new IllegalArgumentException(
                    "max future skew must be >= 0 ms, got " + maxFutureSkewMs);
        }
        this.maxFutureSkewMs = maxFutureSkewMs;
        recordsIn = metrics.counter("recordsIn");
        samplesIn = metrics.counter("samplesIn");
        malformedRecords = metrics.counter("malformedRecords");
        nonFiniteValues = metrics.counter("nonFiniteValues");
        futureSamples = metrics.counter("futureSamples");
    }

    /**
     * The largest timestamp accepted for the record being decoded: now plus the allowed skew, or
     * {@link Long#MAX_VALUE} without a limit. Call once per Kafka record.
     */
    long futureHorizon() {
        if (maxFutureSkewMs == 0) {
            return Long.MAX_VALUE;
        }
        long now = System.currentTimeMillis();
        return maxFutureSkewMs > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + maxFutureSkewMs;
    }

    /**
     * Dead-letters {@code samples} samples stamped {@code timestampMs}, beyond {@code horizon}
     * ({@link #futureHorizon()}): {@code payload} is what the reader gives for them (a line). Not a
     * hot path.
     */
    void rejectFuture(
            ConsumerRecord<byte[], byte[]> r,
            byte[] payload,
            long position,
            int samples,
            long timestampMs,
            long horizon,
            String what,
            Collector<MetricRecord> out) {
        futureSamples.inc(samples);
        long ahead = timestampMs - (horizon - maxFutureSkewMs);
        deadLetter(
                r,
                payload,
                TIMESTAMP_IN_FUTURE,
                position,
                what
                        + " has timestamp "
                        + timestampMs
                        + " ms ("
                        + Instant.ofEpochMilli(timestampMs)
                        + "), "
                        + ahead
                        + " ms ahead of the wall clock when it was read; the limit is"
                        + " --max-future-skew "
                        + maxFutureSkewMs
                        + " ms (it would move the watermark and make every later sample of its"
                        + " partition late)",
                out);
    }

    /** Emits the dictionary record of {@code id} unless this reader has done so already. */
    void announce(long id, byte[] key, int offset, int length, Collector<MetricRecord> out) {
        if (announced.get(id) == 0) {
            announced.put(id, 1);
            out.collect(record.setKey(id, key, offset, length));
        }
    }

    /**
     * Emits sample number {@code index} of the record being read, whose input bytes {@code origin}
     * can write if it turns out late. Hot path: allocates nothing.
     */
    void sample(
            long id,
            long timestampMs,
            double value,
            MetricRecord.OriginWriter origin,
            int index,
            Collector<MetricRecord> out) {
        out.collect(record.setSample(id, timestampMs, value).withOrigin(origin, index));
    }

    /** Emits a batch of samples whose largest timestamp is {@code maxTimestamp}. Hot path. */
    void batch(SampleBatch batch, long maxTimestamp, Collector<MetricRecord> out) {
        out.collect(record.setBatch(batch, maxTimestamp));
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
        deadLetter(r, payload, reason, position, message, out);
    }

    private void deadLetter(
            ConsumerRecord<byte[], byte[]> r,
            byte[] payload,
            String reason,
            long position,
            String message,
            Collector<MetricRecord> out) {
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

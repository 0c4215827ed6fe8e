package io.tsagg.job.kafka;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns one Kafka record holding a binary frame into samples, decoding the record's bytes in place.
 * Before the first sample of a group key this reader has not seen, it emits the key's dictionary
 * entry. A record that fails validation becomes one rejected record (original bytes, position,
 * reason) and nothing else: a frame is accepted or rejected whole.
 *
 * <p>Samples with a NaN or infinite value are dropped and counted ({@code nonFiniteValues}): they
 * have no meaningful statistics and would poison every aggregate of their window.
 *
 * <p>One instance per source reader, called from its fetcher-to-task thread only.
 */
public final class FrameRecordDeserializer
        implements KafkaRecordDeserializationSchema<MetricRecord> {
    private static final long serialVersionUID = 1L;

    /**
     * Accepted timestamps: epoch ms from 1970 to 2262-04-11, the last millisecond whose nanosecond
     * timestamp fits an int64 (line protocol's range, so every sample can be written back).
     */
    public static final long MIN_TIMESTAMP = 0L;

    public static final long MAX_TIMESTAMP = Long.MAX_VALUE / 1_000_000L;

    private transient FrameDecoder decoder;
    private transient MetricRecord record;
    private transient Long2IntOpenMap announced;
    private transient long[] seriesIds;

    private transient Counter samplesIn;
    private transient Counter recordsIn;
    private transient Counter malformedRecords;
    private transient Counter nonFiniteValues;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = new FrameDecoder();
        record = new MetricRecord();
        announced = new Long2IntOpenMap(4096, 0);
        seriesIds = new long[1024];
        samplesIn = context.getMetricGroup().counter("samplesIn");
        recordsIn = context.getMetricGroup().counter("recordsIn");
        malformedRecords = context.getMetricGroup().counter("malformedRecords");
        nonFiniteValues = context.getMetricGroup().counter("nonFiniteValues");
    }

    /** Hot path. */
    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> kafkaRecord, Collector<MetricRecord> out) {
        recordsIn.inc();
        byte[] bytes = kafkaRecord.value();
        if (bytes == null) {
            reject(kafkaRecord, "empty_record", -1, "record has no value (tombstone)", out);
            return;
        }
        try {
            decoder.wrap(bytes, 0, bytes.length);
        } catch (MalformedInputException e) {
            reject(kafkaRecord, e.reason(), e.position(), e.getMessage(), out);
            return;
        }
        int samples = decoder.sampleCount();
        for (int i = 0; i < samples; i++) {
            long ts = decoder.timestamp(i);
            if (ts < MIN_TIMESTAMP || ts > MAX_TIMESTAMP) {
                reject(
                        kafkaRecord,
                        "timestamp_out_of_range",
                        -1,
                        "sample "
                                + i
                                + " has timestamp "
                                + ts
                                + " ms, outside ["
                                + MIN_TIMESTAMP
                                + ", "
                                + MAX_TIMESTAMP
                                + "]",
                        out);
                return;
            }
        }
        int series = decoder.seriesCount();
        if (seriesIds.length < series) {
            seriesIds = new long[Math.max(series, seriesIds.length * 2)];
        }
        for (int s = 0; s < series; s++) {
            long id = decoder.seriesKeyHash(s);
            seriesIds[s] = id;
            if (announced.get(id) == 0) {
                announced.put(id, 1);
                out.collect(
                        record.setKey(
                                id, bytes, decoder.seriesKeyOffset(s), decoder.seriesKeyLength(s)));
            }
        }
        int emitted = 0;
        for (int i = 0; i < samples; i++) {
            double v = decoder.value(i);
            if (!Double.isFinite(v)) {
                nonFiniteValues.inc();
                continue;
            }
            out.collect(
                    record.setSample(seriesIds[decoder.seriesIndex(i)], decoder.timestamp(i), v));
            emitted++;
        }
        samplesIn.inc(emitted);
    }

    private void reject(
            ConsumerRecord<byte[], byte[]> r,
            String reason,
            long position,
            String message,
            Collector<MetricRecord> out) {
        malformedRecords.inc();
        out.collect(
                record.setRejected(
                        new DeadLetter(
                                r.value(),
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                reason,
                                message,
                                position)));
    }

    @Override
    public TypeInformation<MetricRecord> getProducedType() {
        return RecordTypeInfo.METRIC_RECORD;
    }
}

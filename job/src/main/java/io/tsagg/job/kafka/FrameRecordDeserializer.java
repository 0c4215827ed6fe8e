package io.tsagg.job.kafka;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.SeriesKeyBuilder;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
 * <p>Samples stamped more than the allowed skew ahead of the wall clock ({@code --max-future-skew},
 * clock read once per record) are dead-lettered one by one with reason {@code timestamp_in_future}
 * and counted in {@code futureSamples}; the other samples of the frame are used. Their payload is
 * the sample as a line-protocol line, {@code <series key>=<value> <timestamp ns>}.
 *
 * <p><b>Late samples</b> keep their input: a sample that turns out late is written to the late
 * output as a frame of its own under its original series key ({@link FrameOrigins}).
 *
 * <p>With {@code --group-by}/{@code --without}, each distinct series id of this reader is mapped to
 * its group key once (a frame's keys are canonical line-protocol keys) and the mapping is cached in
 * a primitive map, so the per-sample cost stays one array read.
 *
 * <p><b>Key epochs</b> ({@code --key-refresh}, see {@link SampleEmitter}): a frame whose latest
 * timestamp starts a new epoch first makes this reader forget which frame dictionaries it has
 * announced and its series-to-group map, so their keys are announced again.
 *
 * <p>One instance per source reader, called from its fetcher-to-task thread only.
 */
public final class FrameRecordDeserializer implements PartitionRunDeserializer<MetricRecord> {
    private static final long serialVersionUID = 1L;

    /**
     * Accepted timestamps: epoch ms from 1970 to 2262-04-11, the last millisecond whose nanosecond
     * timestamp fits an int64 (line protocol's range, so every sample can be written back).
     */
    public static final long MIN_TIMESTAMP = LineProtocolParser.MIN_TIMESTAMP_MS;

    public static final long MAX_TIMESTAMP = LineProtocolParser.MAX_TIMESTAMP_MS;

    private final GroupKeySpec groupKeys;
    private final long maxFutureSkewMs;
    private final boolean batches;
    private final long keyRefreshMs;

    private transient FrameDecoder decoder;
    private transient SampleEmitter emitter;
    private transient FrameOrigins origins;
    private transient FrameBatch batch;
    private transient long[] seriesIds;

    // Group ids of the dictionaries the decoder keeps, by its entry; valid while the stamp holds.
    private transient long[][] dictionaryIds;
    private transient long[] dictionaryStamps;

    // Group keys: series id -> index into groupIds, filled once per distinct series.
    private transient SeriesKeyBuilder groupKeyBuilder;
    private transient Long2IntOpenMap groupOfSeries;
    private transient long[] groupIds;

    /** Group keys are the series keys; any timestamp up to 2262 is accepted. */
    public FrameRecordDeserializer() {
        this(GroupKeySpec.series());
    }

    /** Any timestamp up to 2262 is accepted. */
    public FrameRecordDeserializer(GroupKeySpec groupKeys) {
        this(groupKeys, 0);
    }

    /**
     * @param maxFutureSkewMs samples stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     */
    public FrameRecordDeserializer(GroupKeySpec groupKeys, long maxFutureSkewMs) {
        this(groupKeys, maxFutureSkewMs, false);
    }

    /**
     * @param maxFutureSkewMs samples stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     * @param batches emit the samples of each frame as one {@link MetricRecord#KIND_BATCH} record,
     *     for a pre-aggregator chained to the source (which reads them in a loop), instead of one
     *     record per sample
     */
    public FrameRecordDeserializer(GroupKeySpec groupKeys, long maxFutureSkewMs, boolean batches) {
        this(groupKeys, maxFutureSkewMs, batches, 0);
    }

    /**
     * @param maxFutureSkewMs samples stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     * @param batches see {@link #FrameRecordDeserializer(GroupKeySpec, long, boolean)}
     * @param keyRefreshMs event-time length of a key epoch ({@link SampleEmitter}); 0: every key
     *     announced once for good
     */
    public FrameRecordDeserializer(
            GroupKeySpec groupKeys, long maxFutureSkewMs, boolean batches, long keyRefreshMs) {
        SampleEmitter.checkSettings(maxFutureSkewMs, keyRefreshMs);
        this.keyRefreshMs = keyRefreshMs;
        this.groupKeys = groupKeys;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.batches = batches;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder = new FrameDecoder();
        emitter = new SampleEmitter(context.getMetricGroup(), maxFutureSkewMs, keyRefreshMs);
        origins = new FrameOrigins();
        batch = batches ? new FrameBatch(origins) : null;
        seriesIds = new long[1024];
        dictionaryIds = new long[FrameDecoder.KEY_TABLES][];
        dictionaryStamps = new long[FrameDecoder.KEY_TABLES];
        if (!groupKeys.isSeries()) {
            groupKeyBuilder = new SeriesKeyBuilder(groupKeys, Integer.MAX_VALUE);
            groupIds = new long[1024];
        }
        forgetKeys();
    }

    /** Hot path. */
    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> kafkaRecord, Collector<MetricRecord> out) {
        emitter.recordsIn.inc();
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
        long maxTs = Long.MIN_VALUE;
        for (int i = 0; i < samples; i++) {
            long ts = decoder.timestamp(i);
            maxTs = Math.max(maxTs, ts);
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
        if (emitter.newKeyEpoch(maxTs)) {
            forgetKeys();
        }
        long[] ids = groupIds(bytes, out);
        emitter.newRecord();
        origins.reset(decoder, bytes);
        if (batch != null) {
            batch.start(decoder, ids);
        }
        int emitted = 0;
        for (int i = 0; i < samples; i++) {
            long ts = decoder.timestamp(i);
            double v = decoder.value(i);
            if (emitter.beyondHorizon(ts)) {
                rejectFuture(kafkaRecord, bytes, i, ts, v, emitter.futureHorizon(), out);
                continue;
            }
            if (!Double.isFinite(v)) {
                emitter.nonFiniteValues.inc();
                continue;
            }
            if (batch != null) {
                batch.accept(i, ts);
            } else {
                emitter.sample(ids[decoder.seriesIndex(i)], ts, v, origins, i, out);
            }
            emitted++;
        }
        emitter.samplesIn.inc(emitted);
        if (batch != null && emitted > 0) {
            // After the dead letters of the frame, as one record.
            emitter.batch(batch, batch.maxTimestamp(), out);
        }
    }

    /**
     * No frame dictionary or group key held as announced (at open, and at a new key epoch): each is
     * announced again when next seen.
     */
    private void forgetKeys() {
        Arrays.fill(dictionaryStamps, -1);
        if (!groupKeys.isSeries()) {
            groupOfSeries = new Long2IntOpenMap(4096, -1);
        }
    }

    /**
     * The group id of each series of the wrapped frame, by series index, each announced before. For
     * a dictionary the decoder has seen before, the ids worked out then: same dictionary, same ids,
     * already announced by this reader.
     */
    private long[] groupIds(byte[] bytes, Collector<MetricRecord> out) {
        int series = decoder.seriesCount();
        int entry = decoder.keyTableEntry();
        long[] ids;
        if (entry >= 0) {
            ids = dictionaryIds[entry];
            if (dictionaryStamps[entry] == decoder.keyTableStamp()) {
                return ids;
            }
            if (ids == null || ids.length < series) {
                ids = dictionaryIds[entry] = new long[Math.max(series, 64)];
            }
            // Marked only once every id below is announced.
            dictionaryStamps[entry] = -1;
        } else {
            if (seriesIds.length < series) {
                seriesIds = new long[Math.max(series, seriesIds.length * 2)];
            }
            ids = seriesIds;
        }
        for (int s = 0; s < series; s++) {
            long id = decoder.seriesKeyHash(s);
            if (groupOfSeries == null) {
                emitter.announce(
                        id, bytes, decoder.seriesKeyOffset(s), decoder.seriesKeyLength(s), out);
            } else {
                id =
                        groupIdOf(
                                id,
                                bytes,
                                decoder.seriesKeyOffset(s),
                                decoder.seriesKeyLength(s),
                                out);
            }
            ids[s] = id;
        }
        if (entry >= 0) {
            dictionaryStamps[entry] = decoder.keyTableStamp();
        }
        return ids;
    }

    /** The group id of series {@code seriesId}, mapped (and announced) on first sight. */
    private long groupIdOf(
            long seriesId, byte[] key, int offset, int length, Collector<MetricRecord> out) {
        int g = groupOfSeries.get(seriesId);
        if (g < 0) {
            long groupId = groupKeyBuilder.groupIdOfSeriesKey(key, offset, length);
            emitter.announce(groupId, groupKeyBuilder.key(), 0, groupKeyBuilder.keyLength(), out);
            g = groupOfSeries.size();
            if (g == groupIds.length) {
                groupIds = Arrays.copyOf(groupIds, g * 2);
            }
            groupIds[g] = groupId;
            groupOfSeries.put(seriesId, g);
        }
        return groupIds[g];
    }

    /** Dead-letters sample {@code i} as a line-protocol line. Not a hot path. */
    private void rejectFuture(
            ConsumerRecord<byte[], byte[]> r,
            byte[] frame,
            int i,
            long ts,
            double value,
            long horizon,
            Collector<MetricRecord> out) {
        int s = decoder.seriesIndex(i);
        String line =
                new String(
                                frame,
                                decoder.seriesKeyOffset(s),
                                decoder.seriesKeyLength(s),
                                StandardCharsets.UTF_8)
                        + "="
                        + value
                        + " "
                        + ts * 1_000_000L;
        emitter.rejectFuture(
                r,
                line.getBytes(StandardCharsets.UTF_8),
                -1,
                1,
                ts,
                horizon,
                "sample " + i + " of the frame",
                out);
    }

    private void reject(
            ConsumerRecord<byte[], byte[]> r,
            String reason,
            long position,
            String message,
            Collector<MetricRecord> out) {
        emitter.reject(r, r.value(), reason, position, message, out);
    }

    @Override
    public TypeInformation<MetricRecord> getProducedType() {
        return RecordTypeInfo.METRIC_RECORD;
    }
}

package io.tsagg.job.kafka;

import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import java.util.Arrays;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns one Kafka record of InfluxDB line protocol (one or many lines, as Telegraf's Kafka output
 * writes them) into samples: {@link LineProtocolParser} parses the record's bytes into an {@link
 * IngestArena}, then this reader announces the group keys new to it and emits the samples.
 *
 * <p><b>Dead letters are per line.</b> A malformed line goes to the dead-letter output on its own:
 * its original bytes (without the {@code \n}) as the payload, the reason code, and as position the
 * byte offset of the problem within the Kafka record. The good lines of the same record are used.
 * Counters: {@code malformedLines} (dead letters; also counted in {@code malformedRecords}), {@code
 * nonNumericFields} (strings and booleans, skipped by policy), {@code nonFiniteValues}.
 *
 * <p><b>Far-future timestamps.</b> A line whose timestamp is more than {@code --max-future-skew}
 * ahead of the wall clock (read once per record) goes to the dead-letter output on its own, like a
 * malformed line, with reason {@code timestamp_in_future}; its samples count in {@code
 * futureSamples}, not in {@code samplesIn} or {@code malformedLines}. Finding those lines parses
 * the lines of the record once more, one by one, only for records that have such samples.
 *
 * <p><b>Late samples</b> keep their input bytes: each sample names {@link LineOrigins} as its
 * origin writer, which writes the sample's line (cut down to its field) only if the operator after
 * the source asks, for samples behind the watermark.
 *
 * <p><b>Batches.</b> With {@code batches}, the samples go to the pre-aggregator chained after the
 * source as {@link MetricRecord#KIND_BATCH} records: one per Kafka record when called record by
 * record ({@link #deserialize}), and one per run of records (up to {@link #RUN_BATCH_SAMPLES}
 * samples) when {@link PartitionRunEmitter} hands it a partition's records of one fetch. Keys are
 * announced, and dead letters sent, record by record before the batch that holds their samples.
 *
 * <p><b>Key epochs</b> ({@code --key-refresh}, see {@link SampleEmitter}): a record whose latest
 * timestamp starts a new epoch first sends the batch of the records before it (their keys were
 * announced in the epoch that ends), then makes the parser forget its keys and parses the record
 * again, so each of its keys is announced in the new epoch before its samples.
 *
 * <p>Points without a timestamp get the Kafka record's timestamp (the wall clock if the record has
 * none). One instance per source reader, called from its fetcher-to-task thread only.
 */
public final class LineProtocolRecordDeserializer
        implements PartitionRunDeserializer<MetricRecord> {
    private static final long serialVersionUID = 1L;

    /**
     * In a run, the samples held before they are emitted as a batch, checked after each record (so
     * a batch holds whole records): 16 of the arena's segments, 384 KiB.
     */
    static final int RUN_BATCH_SAMPLES = 16 * IngestArena.SAMPLES_PER_SEGMENT;

    private final TimestampPrecision precision;
    private final GroupKeySpec groupKeys;
    private final long maxFutureSkewMs;
    private final boolean batches;
    private final long keyRefreshMs;

    private transient LineProtocolParser parser;
    private transient IngestArena arena;
    private transient SampleEmitter emitter;
    private transient LineOrigins origins;
    private transient ArenaBatch batch;
    private transient Counter malformedLines;
    private transient Counter nonNumericFields;

    /** Re-parses single lines of records with far-future samples; made on first use. */
    private transient LineProtocolParser lineParser;

    private transient IngestArena lineArena;

    /** The arena's keys announced so far (keys are added to it record by record). */
    private transient int keysAnnounced;

    /** Whether a run is being read into one batch ({@link #startRun} with {@code batches}). */
    private transient boolean inRun;

    /** Any timestamp up to 2262 is accepted. */
    public LineProtocolRecordDeserializer(TimestampPrecision precision, GroupKeySpec groupKeys) {
        this(precision, groupKeys, 0);
    }

    /**
     * @param maxFutureSkewMs lines stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     */
    public LineProtocolRecordDeserializer(
            TimestampPrecision precision, GroupKeySpec groupKeys, long maxFutureSkewMs) {
        this(precision, groupKeys, maxFutureSkewMs, false);
    }

    /**
     * @param maxFutureSkewMs lines stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     * @param batches emit the samples of each record as one {@link MetricRecord#KIND_BATCH} record,
     *     for a pre-aggregator chained to the source, instead of one record per sample
     */
    public LineProtocolRecordDeserializer(
            TimestampPrecision precision,
            GroupKeySpec groupKeys,
            long maxFutureSkewMs,
            boolean batches) {
        this(precision, groupKeys, maxFutureSkewMs, batches, 0);
    }

    /**
     * @param maxFutureSkewMs lines stamped more than this ahead of the wall clock are
     *     dead-lettered; 0: no limit
     * @param batches see {@link #LineProtocolRecordDeserializer(TimestampPrecision, GroupKeySpec,
     *     long, boolean)}
     * @param keyRefreshMs event-time length of a key epoch ({@link SampleEmitter}); 0: every key
     *     announced once for good
     */
    public LineProtocolRecordDeserializer(
            TimestampPrecision precision,
            GroupKeySpec groupKeys,
            long maxFutureSkewMs,
            boolean batches,
            long keyRefreshMs) {
        SampleEmitter.checkSettings(maxFutureSkewMs, keyRefreshMs);
        this.keyRefreshMs = keyRefreshMs;
        this.precision = precision;
        this.groupKeys = groupKeys;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.batches = batches;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new LineProtocolParser(precision, groupKeys);
        arena = new IngestArena();
        emitter = new SampleEmitter(context.getMetricGroup(), maxFutureSkewMs, keyRefreshMs);
        origins = new LineOrigins(precision, groupKeys);
        batch = batches ? new ArenaBatch(arena, origins) : null;
        malformedLines = context.getMetricGroup().counter("malformedLines");
        nonNumericFields = context.getMetricGroup().counter("nonNumericFields");
    }

    /** One record, one batch (with {@code batches}). Hot path. */
    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> kafkaRecord, Collector<MetricRecord> out) {
        startBatch();
        read(kafkaRecord, out);
        endBatch(out);
    }

    @Override
    public void startRun(Collector<MetricRecord> out) {
        if (batch != null) {
            inRun = true;
            startBatch();
        }
    }

    /** Hot path. */
    @Override
    public void deserializeInRun(
            ConsumerRecord<byte[], byte[]> kafkaRecord, Collector<MetricRecord> out) {
        if (!inRun) {
            deserialize(kafkaRecord, out);
            return;
        }
        read(kafkaRecord, out);
        if (arena.size() >= RUN_BATCH_SAMPLES) {
            endBatch(out);
            startBatch();
        }
    }

    @Override
    public void endRun(Collector<MetricRecord> out) {
        if (inRun) {
            inRun = false;
            endBatch(out);
        }
    }

    private void startBatch() {
        arena.reset();
        origins.clear();
        keysAnnounced = 0;
        if (batch != null) {
            batch.start(0);
        }
    }

    private void endBatch(Collector<MetricRecord> out) {
        if (batch != null && batch.size() > 0) {
            emitter.batch(batch, batch.maxTimestamp(), out);
        }
    }

    /**
     * Parses one Kafka record into the arena, after what it holds: announces its new keys, emits
     * its samples (without {@code batches}) or adds them to the batch, and dead-letters what it
     * rejects. Hot path.
     */
    private void read(ConsumerRecord<byte[], byte[]> kafkaRecord, Collector<MetricRecord> out) {
        emitter.recordsIn.inc();
        byte[] bytes = kafkaRecord.value();
        if (bytes == null) {
            emitter.reject(
                    kafkaRecord, null, "empty_record", -1, "record has no value (tombstone)", out);
            return;
        }
        long defaultTimestamp =
                kafkaRecord.timestamp() >= 0 ? kafkaRecord.timestamp() : System.currentTimeMillis();
        int first = arena.size();
        parser.parse(bytes, 0, bytes.length, defaultTimestamp, arena);
        if (emitter.newKeyEpoch(maxTimestamp(first))) {
            // The samples before this record were announced in the epoch that ends: they go
            // first; then this record again, every one of its keys new to the parser.
            endBatch(out);
            startBatch();
            parser.forgetKeys();
            first = 0;
            parser.parse(bytes, 0, bytes.length, defaultTimestamp, arena);
        }
        origins.add(bytes, defaultTimestamp, first);

        for (int k = keysAnnounced; k < arena.keyCount(); k++) {
            emitter.announce(
                    arena.newKeyId(k),
                    arena.newKeyBytes(),
                    arena.newKeyOffset(k),
                    arena.newKeyLength(k),
                    out);
        }
        keysAnnounced = arena.keyCount();
        emitter.newRecord();
        int end = arena.size();
        int future = 0;
        for (int i = first; i < end; i++) {
            long ts = arena.timestamp(i);
            if (emitter.beyondHorizon(ts)) {
                future++;
                continue;
            }
            if (batch != null) {
                batch.accept(i, ts);
            } else {
                emitter.sample(arena.keyId(i), ts, arena.value(i), origins, i, out);
            }
        }
        emitter.samplesIn.inc(end - first - future);
        if (future > 0) {
            rejectFutureLines(kafkaRecord, bytes, defaultTimestamp, emitter.futureHorizon(), out);
        }
        if (parser.nonNumericFields() > 0) {
            nonNumericFields.inc(parser.nonNumericFields());
        }
        if (parser.nonFiniteValues() > 0) {
            emitter.nonFiniteValues.inc(parser.nonFiniteValues());
        }
        for (int r = 0; r < parser.rejectedLines(); r++) {
            int start = parser.rejectedLineStart(r);
            malformedLines.inc();
            emitter.reject(
                    kafkaRecord,
                    Arrays.copyOfRange(bytes, start, start + parser.rejectedLineLength(r)),
                    parser.rejectedReason(r),
                    parser.rejectedPosition(r),
                    parser.rejectedMessage(r),
                    out);
        }
    }

    /** The latest timestamp of the arena's samples from {@code first} on; MIN_VALUE: none. */
    private long maxTimestamp(int first) {
        long max = Long.MIN_VALUE;
        for (int i = first, end = arena.size(); i < end; i++) {
            max = Math.max(max, arena.timestamp(i));
        }
        return max;
    }

    /**
     * Dead-letters each line of the record whose samples are stamped beyond {@code horizon} (all
     * samples of a line share its timestamp). Not a hot path: only for records that have such
     * samples.
     */
    private void rejectFutureLines(
            ConsumerRecord<byte[], byte[]> kafkaRecord,
            byte[] bytes,
            long defaultTimestamp,
            long horizon,
            Collector<MetricRecord> out) {
        if (lineParser == null) {
            lineParser = new LineProtocolParser(precision, groupKeys);
            lineArena = new IngestArena();
        }
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineArena.reset();
            int n = lineParser.parse(bytes, start, end - start, defaultTimestamp, lineArena);
            if (n > 0 && lineArena.timestamp(0) > horizon) {
                int length = end > start && bytes[end - 1] == '\r' ? end - 1 - start : end - start;
                emitter.rejectFuture(
                        kafkaRecord,
                        Arrays.copyOfRange(bytes, start, start + length),
                        start,
                        n,
                        lineArena.timestamp(0),
                        horizon,
                        "the line at byte " + start,
                        out);
            }
            start = end + 1;
        }
    }

    @Override
    public TypeInformation<MetricRecord> getProducedType() {
        return RecordTypeInfo.METRIC_RECORD;
    }
}

package io.tsagg.job.kafka;

import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What every input format's reader does with what it decoded: announces each group key once per key
 * epoch (a dictionary record before the first sample of that id), emits samples in one reused
 * {@link MetricRecord}, sends rejected input to the dead-letter output, and keeps the shared
 * counters ({@code recordsIn}, {@code samplesIn}, {@code malformedRecords}, {@code
 * nonFiniteValues}, {@code futureSamples}).
 *
 * <p><b>Far-future timestamps.</b> A sample stamped more than {@code maxFutureSkewMs} ahead of the
 * wall clock would move its partition's watermark ahead by as much and make every later sample of
 * the partition late. Readers check each sample with {@link #beyondHorizon} after {@link
 * #newRecord()}, dead-letter samples beyond it with reason {@value #TIMESTAMP_IN_FUTURE} and count
 * them in {@code futureSamples} (not in {@code malformedRecords}: the input is well formed). The
 * clock is read only when a timestamp is beyond the horizon of the last read, at most once per
 * record: a compare per sample otherwise, where a clock read per record cost about 5% of the line
 * protocol source thread with one sample per record ({@code perf}, session 8).
 *
 * <p><b>Key epochs.</b> With a refresh interval {@code R} (event time), the emitter's announcements
 * hold until the current epoch's valid-until time, the latest timestamp of the record that started
 * the epoch plus {@code R}. A reader asks {@link #newKeyEpoch} with each record's latest timestamp
 * before it announces the record's keys; a record reaching the valid-until time starts a new epoch:
 * the emitter forgets what it announced and the reader forgets what it cached as announced, so
 * every key is announced again, with the new time, before its next sample. Hence every sample is
 * stamped before the valid-until time of the last announcement of its key, which lets the window
 * operators forget keys that stopped reporting, and this emitter holds the keys of one epoch, not
 * every key it has seen. Without an interval (0) there is one epoch for good (the announcements'
 * time is {@link Long#MAX_VALUE}). Epochs started are counted in {@code keyEpochs}.
 *
 * <p>One per source reader, created in {@code open}; not thread-safe.
 */
final class SampleEmitter {
    /** Dead-letter reason of samples stamped too far ahead of the wall clock. */
    static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";

    private final MetricRecord record = new MetricRecord();

    /** Ids announced in this key epoch. */
    private Long2IntOpenMap announced = newAnnouncedSet();

    /** Event-time length of a key epoch, ms; 0: one epoch for good. */
    private final long keyRefreshMs;

    /**
     * Valid-until time of this epoch's announcements: {@link Long#MAX_VALUE} without a refresh
     * interval; {@link Long#MIN_VALUE} before the first epoch (keys announced then, of records
     * without samples, need not hold for any sample).
     */
    private long validUntil;

    /** 0: no limit. */
    private final long maxFutureSkewMs;

    /**
     * Now plus {@link #maxFutureSkewMs} at the last clock read ({@link Long#MAX_VALUE} without a
     * limit, {@link Long#MIN_VALUE} before the first read). The clock moves forward, so this is
     * never later than the horizon a fresh read would give.
     */
    private long horizon;

    /** Whether the clock was read for the record being decoded. */
    private boolean horizonRead;

    /** Wall clock, ms. */
    private final LongSupplier clock;

    final Counter recordsIn;
    final Counter samplesIn;
    final Counter malformedRecords;
    final Counter nonFiniteValues;
    final Counter futureSamples;
    final Counter keyEpochs;

    /**
     * @param maxFutureSkewMs how far ahead of the wall clock a timestamp may be; 0: no limit
     * @param keyRefreshMs event-time length of a key epoch; 0: keys are announced once for good
     */
    SampleEmitter(MetricGroup metrics, long maxFutureSkewMs, long keyRefreshMs) {
        this(metrics, maxFutureSkewMs, keyRefreshMs, System::currentTimeMillis);
    }

    /** With a wall clock of the caller's (ms); for tests. */
    SampleEmitter(
            MetricGroup metrics, long maxFutureSkewMs, long keyRefreshMs, LongSupplier clock) {
        this.clock = clock;
        checkSettings(maxFutureSkewMs, keyRefreshMs);
        this.keyRefreshMs = keyRefreshMs;
        this.validUntil = keyRefreshMs == 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.horizon = maxFutureSkewMs == 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        recordsIn = metrics.counter("recordsIn");
        samplesIn = metrics.counter("samplesIn");
        malformedRecords = metrics.counter("malformedRecords");
        nonFiniteValues = metrics.counter("nonFiniteValues");
        futureSamples = metrics.counter("futureSamples");
        keyEpochs = metrics.counter("keyEpochs");
    }

    /**
     * Refuses a negative future skew or key refresh interval: for the readers' constructors, so a
     * bad setting fails when the job is built, not when its tasks open.
     */
    static void checkSettings(long maxFutureSkewMs, long keyRefreshMs) {
        if (maxFutureSkewMs < 0) {
            throw new IllegalArgumentException(
                    "max future skew must be >= 0 ms, got " + maxFutureSkewMs);
        }
        if (keyRefreshMs < 0) {
            throw new IllegalArgumentException(
                    "key refresh interval must be >= 0 ms, got " + keyRefreshMs);
        }
    }

    /**
     * Whether the record about to be read, whose latest timestamp is {@code maxTimestampMs} ({@link
     * Long#MIN_VALUE}: it has no samples), starts a new key epoch: then this emitter has forgotten
     * what it announced, and the reader must forget every key it holds as announced before it
     * announces the record's keys. Hot path: a compare.
     */
    boolean newKeyEpoch(long maxTimestampMs) {
        if (maxTimestampMs < validUntil || maxTimestampMs == Long.MIN_VALUE) {
            return false;
        }
        // Never Long.MAX_VALUE, which means for good (timestamps stop at 2262 anyway).
        validUntil =
                maxTimestampMs >= Long.MAX_VALUE - keyRefreshMs
                        ? Long.MAX_VALUE - 1
                        : maxTimestampMs + keyRefreshMs;
        announced = newAnnouncedSet();
        keyEpochs.inc();
        return true;
    }

    private static Long2IntOpenMap newAnnouncedSet() {
        return new Long2IntOpenMap(4096, 0);
    }

    /** The valid-until time of this epoch's announcements. */
    long keyValidUntil() {
        return validUntil;
    }

    /** Starts the checks of a Kafka record's timestamps ({@link #beyondHorizon}). */
    void newRecord() {
        horizonRead = false;
    }

    /**
     * Whether a sample stamped {@code timestampMs} is more than the allowed skew ahead of the wall
     * clock. Reads the clock only for a timestamp beyond the horizon of the last read, and at most
     * once per record, so that every answer within a record after a read is against that one
     * horizon ({@link #futureHorizon()}) and a sample that passed before it passes against it too.
     * Hot path.
     */
    boolean beyondHorizon(long timestampMs) {
        // A compare inline; the rest, rare, in a method of its own.
        return timestampMs > horizon && beyondFreshHorizon(timestampMs);
    }

    /** {@link #beyondHorizon} for a timestamp beyond the horizon of the last read. */
    private boolean beyondFreshHorizon(long timestampMs) {
        if (!horizonRead) {
            horizonRead = true;
            long now = clock.getAsLong();
            // Never earlier than before: after the clock is stepped back, samples that passed
            // against the last horizon must not be found beyond this one (a line-protocol record's
            // lines are rejected after its samples were checked).
            horizon =
                    Math.max(
                            horizon,
                            maxFutureSkewMs > Long.MAX_VALUE - now
                                    ? Long.MAX_VALUE
                                    : now + maxFutureSkewMs);
        }
        return timestampMs > horizon;
    }

    /** The horizon {@link #beyondHorizon} answered against last: for the dead-letter reason. */
    long futureHorizon() {
        return horizon;
    }

    /**
     * Dead-letters {@code samples} samples stamped {@code timestampMs}, beyond {@code horizon}
     * ({@link #futureHorizon()} after {@link #beyondHorizon} said so): {@code payload} is what the
     * reader gives for them (a line). Not a hot path.
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
            out.collect(record.setKey(id, key, offset, length, validUntil));
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

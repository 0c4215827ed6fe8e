package io.tsagg.job.kafka;

import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;
import java.util.Arrays;

/**
 * A {@link SampleBatch} over a reader's decoded samples of one Kafka record (or of several, decoded
 * one after another), of which the reader accepts some, in order ({@link #accept}): usually all of
 * them, so batch sample {@code i} is decoded sample {@code i}; an index list is built only once a
 * sample is left out (a far-future timestamp, a non-finite value). Subclasses read decoded sample
 * {@link #sample(int) sample(i)}. Also tracks the largest accepted timestamp. One per reader,
 * reused; not thread-safe.
 */
abstract class IndexedBatch implements SampleBatch {
    private final MetricRecord.OriginWriter origins;
    private int[] accepted = new int[64];
    private boolean all;
    private int size;
    private long maxTimestamp;

    IndexedBatch(MetricRecord.OriginWriter origins) {
        this.origins = origins;
    }

    /** Starts a batch of about {@code decoded} samples (more may be accepted). */
    final void start(int decoded) {
        all = true;
        size = 0;
        maxTimestamp = Long.MIN_VALUE;
        if (accepted.length < decoded) {
            accepted = new int[Math.max(decoded, 2 * accepted.length)];
        }
    }

    /** Adds decoded sample {@code i}, stamped {@code timestampMs}. Hot path. */
    final void accept(int i, long timestampMs) {
        if (all && i != size) {
            // The first sample left out: from now on, list the accepted ones.
            all = false;
            if (accepted.length <= size) {
                accepted = new int[2 * size + 1];
            }
            for (int k = 0; k < size; k++) {
                accepted[k] = k;
            }
        }
        if (!all) {
            if (size == accepted.length) {
                accepted = Arrays.copyOf(accepted, 2 * size);
            }
            accepted[size] = i;
        }
        size++;
        maxTimestamp = Math.max(maxTimestamp, timestampMs);
    }

    /** The largest timestamp accepted since {@link #start}. */
    final long maxTimestamp() {
        return maxTimestamp;
    }

    /** The decoded sample that is batch sample {@code i}. */
    final int sample(int i) {
        return all ? i : accepted[i];
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final void writeOrigin(int i, MetricRecord into) {
        origins.writeOrigin(sample(i), into);
    }
}

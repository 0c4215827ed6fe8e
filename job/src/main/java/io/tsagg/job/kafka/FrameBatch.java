package io.tsagg.job.kafka;

import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;

/**
 * The accepted samples of the frame a {@link FrameDecoder} wraps, as one {@link SampleBatch}: read
 * straight from the frame's columns, with the group id of each sample's series from the reader's
 * per-frame table. Samples the reader dropped (non-finite values, far-future timestamps) are left
 * out through an index list, built only for frames that have such samples. One per reader, reused
 * for every frame; not thread-safe.
 */
final class FrameBatch implements SampleBatch {
    private final FrameOrigins origins;
    private FrameDecoder decoder;
    private long[] seriesIds;

    /** Frame sample of batch sample i, or null when the batch is the whole frame. */
    private int[] accepted = new int[64];

    private boolean all;
    private int size;

    FrameBatch(FrameOrigins origins) {
        this.origins = origins;
    }

    /** Starts a frame; {@code seriesIds[s]} is the group id of the frame's series {@code s}. */
    void reset(FrameDecoder decoder, long[] seriesIds) {
        this.decoder = decoder;
        this.seriesIds = seriesIds;
        this.all = true;
        this.size = 0;
    }

    /** Adds frame sample {@code i}; samples are added in order. Hot path. */
    void accept(int i) {
        if (all && i != size) {
            // The first sample left out: from now on, list the accepted ones.
            all = false;
            if (accepted.length < decoder.sampleCount()) {
                accepted = new int[Math.max(decoder.sampleCount(), 2 * accepted.length)];
            }
            for (int k = 0; k < size; k++) {
                accepted[k] = k;
            }
        }
        if (!all) {
            accepted[size] = i;
        }
        size++;
    }

    private int sample(int i) {
        return all ? i : accepted[i];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long keyId(int i) {
        return seriesIds[decoder.seriesIndex(sample(i))];
    }

    @Override
    public long timestamp(int i) {
        return decoder.timestamp(sample(i));
    }

    @Override
    public double value(int i) {
        return decoder.value(sample(i));
    }

    @Override
    public void writeOrigin(int i, MetricRecord into) {
        origins.writeOrigin(sample(i), into);
    }
}

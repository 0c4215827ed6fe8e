package io.tsagg.job.kafka;

import io.tsagg.serde.frame.FrameDecoder;

/**
 * The accepted samples of the frame a {@link FrameDecoder} wraps, as one batch: read straight from
 * the frame's columns, with the group id of each sample's series from the reader's per-frame table.
 * One per reader, reused for every frame; not thread-safe.
 */
final class FrameBatch extends IndexedBatch {
    private FrameDecoder decoder;
    private long[] seriesIds;

    FrameBatch(FrameOrigins origins) {
        super(origins);
    }

    /** Starts a frame; {@code seriesIds[s]} is the group id of the frame's series {@code s}. */
    void start(FrameDecoder decoder, long[] seriesIds) {
        this.decoder = decoder;
        this.seriesIds = seriesIds;
        start(decoder.sampleCount());
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
}

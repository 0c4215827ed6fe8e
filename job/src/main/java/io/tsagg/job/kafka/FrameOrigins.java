package io.tsagg.job.kafka;

import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.record.MetricRecord;

/**
 * The origin of a sample of a binary frame: a frame of its own, in the same format, holding just
 * that sample under its series key as the input frame had it (before any {@code --group-by}), so it
 * can be replayed into the input topic as it is. A frame has no bytes per sample to copy, so this
 * is the smallest input that means the same. Called only for samples that may turn out late. One
 * per reader; not thread-safe.
 */
final class FrameOrigins implements MetricRecord.OriginWriter {
    private final FrameWriter writer = new FrameWriter();
    private byte[] scratch = new byte[256];
    private FrameDecoder decoder;
    private byte[] frame;

    /** Starts a record, which {@code decoder} wraps. Hot path: two stores. */
    void reset(FrameDecoder decoder, byte[] frame) {
        this.decoder = decoder;
        this.frame = frame;
    }

    @Override
    public void writeOrigin(int sample, MetricRecord into) {
        int s = decoder.seriesIndex(sample);
        writer.reset();
        int series =
                writer.addSeries(frame, decoder.seriesKeyOffset(s), decoder.seriesKeyLength(s));
        writer.addSample(series, decoder.timestamp(sample), decoder.value(sample));
        int length = writer.encodedLength();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        writer.encodeTo(scratch, 0);
        into.setOrigin(scratch, 0, length);
    }
}

package io.tsagg.operators.window;

import io.tsagg.serde.record.MetricRecord;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The payload of a {@link MetricRecord#KIND_PARTIAL} record: a {@link Summary} in its own encoding
 * ({@link Summary#write}), so whatever a summary carries travels with it. Reuses its buffers: one
 * instance per operator, task thread only.
 */
final class PartialCodec {
    private final DataOutputSerializer out = new DataOutputSerializer(128);
    private final DataInputDeserializer in = new DataInputDeserializer();

    /** Makes {@code into} the partial summary {@code s} of (key, pane). */
    MetricRecord encode(long keyId, long paneStart, Summary s, MetricRecord into)
            throws IOException {
        out.clear();
        s.write(out);
        return into.setPartial(keyId, paneStart, out.getSharedBuffer(), 0, out.length());
    }

    /** Reads the summary of a partial into {@code into}. */
    Summary decode(MetricRecord r, Summary into) throws IOException {
        in.setBuffer(r.payload(), 0, r.payloadLength());
        into.read(in);
        if (in.available() != 0) {
            throw new IOException(
                    "Partial summary of key "
                            + Long.toHexString(r.keyId())
                            + " has "
                            + in.available()
                            + " bytes after its summary (corrupt stream, or pre-aggregator and"
                            + " window operator of different builds?)");
        }
        return into;
    }
}

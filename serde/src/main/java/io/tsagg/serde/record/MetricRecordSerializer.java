package io.tsagg.serde.record;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Wire encoding of {@link MetricRecord}, so Flink never falls back to Kryo.
 *
 * <pre>
 *   byte  kind | flags        (bit 7: key bytes follow; bit 6: origin bytes follow;
 *                              bit 5: a dictionary entry's valid-until time follows)
 *   long  key id
 *   long  timestamp           (samples; partials: the pane start; dictionary entries with bit 5:
 *                              valid until)
 *   double value              (samples only)
 *   int   payload length, bytes (partials only)
 *   int   key length, bytes   (dictionary entries, and samples that carry their key)
 *   int   origin length, bytes (samples that carry their origin)
 * </pre>
 *
 * A plain sample is 25 bytes. Only a written origin ({@link MetricRecord#hasOrigin()}) is sent: the
 * origin writer is a reference into the sending reader. The origin flag was added after the first
 * release of this format, the valid-until flag after the second; streams without them read as
 * before (a dictionary entry without the time holds for good). A rejected record (two-phase jobs
 * send it on to the window operator, which passes it to the dead-letter output) is the kind byte
 * followed by its {@link DeadLetterSerializer} form.
 */
public final class MetricRecordSerializer extends TypeSerializerSingleton<MetricRecord> {
    private static final long serialVersionUID = 1L;

    public static final MetricRecordSerializer INSTANCE = new MetricRecordSerializer();

    private static final int HAS_KEY = 0x80;
    private static final int HAS_ORIGIN = 0x40;
    private static final int HAS_VALID_UNTIL = 0x20;
    private static final int KIND_MASK = 0x1F;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public MetricRecord createInstance() {
        return new MetricRecord();
    }

    @Override
    public MetricRecord copy(MetricRecord from) {
        return copy(from, new MetricRecord());
    }

    @Override
    public MetricRecord copy(MetricRecord from, MetricRecord reuse) {
        reuse.copyFrom(from);
        if (from.isRejected()) {
            // copyFrom shares the dead letter; a serializer copy must be deep.
            reuse.setRejected(DeadLetterSerializer.INSTANCE.copy(from.deadLetter()));
        }
        return reuse;
    }

    @Override
    public int getLength() {
        return -1;
    }

    /** Hot path. */
    @Override
    public void serialize(MetricRecord record, DataOutputView out) throws IOException {
        byte kind = record.kind();
        if (kind == MetricRecord.KIND_REJECTED) {
            out.writeByte(kind);
            DeadLetterSerializer.INSTANCE.serialize(record.deadLetter(), out);
            return;
        }
        if (kind == MetricRecord.KIND_BATCH) {
            throw new IllegalStateException(
                    "a sample batch is for the operator chained to its reader; it was sent on");
        }
        boolean hasKey = record.hasKey();
        boolean hasOrigin = record.hasOrigin();
        boolean hasValidUntil =
                kind == MetricRecord.KIND_KEY && record.validUntil() != Long.MAX_VALUE;
        out.writeByte(
                kind
                        | (hasKey ? HAS_KEY : 0)
                        | (hasOrigin ? HAS_ORIGIN : 0)
                        | (hasValidUntil ? HAS_VALID_UNTIL : 0));
        out.writeLong(record.keyId());
        if (hasValidUntil) {
            out.writeLong(record.validUntil());
        } else if (kind == MetricRecord.KIND_SAMPLE) {
            out.writeLong(record.timestamp());
            out.writeDouble(record.value());
        } else if (kind == MetricRecord.KIND_PARTIAL) {
            out.writeLong(record.timestamp());
            out.writeInt(record.payloadLength());
            out.write(record.payload(), 0, record.payloadLength());
        }
        if (hasKey) {
            out.writeInt(record.keyLength());
            out.write(record.keyBytes(), 0, record.keyLength());
        }
        if (hasOrigin) {
            out.writeInt(record.originLength());
            out.write(record.originBytes(), 0, record.originLength());
        }
    }

    @Override
    public MetricRecord deserialize(DataInputView in) throws IOException {
        return deserialize(new MetricRecord(), in);
    }

    /** Hot path. */
    @Override
    public MetricRecord deserialize(MetricRecord reuse, DataInputView in) throws IOException {
        int head = in.readUnsignedByte();
        byte kind = (byte) (head & KIND_MASK);
        if (kind == MetricRecord.KIND_REJECTED) {
            return reuse.setRejected(DeadLetterSerializer.INSTANCE.deserialize(in));
        }
        long keyId = in.readLong();
        if (kind == MetricRecord.KIND_SAMPLE) {
            reuse.setHeader(kind, keyId, in.readLong(), in.readDouble());
        } else if (kind == MetricRecord.KIND_KEY) {
            long validUntil = (head & HAS_VALID_UNTIL) != 0 ? in.readLong() : Long.MAX_VALUE;
            reuse.setHeader(kind, keyId, validUntil, 0.0);
        } else if (kind == MetricRecord.KIND_PARTIAL) {
            reuse.setHeader(kind, keyId, in.readLong(), 0.0);
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("Negative payload length " + length + " (corrupt stream?)");
            }
            in.readFully(reuse.payloadBuffer(length), 0, length);
            reuse.payloadFilled(length);
        } else {
            throw new IOException("Unknown MetricRecord kind " + kind + " (corrupt stream?)");
        }
        if ((head & HAS_KEY) != 0) {
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("Negative key length " + length + " (corrupt stream?)");
            }
            in.readFully(reuse.keyBuffer(length), 0, length);
            reuse.keyFilled(length);
        }
        if ((head & HAS_ORIGIN) != 0) {
            int length = in.readInt();
            if (length < 0) {
                throw new IOException("Negative origin length " + length + " (corrupt stream?)");
            }
            in.readFully(reuse.originBuffer(length), 0, length);
            reuse.originFilled(length);
        }
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int head = source.readUnsignedByte();
        target.writeByte(head);
        if ((head & KIND_MASK) == MetricRecord.KIND_REJECTED) {
            DeadLetterSerializer.INSTANCE.copy(source, target);
            return;
        }
        target.write(source, 8);
        if ((head & HAS_VALID_UNTIL) != 0) {
            target.write(source, 8);
        } else if ((head & KIND_MASK) == MetricRecord.KIND_SAMPLE) {
            target.write(source, 16);
        } else if ((head & KIND_MASK) == MetricRecord.KIND_PARTIAL) {
            target.write(source, 8);
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }
        if ((head & HAS_KEY) != 0) {
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }
        if ((head & HAS_ORIGIN) != 0) {
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }
    }

    @Override
    public TypeSerializerSnapshot<MetricRecord> snapshotConfiguration() {
        return new MetricRecordSerializerSnapshot();
    }

    /** Snapshot for {@link MetricRecordSerializer}; no parameters, so compatible as is. */
    public static final class MetricRecordSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<MetricRecord> {
        public MetricRecordSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}

package io.tsagg.serde.record;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Wire encoding of {@link DeadLetter}. Rare records, so plain and simple. */
public final class DeadLetterSerializer extends TypeSerializerSingleton<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public DeadLetter createInstance() {
        return new DeadLetter();
    }

    @Override
    public DeadLetter copy(DeadLetter from) {
        return new DeadLetter(
                from.payload().clone(),
                from.topic(),
                from.partition(),
                from.offset(),
                from.reason(),
                from.message(),
                from.position());
    }

    @Override
    public DeadLetter copy(DeadLetter from, DeadLetter reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(DeadLetter d, DataOutputView out) throws IOException {
        out.writeInt(d.payload().length);
        out.write(d.payload());
        out.writeUTF(d.topic());
        out.writeInt(d.partition());
        out.writeLong(d.offset());
        out.writeUTF(d.reason());
        out.writeUTF(truncate(d.message()));
        out.writeLong(d.position());
    }

    /** writeUTF takes at most 65535 encoded bytes; messages are short, but never fail on one. */
    private static String truncate(String s) {
        return s.length() > 8192 ? s.substring(0, 8192) : s;
    }

    @Override
    public DeadLetter deserialize(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("Negative payload length " + n + " (corrupt stream?)");
        }
        byte[] payload = new byte[n];
        in.readFully(payload);
        return new DeadLetter(
                payload,
                in.readUTF(),
                in.readInt(),
                in.readLong(),
                in.readUTF(),
                in.readUTF(),
                in.readLong());
    }

    @Override
    public DeadLetter deserialize(DeadLetter reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
        return new DeadLetterSerializerSnapshot();
    }

    /** Snapshot for {@link DeadLetterSerializer}; no parameters. */
    public static final class DeadLetterSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<DeadLetter> {
        public DeadLetterSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}

package io.tsagg.serde.record;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Wire encoding of {@link WindowResult}: key id, key length and bytes, window bounds, the eight
 * statistics, quantile count and values. Fixed fields first so {@link #copy(DataInputView,
 * DataOutputView)} can stream them.
 */
public final class WindowResultSerializer extends TypeSerializerSingleton<WindowResult> {
    private static final long serialVersionUID = 1L;

    public static final WindowResultSerializer INSTANCE = new WindowResultSerializer();

    /** window start, end, count, sum, min, max, mean, stddev, first, last. */
    private static final int FIXED_BYTES = 10 * 8;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public WindowResult createInstance() {
        return new WindowResult();
    }

    @Override
    public WindowResult copy(WindowResult from) {
        return new WindowResult().copyFrom(from);
    }

    @Override
    public WindowResult copy(WindowResult from, WindowResult reuse) {
        return reuse.copyFrom(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WindowResult r, DataOutputView out) throws IOException {
        out.writeLong(r.keyId());
        out.writeInt(r.keyLength());
        out.write(r.keyBytes(), 0, r.keyLength());
        out.writeLong(r.windowStart());
        out.writeLong(r.windowEnd());
        out.writeLong(r.count());
        out.writeDouble(r.sum());
        out.writeDouble(r.min());
        out.writeDouble(r.max());
        out.writeDouble(r.mean());
        out.writeDouble(r.stddev());
        out.writeDouble(r.first());
        out.writeDouble(r.last());
        int n = r.quantileCount();
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeDouble(r.quantile(i));
        }
    }

    @Override
    public WindowResult deserialize(DataInputView in) throws IOException {
        return deserialize(new WindowResult(), in);
    }

    @Override
    public WindowResult deserialize(WindowResult reuse, DataInputView in) throws IOException {
        long keyId = in.readLong();
        int keyLength = in.readInt();
        if (keyLength < 0) {
            throw new IOException("Negative key length " + keyLength + " (corrupt stream?)");
        }
        in.readFully(reuse.keyBuffer(keyLength), 0, keyLength);
        reuse.keyFilled(keyId, keyLength);
        reuse.setWindow(in.readLong(), in.readLong());
        reuse.setStats(
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble());
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("Negative quantile count " + n + " (corrupt stream?)");
        }
        double[] q = reuse.quantileBuffer(n);
        for (int i = 0; i < n; i++) {
            q[i] = in.readDouble();
        }
        reuse.quantilesFilled(n);
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.write(source, 8);
        int keyLength = source.readInt();
        target.writeInt(keyLength);
        target.write(source, keyLength + FIXED_BYTES);
        int n = source.readInt();
        target.writeInt(n);
        target.write(source, n * 8);
    }

    @Override
    public TypeSerializerSnapshot<WindowResult> snapshotConfiguration() {
        return new WindowResultSerializerSnapshot();
    }

    /** Snapshot for {@link WindowResultSerializer}; no parameters. */
    public static final class WindowResultSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<WindowResult> {
        public WindowResultSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}

package io.tsagg.serde.ingest;

import java.util.Arrays;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;

/**
 * The samples decoded from one Kafka record, in Flink {@link MemorySegment}s: a bump arena with
 * columns of key id, timestamp (epoch ms) and value, plus the group keys this record introduced (id
 * and UTF-8 bytes), so a reader can announce them before their first sample. A decoder fills it,
 * the reader emits from it, then {@link #reset()} makes it empty again for the next record.
 *
 * <pre>
 * one segment, {@value #SAMPLES_PER_SEGMENT} samples (24 KiB):
 *       0  +--------------------------------------+
 *          | key id     SAMPLES_PER_SEGMENT x i64 |
 *    8 KiB +--------------------------------------+
 *          | timestamp  SAMPLES_PER_SEGMENT x i64 |
 *   16 KiB +--------------------------------------+
 *          | value      SAMPLES_PER_SEGMENT x f64 |
 *   24 KiB +--------------------------------------+
 * </pre>
 *
 * Sample {@code i} lives in segment {@code i / SAMPLES_PER_SEGMENT}, slot {@code i %
 * SAMPLES_PER_SEGMENT}. The arena grows by whole segments and keeps up to {@link
 * #RETAINED_SEGMENTS} of them across resets (one huge record does not pin its memory forever).
 * Segments are heap segments: nothing to leak, but every allocation is counted ({@link
 * #segmentsAllocated()}, {@link #segmentsHeld()}) so tests can assert reuse.
 *
 * <p>Not thread-safe; one per source reader. Allocates nothing per sample once warm.
 */
public final class IngestArena implements AutoCloseable {
    public static final int SAMPLES_PER_SEGMENT = 1024;

    /** Segments kept across {@link #reset()}: 64 x 24 KiB = 1.5 MiB, 65,536 samples. */
    public static final int RETAINED_SEGMENTS = 64;

    private static final int SHIFT = Integer.numberOfTrailingZeros(SAMPLES_PER_SEGMENT);
    private static final int MASK = SAMPLES_PER_SEGMENT - 1;
    private static final int COLUMN_BYTES = SAMPLES_PER_SEGMENT * Long.BYTES;
    private static final int TIMESTAMP_COLUMN = COLUMN_BYTES;
    private static final int VALUE_COLUMN = 2 * COLUMN_BYTES;
    static final int SEGMENT_BYTES = 3 * COLUMN_BYTES;

    // ---------------------------------------------------------------- samples

    private MemorySegment[] segments = new MemorySegment[4];
    private int segmentCount;
    private int size;
    private long segmentsAllocated;

    /** The segment being filled and the next free slot in it (size & MASK). */
    private MemorySegment current;

    // ---------------------------------------------------------------- new keys

    private long[] keyIds = new long[16];
    private int[] keyEnds = new int[16];
    private byte[] keyBytes = new byte[1024];
    private int keyCount;

    private boolean closed;

    public IngestArena() {}

    /** Appends one sample. Hot path: no allocation unless a new segment is needed. */
    public void addSample(long keyId, long timestampMs, double value) {
        final int slot = size & MASK;
        if (slot == 0) {
            nextSegment();
        }
        final int at = slot << 3;
        final MemorySegment s = current;
        s.putLong(at, keyId);
        s.putLong(TIMESTAMP_COLUMN + at, timestampMs);
        s.putDouble(VALUE_COLUMN + at, value);
        size++;
    }

    private void nextSegment() {
        if (closed) {
            throw new IllegalStateException("arena is closed");
        }
        final int index = size >>> SHIFT;
        if (index == segmentCount) {
            if (segmentCount == segments.length) {
                segments = Arrays.copyOf(segments, segmentCount * 2);
            }
            segments[segmentCount++] = MemorySegmentFactory.allocateUnpooledSegment(SEGMENT_BYTES);
            segmentsAllocated++;
        }
        current = segments[index];
    }

    /** Records a group key first seen in this record; its bytes are copied. */
    public void addKey(long keyId, byte[] bytes, int offset, int length) {
        if (keyCount == keyIds.length) {
            keyIds = Arrays.copyOf(keyIds, keyCount * 2);
            keyEnds = Arrays.copyOf(keyEnds, keyCount * 2);
        }
        final int start = keyCount == 0 ? 0 : keyEnds[keyCount - 1];
        if (start + length > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, start + length));
        }
        System.arraycopy(bytes, offset, keyBytes, start, length);
        keyIds[keyCount] = keyId;
        keyEnds[keyCount] = start + length;
        keyCount++;
    }

    /** Empties the arena; keeps up to {@link #RETAINED_SEGMENTS} segments for reuse. */
    public void reset() {
        size = 0;
        keyCount = 0;
        current = null;
        if (segmentCount > RETAINED_SEGMENTS) {
            for (int i = RETAINED_SEGMENTS; i < segmentCount; i++) {
                segments[i].free();
                segments[i] = null;
            }
            segmentCount = RETAINED_SEGMENTS;
        }
    }

    // ---------------------------------------------------------------- reading (hot path)

    public int size() {
        return size;
    }

    public long keyId(int sample) {
        return segments[sample >>> SHIFT].getLong((sample & MASK) << 3);
    }

    public long timestamp(int sample) {
        return segments[sample >>> SHIFT].getLong(TIMESTAMP_COLUMN + ((sample & MASK) << 3));
    }

    public double value(int sample) {
        return segments[sample >>> SHIFT].getDouble(VALUE_COLUMN + ((sample & MASK) << 3));
    }

    /** Number of keys first seen in this record. */
    public int keyCount() {
        return keyCount;
    }

    public long newKeyId(int key) {
        return keyIds[key];
    }

    /** Bytes of new key {@code key} are {@code newKeyBytes()[newKeyOffset(key) ...]}. */
    public byte[] newKeyBytes() {
        return keyBytes;
    }

    public int newKeyOffset(int key) {
        return key == 0 ? 0 : keyEnds[key - 1];
    }

    public int newKeyLength(int key) {
        return keyEnds[key] - newKeyOffset(key);
    }

    // ---------------------------------------------------------------- accounting

    /** Segments allocated over the arena's life. */
    public long segmentsAllocated() {
        return segmentsAllocated;
    }

    /** Segments held now (0 after {@link #close()}). */
    public int segmentsHeld() {
        return segmentCount;
    }

    /** Frees every segment; safe to call twice. */
    @Override
    public void close() {
        for (int i = 0; i < segmentCount; i++) {
            segments[i].free();
            segments[i] = null;
        }
        segmentCount = 0;
        size = 0;
        keyCount = 0;
        current = null;
        closed = true;
    }
}

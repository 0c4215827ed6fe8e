package io.tsagg.serde.frame;

import static io.tsagg.serde.frame.FrameDescriptor.FLAGS_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_BYTES_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_END_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_TABLE_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_FRAME_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_KEY_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_SERIES_COUNT;
import static io.tsagg.serde.frame.FrameDescriptor.SAMPLE_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.SERIES_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.SERIES_INDEX_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.TIMESTAMP_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.VALUE_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION_OFFSET;

import io.tsagg.serde.key.SeriesKeyHash;
import io.tsagg.serde.text.Utf8Validator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Builds binary frames (see {@link FrameDescriptor}): add series keys, add samples that refer to
 * them by index, then encode. Used by the load generator, the benchmarks and tests.
 *
 * <p>Reusable and not thread-safe: {@link #reset()} starts the next frame and keeps the grown
 * buffers. Keys added twice in one frame get one dictionary entry (an open-addressing map from key
 * bytes to index, no boxing). The writer refuses input a decoder would reject (empty or ill-formed
 * keys, limits) with an exception, so every frame it encodes decodes.
 */
public final class FrameWriter {

    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int INITIAL_SERIES_CAPACITY = 16;
    private static final int INITIAL_KEY_BYTES_CAPACITY = 1024;
    private static final int INITIAL_SAMPLE_CAPACITY = 256;

    /** Marks a free slot in {@link #slots}; occupied slots hold series index + 1. */
    private static final int FREE_SLOT = 0;

    // ---------------------------------------------------------------- dictionary

    private byte[] keyBytes = new byte[INITIAL_KEY_BYTES_CAPACITY];
    private int keyBytesLength;
    private int[] keyEnds = new int[INITIAL_SERIES_CAPACITY];
    private long[] keyHashes = new long[INITIAL_SERIES_CAPACITY];
    private int seriesCount;

    /** Open addressing, linear probing, at most half full; capacity is a power of two. */
    private int[] slots = new int[INITIAL_SERIES_CAPACITY * 2];

    // ---------------------------------------------------------------- columns

    private int[] seriesIndexes = new int[INITIAL_SAMPLE_CAPACITY];
    private long[] timestamps = new long[INITIAL_SAMPLE_CAPACITY];
    private double[] values = new double[INITIAL_SAMPLE_CAPACITY];
    private int sampleCount;

    // ---------------------------------------------------------------- scratch

    private final CRC32C crc = new CRC32C();
    private final CharsetEncoder utf8Encoder = StandardCharsets.UTF_8.newEncoder();

    public FrameWriter() {}

    /** Forgets all series and samples; keeps the buffers. */
    public void reset() {
        if (seriesCount > 0) {
            Arrays.fill(slots, FREE_SLOT);
        }
        keyBytesLength = 0;
        seriesCount = 0;
        sampleCount = 0;
    }

    /**
     * Adds a series key, given as the UTF-8 bytes of its canonical form, or finds it if this frame
     * has it already. The bytes are copied.
     *
     * @return the series index to pass to {@link #addSample}
     * @throws IllegalArgumentException if the key is empty, longer than {@link
     *     FrameDescriptor#MAX_KEY_LENGTH} or not well-formed UTF-8
     * @throws IllegalStateException if the frame would exceed {@link
     *     FrameDescriptor#MAX_SERIES_COUNT} series or {@link FrameDescriptor#MAX_FRAME_LENGTH}
     */
    public int addSeries(byte[] utf8Key) {
        return addSeries(utf8Key, 0, utf8Key.length);
    }

    /**
     * Adds a series key given as text (encoded as UTF-8), or finds it if this frame has it already.
     *
     * @throws IllegalArgumentException if the key is empty, too long, or holds an unpaired
     *     surrogate
     * @see #addSeries(byte[])
     */
    public int addSeries(String key) {
        final ByteBuffer encoded;
        try {
            encoded = utf8Encoder.reset().encode(CharBuffer.wrap(key));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "series key is not encodable as UTF-8 (unpaired surrogate?): " + key, e);
        }
        return addSeries(
                encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
    }

    /**
     * Adds the series key {@code key[offset, offset + length)} (UTF-8 of its canonical form), or
     * finds it; the bytes are copied.
     *
     * @see #addSeries(byte[])
     */
    public int addSeries(byte[] key, int offset, int length) {
        if (length == 0) {
            throw new IllegalArgumentException("series key must not be empty");
        }
        if (length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "series key is "
                            + length
                            + " bytes; at most "
                            + MAX_KEY_LENGTH
                            + " are allowed");
        }
        final int invalid = Utf8Validator.firstInvalid(key, offset, length);
        if (invalid >= 0) {
            throw new IllegalArgumentException(
                    "series key is not well-formed UTF-8 at byte " + (invalid - offset));
        }

        final long hash = SeriesKeyHash.hash(key, offset, length);
        final int mask = slots.length - 1;
        int slot = spread(hash) & mask;
        for (int entry; (entry = slots[slot]) != FREE_SLOT; slot = (slot + 1) & mask) {
            final int series = entry - 1;
            if (keyHashes[series] == hash && keyEquals(series, key, offset, length)) {
                return series;
            }
        }

        if (seriesCount == MAX_SERIES_COUNT) {
            throw new IllegalStateException(
                    "frame already holds the maximum of " + MAX_SERIES_COUNT + " series");
        }
        checkFits(seriesCount + 1, (long) keyBytesLength + length, sampleCount);

        final int series = seriesCount++;
        ensureSeriesCapacity(seriesCount);
        ensureKeyBytesCapacity(keyBytesLength + length);
        System.arraycopy(key, offset, keyBytes, keyBytesLength, length);
        keyBytesLength += length;
        keyEnds[series] = keyBytesLength;
        keyHashes[series] = hash;
        slots[slot] = series + 1;
        if (seriesCount * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return series;
    }

    /**
     * Appends one sample.
     *
     * @param seriesIndex an index returned by {@code addSeries} for this frame
     * @throws IndexOutOfBoundsException if {@code seriesIndex} is not a series of this frame
     * @throws IllegalStateException if the frame would exceed {@link
     *     FrameDescriptor#MAX_FRAME_LENGTH}
     */
    public void addSample(int seriesIndex, long timestampMs, double value) {
        Objects.checkIndex(seriesIndex, seriesCount);
        checkFits(seriesCount, keyBytesLength, sampleCount + 1L);
        if (sampleCount == seriesIndexes.length) {
            final int capacity = seriesIndexes.length * 2;
            seriesIndexes = Arrays.copyOf(seriesIndexes, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        seriesIndexes[sampleCount] = seriesIndex;
        timestamps[sampleCount] = timestampMs;
        values[sampleCount] = value;
        sampleCount++;
    }

    public int sampleCount() {
        return sampleCount;
    }

    public int seriesCount() {
        return seriesCount;
    }

    /** Bytes {@link #encodeTo} will write, trailer included. */
    public int encodedLength() {
        return (int) FrameDescriptor.frameLength(seriesCount, keyBytesLength, sampleCount);
    }

    /**
     * Writes the frame to {@code dst} from {@code offset}; padding is written as zeros whatever
     * {@code dst} held.
     *
     * @return the number of bytes written, {@link #encodedLength()}
     * @throws IndexOutOfBoundsException if {@code dst} has no room for the frame at {@code offset}
     */
    public int encodeTo(byte[] dst, int offset) {
        final int length = encodedLength();
        Objects.checkFromIndexSize(offset, length, dst.length);
        final int keyBytesOffset = offset + (int) FrameDescriptor.keyBytesOffset(seriesCount);
        final int indexOffset =
                offset + (int) FrameDescriptor.seriesIndexColumnOffset(seriesCount, keyBytesLength);
        final int timestampOffset =
                offset
                        + (int)
                                FrameDescriptor.timestampColumnOffset(
                                        seriesCount, keyBytesLength, sampleCount);
        final int valueOffset = timestampOffset + sampleCount * TIMESTAMP_LENGTH;
        final int crcOffset = valueOffset + sampleCount * VALUE_LENGTH;

        INT_LE.set(dst, offset + MAGIC_OFFSET, MAGIC);
        SHORT_LE.set(dst, offset + VERSION_OFFSET, (short) VERSION);
        SHORT_LE.set(dst, offset + FLAGS_OFFSET, (short) 0);
        INT_LE.set(dst, offset + SERIES_COUNT_OFFSET, seriesCount);
        INT_LE.set(dst, offset + SAMPLE_COUNT_OFFSET, sampleCount);
        INT_LE.set(dst, offset + KEY_BYTES_LENGTH_OFFSET, keyBytesLength);
        INT_LE.set(dst, offset + FRAME_LENGTH_OFFSET, length);

        int p = offset + KEY_TABLE_OFFSET;
        for (int i = 0; i < seriesCount; i++, p += KEY_END_LENGTH) {
            INT_LE.set(dst, p, keyEnds[i]);
        }
        Arrays.fill(dst, p, keyBytesOffset, (byte) 0);

        System.arraycopy(keyBytes, 0, dst, keyBytesOffset, keyBytesLength);
        Arrays.fill(dst, keyBytesOffset + keyBytesLength, indexOffset, (byte) 0);

        p = indexOffset;
        for (int i = 0; i < sampleCount; i++, p += SERIES_INDEX_LENGTH) {
            INT_LE.set(dst, p, seriesIndexes[i]);
        }
        Arrays.fill(dst, p, timestampOffset, (byte) 0);

        p = timestampOffset;
        for (int i = 0; i < sampleCount; i++, p += TIMESTAMP_LENGTH) {
            LONG_LE.set(dst, p, timestamps[i]);
        }
        p = valueOffset;
        for (int i = 0; i < sampleCount; i++, p += VALUE_LENGTH) {
            // Raw bits: NaN payloads travel unchanged.
            LONG_LE.set(dst, p, Double.doubleToRawLongBits(values[i]));
        }

        crc.reset();
        crc.update(dst, offset, crcOffset - offset);
        INT_LE.set(dst, crcOffset, (int) crc.getValue());
        return length;
    }

    /** Encodes the frame into a new array of exactly {@link #encodedLength()} bytes. */
    public byte[] toByteArray() {
        final byte[] frame = new byte[encodedLength()];
        encodeTo(frame, 0);
        return frame;
    }

    // ---------------------------------------------------------------- internals

    private static void checkFits(long series, long keyBytes, long samples) {
        final long length = FrameDescriptor.frameLength(series, keyBytes, samples);
        if (length > MAX_FRAME_LENGTH) {
            throw new IllegalStateException(
                    "frame would be "
                            + length
                            + " bytes; at most "
                            + MAX_FRAME_LENGTH
                            + " are allowed (encode this frame and start another)");
        }
    }

    /** XXH64 output is already uniform; folding the halves keeps every bit in play. */
    private static int spread(long hash) {
        return (int) (hash ^ (hash >>> 32));
    }

    private boolean keyEquals(int series, byte[] key, int offset, int length) {
        final int start = series == 0 ? 0 : keyEnds[series - 1];
        final int end = keyEnds[series];
        return Arrays.equals(keyBytes, start, end, key, offset, offset + length);
    }

    private void ensureSeriesCapacity(int required) {
        if (required > keyEnds.length) {
            final int capacity = Math.max(required, keyEnds.length * 2);
            keyEnds = Arrays.copyOf(keyEnds, capacity);
            keyHashes = Arrays.copyOf(keyHashes, capacity);
        }
    }

    private void ensureKeyBytesCapacity(int required) {
        if (required > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(required, keyBytes.length * 2));
        }
    }

    private void rehash(int capacity) {
        final int[] grown = new int[capacity];
        final int mask = capacity - 1;
        for (int series = 0; series < seriesCount; series++) {
            int slot = spread(keyHashes[series]) & mask;
            while (grown[slot] != FREE_SLOT) {
                slot = (slot + 1) & mask;
            }
            grown[slot] = series + 1;
        }
        slots = grown;
    }
}

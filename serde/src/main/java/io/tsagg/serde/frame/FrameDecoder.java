package io.tsagg.serde.frame;

import static io.tsagg.serde.frame.FrameDescriptor.FLAGS_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.HEADER_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_BYTES_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_END_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_TABLE_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.KNOWN_FLAGS;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_FRAME_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_KEY_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_SERIES_COUNT;
import static io.tsagg.serde.frame.FrameDescriptor.MIN_FRAME_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.SAMPLE_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.SERIES_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.SERIES_INDEX_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.TIMESTAMP_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.TRAILER_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.VALUE_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION_OFFSET;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.key.SeriesKeyHash;
import io.tsagg.serde.text.Utf8Validator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;

/**
 * Zero-copy view of one binary frame (see {@link FrameDescriptor} and {@code serde/FORMAT.md}).
 * {@link #wrap} checks the whole record (structure, limits, CRC32C, UTF-8 keys, every series index)
 * and hashes the series keys; after that, the accessors read straight from the record's bytes
 * without further checks. The key dictionaries of recent frames are remembered ({@link
 * KeyTableCache}): a frame repeating one, as a producer sending the same series in every frame
 * does, is checked by comparing its dictionary with the remembered bytes instead of validating and
 * hashing every key again.
 *
 * <p>Reusable flyweight, not thread-safe. The record is not copied: it must stay unchanged while
 * this decoder is wrapped around it. Wrapping allocates at most a {@link MemorySegment} for a new
 * backing array, when a frame has more series than any before, a larger hash array, and while the
 * dictionary cache fills, its entries' arrays (bounded, reused once there); nothing per sample.
 * Offsets returned by accessors are absolute indexes into {@link #array()} (and {@link
 * #segment()}); positions in exceptions are relative to the record start.
 *
 * <p>After {@code wrap} throws, the decoder reads as an empty frame until the next successful
 * {@code wrap}.
 */
public final class FrameDecoder {

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** How many key dictionaries a decoder remembers: {@link #keyTableEntry()} is below this. */
    public static final int KEY_TABLES = KeyTableCache.ENTRIES;

    // ---------------------------------------------------------------- wrapped record

    private byte[] array;
    private MemorySegment segment;
    private int seriesCount;
    private int sampleCount;

    // Absolute offsets into the array.
    private int keyTableOffset;
    private int keyBytesOffset;
    private int seriesIndexOffset;
    private int timestampOffset;
    private int valueOffset;

    /** The hashes of the wrapped frame's keys: {@link #ownHashes} or a cached dictionary's. */
    private long[] keyHashes = new long[0];

    private int keyTableEntry = -1;
    private long keyTableStamp = -1;

    // ---------------------------------------------------------------- scratch

    private final CRC32C crc = new CRC32C();
    private final KeyTableCache keyTables = new KeyTableCache();
    private long[] ownHashes = new long[16];

    public FrameDecoder() {}

    /**
     * Wraps {@code record[offset, offset + length)} after validating all of it.
     *
     * @throws MalformedInputException if the bytes are not a valid version-1 frame of exactly
     *     {@code length} bytes; see {@code serde/FORMAT.md} for the reason codes
     * @throws IndexOutOfBoundsException if the range is not inside {@code record}
     */
    public void wrap(byte[] record, int offset, int length) throws MalformedInputException {
        Objects.checkFromIndexSize(offset, length, record.length);
        seriesCount = 0;
        sampleCount = 0;
        keyTableEntry = -1;
        keyTableStamp = -1;

        // Identity first, so that a record of another kind is named as such.
        if (length >= MAGIC_OFFSET + MAGIC_LENGTH) {
            final int magic = readInt(record, offset + MAGIC_OFFSET);
            if (magic != MAGIC) {
                throw new MalformedInputException(
                        "bad_magic",
                        MAGIC_OFFSET,
                        String.format(
                                "expected magic 0x%08x ('TSAG'), found 0x%08x", MAGIC, magic));
            }
        }
        if (length >= VERSION_OFFSET + VERSION_LENGTH) {
            final int version = (short) SHORT_LE.get(record, offset + VERSION_OFFSET) & 0xFFFF;
            if (version != VERSION) {
                throw new MalformedInputException(
                        "unsupported_version",
                        VERSION_OFFSET,
                        "frame version "
                                + version
                                + " is not supported; this reader knows "
                                + VERSION);
            }
        }
        if (length < HEADER_LENGTH) {
            throw new MalformedInputException(
                    "truncated",
                    length,
                    "record has " + length + " bytes; the header alone needs " + HEADER_LENGTH);
        }
        if (length > MAX_FRAME_LENGTH) {
            throw new MalformedInputException(
                    "too_large",
                    MAX_FRAME_LENGTH,
                    "record has " + length + " bytes; frames are at most " + MAX_FRAME_LENGTH);
        }

        final int frameLength = readInt(record, offset + FRAME_LENGTH_OFFSET);
        if (frameLength < MIN_FRAME_LENGTH || frameLength > MAX_FRAME_LENGTH) {
            throw new MalformedInputException(
                    "bad_length",
                    FRAME_LENGTH_OFFSET,
                    "frame length field is "
                            + frameLength
                            + "; allowed is "
                            + MIN_FRAME_LENGTH
                            + ".."
                            + MAX_FRAME_LENGTH);
        }
        if (frameLength > length) {
            throw new MalformedInputException(
                    "truncated",
                    length,
                    "record has " + length + " bytes; the frame says it has " + frameLength);
        }
        if (frameLength < length) {
            throw new MalformedInputException(
                    "bad_length",
                    frameLength,
                    "record has "
                            + length
                            + " bytes; the frame ends after "
                            + frameLength
                            + " (trailing bytes)");
        }

        // Integrity before meaning: the remaining checks then look for producer bugs, not noise.
        final int crcOffset = frameLength - TRAILER_LENGTH;
        final int storedCrc = readInt(record, offset + crcOffset);
        crc.reset();
        crc.update(record, offset, crcOffset);
        final int computedCrc = (int) crc.getValue();
        if (storedCrc != computedCrc) {
            throw new MalformedInputException(
                    "bad_crc",
                    crcOffset,
                    String.format("stored CRC32C 0x%08x, computed 0x%08x", storedCrc, computedCrc));
        }

        final int flags = (short) SHORT_LE.get(record, offset + FLAGS_OFFSET) & 0xFFFF;
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new MalformedInputException(
                    "unsupported_flags",
                    FLAGS_OFFSET,
                    String.format("flags 0x%04x are not defined in version %d", flags, VERSION));
        }

        final int series = readInt(record, offset + SERIES_COUNT_OFFSET);
        final int samples = readInt(record, offset + SAMPLE_COUNT_OFFSET);
        final int keyBytesLength = readInt(record, offset + KEY_BYTES_LENGTH_OFFSET);
        checkNotNegative(series, SERIES_COUNT_OFFSET, "series count");
        checkNotNegative(samples, SAMPLE_COUNT_OFFSET, "sample count");
        checkNotNegative(keyBytesLength, KEY_BYTES_LENGTH_OFFSET, "key bytes length");
        if (series > MAX_SERIES_COUNT) {
            throw new MalformedInputException(
                    "too_large",
                    SERIES_COUNT_OFFSET,
                    "series count " + series + " exceeds the limit of " + MAX_SERIES_COUNT);
        }

        // Sections in order; each must end inside the frame (long arithmetic: no overflow).
        final long keyBytesEnd = FrameDescriptor.keyBytesOffset(series);
        if (keyBytesEnd > crcOffset) {
            throw new MalformedInputException(
                    "bad_length",
                    SERIES_COUNT_OFFSET,
                    "key table for "
                            + series
                            + " series ends at "
                            + keyBytesEnd
                            + ", beyond the frame body ("
                            + crcOffset
                            + " bytes)");
        }
        final long indexStart = FrameDescriptor.seriesIndexColumnOffset(series, keyBytesLength);
        if (indexStart > crcOffset) {
            throw new MalformedInputException(
                    "bad_length",
                    KEY_BYTES_LENGTH_OFFSET,
                    "key bytes ("
                            + keyBytesLength
                            + ") end at "
                            + indexStart
                            + ", beyond the frame body ("
                            + crcOffset
                            + " bytes)");
        }
        final long columnsEnd = FrameDescriptor.crcOffset(series, keyBytesLength, samples);
        if (columnsEnd != crcOffset) {
            throw new MalformedInputException(
                    "bad_length",
                    SAMPLE_COUNT_OFFSET,
                    samples
                            + " samples need columns ending at "
                            + columnsEnd
                            + ", but the CRC is at "
                            + crcOffset);
        }
        final int keysAt = (int) keyBytesEnd;
        final int indexAt = (int) indexStart;
        final int timestampsAt =
                (int) FrameDescriptor.timestampColumnOffset(series, keyBytesLength, samples);

        // The dictionary: key end table, its padding, key bytes. Seen before -> checked before.
        final int dictionaryFrom = offset + KEY_TABLE_OFFSET;
        final int dictionaryLength = keysAt + keyBytesLength - KEY_TABLE_OFFSET;
        final long fingerprint =
                KeyTableCache.fingerprint(record, dictionaryFrom, dictionaryLength, series);
        int entry = keyTables.find(record, dictionaryFrom, dictionaryLength, series, fingerprint);
        long[] hashes;
        if (entry >= 0) {
            hashes = keyTables.hashes(entry);
        } else {
            validateKeys(record, offset, series, keysAt, keyBytesLength);
            hashes = ownHashes;
            entry =
                    keyTables.put(
                            record,
                            dictionaryFrom,
                            dictionaryLength,
                            series,
                            fingerprint,
                            ownHashes);
        }
        checkZeroPadding(record, offset, KEY_TABLE_OFFSET + series * KEY_END_LENGTH, keysAt);
        checkZeroPadding(record, offset, keysAt + keyBytesLength, indexAt);
        checkZeroPadding(record, offset, indexAt + samples * SERIES_INDEX_LENGTH, timestampsAt);
        validateSeriesIndexes(record, offset, indexAt, samples, series);

        if (record != array) {
            // One segment per backing array, not per record: consumers reuse fetch buffers.
            array = record;
            segment = MemorySegmentFactory.wrap(record);
        }
        keyTableOffset = offset + KEY_TABLE_OFFSET;
        keyBytesOffset = offset + keysAt;
        seriesIndexOffset = offset + indexAt;
        timestampOffset = offset + timestampsAt;
        valueOffset = timestampOffset + samples * TIMESTAMP_LENGTH;
        seriesCount = series;
        sampleCount = samples;
        keyHashes = hashes;
        keyTableEntry = entry;
        keyTableStamp = entry >= 0 ? keyTables.stamp(entry) : -1;
    }

    // ---------------------------------------------------------------- accessors
    // Hot path: called per sample. No checks here; wrap validated every index already. Out of
    // range arguments are caller bugs and hit MemorySegment's own bounds check at most.

    public int seriesCount() {
        return seriesCount;
    }

    public int sampleCount() {
        return sampleCount;
    }

    /** Absolute offset in {@link #array()} of the UTF-8 bytes of key {@code series}. */
    public int seriesKeyOffset(int series) {
        return keyBytesOffset + keyStart(series);
    }

    /** Length in bytes of key {@code series}; at least 1. */
    public int seriesKeyLength(int series) {
        return segment.getIntLittleEndian(keyTableOffset + series * KEY_END_LENGTH)
                - keyStart(series);
    }

    /** {@link SeriesKeyHash} of key {@code series}, computed in {@link #wrap}. */
    public long seriesKeyHash(int series) {
        return keyHashes[series];
    }

    /**
     * Where the decoder keeps the wrapped frame's key dictionary, in {@code [0, }{@link
     * #KEY_TABLES}{@code )}, or -1 if it keeps none (too large). Together with {@link
     * #keyTableStamp()} it lets a reader keep its own per-dictionary data (ids it derived from the
     * keys) in an array of {@link #KEY_TABLES} entries.
     */
    public int keyTableEntry() {
        return keyTableEntry;
    }

    /**
     * Names the wrapped frame's key dictionary: two frames wrapped by this decoder with the same
     * stamp (>= 0) have byte-identical dictionaries, so the same key and hash at every series
     * index. -1 if the dictionary is not kept. A dictionary evicted and seen again gets a new
     * stamp.
     */
    public long keyTableStamp() {
        return keyTableStamp;
    }

    /** Series of sample {@code sample}: in {@code [0, seriesCount())}. */
    public int seriesIndex(int sample) {
        return segment.getIntLittleEndian(seriesIndexOffset + sample * SERIES_INDEX_LENGTH);
    }

    /** Epoch milliseconds of sample {@code sample}; not range-checked by the format. */
    public long timestamp(int sample) {
        return segment.getLongLittleEndian(timestampOffset + sample * TIMESTAMP_LENGTH);
    }

    /** Value of sample {@code sample}; NaN and infinities pass through as written. */
    public double value(int sample) {
        return segment.getDoubleLittleEndian(valueOffset + sample * VALUE_LENGTH);
    }

    /** A segment over the whole backing array of the wrapped record; offsets are absolute. */
    public MemorySegment segment() {
        return segment;
    }

    /** The backing array of the wrapped record. */
    public byte[] array() {
        return array;
    }

    private int keyStart(int series) {
        return series == 0
                ? 0
                : segment.getIntLittleEndian(keyTableOffset + (series - 1) * KEY_END_LENGTH);
    }

    // ---------------------------------------------------------------- validation

    private void validateKeys(byte[] record, int offset, int series, int keysAt, int keyBytesLength)
            throws MalformedInputException {
        if (series > ownHashes.length) {
            ownHashes = Arrays.copyOf(ownHashes, Math.max(series, ownHashes.length * 2));
        }
        int start = 0;
        for (int i = 0; i < series; i++) {
            final int entryAt = KEY_TABLE_OFFSET + i * KEY_END_LENGTH;
            final int end = readInt(record, offset + entryAt);
            if (end < start || end > keyBytesLength) {
                throw new MalformedInputException(
                        "bad_length",
                        entryAt,
                        "key "
                                + i
                                + " ends at "
                                + end
                                + "; allowed is "
                                + start
                                + ".."
                                + keyBytesLength);
            }
            final int keyLength = end - start;
            if (keyLength == 0) {
                throw new MalformedInputException("empty_key", entryAt, "key " + i + " is empty");
            }
            if (keyLength > MAX_KEY_LENGTH) {
                throw new MalformedInputException(
                        "too_large",
                        entryAt,
                        "key "
                                + i
                                + " has "
                                + keyLength
                                + " bytes; at most "
                                + MAX_KEY_LENGTH
                                + " are allowed");
            }
            final int keyAt = offset + keysAt + start;
            final int invalid = Utf8Validator.firstInvalid(record, keyAt, keyLength);
            if (invalid >= 0) {
                throw new MalformedInputException(
                        "bad_utf8",
                        invalid - offset,
                        "key " + i + " is not well-formed UTF-8 at its byte " + (invalid - keyAt));
            }
            ownHashes[i] = SeriesKeyHash.hash(record, keyAt, keyLength);
            start = end;
        }
        if (start != keyBytesLength) {
            throw new MalformedInputException(
                    "bad_length",
                    KEY_BYTES_LENGTH_OFFSET,
                    "key bytes length is " + keyBytesLength + " but the keys end at " + start);
        }
    }

    private static void validateSeriesIndexes(
            byte[] record, int offset, int indexAt, int samples, int series)
            throws MalformedInputException {
        int p = offset + indexAt;
        for (int i = 0; i < samples; i++, p += SERIES_INDEX_LENGTH) {
            final int index = readInt(record, p);
            // Unsigned compare: negative indexes fail too.
            if (Integer.compareUnsigned(index, series) >= 0) {
                throw new MalformedInputException(
                        "bad_series_index",
                        p - offset,
                        "sample " + i + " refers to series " + index + "; the frame has " + series);
            }
        }
    }

    private static void checkZeroPadding(byte[] record, int offset, int from, int to)
            throws MalformedInputException {
        for (int p = from; p < to; p++) {
            if (record[offset + p] != 0) {
                throw new MalformedInputException(
                        "bad_padding", p, "padding byte is " + (record[offset + p] & 0xFF));
            }
        }
    }

    private static void checkNotNegative(int value, int fieldOffset, String field)
            throws MalformedInputException {
        if (value < 0) {
            throw new MalformedInputException(
                    "bad_length", fieldOffset, field + " is negative: " + value);
        }
    }

    private static int readInt(byte[] bytes, int index) {
        return (int) INT_LE.get(bytes, index);
    }

    static long readLong(byte[] bytes, int index) {
        return (long) LONG_LE.get(bytes, index);
    }
}

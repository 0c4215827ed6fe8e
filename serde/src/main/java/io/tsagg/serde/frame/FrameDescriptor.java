package io.tsagg.serde.frame;

/**
 * Layout of a tsagg binary frame, version 1: one Kafka record carrying many samples. The format is
 * specified in {@code serde/FORMAT.md}; this class is its single source of numbers.
 *
 * <p>All integers are little-endian; values are IEEE-754 binary64. Offsets below are relative to
 * the first byte of the frame. Every section starts on an 8-byte boundary (relative to the frame
 * start), so the timestamp and value columns can be read as aligned {@code long}/{@code double}
 * arrays when the record itself sits on an 8-byte boundary.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Magic 'T' 'S' 'A' 'G' (0x47415354)            |  0
 *  +-------------------------------+-------------------------------+
 *  |          Version (1)          |          Flags (0)            |  4
 *  +-------------------------------+-------------------------------+
 *  |                      Series Count (S)                         |  8
 *  +---------------------------------------------------------------+
 *  |                      Sample Count (N)                         | 12
 *  +---------------------------------------------------------------+
 *  |                    Key Bytes Length (K)                       | 16
 *  +---------------------------------------------------------------+
 *  |                 Frame Length (incl. trailer)                  | 20
 *  +---------------------------------------------------------------+
 *  |             Key End Offsets: S x int32, cumulative           ... 24
 *  |             zero padding to a multiple of 8                  ...
 *  +---------------------------------------------------------------+
 *  |             Key Bytes: K bytes of UTF-8, key after key       ...
 *  |             zero padding to a multiple of 8                  ...
 *  +---------------------------------------------------------------+
 *  |             Series Index Column: N x int32                   ...
 *  |             zero padding to a multiple of 8                  ...
 *  +---------------------------------------------------------------+
 *  |             Timestamp Column: N x int64, epoch millis        ...
 *  +---------------------------------------------------------------+
 *  |             Value Column: N x float64                        ...
 *  +---------------------------------------------------------------+
 *  |             CRC32C of every byte before this field            |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Key {@code i} occupies key bytes {@code [end(i-1), end(i))} with {@code end(-1) = 0}, so the
 * table needs no separate lengths and keys cannot overlap. The offset methods below use {@code
 * long} so that hostile counts cannot overflow them.
 */
public final class FrameDescriptor {

    // ---------------------------------------------------------------- identity

    /** The bytes {@code 'T' 'S' 'A' 'G'} read as a little-endian int32. */
    public static final int MAGIC = 0x47415354;

    /** The only version this code writes and reads. */
    public static final int VERSION = 1;

    /** Flags defined by version 1: none. Any set bit is rejected. */
    public static final int KNOWN_FLAGS = 0;

    // ---------------------------------------------------------------- header fields

    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 4;
    public static final int VERSION_OFFSET = 4;
    public static final int VERSION_LENGTH = 2;
    public static final int FLAGS_OFFSET = 6;
    public static final int FLAGS_LENGTH = 2;
    public static final int SERIES_COUNT_OFFSET = 8;
    public static final int SERIES_COUNT_LENGTH = 4;
    public static final int SAMPLE_COUNT_OFFSET = 12;
    public static final int SAMPLE_COUNT_LENGTH = 4;
    public static final int KEY_BYTES_LENGTH_OFFSET = 16;
    public static final int KEY_BYTES_LENGTH_LENGTH = 4;
    public static final int FRAME_LENGTH_OFFSET = 20;
    public static final int FRAME_LENGTH_LENGTH = 4;
    public static final int HEADER_LENGTH = 24;

    // ---------------------------------------------------------------- body elements

    /** The key end table starts right after the header. */
    public static final int KEY_TABLE_OFFSET = HEADER_LENGTH;

    public static final int KEY_END_LENGTH = Integer.BYTES;
    public static final int SERIES_INDEX_LENGTH = Integer.BYTES;
    public static final int TIMESTAMP_LENGTH = Long.BYTES;
    public static final int VALUE_LENGTH = Double.BYTES;

    /** Bytes one sample costs across the three columns, before padding. */
    public static final int SAMPLE_LENGTH = SERIES_INDEX_LENGTH + TIMESTAMP_LENGTH + VALUE_LENGTH;

    public static final int CRC_LENGTH = Integer.BYTES;
    public static final int TRAILER_LENGTH = CRC_LENGTH;

    /** Every section starts at a multiple of this, relative to the frame start. */
    public static final int ALIGNMENT = 8;

    // ---------------------------------------------------------------- limits

    /** An empty frame: header and trailer only. */
    public static final int MIN_FRAME_LENGTH = HEADER_LENGTH + TRAILER_LENGTH;

    /** 16 MiB: above Kafka's default 1 MiB record limit, below what a task should buffer. */
    public static final int MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    /** At most this many series keys in one frame's dictionary. */
    public static final int MAX_SERIES_COUNT = 1 << 20;

    /** At most this many UTF-8 bytes in one series key. */
    public static final int MAX_KEY_LENGTH = 64 * 1024;

    /**
     * An upper bound on samples per frame, from the frame length limit alone; for sizing buffers.
     */
    public static final int MAX_SAMPLE_COUNT =
            (MAX_FRAME_LENGTH - MIN_FRAME_LENGTH) / SAMPLE_LENGTH;

    private FrameDescriptor() {}

    // ---------------------------------------------------------------- layout arithmetic

    /** Rounds up to the next multiple of {@link #ALIGNMENT}. */
    public static long align(long length) {
        return (length + (ALIGNMENT - 1)) & -ALIGNMENT;
    }

    /** Offset of the key bytes for a frame with {@code seriesCount} keys. */
    public static long keyBytesOffset(long seriesCount) {
        return KEY_TABLE_OFFSET + align(seriesCount * KEY_END_LENGTH);
    }

    /** Offset of the series index column. */
    public static long seriesIndexColumnOffset(long seriesCount, long keyBytesLength) {
        return keyBytesOffset(seriesCount) + align(keyBytesLength);
    }

    /** Offset of the timestamp column. */
    public static long timestampColumnOffset(
            long seriesCount, long keyBytesLength, long sampleCount) {
        return seriesIndexColumnOffset(seriesCount, keyBytesLength)
                + align(sampleCount * SERIES_INDEX_LENGTH);
    }

    /** Offset of the value column. */
    public static long valueColumnOffset(long seriesCount, long keyBytesLength, long sampleCount) {
        return timestampColumnOffset(seriesCount, keyBytesLength, sampleCount)
                + sampleCount * TIMESTAMP_LENGTH;
    }

    /** Offset of the CRC32C trailer. */
    public static long crcOffset(long seriesCount, long keyBytesLength, long sampleCount) {
        return valueColumnOffset(seriesCount, keyBytesLength, sampleCount)
                + sampleCount * VALUE_LENGTH;
    }

    /** Total frame length, trailer included. */
    public static long frameLength(long seriesCount, long keyBytesLength, long sampleCount) {
        return crcOffset(seriesCount, keyBytesLength, sampleCount) + TRAILER_LENGTH;
    }
}

package io.tsagg.serde.frame;

import static io.tsagg.serde.frame.FrameDescriptor.FLAGS_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.HEADER_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_BYTES_LENGTH_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.KEY_TABLE_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.MAGIC;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_FRAME_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_KEY_LENGTH;
import static io.tsagg.serde.frame.FrameDescriptor.MAX_SERIES_COUNT;
import static io.tsagg.serde.frame.FrameDescriptor.SAMPLE_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.SERIES_COUNT_OFFSET;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION;
import static io.tsagg.serde.frame.FrameDescriptor.VERSION_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.MalformedInputException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link FrameDecoder}: every reason code, with the position it reports. Most cases
 * corrupt one field of a valid frame and then re-seal the CRC, so that the check under test, not
 * the CRC, is what rejects the frame.
 */
class FrameDecoderMalformedTest {

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Three series (31 key bytes), three samples: every section of this frame has padding. */
    private static final String[] KEYS = {"cpu,host=a usage", "mem", "température"};

    private static final int SERIES = 3;
    private static final int SAMPLES = 3;
    private static final int KEY_BYTES = 31;
    // Literal offsets, so the tests also pin the documented layout.
    private static final int KEY_BYTES_AT = 40;
    private static final int INDEX_AT = 72;

    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void shouldAcceptFixtureWhenUnchanged() throws MalformedInputException {
        final byte[] frame = smallFrame();

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.seriesCount()).isEqualTo(SERIES);
        assertThat(decoder.sampleCount()).isEqualTo(SAMPLES);
        assertThat(FrameDescriptor.keyBytesOffset(SERIES)).isEqualTo(KEY_BYTES_AT);
        assertThat(FrameDescriptor.seriesIndexColumnOffset(SERIES, KEY_BYTES)).isEqualTo(INDEX_AT);
        assertThat(frame).hasSize(140);
    }

    @Test
    void shouldRejectAsTruncatedWhenRecordIsAnyPrefix() {
        final byte[] frame = smallFrame();

        for (int length = 0; length < frame.length; length++) {
            final MalformedInputException e = rejection(frame, 0, length);

            assertThat(e.reason()).as("prefix of %d bytes", length).isEqualTo("truncated");
            assertThat(e.position()).as("prefix of %d bytes", length).isEqualTo(length);
        }
    }

    @Test
    void shouldRejectAsBadMagicWhenRecordIsNotAFrame() {
        final byte[] json = "{\"cpu\": 1.0}".getBytes(StandardCharsets.UTF_8);
        final byte[] frame = smallFrame();
        frame[3] ^= 0x20;

        assertRejected(json, "bad_magic", 0);
        assertRejected(frame, "bad_magic", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 0xFFFF})
    void shouldRejectAsUnsupportedVersionWhenVersionIsUnknown(int version) {
        final byte[] frame = smallFrame();
        putShort(frame, VERSION_OFFSET, version);
        reseal(frame);
        final byte[] headerOnly = new byte[6];
        putInt(headerOnly, 0, MAGIC);
        putShort(headerOnly, VERSION_OFFSET, version);

        assertRejected(frame, "unsupported_version", VERSION_OFFSET);
        assertRejected(headerOnly, "unsupported_version", VERSION_OFFSET);
    }

    @Test
    void shouldRejectAsUnsupportedFlagsWhenAnyFlagIsSet() {
        for (int bit = 0; bit < 16; bit++) {
            final byte[] frame = smallFrame();
            putShort(frame, FLAGS_OFFSET, 1 << bit);
            reseal(frame);

            assertRejected(frame, "unsupported_flags", FLAGS_OFFSET);
        }
    }

    @Test
    void shouldRejectAsTooLargeWhenRecordExceedsMaxFrameLength() {
        final byte[] record = new byte[MAX_FRAME_LENGTH + 1];
        putInt(record, 0, MAGIC);
        putShort(record, VERSION_OFFSET, VERSION);
        putInt(record, FRAME_LENGTH_OFFSET, record.length);

        assertRejected(record, "too_large", MAX_FRAME_LENGTH);
    }

    @Test
    void shouldRejectAsTooLargeWhenSeriesCountExceedsLimit() {
        final byte[] frame = smallFrame();
        putInt(frame, SERIES_COUNT_OFFSET, MAX_SERIES_COUNT + 1);
        reseal(frame);

        assertRejected(frame, "too_large", SERIES_COUNT_OFFSET);
    }

    @Test
    void shouldRejectAsTooLargeWhenKeyExceedsMaxKeyLength() {
        final FrameWriter writer = new FrameWriter();
        writer.addSeries("k".repeat(MAX_KEY_LENGTH));
        writer.addSeries("abcdefgh");
        final byte[] frame = writer.toByteArray();
        // Move one byte from the second key to the first.
        putInt(frame, KEY_TABLE_OFFSET, MAX_KEY_LENGTH + 1);
        reseal(frame);

        assertRejected(frame, "too_large", KEY_TABLE_OFFSET);
    }

    @ParameterizedTest
    @ValueSource(ints = {SAMPLES + 1, SAMPLES + 1000, Integer.MAX_VALUE})
    void shouldRejectAsBadLengthWhenSampleCountExceedsRecord(int samples) {
        final byte[] frame = smallFrame();
        putInt(frame, SAMPLE_COUNT_OFFSET, samples);
        reseal(frame);

        assertRejected(frame, "bad_length", SAMPLE_COUNT_OFFSET);
    }

    @Test
    void shouldRejectAsBadLengthWhenSeriesCountExceedsRecord() {
        final byte[] frame = smallFrame();
        putInt(frame, SERIES_COUNT_OFFSET, 1000);
        reseal(frame);

        assertRejected(frame, "bad_length", SERIES_COUNT_OFFSET);
    }

    @Test
    void shouldRejectAsBadLengthWhenKeyBytesLengthExceedsRecord() {
        final byte[] frame = smallFrame();
        putInt(frame, KEY_BYTES_LENGTH_OFFSET, 1000);
        reseal(frame);

        assertRejected(frame, "bad_length", KEY_BYTES_LENGTH_OFFSET);
    }

    @ParameterizedTest
    @ValueSource(ints = {SERIES_COUNT_OFFSET, SAMPLE_COUNT_OFFSET, KEY_BYTES_LENGTH_OFFSET})
    void shouldRejectAsBadLengthWhenCountIsNegative(int field) {
        final byte[] frame = smallFrame();
        putInt(frame, field, -1);
        reseal(frame);

        assertRejected(frame, "bad_length", field);
    }

    @Test
    void shouldRejectAsBadLengthWhenRecordHasTrailingBytes() {
        final byte[] frame = smallFrame();
        final byte[] record = new byte[frame.length + 8];
        System.arraycopy(frame, 0, record, 0, frame.length);

        assertRejected(record, "bad_length", frame.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, HEADER_LENGTH, FrameDescriptor.MIN_FRAME_LENGTH - 1, -8})
    void shouldRejectAsBadLengthWhenFrameLengthFieldIsBelowMinimum(int frameLength) {
        final byte[] frame = smallFrame();
        putInt(frame, FRAME_LENGTH_OFFSET, frameLength);

        assertRejected(frame, "bad_length", FRAME_LENGTH_OFFSET);
    }

    @ParameterizedTest
    @ValueSource(ints = {KEY_BYTES + 1, Integer.MAX_VALUE, -1})
    void shouldRejectAsBadLengthWhenKeyEndIsBeyondKeyBytes(int end) {
        final byte[] frame = smallFrame();
        putInt(frame, KEY_TABLE_OFFSET + 4, end);
        reseal(frame);

        assertRejected(frame, "bad_length", KEY_TABLE_OFFSET + 4);
    }

    @Test
    void shouldRejectAsBadLengthWhenKeyEndsDecrease() {
        final byte[] frame = smallFrame();
        putInt(frame, KEY_TABLE_OFFSET, 20); // second key ends at 19
        reseal(frame);

        assertRejected(frame, "bad_length", KEY_TABLE_OFFSET + 4);
    }

    @Test
    void shouldRejectAsBadLengthWhenKeysEndBeforeKeyBytesLength() {
        final byte[] frame = smallFrame();
        putInt(frame, KEY_TABLE_OFFSET + 8, KEY_BYTES - 1);
        reseal(frame);

        assertRejected(frame, "bad_length", KEY_BYTES_LENGTH_OFFSET);
    }

    @Test
    void shouldRejectAsBadCrcWhenAnyByteAfterHeaderIsFlipped() {
        final byte[] frame = smallFrame();

        for (int p = HEADER_LENGTH; p < frame.length; p++) {
            for (int bit = 0; bit < 8; bit++) {
                final byte[] corrupt = frame.clone();
                corrupt[p] ^= (byte) (1 << bit);

                final MalformedInputException e = rejection(corrupt, 0, corrupt.length);

                assertThat(e.reason()).as("byte %d, bit %d", p, bit).isEqualTo("bad_crc");
                assertThat(e.position()).isEqualTo(frame.length - 4);
            }
        }
    }

    @Test
    void shouldRejectWhenAnyHeaderBitIsFlipped() {
        final byte[] frame = smallFrame();

        for (int p = 0; p < HEADER_LENGTH; p++) {
            for (int bit = 0; bit < 8; bit++) {
                final byte[] corrupt = frame.clone();
                corrupt[p] ^= (byte) (1 << bit);

                assertThat(rejection(corrupt, 0, corrupt.length))
                        .as("byte %d, bit %d", p, bit)
                        .isNotNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {SERIES, SERIES + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE})
    void shouldRejectAsBadSeriesIndexWhenIndexIsOutOfRange(int index) {
        final byte[] frame = smallFrame();
        putInt(frame, INDEX_AT + 8, index); // the last sample: the whole column is checked
        reseal(frame);

        assertRejected(frame, "bad_series_index", INDEX_AT + 8);
    }

    @Test
    void shouldRejectAsBadSeriesIndexWhenFrameHasNoSeries() {
        final byte[] frame = new byte[(int) FrameDescriptor.frameLength(0, 0, 1)];
        putInt(frame, 0, MAGIC);
        putShort(frame, VERSION_OFFSET, VERSION);
        putInt(frame, SAMPLE_COUNT_OFFSET, 1);
        putInt(frame, FRAME_LENGTH_OFFSET, frame.length);
        reseal(frame);

        assertRejected(frame, "bad_series_index", HEADER_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xFF, 0x80, 0xC0})
    void shouldRejectAsBadUtf8WhenKeyIsIllFormed(int badByte) {
        final byte[] frame = smallFrame();
        final int at = KEY_BYTES_AT + KEYS[0].length() + 1; // second byte of "mem"
        frame[at] = (byte) badByte;
        reseal(frame);

        assertRejected(frame, "bad_utf8", at);
    }

    @Test
    void shouldRejectAsBadUtf8WhenMultibyteCharacterIsSplitAcrossKeys() {
        final byte[] frame = smallFrame();
        // "température" starts at 19; 'é' is its bytes 4..5. End the last-but-one key inside it.
        putInt(frame, KEY_TABLE_OFFSET + 4, 19 + 5);
        reseal(frame);

        assertRejected(frame, "bad_utf8", KEY_BYTES_AT + 19 + 4);
    }

    @Test
    void shouldRejectAsEmptyKeyWhenKeyEndsWhereItStarts() {
        final byte[] frame = smallFrame();
        putInt(frame, KEY_TABLE_OFFSET + 4, KEYS[0].length());
        reseal(frame);

        assertRejected(frame, "empty_key", KEY_TABLE_OFFSET + 4);
    }

    @ParameterizedTest
    @ValueSource(
            ints = {KEY_TABLE_OFFSET + 12, KEY_TABLE_OFFSET + 15, KEY_BYTES_AT + 31, INDEX_AT + 15})
    void shouldRejectAsBadPaddingWhenPaddingIsNotZero(int at) {
        final byte[] frame = smallFrame();
        frame[at] = 1;
        reseal(frame);

        assertRejected(frame, "bad_padding", at);
    }

    @Test
    void shouldReportPositionWithinRecordWhenRecordStartsAtOffset() {
        final byte[] frame = smallFrame();
        final int at = KEY_BYTES_AT + 2;
        frame[at] = (byte) 0xFF;
        reseal(frame);
        final byte[] buffer = new byte[frame.length + 11];
        System.arraycopy(frame, 0, buffer, 7, frame.length);

        final MalformedInputException e = rejection(buffer, 7, frame.length);

        assertThat(e.reason()).isEqualTo("bad_utf8");
        assertThat(e.position()).isEqualTo(at);
        assertThat(e.getMessage()).startsWith("bad_utf8 at byte " + at);
    }

    @Test
    void shouldReadAsEmptyWhenWrapFails() throws MalformedInputException {
        final byte[] frame = smallFrame();
        decoder.wrap(frame, 0, frame.length);
        frame[HEADER_LENGTH] ^= 1;

        rejection(frame, 0, frame.length);

        assertThat(decoder.seriesCount()).isZero();
        assertThat(decoder.sampleCount()).isZero();
    }

    // ---------------------------------------------------------------- fixtures

    private static byte[] smallFrame() {
        final FrameWriter writer = new FrameWriter();
        for (String key : KEYS) {
            writer.addSeries(key);
        }
        writer.addSample(0, 1_700_000_000_000L, 1.5);
        writer.addSample(2, 1_700_000_000_001L, -2.5);
        writer.addSample(1, 1_700_000_000_002L, Double.NaN);
        return writer.toByteArray();
    }

    private MalformedInputException rejection(byte[] record, int offset, int length) {
        try {
            decoder.wrap(record, offset, length);
        } catch (MalformedInputException e) {
            return e;
        }
        throw new AssertionError("decoder accepted a malformed record of " + length + " bytes");
    }

    private void assertRejected(byte[] record, String reason, long position) {
        final MalformedInputException e = rejection(record, 0, record.length);

        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
    }

    /** Recomputes the trailer, as a buggy but honest producer would have written it. */
    private static void reseal(byte[] frame) {
        final CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - 4);
        putInt(frame, frame.length - 4, (int) crc.getValue());
    }

    private static void putInt(byte[] bytes, int at, int value) {
        INT_LE.set(bytes, at, value);
    }

    private static void putShort(byte[] bytes, int at, int value) {
        SHORT_LE.set(bytes, at, (short) value);
    }
}

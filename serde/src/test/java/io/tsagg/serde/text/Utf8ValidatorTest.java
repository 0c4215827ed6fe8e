package io.tsagg.serde.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link Utf8Validator}. */
class Utf8ValidatorTest {

    @Test
    void shouldAcceptWhenRangeIsEmpty() {
        assertThat(Utf8Validator.firstInvalid(new byte[0], 0, 0)).isEqualTo(-1);
    }

    @Test
    void shouldAcceptWhenTextMixesAsciiAndMultibyte() {
        final byte[] bytes =
                "température,pièce=séjour,城市=東京 valeur 🌡️ ok".getBytes(StandardCharsets.UTF_8);

        assertThat(Utf8Validator.firstInvalid(bytes, 0, bytes.length)).isEqualTo(-1);
    }

    @Test
    void shouldAcceptWhenCodePointIsAnyScalarValue() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            final byte[] bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (Utf8Validator.firstInvalid(bytes, 0, bytes.length) != -1) {
                throw new AssertionError(String.format("U+%04X rejected", cp));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "c0 80", // overlong NUL
                "c1 bf", // overlong U+007F
                "e0 80 80", // overlong 3-byte
                "e0 9f bf", // overlong U+07FF
                "f0 80 80 80", // overlong 4-byte
                "f0 8f bf bf" // overlong U+FFFF
            })
    void shouldRejectWhenEncodingIsOverlong(String hex) {
        assertRejectedAt(hex, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed a0 80", "ed af bf", "ed b0 80", "ed bf bf"})
    void shouldRejectWhenCodePointIsSurrogate(String hex) {
        assertRejectedAt(hex, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4 90 80 80", "f5 80 80 80", "f7 bf bf bf", "f8 88 80 80 80", "ff"})
    void shouldRejectWhenCodePointIsAboveMaximum(String hex) {
        assertRejectedAt(hex, 0);
    }

    @ParameterizedTest
    @CsvSource({"61 80, 1", "61 bf 62, 1", "61 c3 a9 a9, 3"})
    void shouldRejectWhenContinuationByteHasNoLead(String hex, int expected) {
        assertRejectedAt(hex, expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"61 c3", "61 e2 82", "61 f0 9f 8c", "61 e2 41 41", "61 f0 9f 41 41"})
    void shouldRejectWhenSequenceIsCutShort(String hex) {
        assertRejectedAt(hex, 1);
    }

    @Test
    void shouldReportArrayIndexWhenRangeStartsAtOffset() {
        // Fast path covers the 8 ASCII bytes, the bad byte comes after them.
        final byte[] bytes = bytes("ff ff 41 41 41 41 41 41 41 41 41 c0 80 41");

        assertThat(Utf8Validator.firstInvalid(bytes, 2, bytes.length - 2)).isEqualTo(11);
    }

    @Test
    void shouldIgnoreBytesWhenTheyAreOutsideRange() {
        final byte[] bytes = bytes("ff 41 c3 a9 ff");

        assertThat(Utf8Validator.firstInvalid(bytes, 1, 3)).isEqualTo(-1);
        assertThat(Utf8Validator.firstInvalid(bytes, 1, 2)).as("range ends inside é").isEqualTo(2);
    }

    @Test
    void shouldThrowWhenRangeIsOutsideArray() {
        assertThatThrownBy(() -> Utf8Validator.firstInvalid(new byte[4], 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldAgreeWithJdkDecoderWhenBytesAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        final CharBuffer out = CharBuffer.allocate(64);
        // Bytes drawn from a small alphabet of interesting values hit every branch often.
        final int[] alphabet = {
            0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
            0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff
        };
        for (int round = 0; round < 200_000; round++) {
            final byte[] bytes = new byte[random.nextInt(20)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) alphabet[random.nextInt(alphabet.length)];
            }
            final ByteBuffer in = ByteBuffer.wrap(bytes);
            out.clear();
            decoder.reset();
            final CoderResult result = decoder.decode(in, out, true);
            final int expected = result.isMalformed() ? in.position() : -1;

            assertThat(Utf8Validator.firstInvalid(bytes, 0, bytes.length))
                    .as("seed %d, bytes %s", seed, hex(bytes))
                    .isEqualTo(expected);
        }
    }

    private static void assertRejectedAt(String hex, int expected) {
        final byte[] bytes = bytes(hex);

        assertThat(Utf8Validator.firstInvalid(bytes, 0, bytes.length)).as(hex).isEqualTo(expected);
    }

    private static byte[] bytes(String hex) {
        final String[] parts = hex.split(" ");
        final byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    private static String hex(byte[] bytes) {
        final StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x ", b & 0xFF));
        }
        return sb.toString().trim();
    }
}

package io.tsagg.serde.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Strict UTF-8 validation of byte ranges, without decoding them: well-formed means exactly the byte
 * sequences of Unicode's Table 3-7 (RFC 3629). Rejected: overlong encodings, UTF-16 surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF, stray continuation bytes and sequences cut off by
 * the end of the range.
 *
 * <p>Used wherever bytes become keys, so that two spellings of one key cannot exist and whatever we
 * print later decodes. Stateless and thread-safe; allocates nothing.
 */
public final class Utf8Validator {

    private static final long NON_ASCII_MASK = 0x8080_8080_8080_8080L;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Utf8Validator() {}

    /**
     * Checks {@code b[off, off + len)}.
     *
     * @return -1 if the range is well-formed UTF-8, else the index in {@code b} of the first byte
     *     of the first ill-formed sequence
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     */
    public static int firstInvalid(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        final int end = off + len;
        int i = off;
        while (i < end) {
            // Keys are mostly ASCII: skip 8 such bytes per step.
            if (end - i >= Long.BYTES && ((long) LONG_LE.get(b, i) & NON_ASCII_MASK) == 0) {
                i += Long.BYTES;
                continue;
            }
            final int lead = b[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            final int sequenceLength = sequenceLength(b, i, end, lead);
            if (sequenceLength == 0) {
                return i;
            }
            i += sequenceLength;
        }
        return -1;
    }

    /** Length of the well-formed multi-byte sequence at {@code i}, or 0 if it is ill-formed. */
    private static int sequenceLength(byte[] b, int i, int end, int lead) {
        final int remaining = end - i;
        if (lead >= 0xC2 && lead <= 0xDF) {
            return remaining >= 2 && isContinuation(b[i + 1]) ? 2 : 0;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            if (remaining < 3) {
                return 0;
            }
            final int second = b[i + 1] & 0xFF;
            // E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates).
            final int min = lead == 0xE0 ? 0xA0 : 0x80;
            final int max = lead == 0xED ? 0x9F : 0xBF;
            return second >= min && second <= max && isContinuation(b[i + 2]) ? 3 : 0;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            if (remaining < 4) {
                return 0;
            }
            final int second = b[i + 1] & 0xFF;
            // F0 needs 90..BF (no overlongs), F4 needs 80..8F (nothing above U+10FFFF).
            final int min = lead == 0xF0 ? 0x90 : 0x80;
            final int max = lead == 0xF4 ? 0x8F : 0xBF;
            return second >= min
                            && second <= max
                            && isContinuation(b[i + 2])
                            && isContinuation(b[i + 3])
                    ? 4
                    : 0;
        }
        // 80..BF (continuation without lead), C0..C1 (overlong), F5..FF (beyond U+10FFFF).
        return 0;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}

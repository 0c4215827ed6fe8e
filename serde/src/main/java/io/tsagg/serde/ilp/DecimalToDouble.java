package io.tsagg.serde.ilp;

import java.math.BigInteger;

/**
 * The double nearest to a decimal of at most {@value #MAX_DIGITS} digits without exponent ({@code
 * digits x 10^-fractionDigits}), correctly rounded (ties to even), by the Eisel-Lemire algorithm:
 * D. Lemire, "Number Parsing at a Gigabyte per Second" (Software: Practice and Experience, 2021),
 * section 5, as fast_float implements it; with N. Mushtak and D. Lemire, "Fast Number Parsing
 * Without Fallback" (2023), showing that one 128-bit product decides every case.
 *
 * <p>Here only for {@code fractionDigits <= 19}, where the value is between {@code 1e-19} and
 * {@code 1e19}: no subnormals, no overflow. The line-protocol parser uses it for the 16 to 19 digit
 * numbers that {@link Double#toString} writes; shorter ones take Clinger's exact division, and
 * numbers with an exponent or more digits the fastdoubleparser library. Tested against {@link
 * java.math.BigDecimal#doubleValue} (random and halfway decimals). Stateless, thread-safe.
 */
final class DecimalToDouble {
    /** The most digits whose integer fits an unsigned 64-bit value. */
    static final int MAX_DIGITS = 19;

    private static final int MIN_Q = -MAX_DIGITS;

    /**
     * 5^q for q in [-19, 0], normalized to 128 bits (the top bit set) as fast_float's table:
     * negative powers are {@code floor(2^b / 5^-q) + 1}, with {@code b} such that the result has
     * 128 bits; 5^0 is {@code 2^127}. High and low words, interleaved.
     */
    private static final long[] POWERS_OF_FIVE = new long[2 * (1 - MIN_Q)];

    static {
        final BigInteger mask64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int q = MIN_Q; q <= 0; q++) {
            final BigInteger c;
            if (q == 0) {
                c = BigInteger.ONE.shiftLeft(127);
            } else {
                final BigInteger power = BigInteger.valueOf(5).pow(-q);
                // z: the smallest with 2^z >= 5^-q; then 2^(z + 127) / 5^-q is in [2^127, 2^128).
                final int z = power.subtract(BigInteger.ONE).bitLength();
                c = BigInteger.ONE.shiftLeft(z + 127).divide(power).add(BigInteger.ONE);
            }
            if (c.bitLength() != 128) {
                throw new AssertionError("5^" + q + " does not normalize to 128 bits");
            }
            final int index = 2 * (q - MIN_Q);
            POWERS_OF_FIVE[index] = c.shiftRight(64).longValue();
            POWERS_OF_FIVE[index + 1] = c.and(mask64).longValue();
        }
    }

    private static final int MANTISSA_BITS = 52;
    private static final int EXPONENT_BIAS = 1023;

    private DecimalToDouble() {}

    /**
     * {@code ±digits x 10^-fractionDigits}, correctly rounded.
     *
     * @param digits the decimal digits as an unsigned integer (at most {@value #MAX_DIGITS} digits)
     * @param fractionDigits how many of them follow the decimal point, 0 to {@value #MAX_DIGITS}
     */
    static double toDouble(boolean negative, long digits, int fractionDigits) {
        if (digits == 0) {
            return negative ? -0.0 : 0.0;
        }
        final int q = -fractionDigits;
        final int lz = Long.numberOfLeadingZeros(digits);
        final long w = digits << lz;
        final int index = 2 * (q - MIN_Q);
        final long powerHigh = POWERS_OF_FIVE[index];
        // The 128-bit product of w and the high word of 5^q; its low half is refined with the
        // power's low word only when the bits that decide the rounding are all ones.
        long high = unsignedMultiplyHigh(w, powerHigh);
        long low = w * powerHigh;
        final long precisionMask = -1L >>> (MANTISSA_BITS + 3);
        if ((high & precisionMask) == precisionMask) {
            final long secondHigh = unsignedMultiplyHigh(w, POWERS_OF_FIVE[index + 1]);
            low += secondHigh;
            if (Long.compareUnsigned(secondHigh, low) > 0) {
                high++;
            }
        }
        final int upperBit = (int) (high >>> 63);
        final int shift = upperBit + 64 - MANTISSA_BITS - 3;
        long mantissa = high >>> shift;
        // floor(log2(10^q)) + 63, as fast_float computes it.
        int power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz + EXPONENT_BIAS;
        // A tie between two doubles is only possible where 5^q is exact (q >= -4 for negative q);
        // then round to even instead of up.
        if (Long.compareUnsigned(low, 1) <= 0
                && q >= -4
                && (mantissa & 3) == 1
                && (mantissa << shift) == high) {
            mantissa &= ~1L;
        }
        mantissa += mantissa & 1;
        mantissa >>>= 1;
        if (mantissa >= (2L << MANTISSA_BITS)) {
            mantissa = 1L << MANTISSA_BITS;
            power2++;
        }
        mantissa &= ~(1L << MANTISSA_BITS);
        final long bits =
                ((long) power2 << MANTISSA_BITS) | mantissa | (negative ? Long.MIN_VALUE : 0L);
        return Double.longBitsToDouble(bits);
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh is Java 18). */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}

package io.tsagg.serde.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tests for {@link DecimalToDouble}: every result is the correctly rounded double of the decimal,
 * as {@link BigDecimal#doubleValue} and the fastdoubleparser library compute it.
 */
class DecimalToDoubleTest {

    /** Checks one decimal, {@code digits} (unsigned) x 10^-fractionDigits, both signs. */
    private static void check(long digits, int fractionDigits, String context) {
        BigDecimal exact =
                new BigDecimal(new BigInteger(Long.toUnsignedString(digits)), fractionDigits);
        double expected = exact.doubleValue();
        assertThat(JavaDoubleParser.parseDouble(exact.toPlainString()))
                .as("oracles agree on %s", exact)
                .isEqualTo(expected);
        assertThat(DecimalToDouble.toDouble(false, digits, fractionDigits))
                .as("%s: %s", context, exact.toPlainString())
                .isEqualTo(expected);
        assertThat(DecimalToDouble.toDouble(true, digits, fractionDigits))
                .as("%s: -%s", context, exact.toPlainString())
                .isEqualTo(digits == 0 ? -0.0 : -expected);
    }

    @ParameterizedTest
    @CsvSource({
        // digits, fraction digits
        "0, 0",
        "0, 19",
        "1, 0",
        "1, 19",
        "9007199254740992, 0", // 2^53
        "9007199254740993, 0", // halfway: to even (down)
        "9007199254740995, 0", // halfway: to even (up)
        "90071992547409935, 1",
        "18014398509481985, 0",
        "36028797018963971, 1",
        "37208675897340233, 16",
        "17976931348623157, 0",
        "9999999999999999999, 0",
        "9999999999999999999, 19",
        "1000000000000000000, 19",
        "4503599627370497, 0",
        "22250738585072014, 19",
    })
    void shouldRoundExamplesExactly(String digits, int fractionDigits) {
        check(Long.parseUnsignedLong(digits), fractionDigits, "example");
    }

    @Test
    void shouldRoundRandomDecimalsExactly() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            int n = 1 + random.nextInt(DecimalToDouble.MAX_DIGITS);
            long digits = 0;
            for (int d = 0; d < n; d++) {
                digits = digits * 10 + random.nextInt(10);
            }
            check(digits, random.nextInt(DecimalToDouble.MAX_DIGITS + 1), "seed " + seed);
        }
    }

    @Test
    void shouldRoundHalfwayAndNearHalfwayDecimalsToEven() {
        // Midpoints between neighbouring doubles that have at most 19 digits: integers above
        // 2^53 and values with a few fraction digits, then one unit either side of each.
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int tested = 0;
        for (int i = 0; i < 400_000; i++) {
            double d =
                    random.nextBoolean()
                            ? Math.scalb(1.0 + random.nextDouble(), 53 + random.nextInt(10))
                            : Math.scalb(1.0 + random.nextDouble(), 30 + random.nextInt(33));
            d =
                    Math.scalb(
                            Math.rint(Math.scalb(d, -(Math.getExponent(d) - 52 + 4))),
                            Math.getExponent(d) - 52 + 4);
            BigDecimal midpoint =
                    new BigDecimal(d)
                            .add(new BigDecimal(Math.nextUp(d)))
                            .divide(BigDecimal.valueOf(2));
            for (int delta = -1; delta <= 1; delta++) {
                BigDecimal m = midpoint.stripTrailingZeros();
                if (m.scale() < 0) {
                    m = m.setScale(0);
                }
                m =
                        m.add(
                                BigDecimal.ONE
                                        .movePointLeft(m.scale())
                                        .multiply(BigDecimal.valueOf(delta)));
                if (m.scale() <= DecimalToDouble.MAX_DIGITS
                        && m.precision() <= DecimalToDouble.MAX_DIGITS
                        && m.signum() > 0) {
                    check(m.unscaledValue().longValue(), m.scale(), "seed " + seed);
                    tested++;
                }
            }
        }
        assertThat(tested).as("halfway cases tested").isGreaterThan(10_000);
    }
}

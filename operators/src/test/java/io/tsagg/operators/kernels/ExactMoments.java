package io.tsagg.operators.kernels;

import java.math.BigDecimal;
import java.math.MathContext;

/** Moments computed exactly (BigDecimal, 60 digits): the reference the kernels are held to. */
final class ExactMoments {
    private static final MathContext MC = new MathContext(60);

    final long count;
    final BigDecimal sum;
    final BigDecimal mean;
    final BigDecimal m2;

    ExactMoments(double[] values, int from, int to) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = from; i < to; i++) {
            s = s.add(new BigDecimal(values[i]));
        }
        count = to - from;
        sum = s;
        mean = count == 0 ? BigDecimal.ZERO : s.divide(BigDecimal.valueOf(count), MC);
        BigDecimal q = BigDecimal.ZERO;
        for (int i = from; i < to; i++) {
            BigDecimal d = new BigDecimal(values[i]).subtract(mean, MC);
            q = q.add(d.multiply(d, MC), MC);
        }
        m2 = q;
    }

    /** |actual − exact| / |exact|, or |actual| when exact is 0. */
    static double relativeError(double actual, BigDecimal exact) {
        BigDecimal diff = new BigDecimal(actual).subtract(exact, MC).abs();
        if (exact.signum() == 0) {
            return diff.doubleValue();
        }
        return diff.divide(exact.abs(), MC).doubleValue();
    }

    double stddevRelativeError(double m2Actual) {
        if (count < 2 || m2.signum() == 0) {
            return Math.abs(m2Actual);
        }
        double exact = Math.sqrt(m2.doubleValue() / (count - 1));
        double actual = Math.sqrt(m2Actual / (count - 1));
        return Math.abs(actual - exact) / exact;
    }
}

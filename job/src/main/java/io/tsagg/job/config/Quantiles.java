package io.tsagg.job.config;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The quantiles a rollup writes ({@code --quantiles 0.5,0.9,0.99}) and their output names: {@code
 * p} and the quantile in percent, a decimal point written as {@code _} ({@code 0.5 -> p50}, {@code
 * 0.999 -> p99_9}, {@code 0 -> p0}, {@code 1 -> p100}), so the names are plain JSON keys and
 * line-protocol field suffixes ({@code usage_user_p99_9}) that need no quoting in InfluxQL, Flux or
 * SQL.
 */
public final class Quantiles implements Serializable {
    private static final long serialVersionUID = 1L;

    /** No quantiles: the default, and then no sketch is kept. */
    public static final Quantiles NONE = new Quantiles(new double[0], new String[0], "");

    private final double[] values;
    private final String[] names;
    private final String text;

    private Quantiles(double[] values, String[] names, String text) {
        this.values = values;
        this.names = names;
        this.text = text;
    }

    /**
     * Parses a comma-separated list of quantiles in [0, 1] (empty: none); {@code where} names the
     * argument in messages.
     */
    static Quantiles parse(String where, String list) throws ArgumentException {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Double> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            BigDecimal q;
            try {
                q = new BigDecimal(p);
            } catch (NumberFormatException e) {
                throw new ArgumentException(
                        where
                                + ": quantile '"
                                + p
                                + "' is not a number; give quantiles in [0, 1] separated by"
                                + " commas, e.g. 0.5,0.9,0.99");
            }
            if (q.signum() < 0 || q.compareTo(BigDecimal.ONE) > 0) {
                throw new ArgumentException(
                        where + ": quantile " + p + " is outside [0, 1], e.g. 0.99 for p99");
            }
            String name = nameOf(q);
            if (names.contains(name)) {
                throw new ArgumentException(where + ": quantile " + p + " is given twice");
            }
            values.add(q.doubleValue());
            names.add(name);
            parts.add(p);
        }
        return new Quantiles(
                values.stream().mapToDouble(Double::doubleValue).toArray(),
                names.toArray(new String[0]),
                String.join(",", parts));
    }

    /** {@code p} and the quantile in percent, {@code _} for the decimal point. */
    static String nameOf(BigDecimal q) {
        BigDecimal percent = q.movePointRight(2).stripTrailingZeros();
        if (percent.scale() < 0) {
            percent = percent.setScale(0);
        }
        return "p" + percent.toPlainString().replace('.', '_');
    }

    /**
     * Parses a relative accuracy in (0, 1); {@code where} names the argument in messages.
     *
     * @throws ArgumentException if it is not a number in (0, 1)
     */
    static double accuracy(String where, String value) throws ArgumentException {
        double a;
        try {
            a = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ArgumentException(
                    where + ": quantile accuracy '" + value + "' is not a number, e.g. 0.01");
        }
        return checkAccuracy(where, a);
    }

    static double checkAccuracy(String where, double a) throws ArgumentException {
        if (!(a > 0.0 && a < 1.0)) {
            throw new ArgumentException(
                    where
                            + ": quantile accuracy "
                            + a
                            + " is outside (0, 1); it is the relative error of quantiles, e.g."
                            + " 0.01 for 1%");
        }
        return a;
    }

    public boolean isEmpty() {
        return values.length == 0;
    }

    /** The quantiles in output order. */
    public double[] values() {
        return values.clone();
    }

    /** Output names, e.g. {@code p99}, in output order. */
    public String[] names() {
        return names.clone();
    }

    /** The list as given, e.g. {@code 0.5,0.99}; empty for none. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantiles && Arrays.equals(values, ((Quantiles) o).values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}

package io.tsagg.serde.ilp;

import java.util.Locale;

/**
 * Unit of line-protocol timestamps ({@code --ilp-precision}), and their conversion to the epoch
 * milliseconds the pipeline carries: floor division, so {@code -1 ns} is {@code -1 ms}, not 0.
 */
public enum TimestampPrecision {
    NANOSECONDS("ns", 1_000_000L, 0L),
    MICROSECONDS("us", 1_000L, 0L),
    MILLISECONDS("ms", 1L, 0L),
    SECONDS("s", 0L, 1_000L);

    private final String code;
    private final long divisor;
    private final long multiplier;

    TimestampPrecision(String code, long divisor, long multiplier) {
        this.code = code;
        this.divisor = divisor;
        this.multiplier = multiplier;
    }

    /** {@code ns}, {@code us}, {@code ms} or {@code s}. */
    public String code() {
        return code;
    }

    /**
     * Epoch ms of {@code t} units since the epoch; {@link Long#MIN_VALUE} if it does not fit a
     * {@code long} (only possible for seconds), which every range check rejects.
     */
    public long toMillis(long t) {
        if (multiplier != 0) {
            long hi = Math.multiplyHigh(t, multiplier);
            long lo = t * multiplier;
            return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MIN_VALUE;
        }
        return divisor == 1 ? t : Math.floorDiv(t, divisor);
    }

    /** The precision named by {@code code} ({@code ns|us|ms|s}, case-insensitive). */
    public static TimestampPrecision of(String code) {
        String c = code.trim().toLowerCase(Locale.ROOT);
        for (TimestampPrecision p : values()) {
            if (p.code.equals(c)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown timestamp precision '" + code + "'; allowed: ns, us, ms, s");
    }
}

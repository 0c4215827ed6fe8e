package io.tsagg.serde.ilp;

import java.util.Locale;

/**
 * Unit of line-protocol timestamps ({@code --ilp-precision}), and their conversion to the epoch
 * milliseconds the pipeline carries: floor division, so {@code -1 ns} is {@code -1 ms}, not 0.
 */
public enum TimestampPrecision {
    NANOSECONDS("ns"),
    MICROSECONDS("us"),
    MILLISECONDS("ms"),
    SECONDS("s");

    private final String code;

    TimestampPrecision(String code) {
        this.code = code;
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
        // Constant divisors, which C2 turns into multiplications: this runs once per line.
        if (this == NANOSECONDS) {
            return Math.floorDiv(t, 1_000_000L);
        }
        if (this == MICROSECONDS) {
            return Math.floorDiv(t, 1_000L);
        }
        if (this == MILLISECONDS) {
            return t;
        }
        long hi = Math.multiplyHigh(t, 1_000L);
        long lo = t * 1_000L;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MIN_VALUE;
    }

    /**
     * {@code ms} epoch ms in this unit (seconds round down, like {@link #toMillis}). Not a hot
     * path.
     */
    public long fromMillis(long ms) {
        switch (this) {
            case NANOSECONDS:
                return Math.multiplyExact(ms, 1_000_000L);
            case MICROSECONDS:
                return Math.multiplyExact(ms, 1_000L);
            case MILLISECONDS:
                return ms;
            default:
                return Math.floorDiv(ms, 1_000L);
        }
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

package io.tsagg.serde.output;

import io.tsagg.serde.record.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Encodes a {@link WindowResult} as one InfluxDB line-protocol line with Telegraf basicstats field
 * names, so results can be written back to a time-series database unchanged:
 *
 * <pre>
 *   cpu,host=a usage_user          (group key: series part, space, field)
 *   -> cpu,host=a usage_user_count=3,usage_user_sum=6,usage_user_min=1,...,usage_user_p99=2.9 T
 * </pre>
 *
 * {@code T} is the window start in nanoseconds. Every value is a float, as Telegraf's basicstats
 * writes them (so {@code _count} has the same field type as there). A statistic that is undefined
 * (stddev of one sample) is left out: line protocol has no null. The group key's escapes are kept
 * as they are, since the key is already in line-protocol form.
 *
 * <p>Not thread-safe; one instance per sink writer.
 */
public final class WindowResultLineEncoder implements ResultEncoder {
    private final Stat[] stats;
    private final byte[][] quantileSuffixes;
    private byte[] buf = new byte[512];
    private int pos;

    /**
     * @param stats the statistics to write
     * @param quantileNames output names of the configured quantiles, e.g. {@code p99}
     */
    public WindowResultLineEncoder(Set<Stat> stats, String... quantileNames) {
        this.stats = stats.toArray(new Stat[0]);
        Arrays.sort(this.stats);
        quantileSuffixes = new byte[quantileNames.length][];
        for (int i = 0; i < quantileNames.length; i++) {
            quantileSuffixes[i] = ("_" + quantileNames[i] + "=").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Returns a fresh array holding the line (no trailing newline). */
    @Override
    public byte[] encode(WindowResult r) {
        pos = 0;
        byte[] key = r.keyBytes();
        int len = r.keyLength();
        int split = fieldSeparator(key, len);
        // Series part: measurement and tags, unchanged.
        raw(key, 0, split < 0 ? len : split);
        byte b = ' ';
        put(b);
        int fieldFrom = split < 0 ? -1 : split + 1;
        boolean first = true;
        for (Stat s : stats) {
            double v = value(r, s);
            if (!Double.isFinite(v)) {
                continue;
            }
            if (!first) {
                put((byte) ',');
            }
            first = false;
            fieldName(key, fieldFrom, len);
            ascii(s.suffix());
            put((byte) '=');
            number(v);
        }
        int n = Math.min(r.quantileCount(), quantileSuffixes.length);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(r.quantile(i))) {
                continue;
            }
            if (!first) {
                put((byte) ',');
            }
            first = false;
            fieldName(key, fieldFrom, len);
            raw(quantileSuffixes[i], 0, quantileSuffixes[i].length);
            number(r.quantile(i));
        }
        put((byte) ' ');
        ascii(Long.toString(Math.multiplyExact(r.windowStart(), 1_000_000L)));
        return Arrays.copyOf(buf, pos);
    }

    /** The field name, or "value" for a key without a field part. */
    private void fieldName(byte[] key, int from, int len) {
        if (from < 0) {
            ascii("value");
        } else {
            raw(key, from, len - from);
        }
    }

    private static double value(WindowResult r, Stat s) {
        switch (s) {
            case COUNT:
                return r.count();
            case SUM:
                return r.sum();
            case MIN:
                return r.min();
            case MAX:
                return r.max();
            case MEAN:
                return r.mean();
            case STDDEV:
                return r.stddev();
            case FIRST:
                return r.first();
            case LAST:
                return r.last();
            default:
                throw new IllegalStateException("unhandled " + s);
        }
    }

    /** Position of the first unescaped space (series part | field), or -1. */
    static int fieldSeparator(byte[] key, int len) {
        for (int i = 0; i < len; i++) {
            if (key[i] == '\\') {
                i++;
            } else if (key[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private void number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            ascii(Long.toString((long) v));
        } else {
            ascii(Double.toString(v));
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void raw(byte[] b, int from, int n) {
        ensure(n);
        System.arraycopy(b, from, buf, pos, n);
        pos += n;
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}

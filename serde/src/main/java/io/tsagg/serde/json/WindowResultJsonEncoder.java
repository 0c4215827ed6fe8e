package io.tsagg.serde.json;

import io.tsagg.serde.output.ResultEncoder;
import io.tsagg.serde.output.Stat;
import io.tsagg.serde.record.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Encodes a {@link WindowResult} as one JSON object:
 *
 * <pre>{@code
 * {"key":"cpu,host=a usage_user","window_start":0,"window_end":60000,"count":3,"sum":6.0,
 *  "min":1.0,"max":3.0,"mean":2.0,"stddev":1.0,"first":1.0,"last":3.0,"p50":2.0}
 * }</pre>
 *
 * Non-finite numbers (stddev of a single sample) are written as {@code null}. Quantile fields are
 * named by the configured quantile names ({@code p50}, {@code p99}, {@code p99_9}). With a {@link
 * Stat} selection only the selected statistics are written ({@code key}, {@code window_start} and
 * {@code window_end} always are), in the order above.
 *
 * <p>Not thread-safe; one instance per sink writer. Builds into a reusable buffer.
 */
public final class WindowResultJsonEncoder implements ResultEncoder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[][] quantileFieldNames;
    private final boolean count;
    private final boolean sum;
    private final boolean min;
    private final boolean max;
    private final boolean mean;
    private final boolean stddev;
    private final boolean first;
    private final boolean last;
    private byte[] buf = new byte[512];
    private int pos;

    /**
     * Writes every statistic.
     *
     * @param quantileNames output names of the configured quantiles, e.g. {@code p99}
     */
    public WindowResultJsonEncoder(String... quantileNames) {
        this(Stat.all(), quantileNames);
    }

    /**
     * @param stats the statistics to write
     * @param quantileNames output names of the configured quantiles, e.g. {@code p99}
     */
    public WindowResultJsonEncoder(Set<Stat> stats, String... quantileNames) {
        count = stats.contains(Stat.COUNT);
        sum = stats.contains(Stat.SUM);
        min = stats.contains(Stat.MIN);
        max = stats.contains(Stat.MAX);
        mean = stats.contains(Stat.MEAN);
        stddev = stats.contains(Stat.STDDEV);
        first = stats.contains(Stat.FIRST);
        last = stats.contains(Stat.LAST);
        quantileFieldNames = new byte[quantileNames.length][];
        for (int i = 0; i < quantileNames.length; i++) {
            quantileFieldNames[i] =
                    (",\"" + quantileNames[i] + "\":").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Returns a fresh array holding the JSON document (Kafka keeps the array). */
    @Override
    public byte[] encode(WindowResult r) {
        pos = 0;
        ascii("{\"key\":");
        string(r.keyBytes(), r.keyLength());
        ascii(",\"window_start\":");
        ascii(Long.toString(r.windowStart()));
        ascii(",\"window_end\":");
        ascii(Long.toString(r.windowEnd()));
        if (count) {
            ascii(",\"count\":");
            ascii(Long.toString(r.count()));
        }
        if (sum) {
            field(",\"sum\":", r.sum());
        }
        if (min) {
            field(",\"min\":", r.min());
        }
        if (max) {
            field(",\"max\":", r.max());
        }
        if (mean) {
            field(",\"mean\":", r.mean());
        }
        if (stddev) {
            field(",\"stddev\":", r.stddev());
        }
        if (first) {
            field(",\"first\":", r.first());
        }
        if (last) {
            field(",\"last\":", r.last());
        }
        int n = Math.min(r.quantileCount(), quantileFieldNames.length);
        for (int i = 0; i < n; i++) {
            raw(quantileFieldNames[i]);
            number(r.quantile(i));
        }
        ascii("}");
        return Arrays.copyOf(buf, pos);
    }

    private void field(String name, double v) {
        ascii(name);
        number(v);
    }

    private void number(double v) {
        if (Double.isFinite(v)) {
            ascii(Double.toString(v));
        } else {
            ascii("null");
        }
    }

    /** JSON string from UTF-8 bytes that are already known to be valid. */
    private void string(byte[] b, int len) {
        ensure(len * 6 + 2);
        buf[pos++] = '"';
        for (int i = 0; i < len; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\') {
                buf[pos++] = '\\';
                buf[pos++] = c;
            } else if (c >= 0 && c < 0x20) {
                buf[pos++] = '\\';
                buf[pos++] = 'u';
                buf[pos++] = '0';
                buf[pos++] = '0';
                buf[pos++] = HEX[c >> 4];
                buf[pos++] = HEX[c & 0xF];
            } else {
                buf[pos++] = c;
            }
        }
        buf[pos++] = '"';
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}

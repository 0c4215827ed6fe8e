package io.tsagg.serde.json;

import io.tsagg.serde.record.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes a {@link WindowResult} as one JSON object:
 *
 * <pre>{@code
 * {"key":"cpu,host=a usage_user","window_start":0,"window_end":60000,"count":3,"sum":6.0,
 *  "min":1.0,"max":3.0,"mean":2.0,"stddev":1.0,"first":1.0,"last":3.0,"p50":2.0}
 * }</pre>
 *
 * Non-finite numbers (stddev of a single sample) are written as {@code null}. Quantile fields are
 * named by the configured quantile names ({@code p50}, {@code p99}, {@code p99_9}).
 *
 * <p>Not thread-safe; one instance per sink writer. Builds into a reusable buffer.
 */
public final class WindowResultJsonEncoder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[][] quantileFieldNames;
    private byte[] buf = new byte[512];
    private int pos;

    /**
     * @param quantileNames output names of the configured quantiles, e.g. {@code p99}
     */
    public WindowResultJsonEncoder(String... quantileNames) {
        quantileFieldNames = new byte[quantileNames.length][];
        for (int i = 0; i < quantileNames.length; i++) {
            quantileFieldNames[i] =
                    (",\"" + quantileNames[i] + "\":").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Returns a fresh array holding the JSON document (Kafka keeps the array). */
    public byte[] encode(WindowResult r) {
        pos = 0;
        ascii("{\"key\":");
        string(r.keyBytes(), r.keyLength());
        ascii(",\"window_start\":");
        ascii(Long.toString(r.windowStart()));
        ascii(",\"window_end\":");
        ascii(Long.toString(r.windowEnd()));
        ascii(",\"count\":");
        ascii(Long.toString(r.count()));
        field(",\"sum\":", r.sum());
        field(",\"min\":", r.min());
        field(",\"max\":", r.max());
        field(",\"mean\":", r.mean());
        field(",\"stddev\":", r.stddev());
        field(",\"first\":", r.first());
        field(",\"last\":", r.last());
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

package io.tsagg.serde.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The statistics of one group key over one window, as the window operator emits them. Mutable and
 * reused by the operator; encoders turn it into JSON or line protocol.
 *
 * <p>{@link #stddev()} is the sample standard deviation (n - 1), {@code NaN} when count < 2; {@link
 * #first()} and {@link #last()} are the values with the smallest and largest timestamp. Quantiles
 * are in the order of the job's configured quantile list.
 */
public final class WindowResult {
    private long keyId;
    private byte[] key = new byte[64];
    private int keyLength;
    private long windowStart;
    private long windowEnd;
    private long count;
    private double sum;
    private double min;
    private double max;
    private double mean;
    private double stddev;
    private double first;
    private double last;
    private double[] quantiles = new double[0];
    private int quantileCount;

    public WindowResult setKey(long keyId, byte[] bytes, int offset, int length) {
        this.keyId = keyId;
        byte[] buf = keyBuffer(length);
        System.arraycopy(bytes, offset, buf, 0, length);
        this.keyLength = length;
        return this;
    }

    public WindowResult setWindow(long start, long end) {
        this.windowStart = start;
        this.windowEnd = end;
        return this;
    }

    public WindowResult setStats(
            long count,
            double sum,
            double min,
            double max,
            double mean,
            double stddev,
            double first,
            double last) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.mean = mean;
        this.stddev = stddev;
        this.first = first;
        this.last = last;
        return this;
    }

    /** A buffer of at least {@code n} quantile slots; fill it, then {@link #quantilesFilled}. */
    public double[] quantileBuffer(int n) {
        if (quantiles.length < n) {
            quantiles = new double[n];
        }
        return quantiles;
    }

    public WindowResult quantilesFilled(int n) {
        this.quantileCount = n;
        return this;
    }

    byte[] keyBuffer(int length) {
        if (key.length < length) {
            key = new byte[Math.max(length, key.length * 2)];
        }
        return key;
    }

    void keyFilled(long keyId, int length) {
        this.keyId = keyId;
        this.keyLength = length;
    }

    public long keyId() {
        return keyId;
    }

    /** The group key's UTF-8 bytes are {@code keyBytes()[0 .. keyLength())}. */
    public byte[] keyBytes() {
        return key;
    }

    public int keyLength() {
        return keyLength;
    }

    public String keyString() {
        return new String(key, 0, keyLength, StandardCharsets.UTF_8);
    }

    public long windowStart() {
        return windowStart;
    }

    public long windowEnd() {
        return windowEnd;
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return mean;
    }

    public double stddev() {
        return stddev;
    }

    public double first() {
        return first;
    }

    public double last() {
        return last;
    }

    public int quantileCount() {
        return quantileCount;
    }

    public double quantile(int i) {
        return quantiles[i];
    }

    public WindowResult copyFrom(WindowResult o) {
        setKey(o.keyId, o.key, 0, o.keyLength);
        setWindow(o.windowStart, o.windowEnd);
        setStats(o.count, o.sum, o.min, o.max, o.mean, o.stddev, o.first, o.last);
        System.arraycopy(o.quantiles, 0, quantileBuffer(o.quantileCount), 0, o.quantileCount);
        quantileCount = o.quantileCount;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WindowResult)) {
            return false;
        }
        WindowResult r = (WindowResult) o;
        return keyId == r.keyId
                && Arrays.equals(key, 0, keyLength, r.key, 0, r.keyLength)
                && windowStart == r.windowStart
                && windowEnd == r.windowEnd
                && count == r.count
                && Double.compare(sum, r.sum) == 0
                && Double.compare(min, r.min) == 0
                && Double.compare(max, r.max) == 0
                && Double.compare(mean, r.mean) == 0
                && Double.compare(stddev, r.stddev) == 0
                && Double.compare(first, r.first) == 0
                && Double.compare(last, r.last) == 0
                && Arrays.equals(quantiles, 0, quantileCount, r.quantiles, 0, r.quantileCount);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(keyId) * 31 + Long.hashCode(windowStart);
    }

    @Override
    public String toString() {
        return "WindowResult{"
                + keyString()
                + " ["
                + windowStart
                + ", "
                + windowEnd
                + ") count="
                + count
                + " sum="
                + sum
                + " min="
                + min
                + " max="
                + max
                + " mean="
                + mean
                + " stddev="
                + stddev
                + " first="
                + first
                + " last="
                + last
                + " quantiles="
                + Arrays.toString(Arrays.copyOf(quantiles, quantileCount))
                + "}";
    }
}

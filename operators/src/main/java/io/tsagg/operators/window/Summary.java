package io.tsagg.operators.window;

import io.tsagg.operators.sketch.HeapQuantileSketch;
import io.tsagg.operators.sketch.QuantileSketch;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The statistics of one (group key, pane or window): count, compensated sum, min, max, mean and M2
 * (Welford), first and last value by timestamp. Mutable, used as a reusable accumulator and as the
 * view a {@link WindowStore} hands out.
 *
 * <p>Sums use Neumaier compensation; the variance uses Welford updates and Chan et al.'s parallel
 * merge on values shifted by the first value added, so neither loses precision on a large offset
 * with a small spread (unshifted, the running mean near 1e7 rounds to 2e-9 and costs a spread of
 * 0.1 its eighth digit). On equal timestamps, {@code first} keeps the earlier arrival and {@code
 * last} the later.
 *
 * <p>When quantiles are configured ({@link #Summary(double)}), a summary also carries a {@link
 * HeapQuantileSketch} of its values: {@link #add}, {@link #merge}, {@link #copyFrom}, {@link
 * #write} and {@link #read} include it, so a summary handed out by a store, a merged sliding
 * window, a partial of the two phases and a checkpoint entry all carry their quantiles. {@link
 * #addValue} and {@link #mergeMoments} leave the sketch alone: their callers fold in values the
 * sketch has already seen (raw chunk values).
 */
public final class Summary {
    /** Bytes of one summary without a quantile sketch in the {@link #write} encoding. */
    public static final int ENCODED_BYTES = 8 * 12 + 1;

    private static final byte NO_SKETCH = 0;
    private static final byte WITH_SKETCH = 1;

    long count;
    double sum;
    double compensation;
    double min;
    double max;

    /** The first value added; {@link #mean} and {@link #m2} are of {@code value - shift}. */
    double shift;

    /** Mean of the shifted values: {@link #mean()} is {@code shift + mean}. */
    double mean;

    double m2;
    long firstTs;
    double first;
    long lastTs;
    double last;

    /** The sketch of the values, or null when quantiles are not configured. */
    private HeapQuantileSketch sketch;

    /** A summary without quantiles. */
    public Summary() {
        clear();
    }

    /** A summary that also keeps a quantile sketch of the given relative accuracy. */
    public Summary(double quantileAccuracy) {
        sketch = new HeapQuantileSketch(quantileAccuracy);
        clear();
    }

    /** Whether this summary carries a quantile sketch. */
    public boolean hasQuantiles() {
        return sketch != null;
    }

    /** The quantile sketch of the values, or null when quantiles are not configured. */
    public QuantileSketch sketch() {
        return sketch == null ? null : sketch.sketch();
    }

    /**
     * Adds a sketch of values this summary holds already in its moments (e.g. a store's per-slot
     * sketch when it loads a slot). Ignored when this summary has no quantiles.
     */
    public void setSketch(QuantileSketch from) {
        if (sketch != null) {
            sketch.copyFrom(from);
        }
    }

    /** The value of rank {@code floor(q * (count - 1))} within the sketch accuracy; NaN if none. */
    public double quantile(double q) {
        return sketch == null ? Double.NaN : sketch.sketch().quantile(q);
    }

    public Summary clear() {
        count = 0;
        sum = 0.0;
        compensation = 0.0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        shift = 0.0;
        mean = 0.0;
        m2 = 0.0;
        firstTs = Long.MAX_VALUE;
        first = Double.NaN;
        lastTs = Long.MIN_VALUE;
        last = Double.NaN;
        if (sketch != null) {
            sketch.clear();
        }
        return this;
    }

    /** Adds one sample (to the sketch too). Hot path. */
    public void add(long timestamp, double value) {
        if (sketch != null) {
            sketch.add(value);
        }
        addValue(value);
        if (timestamp < firstTs) {
            firstTs = timestamp;
            first = value;
        }
        if (timestamp >= lastTs) {
            lastTs = timestamp;
            last = value;
        }
    }

    /**
     * Adds a value to count, sum, min, max, mean and M2, leaving first, last and the sketch alone.
     */
    public void addValue(double value) {
        long n = ++count;
        double t = sum + value;
        compensation += Math.abs(sum) >= Math.abs(value) ? (sum - t) + value : (value - t) + sum;
        sum = t;
        if (n == 1) {
            shift = value;
        }
        double y = value - shift;
        double delta = y - mean;
        mean += delta / n;
        m2 += delta * (y - mean);
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** Merges another summary into this one (Chan's parallel algorithm for M2). */
    public Summary merge(Summary o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            return copyFrom(o);
        }
        if (sketch != null) {
            sketch.merge(sketchOf(o));
        }
        long n = count + o.count;
        // Difference of the two means; o.shift - shift is exact within a factor of two (Sterbenz).
        double delta = (o.shift - shift) + (o.mean - mean);
        mean += delta * ((double) o.count / n);
        m2 += o.m2 + delta * delta * ((double) count * o.count / n);
        double t = sum + o.sum;
        compensation +=
                (Math.abs(sum) >= Math.abs(o.sum) ? (sum - t) + o.sum : (o.sum - t) + sum)
                        + o.compensation;
        sum = t;
        count = n;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        if (o.firstTs < firstTs) {
            firstTs = o.firstTs;
            first = o.first;
        }
        if (o.lastTs >= lastTs) {
            lastTs = o.lastTs;
            last = o.last;
        }
        return this;
    }

    /**
     * Merges the moments of a chunk of values (e.g. from {@code StatsKernels#moments}) with Chan's
     * parallel merge, as {@link #merge} does; {@code sum + sumCompensation} is the chunk's sum.
     * First and last are not touched: the caller tracks them by timestamp. A chunk with {@code n ==
     * 0} changes nothing.
     */
    public void mergeMoments(
            long n,
            double sum,
            double sumCompensation,
            double min,
            double max,
            double mean,
            double m2) {
        if (n == 0) {
            return;
        }
        if (count == 0) {
            this.count = n;
            this.sum = sum;
            this.compensation = sumCompensation;
            this.min = min;
            this.max = max;
            this.mean = mean;
            this.m2 = m2;
            return;
        }
        long total = count + n;
        double delta = mean - this.mean;
        this.mean += delta * ((double) n / total);
        this.m2 += m2 + delta * delta * ((double) count * n / total);
        double t = this.sum + sum;
        compensation +=
                (Math.abs(this.sum) >= Math.abs(sum) ? (this.sum - t) + sum : (sum - t) + this.sum)
                        + sumCompensation;
        this.sum = t;
        count = total;
        this.min = Math.min(this.min, min);
        this.max = Math.max(this.max, max);
    }

    /**
     * Copies another summary; its sketch too when this one keeps quantiles (then {@code o} must
     * carry a sketch if it is not empty).
     */
    public Summary copyFrom(Summary o) {
        if (sketch != null) {
            if (o.sketch == null && o.count == 0) {
                sketch.clear();
            } else {
                sketch.copyFrom(sketchOf(o));
            }
        }
        count = o.count;
        sum = o.sum;
        compensation = o.compensation;
        min = o.min;
        max = o.max;
        shift = o.shift;
        mean = o.mean;
        m2 = o.m2;
        firstTs = o.firstTs;
        first = o.first;
        lastTs = o.lastTs;
        last = o.last;
        return this;
    }

    private static QuantileSketch sketchOf(Summary o) {
        if (o.sketch == null) {
            throw new IllegalArgumentException(
                    "Cannot merge a summary without a quantile sketch into one with quantiles");
        }
        return o.sketch.sketch();
    }

    public long count() {
        return count;
    }

    /** The compensated sum. */
    public double sum() {
        return sum + compensation;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return shift + mean;
    }

    /** Sum of squared deviations from the mean. */
    public double m2() {
        return m2;
    }

    /** Sample variance (n - 1); NaN when count < 2. */
    public double variance() {
        return count < 2 ? Double.NaN : Math.max(0.0, m2 / (count - 1));
    }

    /** Sample standard deviation (n - 1); NaN when count < 2. */
    public double stddev() {
        return Math.sqrt(variance());
    }

    public long firstTimestamp() {
        return firstTs;
    }

    public double first() {
        return first;
    }

    public long lastTimestamp() {
        return lastTs;
    }

    public double last() {
        return last;
    }

    /**
     * Writes the twelve statistics, then a byte (0: no sketch, 1: a sketch follows) and the sketch
     * in its compact encoding ({@link QuantileSketch#write}: occupied buckets only).
     */
    public void write(DataOutputView out) throws IOException {
        out.writeLong(count);
        out.writeDouble(sum);
        out.writeDouble(compensation);
        out.writeDouble(min);
        out.writeDouble(max);
        out.writeDouble(shift);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeLong(firstTs);
        out.writeDouble(first);
        out.writeLong(lastTs);
        out.writeDouble(last);
        if (sketch == null) {
            out.writeByte(NO_SKETCH);
        } else {
            out.writeByte(WITH_SKETCH);
            sketch.sketch().write(out);
        }
    }

    /**
     * Reads what {@link #write} wrote. A sketch in the input is kept: a summary without quantiles
     * starts keeping them at the written accuracy; one with quantiles of another accuracy fails.
     */
    public Summary read(DataInputView in) throws IOException {
        count = in.readLong();
        sum = in.readDouble();
        compensation = in.readDouble();
        min = in.readDouble();
        max = in.readDouble();
        shift = in.readDouble();
        mean = in.readDouble();
        m2 = in.readDouble();
        firstTs = in.readLong();
        first = in.readDouble();
        lastTs = in.readLong();
        last = in.readDouble();
        byte flag = in.readByte();
        if (flag == WITH_SKETCH) {
            double accuracy = HeapQuantileSketch.readAccuracy(in);
            if (sketch == null) {
                sketch = new HeapQuantileSketch(accuracy);
            } else if (sketch.relativeAccuracy() != accuracy) {
                throw new IOException(
                        "Cannot read a summary with quantiles of relative accuracy "
                                + accuracy
                                + " into one of relative accuracy "
                                + sketch.relativeAccuracy());
            }
            sketch.readBody(in);
        } else if (flag == NO_SKETCH) {
            if (sketch != null) {
                sketch.clear();
            }
        } else {
            throw new IOException("Corrupt summary: sketch flag " + flag);
        }
        return this;
    }

    @Override
    public String toString() {
        return "Summary{count="
                + count
                + ", sum="
                + sum()
                + ", min="
                + min
                + ", max="
                + max
                + ", mean="
                + mean()
                + ", stddev="
                + stddev()
                + ", first="
                + first
                + ", last="
                + last
                + "}";
    }
}

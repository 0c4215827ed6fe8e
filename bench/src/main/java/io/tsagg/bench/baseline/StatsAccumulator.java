package io.tsagg.bench.baseline;

/**
 * The accumulator a Flink user writes for windowed statistics: count, sum, min, max, mean and M2
 * (Welford), and the values at the first and last timestamps. A POJO, so Flink serializes it with
 * its POJO serializer (no Kryo).
 */
public class StatsAccumulator {
    public long count;
    public double sum;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    public double mean;
    public double m2;
    public long firstTs = Long.MAX_VALUE;
    public double first;
    public long lastTs = Long.MIN_VALUE;
    public double last;

    public StatsAccumulator() {}

    /** Adds one sample: Welford's update; first/last by timestamp (ties: first seen, last seen). */
    public StatsAccumulator add(long ts, double v) {
        count++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        double delta = v - mean;
        mean += delta / count;
        m2 += delta * (v - mean);
        if (ts < firstTs) {
            firstTs = ts;
            first = v;
        }
        if (ts >= lastTs) {
            lastTs = ts;
            last = v;
        }
        return this;
    }

    /** Merges another accumulator into this one (Chan et al.). */
    public StatsAccumulator merge(StatsAccumulator o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            count = o.count;
            sum = o.sum;
            min = o.min;
            max = o.max;
            mean = o.mean;
            m2 = o.m2;
            firstTs = o.firstTs;
            first = o.first;
            lastTs = o.lastTs;
            last = o.last;
            return this;
        }
        long n = count + o.count;
        double delta = o.mean - mean;
        mean += delta * o.count / n;
        m2 += o.m2 + delta * delta * ((double) count * o.count / n);
        count = n;
        sum += o.sum;
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

    /** Sample standard deviation (n - 1); NaN for fewer than two samples. */
    public double stddev() {
        return count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
    }
}

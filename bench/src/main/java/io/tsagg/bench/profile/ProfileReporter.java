package io.tsagg.bench.profile;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Keeps the job's counters and gauges so {@link ProfileMain} can read them while the job runs
 * (MiniCluster in the same JVM). Sums are over every subtask and operator of that name.
 */
public final class ProfileReporter implements MetricReporter {
    private static final List<Object[]> METRICS = new CopyOnWriteArrayList<>();

    static void clear() {
        METRICS.clear();
    }

    /** Sum of the counters named {@code name}. */
    static long counterSum(String name) {
        long sum = 0;
        for (Object[] m : METRICS) {
            if (m[0].equals(name) && m[1] instanceof Counter) {
                sum += ((Counter) m[1]).getCount();
            }
        }
        return sum;
    }

    /** Sum of the numeric gauges named {@code name}, or 0. */
    static long gaugeSum(String name) {
        long sum = 0;
        for (Object[] m : METRICS) {
            if (m[0].equals(name) && m[1] instanceof Gauge) {
                Object v = value((Gauge<?>) m[1]);
                if (v instanceof Number) {
                    sum += ((Number) v).longValue();
                }
            }
        }
        return sum;
    }

    /**
     * Sum over the operators that have a pool of {@code pages gauge x poolPageBytes}: bytes of
     * managed memory.
     */
    static long poolBytes(String pagesGauge) {
        long sum = 0;
        for (Object[] m : METRICS) {
            if (m[0].equals(pagesGauge) && m[1] instanceof Gauge) {
                Object pages = value((Gauge<?>) m[1]);
                if (pages instanceof Number) {
                    sum += ((Number) pages).longValue() * pageBytesOf((String) m[2]);
                }
            }
        }
        return sum;
    }

    private static long pageBytesOf(String scope) {
        for (Object[] m : METRICS) {
            if (m[0].equals("poolPageBytes") && m[2].equals(scope)) {
                Object bytes = value((Gauge<?>) m[1]);
                return bytes instanceof Number ? ((Number) bytes).longValue() : 0;
            }
        }
        return 0;
    }

    /** A gauge's value, or null when it cannot be read (its operator closed under it). */
    private static Object value(Gauge<?> gauge) {
        try {
            return gauge.getValue();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        // The group handed to reporters is a fresh wrapper each time: match operators by scope.
        METRICS.add(new Object[] {name, metric, String.join(".", group.getScopeComponents())});
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Found through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ProfileReporter();
        }
    }
}

package io.tsagg.job;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for tests: keeps every metric registered in this JVM, so a test can read the
 * job's counters after the job ended (a counter keeps its value after the job removed it).
 * Configure it with {@link #configure}.
 */
public final class CollectingMetricReporter implements MetricReporter {
    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

    /** A metric as registered: its name, scoped identifier and the metric itself. */
    public static final class Registered {
        final String name;
        final String identifier;
        final Metric metric;

        Registered(String name, String identifier, Metric metric) {
            this.name = name;
            this.identifier = identifier;
            this.metric = metric;
        }
    }

    /** Adds this reporter to a MiniCluster configuration and forgets earlier metrics. */
    public static Configuration configure(Configuration conf) {
        METRICS.clear();
        conf.setString("metrics.reporter.collect.factory.class", Factory.class.getName());
        return conf;
    }

    /** The sum of every counter named {@code name} (all subtasks, all operators). */
    public static long counterSum(String name) {
        long sum = 0;
        for (Registered r : METRICS) {
            if (r.name.equals(name) && r.metric instanceof Counter) {
                sum += ((Counter) r.metric).getCount();
            }
        }
        return sum;
    }

    /** The largest current value of the numeric gauges named {@code name}, or -1. */
    public static long gaugeMax(String name) {
        long max = -1;
        for (Registered r : METRICS) {
            if (r.name.equals(name) && r.metric instanceof Gauge) {
                Object v = ((Gauge<?>) r.metric).getValue();
                if (v instanceof Number) {
                    max = Math.max(max, ((Number) v).longValue());
                }
            }
        }
        return max;
    }

    /** How many metrics named {@code name} were registered. */
    public static long registered(String name) {
        return METRICS.stream().filter(r -> r.name.equals(name)).count();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.add(new Registered(name, group.getMetricIdentifier(name), metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Found through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CollectingMetricReporter();
        }
    }
}

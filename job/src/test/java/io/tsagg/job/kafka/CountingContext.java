package io.tsagg.job.kafka;

import io.tsagg.serde.record.MetricRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

/** A deserializer's context whose counters the test can read, and a collector of copies. */
final class CountingContext implements DeserializationSchema.InitializationContext {
    private final Map<String, Counter> counters = new TreeMap<>();
    final List<MetricRecord> out = new ArrayList<>();

    final Collector<MetricRecord> collector =
            new Collector<>() {
                @Override
                public void collect(MetricRecord r) {
                    out.add(new MetricRecord().copyFrom(r));
                }

                @Override
                public void close() {}
            };

    private final MetricGroup group =
            new UnregisteredMetricsGroup() {
                @Override
                public Counter counter(String name) {
                    return counter(name, new SimpleCounter());
                }

                @Override
                public <C extends Counter> C counter(String name, C counter) {
                    counters.put(name, counter);
                    return counter;
                }
            };

    @Override
    public MetricGroup getMetricGroup() {
        return group;
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
    }

    long count(String name) {
        return counters.get(name).getCount();
    }

    List<MetricRecord> samples() {
        return out.stream().filter(MetricRecord::isSample).toList();
    }

    List<MetricRecord> rejected() {
        return out.stream().filter(MetricRecord::isRejected).toList();
    }
}

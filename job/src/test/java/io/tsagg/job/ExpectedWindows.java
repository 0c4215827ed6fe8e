package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.generate.SampleGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The results a job must produce, computed independently of it for end-to-end tests: plain lists of
 * (timestamp, value) per (group key, tumbling window) and BigDecimal arithmetic, nothing shared
 * with the job's code. {@link #assertMatches} checks JSON results read back from Kafka: exactly one
 * per (key, window), none missing, count/min/max/first/last exact, sum/mean/stddev to 1e-9
 * relative.
 */
public final class ExpectedWindows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long windowMs;
    private final Map<String, Window> windows = new HashMap<>();

    public ExpectedWindows(long windowMs) {
        this.windowMs = windowMs;
    }

    /** Every sample of the generator, grouped by {@code groupKey} of its series key. */
    public static ExpectedWindows of(
            SampleGenerator generator, long windowMs, UnaryOperator<String> groupKey)
            throws Exception {
        ExpectedWindows expected = new ExpectedWindows(windowMs);
        generator.forEach(
                (s, ts, v) -> expected.add(groupKey.apply(generator.seriesKey(s)), ts, v));
        return expected;
    }

    public static ExpectedWindows of(SampleGenerator generator, long windowMs) throws Exception {
        return of(generator, windowMs, UnaryOperator.identity());
    }

    public ExpectedWindows add(String key, long timestamp, double value) {
        long start = Math.floorDiv(timestamp, windowMs) * windowMs;
        windows.computeIfAbsent(key + "@" + start, k -> new Window()).add(timestamp, value);
        return this;
    }

    /** The expected (key, window starting at {@code start}), or null. */
    public Window window(String key, long start) {
        return windows.get(key + "@" + start);
    }

    /**
     * Checks the quantile fields of JSON results ({@code names[i]} holds quantile {@code
     * quantiles[i]}) against the exact value of rank {@code floor(q * (n - 1))} of each window,
     * within the relative {@code accuracy}.
     */
    public void assertQuantiles(
            List<ConsumerRecord<byte[], byte[]>> results,
            String[] names,
            double[] quantiles,
            double accuracy)
            throws IOException {
        assertThat(results).hasSize(windows.size());
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode node = JSON.readTree(r.value());
            String key = node.get("key").asText();
            long start = node.get("window_start").asLong();
            for (int i = 0; i < names.length; i++) {
                assertThat(node.has(names[i])).as("%s@%d has %s", key, start, names[i]).isTrue();
                window(key, start)
                        .checkQuantile(
                                key + "@" + start + " " + names[i],
                                quantiles[i],
                                node.get(names[i]).asDouble(),
                                accuracy);
            }
        }
    }

    /** Number of (key, window) results expected. */
    public int size() {
        return windows.size();
    }

    /** Checks JSON results (Kafka key = group key) against the expected windows. */
    public void assertMatches(List<ConsumerRecord<byte[], byte[]>> results) throws IOException {
        Map<String, JsonNode> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode node = JSON.readTree(r.value());
            String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
            assertThat(actual.put(id, node)).as("duplicate result for %s", id).isNull();
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .as("Kafka key of %s", id)
                    .isEqualTo(node.get("key").asText());
            assertThat(node.get("window_end").asLong() - node.get("window_start").asLong())
                    .isEqualTo(windowMs);
        }
        assertThat(actual.keySet()).isEqualTo(windows.keySet());
        for (Map.Entry<String, Window> e : windows.entrySet()) {
            e.getValue().check(e.getKey(), actual.get(e.getKey()));
        }
    }

    /**
     * Straightforward statistics of one (key, window): {@link #check} asserts a JSON result against
     * them. Also used on its own by tests that match results differently.
     */
    public static final class Window {
        private final List<Long> times = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();

        public Window add(long ts, double v) {
            times.add(ts);
            values.add(v);
            return this;
        }

        /** Samples in the window. */
        public int count() {
            return values.size();
        }

        /** The exact value of rank {@code floor(q * (n - 1))}. */
        public double quantile(double q) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }

        /** Asserts {@code actual} is within relative {@code accuracy} of {@link #quantile}. */
        public void checkQuantile(String what, double q, double actual, double accuracy) {
            double exact = quantile(q);
            assertThat(Math.abs(actual - exact))
                    .as("%s: %s vs exact %s (q %s, n %d)", what, actual, exact, q, count())
                    .isLessThanOrEqualTo(accuracy * Math.abs(exact) + 1e-12);
        }

        public void check(String id, JsonNode actual) {
            int n = values.size();
            BigDecimal sum = BigDecimal.ZERO;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int firstAt = 0;
            int lastAt = 0;
            for (int i = 0; i < n; i++) {
                double v = values.get(i);
                sum = sum.add(new BigDecimal(v));
                min = Math.min(min, v);
                max = Math.max(max, v);
                if (times.get(i) < times.get(firstAt)) {
                    firstAt = i;
                }
                if (times.get(i) > times.get(lastAt)) {
                    lastAt = i;
                }
            }
            BigDecimal mean = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128);
            BigDecimal squares = BigDecimal.ZERO;
            for (double v : values) {
                BigDecimal d = new BigDecimal(v).subtract(mean);
                squares = squares.add(d.multiply(d));
            }
            assertThat(actual.get("count").asLong()).as(id + " count").isEqualTo(n);
            assertThat(actual.get("min").asDouble()).as(id + " min").isEqualTo(min);
            assertThat(actual.get("max").asDouble()).as(id + " max").isEqualTo(max);
            assertThat(actual.get("first").asDouble())
                    .as(id + " first")
                    .isEqualTo(values.get(firstAt));
            assertThat(actual.get("last").asDouble())
                    .as(id + " last")
                    .isEqualTo(values.get(lastAt));
            assertRelative(id + " sum", actual.get("sum").asDouble(), sum.doubleValue());
            assertRelative(id + " mean", actual.get("mean").asDouble(), mean.doubleValue());
            if (n < 2) {
                assertThat(actual.get("stddev").isNull()).as(id + " stddev").isTrue();
            } else {
                double stddev =
                        Math.sqrt(
                                squares.divide(BigDecimal.valueOf(n - 1), MathContext.DECIMAL128)
                                        .doubleValue());
                assertRelative(id + " stddev", actual.get("stddev").asDouble(), stddev);
            }
        }

        private static void assertRelative(String what, double actual, double expected) {
            double tolerance = 1e-9 * Math.abs(expected);
            assertThat(Math.abs(actual - expected))
                    .as("%s: %s vs expected %s", what, actual, expected)
                    .isLessThanOrEqualTo(tolerance);
        }
    }
}

package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.local.TopicReader;
import io.tsagg.serde.frame.FrameWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the end-to-end tests share: test data, producing, reading back, expected statistics. */
final class EndToEnd {
    /** 2026-01-01T00:00:00Z, aligned to every window size the tests use. */
    static final long T0 = 1_767_225_600_000L;

    private EndToEnd() {}

    /** One sample of test data. */
    record Sample(String key, long ts, double value) {}

    /**
     * Job arguments of a parallelism-2 job reading {@code in} from the start in {@code format},
     * writing to {@code out}, {@code dlq} and {@code late}, with {@code window} tumbling windows, 2
     * s out-of-orderness and 500 ms checkpoints; {@code more} follow.
     */
    static List<String> jobArgs(
            String bootstrap,
            String format,
            String in,
            String out,
            String dlq,
            String late,
            String window,
            String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--input-topic",
                                in,
                                "--output-topic",
                                out,
                                "--dlq-topic",
                                dlq,
                                "--late-topic",
                                late,
                                "--format",
                                format,
                                "--window",
                                window,
                                "--out-of-orderness",
                                "2s",
                                "--checkpoint-interval",
                                "500ms",
                                "--starting-offsets",
                                "earliest",
                                "--parallelism",
                                "2"));
        args.addAll(List.of(more));
        return args;
    }

    static Configuration miniCluster() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return conf;
    }

    /**
     * {@code series} series {@code cpu,host=h<i>,region=r<i % 3> usage}, one sample every {@code
     * stepMs} in [from, to), values a pure function of (series, timestamp).
     */
    static List<Sample> series(int series, long from, long to, long stepMs) {
        List<Sample> out = new ArrayList<>();
        for (long t = from; t < to; t += stepMs) {
            for (int s = 0; s < series; s++) {
                out.add(new Sample(key(s), t + s, value(s, t)));
            }
        }
        return out;
    }

    static String key(int s) {
        return "cpu,host=h" + s + ",region=r" + (s % 3) + " usage";
    }

    static double value(int s, long t) {
        return (s % 4 == 0 ? 1.0e6 : 10.0 * s) + 5.0 * Math.sin(t / 700.0 + s) + (t % 13) * 0.25;
    }

    /** Shuffles within consecutive blocks of {@code block} samples (seeded): bounded disorder. */
    static List<Sample> shuffledWithin(List<Sample> in, int block, long seed) {
        List<Sample> out = new ArrayList<>(in);
        java.util.Random random = new java.util.Random(seed);
        for (int from = 0; from < out.size(); from += block) {
            java.util.Collections.shuffle(
                    out.subList(from, Math.min(out.size(), from + block)), random);
        }
        return out;
    }

    /** Produces {@code samples} as binary frames of up to {@code perFrame} samples. */
    static void produceFrames(
            String bootstrap, String topic, int partition, List<Sample> samples, int perFrame) {
        List<byte[]> frames = new ArrayList<>();
        FrameWriter w = new FrameWriter();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (Sample s : samples) {
            Integer i = index.get(s.key());
            if (i == null) {
                i = w.addSeries(s.key());
                index.put(s.key(), i);
            }
            w.addSample(i, s.ts(), s.value());
            if (w.sampleCount() == perFrame) {
                frames.add(w.toByteArray());
                w.reset();
                index.clear();
            }
        }
        if (w.sampleCount() > 0) {
            frames.add(w.toByteArray());
        }
        produceRaw(bootstrap, topic, partition, frames.toArray(new byte[0][]));
    }

    /**
     * Produces {@code samples} as InfluxDB line protocol, one line (one sample) per record, with
     * nanosecond timestamps: series {@code m,tags field} becomes {@code m,tags field=value ts}.
     */
    static void produceLines(String bootstrap, String topic, int partition, List<Sample> samples) {
        byte[][] lines = new byte[samples.size()][];
        for (int i = 0; i < lines.length; i++) {
            Sample s = samples.get(i);
            lines[i] =
                    (s.key() + "=" + s.value() + " " + s.ts() * 1_000_000L)
                            .getBytes(StandardCharsets.UTF_8);
        }
        produceRaw(bootstrap, topic, partition, lines);
    }

    /**
     * Produces {@code samples} to {@code partition} as line protocol ({@code format} {@code ilp},
     * one sample per record) or as binary frames of up to 30 samples.
     */
    static void produce(
            String bootstrap, String format, String topic, int partition, List<Sample> samples) {
        if (format.equals("ilp")) {
            produceLines(bootstrap, topic, partition, samples);
        } else {
            produceFrames(bootstrap, topic, partition, samples, 30);
        }
    }

    /**
     * {@link #produce}s each series to partition {@code floorMod(key hash, 2)} of a 2-partition
     * topic.
     */
    static void produceByKey(String bootstrap, String format, String topic, List<Sample> samples) {
        for (int p = 0; p < 2; p++) {
            List<Sample> mine = new ArrayList<>();
            for (Sample s : samples) {
                if (Math.floorMod(s.key().hashCode(), 2) == p) {
                    mine.add(s);
                }
            }
            if (!mine.isEmpty()) {
                produce(bootstrap, format, topic, p, mine);
            }
        }
    }

    static void produceRaw(String bootstrap, String topic, int partition, byte[]... values) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, partition, null, v));
            }
            producer.flush();
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        return TopicReader.readCommitted(bootstrap, new Properties(), topic);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Polls until {@code done} holds for what {@code poll} returns, or fails after the timeout. */
    static <T> T await(String what, Duration timeout, Supplier<T> poll, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = poll.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(300);
            last = poll.get();
        }
        return last;
    }

    /** {@code key@windowStart} -> expected statistics, for tumbling or sliding windows. */
    static Map<String, Stats> expected(List<Sample> samples, long size, long slide) {
        Map<String, Stats> windows = new LinkedHashMap<>();
        for (Sample s : samples) {
            long lastStart = Math.floorDiv(s.ts(), slide) * slide;
            for (long start = lastStart; start > s.ts() - size; start -= slide) {
                windows.computeIfAbsent(s.key() + "@" + start, k -> new Stats())
                        .add(s.ts(), s.value());
            }
        }
        return windows;
    }

    /** Straightforward statistics of one (key, window), exact where they can be. */
    static final class Stats {
        final List<Long> times = new ArrayList<>();
        final List<Double> values = new ArrayList<>();

        void add(long ts, double v) {
            times.add(ts);
            values.add(v);
        }

        long count() {
            return values.size();
        }

        double sum() {
            BigDecimal sum = BigDecimal.ZERO;
            for (double v : values) {
                sum = sum.add(new BigDecimal(v));
            }
            return sum.doubleValue();
        }

        double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        double mean() {
            BigDecimal sum = BigDecimal.ZERO;
            for (double v : values) {
                sum = sum.add(new BigDecimal(v));
            }
            return sum.divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128)
                    .doubleValue();
        }

        /** Sample standard deviation (n - 1), NaN below two samples. */
        double stddev() {
            int n = values.size();
            if (n < 2) {
                return Double.NaN;
            }
            BigDecimal sum = BigDecimal.ZERO;
            for (double v : values) {
                sum = sum.add(new BigDecimal(v));
            }
            BigDecimal mean = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128);
            BigDecimal squares = BigDecimal.ZERO;
            for (double v : values) {
                BigDecimal d = new BigDecimal(v).subtract(mean);
                squares = squares.add(d.multiply(d));
            }
            return Math.sqrt(
                    squares.divide(BigDecimal.valueOf(n - 1), MathContext.DECIMAL128)
                            .doubleValue());
        }

        double first() {
            int at = 0;
            for (int i = 1; i < times.size(); i++) {
                at = times.get(i) < times.get(at) ? i : at;
            }
            return values.get(at);
        }

        double last() {
            int at = 0;
            for (int i = 1; i < times.size(); i++) {
                at = times.get(i) > times.get(at) ? i : at;
            }
            return values.get(at);
        }

        /** Checks a JSON result that carries every statistic. */
        void check(String id, JsonNode actual) {
            assertThat(actual.get("count").asLong()).as(id + " count").isEqualTo(count());
            assertThat(actual.get("min").asDouble()).as(id + " min").isEqualTo(min());
            assertThat(actual.get("max").asDouble()).as(id + " max").isEqualTo(max());
            assertThat(actual.get("first").asDouble()).as(id + " first").isEqualTo(first());
            assertThat(actual.get("last").asDouble()).as(id + " last").isEqualTo(last());
            close(id + " sum", actual.get("sum").asDouble(), sum());
            close(id + " mean", actual.get("mean").asDouble(), mean());
            if (count() < 2) {
                assertThat(actual.get("stddev").isNull()).as(id + " stddev").isTrue();
            } else {
                close(id + " stddev", actual.get("stddev").asDouble(), stddev());
            }
        }

        static void close(String what, double actual, double expected) {
            assertThat(Math.abs(actual - expected))
                    .as("%s: %s vs expected %s", what, actual, expected)
                    .isLessThanOrEqualTo(1e-9 * Math.abs(expected));
        }
    }
}

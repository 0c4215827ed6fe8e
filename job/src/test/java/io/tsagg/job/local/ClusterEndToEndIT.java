package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.SampleGenerator;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link StandaloneCluster}: a JobManager and two TaskManager JVMs assembled from Flink's
 * Maven artifacts run the shaded job jar (submitted like {@code flink run}) against a real Kafka
 * broker; the read_committed results are checked window by window against an independent
 * computation, and no process is left afterwards.
 */
class ClusterEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW_MS = 10_000;
    private static final long SEED = 11;

    @Test
    void shouldRunTheShadedJarOnAStandaloneClusterAndLeaveNoProcessBehind() throws Exception {
        // failsafe (mvn verify) sets it after package; surefire picks *IT up only via -Dtest=...
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        assertThat(jar).as("shaded job jar (mvn package)").isRegularFile();
        Path workDir = Path.of("target", "cluster-it");
        List<Long> pids = new ArrayList<>();

        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start();
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(workDir)
                                        .withTaskManagers(2, 1)
                                        .withTaskManagerMemory("1024m"))) {
            pids.add(broker.pid());
            pids.addAll(cluster.pids());
            System.out.printf("broker + cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(cluster.taskManagerCommand(0))
                    .containsSubsequence("--add-modules", "jdk.incubator.vector")
                    .anyMatch(a -> a.startsWith("-Xmx"))
                    .anyMatch(a -> a.startsWith("-XX:MaxDirectMemorySize="))
                    .anyMatch(a -> a.startsWith("-XX:MaxMetaspaceSize="))
                    .contains(StandaloneCluster.TASK_MANAGER_CLASS);
            assertThat(Files.readString(cluster.confDir().resolve("config.yaml")))
                    .contains("env.java.opts.all: '--add-modules jdk.incubator.vector'");

            broker.createTopics(2, "cl-in");
            broker.createTopics(1, "cl-out", "cl-dlq", "cl-late");
            // 100 ms step, 2 s disorder, 300 series: 1,000 ticks = 100 s of event time.
            SampleGenerator generator =
                    new SampleGenerator(300_000, 300, 1_767_225_600_000L, 100, 20, SEED);
            FrameProducer.produce(
                    generator, broker.bootstrapServers(), new Properties(), "cl-in", 2, 1000, null);

            long t1 = System.nanoTime();
            String jobId =
                    cluster.submit(
                            jar,
                            List.of(
                                    "--bootstrap-servers",
                                    broker.bootstrapServers(),
                                    "--input-topic",
                                    "cl-in",
                                    "--output-topic",
                                    "cl-out",
                                    "--dlq-topic",
                                    "cl-dlq",
                                    "--late-topic",
                                    "cl-late",
                                    "--window",
                                    "10s",
                                    "--checkpoint-interval",
                                    "1s",
                                    "--starting-offsets",
                                    "earliest",
                                    "--parallelism",
                                    "2",
                                    "--bounded"));
            System.out.printf("submitted in %.1f s%n", (System.nanoTime() - t1) / 1e9);
            assertThat(cluster.jobs()).extracting(StandaloneCluster.JobInfo::id).contains(jobId);
            cluster.awaitJobStatus(jobId, "FINISHED", Duration.ofMinutes(2));
            System.out.printf("job finished %.1f s after submit%n", (System.nanoTime() - t1) / 1e9);

            Map<String, Expected> expected = expected(generator);
            Map<String, JsonNode> actual = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r :
                    TopicReader.readCommitted(
                            broker.bootstrapServers(), new Properties(), "cl-out")) {
                JsonNode node = JSON.readTree(r.value());
                String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
                assertThat(actual.put(id, node)).as("duplicate result for %s", id).isNull();
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(node.get("key").asText());
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            for (Map.Entry<String, Expected> e : expected.entrySet()) {
                e.getValue().check(e.getKey(), actual.get(e.getKey()));
            }
            assertThat(
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(), new Properties(), "cl-dlq"))
                    .isEmpty();
        }
        System.out.printf("whole test %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d is gone", pid)
                    .isFalse();
        }
    }

    // ------------------------------------------------------------ independent computation

    private static Map<String, Expected> expected(SampleGenerator generator) throws Exception {
        Map<String, Expected> windows = new HashMap<>();
        generator.forEach(
                (s, ts, v) -> {
                    long start = Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS;
                    windows.computeIfAbsent(
                                    generator.seriesKey(s) + "@" + start, k -> new Expected())
                            .add(ts, v);
                });
        return windows;
    }

    /** Plain statistics of one (key, window), in exact decimal arithmetic where it matters. */
    private static final class Expected {
        final List<Long> times = new ArrayList<>();
        final List<Double> values = new ArrayList<>();

        void add(long ts, double v) {
            times.add(ts);
            values.add(v);
        }

        void check(String id, JsonNode actual) {
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
                firstAt = times.get(i) < times.get(firstAt) ? i : firstAt;
                lastAt = times.get(i) > times.get(lastAt) ? i : lastAt;
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
            assertThat(Math.abs(actual - expected))
                    .as("%s: %s vs expected %s", what, actual, expected)
                    .isLessThanOrEqualTo(1e-9 * Math.abs(expected));
        }
    }
}

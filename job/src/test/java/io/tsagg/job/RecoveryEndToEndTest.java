package io.tsagg.job;

import static io.tsagg.job.EndToEnd.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.EndToEnd.Sample;
import io.tsagg.job.EndToEnd.Stats;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.local.LocalBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link TsaggJob}'s exactly-once output across a failure: the only TaskManager is lost
 * in the middle of the input, a new one starts, the job restarts from its last checkpoint, and a
 * read_committed consumer still sees exactly one correct result per (key, window). Once with binary
 * frames (30 samples per record) and once with line protocol, one sample per record, which the
 * source reads a partition's fetch at a time into one batch.
 */
class RecoveryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(40);

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    private static List<Map.Entry<String, JsonNode>> results(String topic) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EndToEnd.read(broker.bootstrapServers(), topic)) {
            try {
                JsonNode n = JSON.readTree(r.value());
                out.add(Map.entry(n.get("key").asText() + "@" + n.get("window_start").asLong(), n));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    private static long windowsStartingAt(List<Map.Entry<String, JsonNode>> r, long start) {
        return r.stream().filter(e -> e.getValue().get("window_start").asLong() == start).count();
    }

    private static void produce(String format, String topic, List<Sample> samples) {
        EndToEnd.produceByKey(broker.bootstrapServers(), format, topic, samples);
    }

    @ParameterizedTest
    @ValueSource(strings = {"frame", "ilp"})
    void shouldWriteEveryResultExactlyOnceWhenTheTaskManagerIsLostMidInput(String format)
            throws Exception {
        String in = "rec-in-" + format;
        String out = "rec-out-" + format;
        String late = "rec-late-" + format;
        broker.createTopics(2, in);
        broker.createTopics(1, out, "rec-dlq-" + format, late);
        List<Sample> all = EndToEnd.series(8, T0, T0 + 60_000, 250);
        List<Sample> before = new ArrayList<>();
        List<Sample> after = new ArrayList<>();
        for (Sample s : all) {
            (s.ts() < T0 + 30_000 ? before : after).add(s);
        }
        List<Sample> flush = new ArrayList<>();
        flush.add(new Sample("flush,host=x usage", T0 + 100_000, 0.0));
        flush.add(new Sample("flush,host=y usage", T0 + 100_000, 0.0));

        JobConfig config =
                JobConfig.parse(
                        EndToEnd.jobArgs(
                                        broker.bootstrapServers(),
                                        format,
                                        in,
                                        out,
                                        "rec-dlq-" + format,
                                        late,
                                        "10s",
                                        "-D",
                                        "restart-strategy.type=fixed-delay",
                                        "-D",
                                        "restart-strategy.fixed-delay.attempts=3",
                                        "-D",
                                        "restart-strategy.fixed-delay.delay=500ms")
                                .toArray(new String[0]));
        MiniClusterConfiguration cluster =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(
                                CollectingMetricReporter.configure(EndToEnd.miniCluster()))
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(2)
                        .build();
        try (MiniCluster flink = new MiniCluster(cluster)) {
            flink.start();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
            TsaggJob.build(env, config);
            JobGraph graph = env.getStreamGraph().getJobGraph();
            JobID id = flink.submitJob(graph).get().getJobID();

            produce(format, in, before);
            // Windows [0 s, 10 s) and [10 s, 20 s) committed: state of [20 s, 30 s) is open.
            EndToEnd.await(
                    "window [10 s, 20 s) of 8 keys",
                    WAIT,
                    () -> results(out),
                    r -> windowsStartingAt(r, T0 + 10_000) == 8);

            flink.terminateTaskManager(0).get();
            flink.startTaskManager();
            produce(format, in, after);
            produce(format, in, flush);

            List<Map.Entry<String, JsonNode>> results =
                    EndToEnd.await(
                            "window [50 s, 60 s) of 8 keys after the restart",
                            WAIT,
                            () -> results(out),
                            r -> windowsStartingAt(r, T0 + 50_000) == 8);
            assertThat(flink.getJobStatus(id).get()).isEqualTo(JobStatus.RUNNING);
            assertThat(CollectingMetricReporter.gaugeMax("numRestarts")).isEqualTo(1);
            flink.cancelJob(id).get();

            Map<String, Stats> expected = EndToEnd.expected(all, 10_000, 10_000);
            Map<String, JsonNode> actual = new HashMap<>();
            for (Map.Entry<String, JsonNode> e : results) {
                assertThat(actual.put(e.getKey(), e.getValue()))
                        .as("duplicate result for %s", e.getKey())
                        .isNull();
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((key, stats) -> stats.check(key, actual.get(key)));
            assertThat(EndToEnd.read(broker.bootstrapServers(), late)).isEmpty();
        }
    }
}

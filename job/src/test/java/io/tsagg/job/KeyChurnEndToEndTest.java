package io.tsagg.job;

import static io.tsagg.job.EndToEnd.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.EndToEnd.Sample;
import io.tsagg.job.EndToEnd.Stats;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.local.LocalBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link TsaggJob}'s key epochs ({@code --key-refresh}) on a real broker and MiniCluster:
 * with series that come and go (each lives 20 s), steady ones, and one that stops and comes back
 * after its key was forgotten, every result is exact and named, through the source's
 * re-announcements, the pre-aggregator, the keyBy and (with two rollups) the group-key mappers.
 * Windows of 30 s and epochs of 5 s: a series that stops is announced for the last time well before
 * its last window fires, so forgetting it without the window's margin would leave that window
 * unnamed.
 */
class KeyChurnEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW = 30_000;

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    @ParameterizedTest
    @ValueSource(strings = {"frame", "ilp", "ilp-rollups"})
    void shouldNameEveryResultExactlyWhenKeysAreForgottenAndAnnouncedAgain(String variant)
            throws Exception {
        String format = variant.startsWith("ilp") ? "ilp" : "frame";
        String in = "churn-in-" + variant;
        String out = "churn-out-" + variant;
        String byRegion = "churn-region-" + variant;
        broker.createTopics(2, in);
        broker.createTopics(1, out, byRegion, "churn-dlq-" + variant, "churn-late-" + variant);
        List<Sample> all = samples();
        List<String> args =
                EndToEnd.jobArgs(
                        broker.bootstrapServers(),
                        format,
                        in,
                        out,
                        "churn-dlq-" + variant,
                        "churn-late-" + variant,
                        "30s",
                        "--key-refresh",
                        "5s");
        if (variant.equals("ilp-rollups")) {
            args.addAll(
                    List.of("--rollup", "name=region,group-by=region,output-topic=" + byRegion));
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        2, CollectingMetricReporter.configure(EndToEnd.miniCluster()));
        TsaggJob.build(env, JobConfig.parse(args.toArray(new String[0])));
        JobClient job = env.executeAsync("key-churn");
        try {
            // 5 s of event time at a time, slower than the watermark interval (200 ms), so the
            // window operators see the watermark pass each key's forgetting time on its own
            // instead of jumping past it together with the firing.
            for (long from = T0; from < T0 + 120_000; from += 5_000) {
                List<Sample> step = new ArrayList<>();
                for (Sample s : all) {
                    if (s.ts() >= from && s.ts() < from + 5_000) {
                        step.add(s);
                    }
                }
                produce(format, in, step);
                Thread.sleep(300);
            }
            // A sample far ahead on both partitions: every window above fires.
            for (int p = 0; p < 2; p++) {
                EndToEnd.produce(
                        broker.bootstrapServers(),
                        format,
                        in,
                        p,
                        List.of(new Sample("flush,host=x usage", T0 + 600_000, 0.0)));
            }
            int windows = EndToEnd.expected(all, WINDOW, WINDOW).size();
            EndToEnd.await(
                    windows + " results",
                    Duration.ofSeconds(60),
                    () -> EndToEnd.read(broker.bootstrapServers(), out).size(),
                    n -> n >= windows);
            if (variant.equals("ilp-rollups")) {
                EndToEnd.await(
                        "results by region",
                        Duration.ofSeconds(30),
                        () -> EndToEnd.read(broker.bootstrapServers(), byRegion).size(),
                        n -> n >= 3 * 4);
            }
        } finally {
            job.cancel().get();
            job.getJobExecutionResult().exceptionally(e -> null).get();
        }

        assertExact(out, EndToEnd.expected(all, WINDOW, WINDOW));
        if (variant.equals("ilp-rollups")) {
            List<Sample> regions = new ArrayList<>();
            for (Sample s : all) {
                regions.add(new Sample(s.key().replaceAll(",host=h\\d+", ""), s.ts(), s.value()));
            }
            assertExact(byRegion, EndToEnd.expected(regions, WINDOW, WINDOW));
        }
        // 120 s of event time in epochs of 5 s, per source subtask.
        assertThat(CollectingMetricReporter.counterSum("keyEpochs")).isGreaterThanOrEqualTo(8);
        assertThat(CollectingMetricReporter.counterSum("expiredKeys")).isPositive();
        assertThat(CollectingMetricReporter.counterSum("unnamedKeys")).isZero();
        assertThat(CollectingMetricReporter.counterSum("lateSamples")).isZero();
    }

    private static void produce(String format, String topic, List<Sample> samples) {
        EndToEnd.produceByKey(broker.bootstrapServers(), format, topic, samples);
    }

    /**
     * 120 s, a sample every 500 ms per live series: 4 steady series; one that reports for 30 s, is
     * silent for 60 s (longer than key refresh plus window) and comes back; and 6 new series every
     * 10 s, each living 20 s.
     */
    private static List<Sample> samples() {
        List<Sample> all = new ArrayList<>();
        for (long t = T0; t < T0 + 120_000; t += 500) {
            int window = (int) ((t - T0) / 10_000);
            for (int s = 0; s < 4; s++) {
                all.add(sample(s, t));
            }
            if (t < T0 + 30_000 || t >= T0 + 90_000) {
                all.add(sample(4, t));
            }
            for (int w = Math.max(0, window - 1); w <= window; w++) {
                for (int j = 0; j < 6; j++) {
                    all.add(sample(100 + 6 * w + j, t));
                }
            }
        }
        all.sort(Comparator.comparingLong(Sample::ts));
        return all;
    }

    private static Sample sample(int s, long t) {
        return new Sample(EndToEnd.key(s), t + s % 50, EndToEnd.value(s, t));
    }

    private static void assertExact(String topic, Map<String, Stats> expected) {
        Map<String, JsonNode> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : EndToEnd.read(broker.bootstrapServers(), topic)) {
            try {
                JsonNode n = JSON.readTree(r.value());
                String id = n.get("key").asText() + "@" + n.get("window_start").asLong();
                assertThat(n.get("key").asText()).as("named").doesNotStartWith("unknown:");
                assertThat(actual.put(id, n)).as("duplicate result for %s", id).isNull();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(actual.keySet()).as(topic).isEqualTo(expected.keySet());
        expected.forEach((key, stats) -> stats.check(key, actual.get(key)));
    }
}

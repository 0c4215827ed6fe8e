package io.tsagg.job;

import static io.tsagg.job.EndToEnd.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.EndToEnd.Sample;
import io.tsagg.job.EndToEnd.Stats;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.local.LocalBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for {@link TsaggJob} rollups on a real Kafka broker and a Flink MiniCluster: sliding
 * windows, and two rollups with their own grouping, window, statistics and output format from one
 * read of the input, each checked against an independent computation.
 */
class RollupEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    /** 2 partitions, series s on partition s % 2, disorder within 20 samples (< 1 s). */
    private static List<Sample> produce(String topic, int series) {
        List<Sample> all = EndToEnd.series(series, T0, T0 + 60_000, 200);
        for (int p = 0; p < 2; p++) {
            List<Sample> mine = new ArrayList<>();
            for (Sample s : all) {
                if (Integer.parseInt(s.key().replaceAll(".*host=h(\\d+),.*", "$1")) % 2 == p) {
                    mine.add(s);
                }
            }
            EndToEnd.produceFrames(
                    broker.bootstrapServers(), topic, p, EndToEnd.shuffledWithin(mine, 20, p), 50);
        }
        return all;
    }

    private static void run(String... args) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, EndToEnd.miniCluster());
        TsaggJob.build(env, JobConfig.parse(args));
        env.execute("rollups");
    }

    @Test
    void shouldComputeSlidingWindowsAgainstAnIndependentComputation() throws Exception {
        broker.createTopics(2, "slide-in");
        broker.createTopics(1, "slide-out", "slide-dlq", "slide-late");
        List<Sample> samples = produce("slide-in", 6);

        run(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--input-topic",
                "slide-in",
                "--output-topic",
                "slide-out",
                "--dlq-topic",
                "slide-dlq",
                "--late-topic",
                "slide-late",
                "--window",
                "20s",
                "--slide",
                "5s",
                "--checkpoint-interval",
                "1s",
                "--starting-offsets",
                "earliest",
                "--bounded");

        Map<String, Stats> expected = EndToEnd.expected(samples, 20_000, 5_000);
        Map<String, JsonNode> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                EndToEnd.read(broker.bootstrapServers(), "slide-out")) {
            JsonNode node = JSON.readTree(r.value());
            String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
            assertThat(node.get("window_end").asLong() - node.get("window_start").asLong())
                    .isEqualTo(20_000);
            assertThat(actual.put(id, node)).as("duplicate result for %s", id).isNull();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, stats) -> stats.check(id, actual.get(id)));
        assertThat(EndToEnd.read(broker.bootstrapServers(), "slide-late")).isEmpty();
    }

    @Test
    void shouldComputeTwoGroupedRollupsFromOneReadInTheirOwnFormats() throws Exception {
        broker.createTopics(2, "two-in");
        broker.createTopics(1, "two-fleet", "two-fields", "two-dlq", "two-late");
        List<Sample> samples = produce("two-in", 9);

        run(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--input-topic",
                "two-in",
                "--dlq-topic",
                "two-dlq",
                "--late-topic",
                "two-late",
                "--rollup",
                "name=fleet,window=30s,group-by=region,output-topic=two-fleet,output-format=ilp",
                "--rollup",
                "name=fields,window=20s,without=host,region,stats=count,mean,max,"
                        + "output-topic=two-fields",
                "--checkpoint-interval",
                "1s",
                "--starting-offsets",
                "earliest",
                "--bounded");

        // fleet: by region, 30 s tumbling, line protocol with every statistic.
        List<Sample> byRegion = new ArrayList<>();
        List<Sample> byField = new ArrayList<>();
        for (Sample s : samples) {
            String region = s.key().replaceAll(".*,(region=r\\d) .*", "$1");
            byRegion.add(new Sample("cpu," + region + " usage", s.ts(), s.value()));
            byField.add(new Sample("cpu usage", s.ts(), s.value()));
        }
        Map<String, Stats> fleet = EndToEnd.expected(byRegion, 30_000, 30_000);
        Map<String, Map<String, String>> lines = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                EndToEnd.read(broker.bootstrapServers(), "two-fleet")) {
            String[] parts = EndToEnd.utf8(r.value()).split(" ");
            assertThat(parts).as(EndToEnd.utf8(r.value())).hasSize(3);
            long startNs = Long.parseLong(parts[2]);
            assertThat(startNs % 1_000_000L).isZero();
            String id = parts[0] + " usage@" + startNs / 1_000_000L;
            assertThat(EndToEnd.utf8(r.key())).isEqualTo(parts[0] + " usage");
            Map<String, String> fields = new LinkedHashMap<>();
            for (String f : parts[1].split(",")) {
                String[] kv = f.split("=");
                fields.put(kv[0], kv[1]);
            }
            assertThat(lines.put(id, fields)).as("duplicate line for %s", id).isNull();
        }
        assertThat(lines.keySet()).isEqualTo(fleet.keySet()).hasSize(3 * 2);
        fleet.forEach(
                (id, e) -> {
                    Map<String, String> f = lines.get(id);
                    assertThat(f.keySet())
                            .containsExactly(
                                    "usage_count",
                                    "usage_sum",
                                    "usage_min",
                                    "usage_max",
                                    "usage_mean",
                                    "usage_stdev",
                                    "usage_first",
                                    "usage_last");
                    assertThat(Long.parseLong(f.get("usage_count"))).isEqualTo(e.count());
                    assertThat(Double.parseDouble(f.get("usage_min"))).isEqualTo(e.min());
                    assertThat(Double.parseDouble(f.get("usage_max"))).isEqualTo(e.max());
                    assertThat(Double.parseDouble(f.get("usage_first"))).isEqualTo(e.first());
                    assertThat(Double.parseDouble(f.get("usage_last"))).isEqualTo(e.last());
                    Stats.close(id + " sum", Double.parseDouble(f.get("usage_sum")), e.sum());
                    Stats.close(id + " mean", Double.parseDouble(f.get("usage_mean")), e.mean());
                    Stats.close(
                            id + " stdev", Double.parseDouble(f.get("usage_stdev")), e.stddev());
                });

        // fields: without host and region, 20 s tumbling, JSON with count, mean and max only.
        Map<String, Stats> fields = EndToEnd.expected(byField, 20_000, 20_000);
        Map<String, JsonNode> json = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                EndToEnd.read(broker.bootstrapServers(), "two-fields")) {
            JsonNode node = JSON.readTree(r.value());
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            assertThat(names)
                    .containsExactly("key", "window_start", "window_end", "count", "max", "mean");
            String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
            assertThat(json.put(id, node)).as("duplicate result for %s", id).isNull();
        }
        assertThat(json.keySet()).isEqualTo(fields.keySet()).hasSize(3);
        fields.forEach(
                (id, e) -> {
                    JsonNode n = json.get(id);
                    assertThat(n.get("count").asLong()).isEqualTo(e.count());
                    assertThat(n.get("max").asDouble()).isEqualTo(e.max());
                    Stats.close(id + " mean", n.get("mean").asDouble(), e.mean());
                });
        assertThat(EndToEnd.read(broker.bootstrapServers(), "two-late")).isEmpty();
        assertThat(EndToEnd.read(broker.bootstrapServers(), "two-dlq")).isEmpty();
    }
}

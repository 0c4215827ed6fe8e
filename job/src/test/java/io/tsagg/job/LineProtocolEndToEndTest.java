package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.generate.LineProtocolProducer;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.job.kafka.DeadLetterSerializationSchema;
import io.tsagg.job.local.LocalBroker;
import io.tsagg.job.local.TopicReader;
import io.tsagg.serde.ilp.TimestampPrecision;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for {@link TsaggJob} with {@code --format ilp --group-by region}: line-protocol records on
 * a real Kafka broker and a Flink MiniCluster, results checked window by window against an
 * independent computation, malformed lines checked in the dead-letter topic one by one while the
 * good lines of the same records are counted.
 */
class LineProtocolEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW_MS = 30_000;
    private static final long START_MS = 1_767_225_600_000L;
    private static final long SEED = 13;

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    @Test
    void shouldAggregateLineProtocolByRegionAndDeadLetterBadLines() throws Exception {
        broker.createTopics(3, "ilp-in");
        broker.createTopics(1, "ilp-out", "ilp-dlq", "ilp-late");

        // Mixed records first (partition 0), so their good lines are not late.
        long t1 = (START_MS + 1_000) * 1_000_000L;
        long t2 = (START_MS + 2_000) * 1_000_000L;
        String badValue = "cpu,host=dlq-1,region=zz-9 usage_user=oops " + t1;
        String badTime = "cpu,host=dlq-2,region=zz-9 usage_user=1 -5";
        String badEscape = "weird,host=a\\";
        String record1 =
                "cpu,host=dlq-1,region=zz-9 usage_user=1.5 "
                        + t1
                        + "\n"
                        + badValue
                        + "\n# a comment\n\n"
                        + "cpu,region=zz-9,host=dlq-2 usage_user=2.5,note=\"skipped\",ok=true "
                        + t2
                        + "\n"
                        + badTime
                        + "\n"
                        + badEscape
                        + "\n";
        String badField = "not a line";
        String record2 = "cpu,region=zz-9,host=dlq-3 usage_system=4i " + t1 + "\r\n" + badField;
        produceRaw("ilp-in", record1, record2);

        // 60 series (distinct phases within the 100 ms step), 6 windows of 30 s.
        SampleGenerator generator = new SampleGenerator(108_000, 60, START_MS, 100, 20, SEED);
        LineProtocolProducer.produce(
                generator,
                broker.bootstrapServers(),
                new Properties(),
                "ilp-in",
                3,
                200,
                TimestampPrecision.NANOSECONDS,
                null);

        JobConfig config =
                JobConfig.parse(
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--input-topic",
                        "ilp-in",
                        "--output-topic",
                        "ilp-out",
                        "--dlq-topic",
                        "ilp-dlq",
                        "--late-topic",
                        "ilp-late",
                        "--format",
                        "ilp",
                        "--group-by",
                        "region",
                        "--window",
                        "30s",
                        "--checkpoint-interval",
                        "1s",
                        "--starting-offsets",
                        "earliest",
                        "--parallelism",
                        "2",
                        "--bounded");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, miniCluster());
        TsaggJob.build(env, config);
        env.execute("ilp-e2e");

        ExpectedWindows.of(generator, WINDOW_MS, LineProtocolEndToEndTest::regionKey)
                .add("cpu,region=zz-9 usage_user", START_MS + 1_000, 1.5)
                .add("cpu,region=zz-9 usage_user", START_MS + 2_000, 2.5)
                .add("cpu,region=zz-9 usage_system", START_MS + 1_000, 4.0)
                .assertMatches(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(), new Properties(), "ilp-out"));

        List<ConsumerRecord<byte[], byte[]>> dead =
                TopicReader.readCommitted(broker.bootstrapServers(), new Properties(), "ilp-dlq");
        Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            byReason.put(header(d, DeadLetterSerializationSchema.REASON), d);
            assertThat(header(d, DeadLetterSerializationSchema.TOPIC)).isEqualTo("ilp-in");
            assertThat(header(d, DeadLetterSerializationSchema.PARTITION)).isEqualTo("0");
        }
        assertThat(dead).hasSize(4);
        assertThat(byReason)
                .containsOnlyKeys(
                        "bad_field_value", "timestamp_out_of_range", "bad_escape", "bad_field");
        assertDeadLine(byReason.get("bad_field_value"), badValue, record1.indexOf("oops"));
        assertDeadLine(
                byReason.get("timestamp_out_of_range"), badTime, record1.indexOf(badTime) + 40);
        assertDeadLine(byReason.get("bad_escape"), badEscape, record1.indexOf(badEscape) + 12);
        assertDeadLine(byReason.get("bad_field"), badField, record2.indexOf(badField) + 5);
        assertThat(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(), new Properties(), "ilp-late"))
                .isEmpty();
    }

    private static void assertDeadLine(
            ConsumerRecord<byte[], byte[]> d, String line, int position) {
        assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo(line);
        assertThat(header(d, DeadLetterSerializationSchema.POSITION))
                .isEqualTo(Integer.toString(position));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static void produceRaw(String topic, String... values) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (String v : values) {
                producer.send(
                        new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Configuration miniCluster() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return conf;
    }

    // ------------------------------------------------------------ independent computation

    /** {@code cpu,host=h,region=r field} -> {@code cpu,region=r field}, by plain string work. */
    private static String regionKey(String seriesKey) {
        String[] sections = seriesKey.split(" ");
        String region = null;
        for (String part : sections[0].split(",")) {
            if (part.startsWith("region=")) {
                region = part;
            }
        }
        return sections[0].split(",")[0] + "," + region + " " + sections[1];
    }
}

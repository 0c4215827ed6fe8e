package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.job.kafka.DeadLetterSerializationSchema;
import io.tsagg.job.local.LocalBroker;
import io.tsagg.job.local.TopicReader;
import io.tsagg.serde.frame.FrameWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Tests for {@link TsaggJob}: the whole pipeline on a real Kafka broker and a Flink MiniCluster,
 * checked window by window against an independent computation, quantiles (p50, p99) included, in
 * JSON and, from a second rollup of the same run, in line protocol.
 */
class TsaggJobEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW_MS = 30_000;
    private static final long SEED = 7;

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    @Test
    void shouldComputeEveryWindowExactlyOnceAndDeadLetterMalformedRecords() throws Exception {
        broker.createTopics(3, "e2e-in");
        broker.createTopics(1, "e2e-out", "e2e-out-ilp", "e2e-dlq", "e2e-late");
        // 100 ms step, 2 s disorder: 150 ticks per window, 6 windows (the last one partial).
        SampleGenerator generator =
                new SampleGenerator(160_000, 200, 1_767_225_600_000L, 100, 20, SEED);
        FrameProducer.produce(
                generator, broker.bootstrapServers(), new Properties(), "e2e-in", 3, 500, null);
        byte[] frame = validFrame();
        byte[] truncated = Arrays.copyOf(frame, frame.length - 5);
        byte[] garbage = "this is not a frame".getBytes(StandardCharsets.UTF_8);
        produceRaw("e2e-in", truncated, garbage);

        JobConfig config =
                JobConfig.parse(
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--input-topic",
                        "e2e-in",
                        "--output-topic",
                        "e2e-out",
                        "--dlq-topic",
                        "e2e-dlq",
                        "--late-topic",
                        "e2e-late",
                        "--window",
                        "30s",
                        "--out-of-orderness",
                        "5s",
                        "--checkpoint-interval",
                        "1s",
                        "--starting-offsets",
                        "earliest",
                        "--parallelism",
                        "2",
                        "--quantiles",
                        "0.5,0.99",
                        "--rollup",
                        "name=ilp,output-format=ilp,output-topic=e2e-out-ilp",
                        "--bounded");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(2, miniCluster());
        TsaggJob.build(env, config);
        env.execute("e2e");

        ExpectedWindows expected = ExpectedWindows.of(generator, WINDOW_MS);
        List<ConsumerRecord<byte[], byte[]>> results =
                TopicReader.readCommitted(broker.bootstrapServers(), new Properties(), "e2e-out");
        try {
            expected.assertMatches(results);
        } catch (AssertionError e) {
            throw new AssertionError(
                    KafkaDiagnostics.describe(broker.bootstrapServers(), "e2e-out"), e);
        }
        expected.assertQuantiles(
                results, new String[] {"p50", "p99"}, new double[] {0.5, 0.99}, 0.01);
        assertLineProtocolQuantiles(
                expected,
                TopicReader.readCommitted(
                        broker.bootstrapServers(), new Properties(), "e2e-out-ilp"));

        List<ConsumerRecord<byte[], byte[]>> dead =
                TopicReader.readCommitted(broker.bootstrapServers(), new Properties(), "e2e-dlq");
        assertThat(dead).hasSize(2);
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasons.add(header(d, DeadLetterSerializationSchema.REASON));
            assertThat(header(d, DeadLetterSerializationSchema.TOPIC)).isEqualTo("e2e-in");
            assertThat(header(d, DeadLetterSerializationSchema.OFFSET)).matches("\\d+");
        }
        assertThat(reasons).containsExactlyInAnyOrder("truncated", "bad_magic");
        assertThat(dead)
                .anySatisfy(d -> assertThat(d.value()).isEqualTo(garbage))
                .anySatisfy(d -> assertThat(d.value()).hasSize(truncated.length));
        assertThat(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(), new Properties(), "e2e-late"))
                .isEmpty();
    }

    /**
     * Line-protocol results: one line per (key, window), {@code <field>_p50} and {@code
     * <field>_p99} within 1% of the exact values; the Kafka key is the group key and the line's
     * timestamp the window start in ns.
     */
    private static void assertLineProtocolQuantiles(
            ExpectedWindows expected, List<ConsumerRecord<byte[], byte[]>> lines) {
        assertThat(lines).hasSize(expected.size());
        for (ConsumerRecord<byte[], byte[]> r : lines) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            String line = new String(r.value(), StandardCharsets.UTF_8).trim();
            String field = key.substring(key.lastIndexOf(' ') + 1);
            long start = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) / 1_000_000L;
            ExpectedWindows.Window w = expected.window(key, start);
            assertThat(w).as("expected window of %s", line).isNotNull();
            String fields = line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
            int checked = 0;
            for (String kv : fields.split(",")) {
                int eq = kv.indexOf('=');
                String name = kv.substring(0, eq);
                double value = Double.parseDouble(kv.substring(eq + 1));
                if (name.equals(field + "_p50")) {
                    w.checkQuantile(line, 0.5, value, 0.01);
                    checked++;
                } else if (name.equals(field + "_p99")) {
                    w.checkQuantile(line, 0.99, value, 0.01);
                    checked++;
                }
            }
            assertThat(checked).as("quantile fields of %s", line).isEqualTo(2);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] validFrame() {
        FrameWriter w = new FrameWriter();
        int s = w.addSeries("dlq,host=x value");
        w.addSample(s, 1_767_225_600_000L, 1.0);
        return w.toByteArray();
    }

    private static void produceRaw(String topic, byte[]... values) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, v));
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
}

package io.tsagg.bench.baseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The Flink job a user writes for windowed statistics, as the DataStream docs show it: {@code
 * KafkaSource} reading one InfluxDB line-protocol line per record, parsed with {@code String}
 * methods into a {@link Sample} POJO, event-time watermarks with bounded out-of-orderness, {@code
 * keyBy(series key)}, a tumbling event-time window with {@link StatsAggregateFunction} and a {@link
 * ProcessWindowFunction} adding key and window, JSON strings to a {@code KafkaSink}, exactly once.
 * Default settings otherwise (heap state backend, no object reuse).
 */
public final class DataStreamBaselineJob {
    private DataStreamBaselineJob() {}

    /** Adds the job to {@code env}. Checkpointing must be enabled by the caller. */
    public static void build(
            StreamExecutionEnvironment env,
            String bootstrapServers,
            Properties kafka,
            String inputTopic,
            String outputTopic,
            String groupId,
            Duration window,
            Duration outOfOrderness) {
        KafkaSource<Sample> source =
                KafkaSource.<Sample>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(inputTopic)
                        .setGroupId(groupId)
                        .setProperties(kafka)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setValueOnlyDeserializer(new LineSchema())
                        .build();
        KafkaSink<String> sink =
                KafkaSink.<String>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setKafkaProducerConfig(kafka)
                        .setRecordSerializer(
                                KafkaRecordSerializationSchema.builder()
                                        .setTopic(outputTopic)
                                        .setValueSerializationSchema(new SimpleStringSchema())
                                        .build())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix("baseline-" + groupId)
                        .setProperty("transaction.timeout.ms", "900000")
                        .build();
        env.fromSource(
                        source,
                        WatermarkStrategy.<Sample>forBoundedOutOfOrderness(outOfOrderness)
                                .withTimestampAssigner((s, t) -> s.ts),
                        "kafka: " + inputTopic)
                .keyBy(s -> s.key)
                .window(TumblingEventTimeWindows.of(window))
                .aggregate(new Stats(), new ToJson())
                .sinkTo(sink)
                .name("kafka: " + outputTopic);
    }

    /** One sample. */
    public static class Sample {
        public String key;
        public long ts;
        public double value;

        public Sample() {}
    }

    /**
     * {@code measurement,tags field=value timestamp_ns} with {@code String} methods: the last space
     * ends the field, the last {@code =} before it ends the series key.
     */
    static final class LineSchema extends AbstractDeserializationSchema<Sample> {
        private static final long serialVersionUID = 1L;

        @Override
        public Sample deserialize(byte[] message) throws IOException {
            String line = new String(message, StandardCharsets.UTF_8).trim();
            int space = line.lastIndexOf(' ');
            int eq = line.lastIndexOf('=', space);
            Sample s = new Sample();
            s.key = line.substring(0, eq);
            s.value = Double.parseDouble(line.substring(eq + 1, space));
            s.ts = Long.parseLong(line.substring(space + 1)) / 1_000_000L;
            return s;
        }
    }

    static final class Stats extends StatsAggregateFunction<Sample> {
        private static final long serialVersionUID = 1L;

        @Override
        protected long timestamp(Sample s) {
            return s.ts;
        }

        @Override
        protected double value(Sample s) {
            return s.value;
        }
    }

    /** Key, window and statistics as JSON, with the field names tsagg writes. */
    static final class ToJson
            extends ProcessWindowFunction<StatsAccumulator, String, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(
                String key,
                Context context,
                Iterable<StatsAccumulator> elements,
                Collector<String> out) {
            StatsAccumulator s = elements.iterator().next();
            StringBuilder sb = new StringBuilder(256);
            sb.append("{\"key\":\"")
                    .append(key.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\",\"window_start\":")
                    .append(context.window().getStart())
                    .append(",\"window_end\":")
                    .append(context.window().getEnd())
                    .append(",\"count\":")
                    .append(s.count);
            number(sb, "sum", s.sum);
            number(sb, "min", s.min);
            number(sb, "max", s.max);
            number(sb, "mean", s.mean);
            number(sb, "stddev", s.stddev());
            number(sb, "first", s.first);
            number(sb, "last", s.last);
            out.collect(sb.append('}').toString());
        }

        private static void number(StringBuilder sb, String name, double v) {
            sb.append(",\"").append(name).append("\":");
            if (Double.isFinite(v)) {
                sb.append(v);
            } else {
                sb.append("null");
            }
        }
    }
}

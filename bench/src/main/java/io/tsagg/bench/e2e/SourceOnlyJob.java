package io.tsagg.bench.e2e;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Flink's own ceiling for any job on this input: a bounded {@link KafkaSource} of the raw record
 * values into a sink that touches each record (its length and first byte, as the raw consumer does)
 * and counts it. No watermarks, no keyBy, no window, no output: whatever a Flink job does on top of
 * this costs more.
 */
final class SourceOnlyJob {
    private static final AtomicLong RECORDS = new AtomicLong();
    private static final AtomicLong CHECKSUM = new AtomicLong();

    private SourceOnlyJob() {}

    /** Runs the job to the end offsets found at start; returns the records it counted. */
    static long run(StreamExecutionEnvironment env, String bootstrap, String topic, String groupId)
            throws Exception {
        // Counts of this run only: a contender JVM runs the job once per pass.
        RECORDS.set(0);
        CHECKSUM.set(0);
        Properties kafka = new Properties();
        kafka.put("interceptor.classes", RunProbe.class.getName());
        KafkaSource<byte[]> source =
                KafkaSource.<byte[]>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setProperties(kafka)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setBounded(OffsetsInitializer.latest())
                        .setDeserializer(
                                KafkaRecordDeserializationSchema.valueOnly(
                                        ByteArrayDeserializer.class))
                        .build();
        env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + topic,
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .addSink(new Touch())
                .name("touch and count");
        env.execute("bench source only");
        if (CHECKSUM.get() == 42) {
            System.out.println("(checksum happens to be 42)");
        }
        return RECORDS.get();
    }

    /** Touches and counts records; marks the end of the measured interval when input ends. */
    private static final class Touch extends RichSinkFunction<byte[]> {
        private static final long serialVersionUID = 1L;
        private transient long records;
        private transient long checksum;

        @Override
        public void open(OpenContext context) {
            records = 0;
            checksum = 0;
        }

        @Override
        public void invoke(byte[] value, Context context) {
            records++;
            checksum += value.length + (value.length > 0 ? value[0] : 0);
        }

        @Override
        public void finish() {
            RECORDS.addAndGet(records);
            CHECKSUM.addAndGet(checksum);
            RunProbe.resultSent();
        }
    }
}

package io.tsagg.job.kafka;

import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Late samples as one InfluxDB line-protocol line each, so they can be replayed or written to a
 * database as they are: the series key {@code cpu,host=a usage_user} and value 1.5 at t ms become
 * {@code cpu,host=a usage_user=1.5 <t * 1e6>} (nanosecond timestamp). The Kafka key is the series
 * key.
 */
public final class LateSampleSerializer implements KafkaRecordSerializationSchema<MetricRecord> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public LateSampleSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            MetricRecord r, KafkaSinkContext context, Long timestamp) {
        byte[] key = Arrays.copyOf(r.keyBytes(), Math.max(0, r.keyLength()));
        byte[] tail =
                ("=" + r.value() + " " + Math.multiplyExact(r.timestamp(), 1_000_000L))
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(key, key.length + tail.length);
        System.arraycopy(tail, 0, line, key.length, tail.length);
        return new ProducerRecord<>(topic, null, r.timestamp(), key, line);
    }
}

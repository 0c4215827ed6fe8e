package io.tsagg.job.kafka;

import io.tsagg.serde.record.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters as Kafka records: the value is the original record's bytes, untouched; headers say
 * why and where from.
 *
 * <pre>
 *   tsagg.reason    stable reason code, e.g. bad_crc
 *   tsagg.error     human-readable message
 *   tsagg.topic     source topic
 *   tsagg.partition source partition (decimal)
 *   tsagg.offset    source offset (decimal)
 *   tsagg.position  byte position of the problem in the value (decimal, -1 if unknown)
 * </pre>
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "tsagg.reason";
    public static final String ERROR = "tsagg.error";
    public static final String TOPIC = "tsagg.topic";
    public static final String PARTITION = "tsagg.partition";
    public static final String OFFSET = "tsagg.offset";
    public static final String POSITION = "tsagg.position";

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, utf8(d.reason()));
        headers.add(ERROR, utf8(d.message()));
        headers.add(TOPIC, utf8(d.topic()));
        headers.add(PARTITION, utf8(Integer.toString(d.partition())));
        headers.add(OFFSET, utf8(Long.toString(d.offset())));
        headers.add(POSITION, utf8(Long.toString(d.position())));
        return new ProducerRecord<>(topic, null, null, null, d.payload(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

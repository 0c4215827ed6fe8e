package io.tsagg.job.kafka;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** Builds the job's transactional Kafka sinks the same way for every output. */
public final class KafkaSinks {
    /**
     * Kafka brokers refuse transactions longer than {@code transaction.max.timeout.ms} (15 min by
     * default); Flink's sink would otherwise ask for an hour.
     */
    public static final String DEFAULT_TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaSinks() {}

    /**
     * An exactly-once sink: records become visible to {@code read_committed} consumers when the
     * checkpoint that covers them completes.
     *
     * @param transactionalIdPrefix unique per job and output across the Kafka cluster
     */
    public static <T> KafkaSink<T> exactlyOnce(
            String bootstrapServers,
            Properties kafkaProperties,
            KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix) {
        Properties producer = new Properties();
        producer.putAll(kafkaProperties);
        producer.putIfAbsent("transaction.timeout.ms", DEFAULT_TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }
}

package io.tsagg.job.kafka;

import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;

/** Builds the job's Kafka sinks the same way for every output. */
public final class KafkaSinks {
    /**
     * Kafka brokers refuse transactions longer than {@code transaction.max.timeout.ms} (15 min by
     * default); Flink's sink would otherwise ask for an hour.
     */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private KafkaSinks() {}

    /** An exactly-once sink with the default transaction timeout. */
    public static <T> KafkaSink<T> exactlyOnce(
            String bootstrapServers,
            Properties kafkaProperties,
            KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix) {
        return create(
                bootstrapServers,
                kafkaProperties,
                serializer,
                true,
                DEFAULT_TRANSACTION_TIMEOUT,
                transactionalIdPrefix);
    }

    /**
     * An exactly-once sink (records become visible to {@code read_committed} consumers when the
     * checkpoint that covers them completes) or an at-least-once one (flushed on checkpoints, no
     * transactions).
     *
     * @param transactionalIdPrefix unique per job and output across the Kafka cluster
     */
    public static <T> KafkaSink<T> create(
            String bootstrapServers,
            Properties kafkaProperties,
            KafkaRecordSerializationSchema<T> serializer,
            boolean exactlyOnce,
            Duration transactionTimeout,
            String transactionalIdPrefix) {
        Properties producer = new Properties();
        producer.putAll(kafkaProperties);
        KafkaSinkBuilder<T> builder =
                KafkaSink.<T>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setRecordSerializer(serializer);
        if (exactlyOnce) {
            producer.setProperty(
                    "transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
            builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(transactionalIdPrefix);
        } else {
            builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.setKafkaProducerConfig(producer).build();
    }
}

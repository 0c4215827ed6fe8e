package io.tsagg.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the broker knows about a topic's transactions, for the message of a failing end-to-end
 * assertion: each transactional id's state and partitions, and the topic's end offsets read
 * committed and uncommitted (a gap means open or aborted transactions).
 */
final class KafkaDiagnostics {
    private KafkaDiagnostics() {}

    static String describe(String bootstrapServers, String topic) {
        StringBuilder sb = new StringBuilder("broker diagnostics for ").append(topic).append(":\n");
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            List<String> ids = new ArrayList<>();
            for (TransactionListing l : admin.listTransactions().all().get()) {
                ids.add(l.transactionalId());
            }
            Map<String, TransactionDescription> descriptions =
                    admin.describeTransactions(ids).all().get();
            for (Map.Entry<String, TransactionDescription> e : descriptions.entrySet()) {
                TransactionDescription d = e.getValue();
                sb.append("  ")
                        .append(e.getKey())
                        .append(' ')
                        .append(d.state())
                        .append(" partitions=")
                        .append(
                                d.topicPartitions().stream()
                                        .map(TopicPartition::toString)
                                        .collect(Collectors.joining(",")))
                        .append('\n');
            }
        } catch (Exception e) {
            sb.append("  (transactions unavailable: ").append(e).append(")\n");
        }
        for (String isolation : new String[] {"read_committed", "read_uncommitted"}) {
            Properties c = new Properties();
            c.put("bootstrap.servers", bootstrapServers);
            c.put("isolation.level", isolation);
            c.put("key.deserializer", ByteArrayDeserializer.class.getName());
            c.put("value.deserializer", ByteArrayDeserializer.class.getName());
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
                List<TopicPartition> parts =
                        consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                                .map(i -> new TopicPartition(topic, i.partition()))
                                .collect(Collectors.toList());
                sb.append("  end offsets ")
                        .append(isolation)
                        .append(": ")
                        .append(consumer.endOffsets(parts))
                        .append('\n');
            }
        }
        return sb.toString();
    }
}

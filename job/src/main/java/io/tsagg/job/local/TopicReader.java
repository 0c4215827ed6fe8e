package io.tsagg.job.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as a consumer of results would: {@code isolation.level=read_committed}, from
 * the beginning up to the last stable offset at the time of the call.
 *
 * <p><b>Transactions that just committed.</b> A producer's {@code commitTransaction} returns once
 * the transaction coordinator has logged the decision; the commit markers reach the partitions a
 * moment later. Until they do, the last stable offset still stops before the transaction, so a read
 * right after a job finished would end before its last results. The reader therefore first waits,
 * up to {@link #SETTLE}, for the last stable offsets to reach the log end offsets of the moment of
 * the call, and only then takes them as the end. A transaction still open after that (a producer
 * that died mid-transaction, until the broker aborts it) does not block the read: it ends before
 * that transaction, as a read_committed consumer would.
 */
public final class TopicReader {
    /** How long to wait for transactions that ended before the call to get their markers. */
    static final Duration SETTLE = Duration.ofSeconds(5);

    private TopicReader() {}

    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrapServers, Properties extra, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        forEachCommitted(bootstrapServers, extra, topic, Duration.ofMinutes(2), out::add);
        return out;
    }

    /**
     * Hands every committed record of the topic to {@code action}, one at a time, without keeping
     * them (for topics too large to hold in memory).
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static void forEachCommitted(
            String bootstrapServers,
            Properties extra,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> action) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            if (partitions.isEmpty()) {
                // partitionsFor answers an empty list when the metadata does not name the topic:
                // never report that as "no records".
                throw new IllegalStateException(
                        "no partitions of " + topic + " in the metadata of " + bootstrapServers);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = settledEnd(consumer, p, partitions);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "timed out reading " + topic + " up to offsets " + end);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    action.accept(r);
                }
            }
        }
    }

    /**
     * The last stable offsets, once they reached the log end offsets of now or after {@link
     * #SETTLE}, whichever comes first.
     */
    private static Map<TopicPartition, Long> settledEnd(
            KafkaConsumer<byte[], byte[]> consumer,
            Properties committed,
            List<TopicPartition> partitions) {
        Properties p = new Properties();
        p.putAll(committed);
        p.put("isolation.level", "read_uncommitted");
        Map<TopicPartition, Long> logEnd;
        try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(p)) {
            logEnd = uncommitted.endOffsets(partitions);
        }
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            // With read_committed, end offsets are the last stable offsets.
            Map<TopicPartition, Long> stable = consumer.endOffsets(partitions);
            boolean settled =
                    logEnd.entrySet().stream()
                            .allMatch(e -> stable.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (settled || System.nanoTime() > deadline) {
                return stable;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stable;
            }
        }
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}

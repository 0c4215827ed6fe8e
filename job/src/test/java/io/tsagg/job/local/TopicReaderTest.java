package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tests for {@link TopicReader} on a real broker, with transactional writers. */
class TopicReaderTest {
    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    @Test
    void shouldWaitForATransactionThatEndsJustAfterTheReadStarted() throws Exception {
        broker.createTopics(2, "settle");
        try (KafkaProducer<String, String> producer = transactional("settle-writer")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("settle", 0, null, "a")).get();
            producer.send(new ProducerRecord<>("settle", 1, null, "b")).get();
            // Stands for commit markers that reach the partitions only after the read began.
            CompletableFuture<Void> commit =
                    CompletableFuture.runAsync(
                            () -> {
                                sleep(Duration.ofSeconds(1));
                                producer.commitTransaction();
                            });

            List<ConsumerRecord<byte[], byte[]>> read =
                    TopicReader.readCommitted(
                            broker.bootstrapServers(), new Properties(), "settle");

            commit.get();
            assertThat(read).extracting(TopicReaderTest::value).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void shouldEndBeforeATransactionThatStaysOpen() throws Exception {
        broker.createTopics(1, "open");
        try (KafkaProducer<String, String> done = transactional("open-done");
                KafkaProducer<String, String> open = transactional("open-open")) {
            done.beginTransaction();
            done.send(new ProducerRecord<>("open", "committed")).get();
            done.commitTransaction();
            open.beginTransaction();
            open.send(new ProducerRecord<>("open", "pending")).get();
            done.beginTransaction();
            done.send(new ProducerRecord<>("open", "after-the-open-one")).get();
            done.commitTransaction();

            long start = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> read =
                    TopicReader.readCommitted(broker.bootstrapServers(), new Properties(), "open");

            assertThat(read).extracting(TopicReaderTest::value).containsExactly("committed");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(TopicReader.SETTLE.plusSeconds(20));
            open.abortTransaction();
        }
    }

    private static KafkaProducer<String, String> transactional(String id) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("transactional.id", id);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        return producer;
    }

    private static String value(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

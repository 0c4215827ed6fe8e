package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tests for {@link KafkaBroker}. */
class KafkaBrokerTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    @Test
    void shouldAuthenticatePlainAndScramUsersOnItsSaslListenerAndRefuseWrongPasswords()
            throws Exception {
        try (KafkaBroker sasl =
                KafkaBroker.start(
                        KafkaBroker.Options.defaults()
                                .withSaslUser("PLAIN", "plain-user", "plain-Pw-1")
                                .withSaslUser("SCRAM-SHA-256", "scram-user", "scram-Pw-2"))) {
            assertThat(describeCluster(sasl, "PLAIN", "plain-user", "plain-Pw-1")).isEqualTo("ok");
            assertThat(describeCluster(sasl, "SCRAM-SHA-256", "scram-user", "scram-Pw-2"))
                    .isEqualTo("ok");
            assertThat(describeCluster(sasl, "SCRAM-SHA-256", "scram-user", "wrong"))
                    .contains("SaslAuthenticationException");
            assertThat(describeCluster(sasl, "PLAIN", "plain-user", "wrong"))
                    .contains("SaslAuthenticationException");
            // The PLAIN user is not a SCRAM user.
            assertThat(describeCluster(sasl, "SCRAM-SHA-256", "plain-user", "plain-Pw-1"))
                    .contains("SaslAuthenticationException");
            assertThat(Files.readString(sasl.logFile())).doesNotContain("scram-Pw-2");
        }
    }

    /** "ok", or the exception a describeCluster through the SASL listener ended with. */
    private static String describeCluster(
            KafkaBroker b, String mechanism, String user, String password) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", b.saslBootstrapServers());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism);
        String module =
                mechanism.equals("PLAIN")
                        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put(
                "sasl.jaas.config",
                module + " required username=\"" + user + "\" password=\"" + password + "\";");
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS);
            return "ok";
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().toString();
        }
    }

    @Test
    void shouldReadAllRecordsWhenTransactionCommits() throws IOException {
        broker.createTopics(3, "committed");

        try (KafkaProducer<String, String> producer = transactionalProducer(broker.broker())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>("committed", "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> records =
                readCommitted(broker.broker(), "committed", all -> all.size() >= 1000);
        assertThat(records).hasSize(1000);
        assertThat(records)
                .extracting(r -> r.key() + "=" + r.value())
                .containsExactlyInAnyOrderElementsOf(expected(1000));
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    @Test
    void shouldHideRecordsWhenTransactionAborts() throws IOException {
        broker.createTopics(3, "aborted");

        try (KafkaProducer<String, String> producer = transactionalProducer(broker.broker())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("aborted", "k" + i, "aborted"));
            }
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("aborted", "k" + i, "committed"));
            }
            producer.commitTransaction();
        }

        // The aborted batch precedes the committed one in every partition, so reading until
        // the committed records arrive would have shown any aborted record first.
        List<ConsumerRecord<String, String>> records =
                readCommitted(broker.broker(), "aborted", all -> all.size() >= 3);
        assertThat(records).extracting(ConsumerRecord::value).containsOnly("committed");
        assertThat(records).hasSize(3);
    }

    @Test
    void shouldAcceptExistingTopicWhenCreatedTwice() throws IOException {
        broker.createTopics(2, "twice");
        broker.createTopics(2, "twice");

        try (KafkaConsumer<String, String> consumer = consumer(broker.broker())) {
            assertThat(consumer.partitionsFor("twice")).hasSize(2);
        }
    }

    @Test
    void shouldFreePortStopProcessAndDeleteWorkDirWhenClosed() throws IOException {
        KafkaBroker own = KafkaBroker.start();
        int port = own.port();
        long pid = own.pid();
        Path workDir = own.workDir();
        assertThat(own.isRunning()).isTrue();
        assertThat(Files.readString(own.logFile())).contains("Kafka Server started");

        own.close();
        own.close();

        assertThat(own.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(workDir).doesNotExist();
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldKeepCommittedDataWhenKilledAndRestarted() throws IOException {
        // The restarted node waits for its old registration to expire; make that quick.
        KafkaBroker.Options options =
                KafkaBroker.Options.defaults()
                        .withBrokerProperty("broker.session.timeout.ms", "3000")
                        .withBrokerProperty("broker.heartbeat.interval.ms", "500");
        try (KafkaBroker own = KafkaBroker.start(options)) {
            String bootstrap = own.bootstrapServers();
            own.createTopics(3, "durable");
            try (KafkaProducer<String, String> producer = transactionalProducer(own)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("durable", "k" + i, "v" + i));
                }
                producer.commitTransaction();
            }
            long killedPid = own.pid();

            own.kill();
            assertThat(own.isRunning()).isFalse();
            own.restart();

            assertThat(own.isRunning()).isTrue();
            assertThat(own.pid()).isNotEqualTo(killedPid);
            assertThat(own.bootstrapServers()).isEqualTo(bootstrap);
            List<ConsumerRecord<String, String>> records =
                    readCommitted(own, "durable", all -> all.size() >= 100);
            assertThat(records)
                    .extracting(r -> r.key() + "=" + r.value())
                    .containsExactlyInAnyOrderElementsOf(expected(100));
        }
    }

    @Test
    void shouldFailWithLogTailWhenConfigurationIsInvalid() {
        KafkaBroker.Options options =
                KafkaBroker.Options.defaults()
                        .withBrokerProperty("num.network.threads", "not-a-number");

        assertThatThrownBy(() -> KafkaBroker.start(options))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("StorageTool")
                .hasMessageContaining("num.network.threads");
    }

    // ---------------------------------------------------------------- helpers

    private static KafkaProducer<String, String> transactionalProducer(KafkaBroker target) {
        Properties properties = target.clientProperties();
        properties.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker target) {
        Properties properties = target.clientProperties();
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    /** Reads the whole topic from the start until {@code done} holds or the timeout passes. */
    private static List<ConsumerRecord<String, String>> readCommitted(
            KafkaBroker target,
            String topic,
            Predicate<List<ConsumerRecord<String, String>>> done) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(target)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (!done.test(records) && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            // One more poll: anything beyond what was expected shows up here.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static List<String> expected(int count) {
        List<String> expected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            expected.add("k" + i + "=v" + i);
        }
        return expected;
    }
}

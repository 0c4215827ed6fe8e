package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.SampleGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Authenticated Kafka: a broker with a SASL_PLAINTEXT listener enabling PLAIN and SCRAM-SHA-256
 * ({@link KafkaBroker.Options#withSaslUser}) next to its PLAINTEXT one (which the broker and the
 * test's admin client use). Two jobs read and write only through the SASL listener with credentials
 * given as {@code --kafka.} properties, one per mechanism; their results are exact. Wrong passwords
 * (PLAIN and SCRAM) end {@code flink run} within seconds with exit code 2 and a message naming the
 * mechanism and user, before any job is submitted. No password appears in any log or output file of
 * the cluster (JobManager, TaskManagers, every {@code flink run} client), in the job configuration
 * the REST API shows, or in the printed configuration (which shows the JAAS configuration as {@code
 * ******}).
 */
class SaslKafkaIT {
    private static final long WINDOW_MS = 10_000;
    private static final String USER = "tsagg";
    private static final String PASSWORD = "s3cr3t-Pa55w0rd-xyzzy";
    private static final String SCRAM_USER = "tsagg-scram";
    private static final String SCRAM_PASSWORD = "scr4m-Pa55w0rd-plugh";
    private static final String WRONG = "wrong-Pa55w0rd-frotz";
    private static final String PLAIN = "PLAIN";
    private static final String SCRAM = "SCRAM-SHA-256";

    @Test
    void shouldReadAndWriteThroughSaslPlainAndScramFailFastOnWrongPasswordsAndNeverPrintOne()
            throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        long t0 = System.nanoTime();
        try (KafkaBroker broker =
                        KafkaBroker.start(
                                KafkaBroker.Options.defaults()
                                        .withSaslUser(PLAIN, USER, PASSWORD)
                                        .withSaslUser(SCRAM, SCRAM_USER, SCRAM_PASSWORD));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(Path.of("target", "sasl-it"))
                                        .withTaskManagers(1, 2)
                                        .withTaskManagerMemory("1024m"))) {
            String sasl = broker.saslBootstrapServers();
            broker.createTopics(2, "sasl-in");
            broker.createTopics(
                    1, "sasl-out", "sasl-scram-out", "sasl-dlq", "sasl-late", "sasl-scram-dlq");
            SampleGenerator generator =
                    new SampleGenerator(60_000, 100, 1_767_225_600_000L, 100, 20, 61);
            Properties client = saslClient(PLAIN, USER, PASSWORD);
            // The test's producer and reader also go through the SASL listener.
            FrameProducer.produce(generator, sasl, client, "sasl-in", 2, 500, null);

            // One job per mechanism, side by side (one slot each).
            String plainJob =
                    cluster.submit(
                            jar,
                            args(sasl, "sasl-plain", "sasl", PLAIN, USER, PASSWORD, "--bounded"));
            String scramJob =
                    cluster.submit(
                            jar,
                            args(
                                    sasl,
                                    "sasl-scram",
                                    "sasl-scram",
                                    SCRAM,
                                    SCRAM_USER,
                                    SCRAM_PASSWORD,
                                    "--bounded"));
            cluster.awaitJobStatus(plainJob, "FINISHED", Duration.ofMinutes(2));
            cluster.awaitJobStatus(scramJob, "FINISHED", Duration.ofMinutes(2));
            Map<String, ExpectedWindows.Window> expected =
                    Reliability.expected(generator, WINDOW_MS);
            for (String[] job :
                    List.of(
                            new String[] {PLAIN, "sasl-out"},
                            new String[] {SCRAM, "sasl-scram-out"})) {
                Properties reader =
                        job[0].equals(PLAIN)
                                ? saslClient(PLAIN, USER, PASSWORD)
                                : saslClient(SCRAM, SCRAM_USER, SCRAM_PASSWORD);
                // All results are in the final checkpoint's transaction: read until they are all
                // visible (RELIABILITY.md, finding 7), then compare.
                Map<String, List<JsonNode>> actual = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                for (int read = 0;
                        actual.size() < expected.size() && System.nanoTime() < deadline;
                        read++) {
                    if (read > 0) {
                        Thread.sleep(1000);
                    }
                    actual.clear();
                    for (var r : TopicReader.readCommitted(sasl, reader, job[1])) {
                        JsonNode node = Reliability.JSON.readTree(r.value());
                        String id =
                                node.get("key").asText() + "@" + node.get("window_start").asLong();
                        actual.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
                    }
                }
                System.out.printf(
                        "sasl: %s: %d windows committed (%d written, read_uncommitted)%n",
                        job[0], actual.size(), readUncommitted(sasl, reader, job[1]));
                Reliability.assertExactlyOnce(expected, actual);
            }
            System.out.printf(
                    "sasl: %d windows through SASL_PLAINTEXT with PLAIN and with %s, %.1f s%n",
                    expected.size(), SCRAM, (System.nanoTime() - t0) / 1e9);

            // Wrong passwords: flink run ends with exit code 2 and a clear message, no job.
            int jobsBefore = cluster.jobs().size();
            for (String[] wrong :
                    List.of(new String[] {PLAIN, USER}, new String[] {SCRAM, SCRAM_USER})) {
                StandaloneCluster.ClientRun run =
                        cluster.run(
                                jar,
                                args(sasl, "sasl-wrong", "sasl", wrong[0], wrong[1], WRONG),
                                null);
                String message =
                        run.output()
                                .lines()
                                .filter(l -> l.startsWith("tsagg:"))
                                .findFirst()
                                .orElse("(no tsagg: line) " + run.output());
                System.out.printf(
                        "sasl: wrong %s password: exit %d after %.1f s: %s%n",
                        wrong[0], run.exitCode(), run.took().toMillis() / 1e3, message);
                assertThat(run.exitCode()).as("exit code; output:%n%s", run.output()).isEqualTo(2);
                assertThat(message)
                        .contains("refused the job's credentials")
                        .contains("SASL_PLAINTEXT")
                        .contains("sasl.mechanism " + wrong[0])
                        .contains("user '" + wrong[1] + "'")
                        .containsIgnoringCase("authentication failed");
                // The client JVM alone takes a few seconds to start on this machine.
                assertThat(run.took()).isLessThan(Duration.ofSeconds(30));
            }
            assertThat(cluster.jobs())
                    .as("no job submitted with wrong passwords")
                    .hasSize(jobsBefore);

            // No password anywhere: logs and outputs of every process, the jobs' configuration.
            List<String> passwords = List.of(PASSWORD, SCRAM_PASSWORD, WRONG);
            List<String> leaks = new ArrayList<>();
            boolean printedRedacted = false;
            try (Stream<Path> files = Files.walk(cluster.logDir())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    printedRedacted |= text.contains("--kafka.sasl.jaas.config ******");
                    for (String line : text.split("\n")) {
                        if (passwords.stream().anyMatch(line::contains)) {
                            leaks.add(f.getFileName() + ": " + line);
                        }
                    }
                }
            }
            for (String job : List.of(plainJob, scramJob)) {
                String config = cluster.rest("/jobs/" + job + "/config").toString();
                if (passwords.stream().anyMatch(config::contains)) {
                    leaks.add("REST /jobs/" + job + "/config");
                }
            }
            assertThat(leaks).as("places holding a password").isEmpty();
            assertThat(printedRedacted)
                    .as("the printed configuration shows the JAAS configuration as ******")
                    .isTrue();
        }
    }

    private static List<String> args(
            String bootstrap,
            String group,
            String topics,
            String mechanism,
            String user,
            String password,
            String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--input-topic",
                                "sasl-in",
                                "--output-topic",
                                topics + "-out",
                                "--dlq-topic",
                                topics + "-dlq",
                                "--late-topic",
                                "sasl-late",
                                "--group-id",
                                group,
                                "--window",
                                "10s",
                                "--checkpoint-interval",
                                "1s",
                                "--starting-offsets",
                                "earliest",
                                "--parallelism",
                                "1",
                                "--kafka.security.protocol",
                                "SASL_PLAINTEXT",
                                "--kafka.sasl.mechanism",
                                mechanism,
                                "--kafka.sasl.jaas.config",
                                jaas(mechanism, user, password)));
        args.addAll(List.of(more));
        return args;
    }

    private static String jaas(String mechanism, String user, String password) {
        String module =
                mechanism.equals(PLAIN)
                        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static Properties saslClient(String mechanism, String user, String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", jaas(mechanism, user, password));
        return p;
    }

    private static int readUncommitted(String bootstrap, Properties client, String topic) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("isolation.level", "read_uncommitted");
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (var info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            long n = 0;
            for (long end : c.endOffsets(parts).values()) {
                n += end;
            }
            return (int) n;
        }
    }
}

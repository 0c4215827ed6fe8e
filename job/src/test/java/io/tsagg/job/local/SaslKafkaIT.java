package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.SampleGenerator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Authenticated Kafka: a broker with a SASL/PLAIN listener next to its PLAINTEXT one (which the
 * broker and the test's admin client use); the job reads and writes only through the SASL listener
 * with credentials given as {@code --kafka.} properties. Results are exact; a job with a wrong
 * password fails with an authentication error; the password appears in no log or output file of the
 * cluster (JobManager, TaskManagers, the {@code flink run} client).
 */
class SaslKafkaIT {
    private static final long WINDOW_MS = 10_000;
    private static final String USER = "tsagg";
    private static final String PASSWORD = "s3cr3t-Pa55w0rd-xyzzy";

    @Test
    void shouldReadAndWriteThroughSaslPlainAndNeverPrintThePassword() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        int[] ports = freePorts(3);
        String sasl = "127.0.0.1:" + ports[2];
        String controller = "127.0.0.1:" + ports[1];
        String plain = "127.0.0.1:" + ports[0];
        String listeners =
                "PLAINTEXT://"
                        + plain
                        + ",CONTROLLER://"
                        + controller
                        + ",SASL_PLAINTEXT://"
                        + sasl;
        long t0 = System.nanoTime();
        try (KafkaBroker broker =
                        KafkaBroker.start(
                                KafkaBroker.Options.defaults()
                                        .withPorts(ports[0], ports[1])
                                        .withBrokerProperty("listeners", listeners)
                                        .withBrokerProperty("advertised.listeners", listeners)
                                        .withBrokerProperty(
                                                "listener.security.protocol.map",
                                                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                                                        + "SASL_PLAINTEXT:SASL_PLAINTEXT")
                                        .withBrokerProperty("sasl.enabled.mechanisms", "PLAIN")
                                        .withBrokerProperty(
                                                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                                                "org.apache.kafka.common.security.plain.PlainLoginModule"
                                                        + " required user_"
                                                        + USER
                                                        + "=\""
                                                        + PASSWORD
                                                        + "\";"));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(Path.of("target", "sasl-it"))
                                        .withTaskManagers(1, 2)
                                        .withTaskManagerMemory("1024m"))) {
            broker.createTopics(2, "sasl-in");
            broker.createTopics(1, "sasl-out", "sasl-dlq", "sasl-late");
            SampleGenerator generator =
                    new SampleGenerator(60_000, 100, 1_767_225_600_000L, 100, 20, 61);
            Properties client = saslClient(PASSWORD);
            // The test's producer and reader also go through the SASL listener.
            FrameProducer.produce(generator, sasl, client, "sasl-in", 2, 500, null);

            String jobId = cluster.submit(jar, args(sasl, "sasl", PASSWORD, "--bounded"));
            cluster.awaitJobStatus(jobId, "FINISHED", Duration.ofMinutes(2));
            int committed = TopicReader.readCommitted(sasl, client, "sasl-out").size();
            Properties uncommitted = saslClient(PASSWORD);
            uncommitted.put("isolation.level", "read_uncommitted");
            System.out.printf(
                    "sasl: job FINISHED; %d results committed, %d plain (PLAINTEXT listener),"
                            + " %d written (read_uncommitted)%n",
                    committed,
                    TopicReader.readCommitted(plain, new Properties(), "sasl-out").size(),
                    readUncommitted(sasl, uncommitted, "sasl-out"));
            Thread.sleep(5000);
            Map<String, List<JsonNode>> actual = new java.util.HashMap<>();
            for (var r : TopicReader.readCommitted(sasl, client, "sasl-out")) {
                JsonNode node = Reliability.JSON.readTree(r.value());
                String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
                actual.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
            }
            Reliability.assertExactlyOnce(Reliability.expected(generator, WINDOW_MS), actual);
            System.out.printf(
                    "sasl: %d windows through SASL_PLAINTEXT in %.1f s%n",
                    actual.size(), (System.nanoTime() - t0) / 1e9);

            // Wrong password: the job fails (no restart strategy here) with the broker's message.
            long t1 = System.nanoTime();
            String bad =
                    cluster.submit(
                            jar,
                            args(
                                    sasl,
                                    "sasl-wrong",
                                    "wrong-password",
                                    "--bounded",
                                    "--kafka.request.timeout.ms",
                                    "10000"));
            String failure = awaitAuthenticationFailure(cluster, bad, Duration.ofMinutes(2));
            System.out.printf(
                    "sasl: wrong password reported after %.1f s: %s%n",
                    (System.nanoTime() - t1) / 1e9, failure);
            assertThat(failure).containsIgnoringCase("authentication");
            if (!Stream.of("FAILED", "CANCELED", "FINISHED")
                    .toList()
                    .contains(cluster.jobStatus(bad))) {
                cluster.cancel(bad);
                cluster.awaitJobStatus(bad, "CANCELED", Duration.ofMinutes(1));
            }

            List<String> leaks = new ArrayList<>();
            try (Stream<Path> files = Files.walk(cluster.logDir())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    if (text.contains(PASSWORD) || text.contains("wrong-password")) {
                        for (String line : text.split("\n")) {
                            if (line.contains(PASSWORD) || line.contains("wrong-password")) {
                                leaks.add(f.getFileName() + ": " + line);
                            }
                        }
                    }
                }
            }
            assertThat(leaks).as("log lines holding a password").isEmpty();
        }
    }

    private static List<String> args(
            String bootstrap, String group, String password, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--input-topic",
                                "sasl-in",
                                "--output-topic",
                                "sasl-out",
                                "--dlq-topic",
                                "sasl-dlq",
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
                                "2",
                                "--kafka.security.protocol",
                                "SASL_PLAINTEXT",
                                "--kafka.sasl.mechanism",
                                "PLAIN",
                                "--kafka.sasl.jaas.config",
                                jaas(password)));
        args.addAll(List.of(more));
        return args;
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + USER
                + "\" password=\""
                + password
                + "\";";
    }

    private static Properties saslClient(String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", jaas(password));
        return p;
    }

    /** The first exception of the job that mentions authentication, as text. */
    private static String awaitAuthenticationFailure(
            StandaloneCluster cluster, String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");
            List<String> texts = new ArrayList<>();
            texts.add(exceptions.path("root-exception").asText(""));
            for (JsonNode e : exceptions.path("exceptionHistory").path("entries")) {
                texts.add(e.path("stacktrace").asText(""));
            }
            for (String t : texts) {
                for (String line : t.split("\n")) {
                    if (line.toLowerCase().contains("authentication")) {
                        return line.trim() + " (job " + cluster.jobStatus(jobId) + ")";
                    }
                }
            }
            Thread.sleep(500);
        }
        return "no authentication failure within " + timeout + "; job " + cluster.jobStatus(jobId);
    }

    private static int readUncommitted(String bootstrap, Properties p, String topic) {
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

    private static int[] freePorts(int n) throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}

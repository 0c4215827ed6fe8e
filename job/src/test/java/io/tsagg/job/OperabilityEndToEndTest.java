package io.tsagg.job;

import static io.tsagg.job.EndToEnd.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.kafka.FutureTimestampCheck;
import io.tsagg.job.kafka.KafkaStartupCheck;
import io.tsagg.job.kafka.TransactionTimeoutCheck;
import io.tsagg.job.local.KafkaBroker;
import io.tsagg.job.local.LocalBroker;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests for what operators of {@link TsaggJob} rely on, on a real broker (its {@code
 * transaction.max.timeout.ms} is 5 minutes here) and a Flink MiniCluster: the start-up checks of
 * the transaction timeout and of {@code --max-future-skew} against the topics' timestamp limits,
 * and that secrets given as Kafka properties appear in no log line of a run.
 */
class OperabilityEndToEndTest {
    @RegisterExtension
    static final LocalBroker broker =
            new LocalBroker(
                    KafkaBroker.Options.defaults()
                            .withTransactionMaxTimeout(Duration.ofMinutes(5)));

    private static List<String> args(String... more) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                broker.bootstrapServers(),
                                "--input-topic",
                                "ops-in",
                                "--output-topic",
                                "ops-out",
                                "--dlq-topic",
                                "ops-dlq",
                                "--late-topic",
                                "ops-late",
                                "--window",
                                "10s",
                                "--checkpoint-interval",
                                "1s",
                                "--starting-offsets",
                                "earliest",
                                "--parallelism",
                                "1",
                                "--bounded"));
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void shouldRefuseATransactionTimeoutAboveTheBrokersMaximumNamingBothValues() throws Exception {
        JobConfig tooLong = JobConfig.parse(args().toArray(new String[0]));

        assertThatThrownBy(() -> TransactionTimeoutCheck.check(tooLong, Duration.ofSeconds(20)))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--transaction-timeout 900000 ms")
                .hasMessageContaining("transaction.max.timeout.ms 300000 ms");
        assertThat(TsaggJob.run(args().toArray(new String[0]))).isEqualTo(2);

        JobConfig fits =
                JobConfig.parse(args("--transaction-timeout", "4m").toArray(new String[0]));
        TransactionTimeoutCheck.check(fits, Duration.ofSeconds(20));
        JobConfig noTransactions =
                JobConfig.parse(args("--delivery", "at-least-once").toArray(new String[0]));
        TransactionTimeoutCheck.check(noTransactions, Duration.ofSeconds(20));
    }

    @Test
    void shouldRefuseAFutureSkewBeyondWhatTheOutputTopicsAcceptNamingTheTopic() throws Exception {
        createTopic("skew-minute", Map.of(FutureTimestampCheck.TOPIC_MAX, "60000"));
        createTopic(
                "skew-append",
                Map.of(
                        FutureTimestampCheck.TOPIC_MAX,
                        "60000",
                        FutureTimestampCheck.TOPIC_TYPE,
                        "LogAppendTime"));
        Duration ask = Duration.ofSeconds(20);

        // The default skew, 1 h, against a topic that takes 1 minute.
        assertThatThrownBy(
                        () -> KafkaStartupCheck.check(config("--output-topic", "skew-minute"), ask))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--max-future-skew 3600000 ms")
                .hasMessageContaining("topic skew-minute takes at most 60000 ms")
                .hasMessageContaining(FutureTimestampCheck.TOPIC_MAX);
        // A late topic not created yet gets the broker's default (1 h on Kafka 4).
        assertThatThrownBy(
                        () ->
                                KafkaStartupCheck.check(
                                        config(
                                                "--late-topic",
                                                "skew-not-yet",
                                                "--max-future-skew",
                                                "2h"),
                                        ask))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("topic skew-not-yet takes at most 3600000 ms")
                .hasMessageContaining(
                        "not created yet; the broker's " + FutureTimestampCheck.BROKER_MAX);
        // What fits: a skew within the limit, no limit at all (a warning), append-time stamps.
        KafkaStartupCheck.check(
                config("--output-topic", "skew-minute", "--max-future-skew", "1m"), ask);
        KafkaStartupCheck.check(
                config("--output-topic", "skew-minute", "--max-future-skew", "off"), ask);
        KafkaStartupCheck.check(config("--output-topic", "skew-append"), ask);
        KafkaStartupCheck.check(config(), ask);
    }

    /**
     * The final firing of a bounded job emits every open window, including one that ends far past
     * the newest sample; a result stamped at such a window end would be refused by a topic that
     * takes records at most a minute ahead, and the job would fail at its end. It is stamped at the
     * wall clock plus {@code --max-future-skew} instead, and its value names the real end.
     */
    @Test
    void shouldStampAWindowEndingBeyondTheSkewAtTheWallClockPlusTheSkew() throws Exception {
        createTopic("ahead-out", Map.of(FutureTimestampCheck.TOPIC_MAX, "60000"));
        broker.createTopics(1, "ahead-in", "ahead-dlq", "ahead-late");
        long now = System.currentTimeMillis();
        long t = now - 5_000;
        // Tumbling windows are aligned to the epoch: a size (60 to 120 minutes) whose window
        // holding t ends at least 10 minutes from now, far beyond the topic's minute.
        long size = -1;
        long end = -1;
        for (long minutes = 60; minutes <= 120 && size < 0; minutes++) {
            long w = minutes * 60_000;
            long e = Math.floorDiv(t, w) * w + w;
            if (e - now >= 600_000) {
                size = w;
                end = e;
            }
        }
        assertThat(size).as("a window size whose window ends 10 minutes ahead").isPositive();
        EndToEnd.produceFrames(
                broker.bootstrapServers(), "ahead-in", 0, EndToEnd.series(2, t, t + 1, 1), 2);
        JobConfig config =
                config(
                        "--input-topic",
                        "ahead-in",
                        "--output-topic",
                        "ahead-out",
                        "--dlq-topic",
                        "ahead-dlq",
                        "--late-topic",
                        "ahead-late",
                        "--window",
                        size + "ms",
                        "--max-future-skew",
                        "1m");
        KafkaStartupCheck.check(config, Duration.ofSeconds(20));

        // A refused result fails the job: without restarts, so that the test fails, not loops.
        org.apache.flink.configuration.Configuration cluster = EndToEnd.miniCluster();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        long before = System.currentTimeMillis();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, cluster);
        TsaggJob.build(env, config);
        env.execute("ahead");
        long after = System.currentTimeMillis();

        List<ConsumerRecord<byte[], byte[]>> results =
                EndToEnd.read(broker.bootstrapServers(), "ahead-out");
        assertThat(results).hasSize(2);
        for (ConsumerRecord<byte[], byte[]> r : results) {
            assertThat(r.timestamp()).isBetween(before + 60_000, after + 60_000).isLessThan(end);
            assertThat(EndToEnd.utf8(r.value()))
                    .contains("\"window_start\":" + (end - size) + ",")
                    .contains("\"window_end\":" + end + ",")
                    .contains("\"count\":1,");
        }
    }

    /** Creates a topic of one partition with the topic configs {@code configs}. */
    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
    }

    /**
     * The arguments of {@link #args} with a transaction timeout the broker takes, and {@code more}
     * replacing same-named ones.
     */
    private static JobConfig config(String... more) throws ArgumentException {
        List<String> all = args("--transaction-timeout", "4m");
        for (int i = 0; i < more.length; i += 2) {
            int at = all.indexOf(more[i]);
            if (at >= 0) {
                all.set(at + 1, more[i + 1]);
            } else {
                all.add(more[i]);
                all.add(more[i + 1]);
            }
        }
        return JobConfig.parse(all.toArray(new String[0]));
    }

    @Test
    void shouldLogTheConfigurationAtStartButNeverAKafkaSecret() throws Exception {
        broker.createTopics(1, "ops-in");
        broker.createTopics(1, "ops-out", "ops-dlq", "ops-late");
        EndToEnd.produceFrames(
                broker.bootstrapServers(),
                "ops-in",
                0,
                EndToEnd.series(4, T0, T0 + 20_000, 500),
                40);
        JobConfig config =
                JobConfig.parse(
                        args(
                                        "--transaction-timeout",
                                        "4m",
                                        "--kafka.ssl.truststore.password",
                                        "SECRET-TRUSTSTORE-1",
                                        "--kafka.sasl.jaas.config",
                                        "org.apache.kafka.common.security.plain.PlainLoginModule"
                                                + " required username=\"u\""
                                                + " password=\"SECRET-JAAS-2\";",
                                        "--kafka.client.secret",
                                        "SECRET-CUSTOM-3")
                                .toArray(new String[0]));

        String log =
                captureLog(
                        () -> {
                            StreamExecutionEnvironment env =
                                    StreamExecutionEnvironment.createLocalEnvironment(
                                            1, EndToEnd.miniCluster());
                            TsaggJob.build(env, config);
                            env.execute("ops");
                        });

        assertThat(EndToEnd.read(broker.bootstrapServers(), "ops-out")).hasSize(4 * 2);
        assertThat(log)
                .contains("tsagg starting:")
                .contains("--kafka.ssl.truststore.password ******")
                .contains("memory: window state off-heap in managed memory")
                .contains("keeps its state off-heap");
        assertThat(log.lines().filter(l -> l.contains("tsagg starting:")).count()).isEqualTo(1);
        // Flink registers these again at every checkpoint; the test log config drops the warning.
        assertThat(log)
                .doesNotContain("name 'pendingCommittables'")
                .doesNotContain("name 'currentSendTime'");
        // The Kafka clients did log their configuration: the check is not vacuous.
        assertThat(log).contains("ProducerConfig values").contains("ConsumerConfig values");
        assertThat(log)
                .doesNotContain("SECRET-TRUSTSTORE-1")
                .doesNotContain("SECRET-JAAS-2")
                .doesNotContain("SECRET-CUSTOM-3");
    }

    /** Everything logged at INFO and above while {@code action} runs, in this JVM. */
    private static String captureLog(ThrowingRunnable action) throws Exception {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        LoggerConfig root = cfg.getRootLogger();
        StringWriter out = new StringWriter();
        Appender capture =
                WriterAppender.newBuilder()
                        .setName("capture")
                        .setTarget(out)
                        .setLayout(PatternLayout.newBuilder().withPattern("%c %m%n").build())
                        .build();
        capture.start();
        Level level = root.getLevel();
        Map<String, Appender> before = Map.copyOf(root.getAppenders());
        before.keySet().forEach(root::removeAppender);
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        ctx.updateLoggers();
        try {
            action.run();
        } finally {
            root.removeAppender("capture");
            before.values().forEach(a -> root.addAppender(a, null, null));
            root.setLevel(level);
            ctx.updateLoggers();
            capture.stop();
        }
        return out.toString();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}

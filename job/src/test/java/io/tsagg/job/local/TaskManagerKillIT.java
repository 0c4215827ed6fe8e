package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.SampleGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures on the standalone cluster (2 TaskManagers x 1 slot, parallelism 2, 1 s checkpoints,
 * fixed-delay restarts): an unbounded job reads frames produced at a paced rate while a TaskManager
 * is killed with SIGKILL (and started again), or the Kafka broker is killed and restarted; the
 * read_committed results must hold every (key, window) exactly once with exact statistics.
 *
 * <p>Short by default (300,000 samples, one kill). The long variant:
 *
 * <pre>
 * mvn -B -o -pl job -am verify -Dit.test=TaskManagerKillIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtsagg.kill.samples=3000000 -Dtsagg.kill.count=4 -Dtsagg.kill.rate=40000 \
 *     -Dtsagg.kill.broker-restarts=2
 * </pre>
 */
class TaskManagerKillIT {
    private static final long WINDOW_MS = 10_000;

    private static KafkaBroker broker;
    private static StandaloneCluster cluster;
    private static Path jar;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        jar = Path.of(System.getProperty("tsagg.job.jar"));
        broker =
                KafkaBroker.start(
                        KafkaBroker.Options.defaults()
                                .withBrokerProperty("broker.session.timeout.ms", "3000")
                                .withBrokerProperty("broker.heartbeat.interval.ms", "500"));
        cluster =
                StandaloneCluster.start(
                        StandaloneCluster.Options.defaults()
                                .withWorkDir(Path.of("target", "tm-kill-it"))
                                .withTaskManagers(2, 1)
                                .withTaskManagerMemory("1024m")
                                .withConfig("restart-strategy.type", "fixed-delay")
                                .withConfig("restart-strategy.fixed-delay.attempts", "1000")
                                .withConfig("restart-strategy.fixed-delay.delay", "1 s"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepEveryWindowExactlyOnceWhenTaskManagersAreKilled() throws Exception {
        long samples = Long.parseLong(Reliability.intProperty("tsagg.kill.samples", "300000"));
        int kills = Integer.parseInt(Reliability.intProperty("tsagg.kill.count", "1"));
        long rate = Long.parseLong(Reliability.intProperty("tsagg.kill.rate", "20000"));
        int brokerRestarts =
                Integer.parseInt(Reliability.intProperty("tsagg.kill.broker-restarts", "0"));
        run("tmkill", samples, rate, kills, brokerRestarts, 21);
    }

    @Test
    void shouldKeepEveryWindowExactlyOnceWhenTheBrokerRestarts() throws Exception {
        run("brokerkill", 200_000, 20_000, 0, 1, 22);
    }

    private void run(
            String prefix, long samples, long rate, int kills, int brokerRestarts, long seed)
            throws Exception {
        long t0 = System.nanoTime();
        broker.createTopics(2, prefix + "-in");
        broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
        // 100 ms step, 2 s disorder, 300 series.
        SampleGenerator generator =
                new SampleGenerator(samples, 300, 1_767_225_600_000L, 100, 20, seed);
        Map<String, ExpectedWindows.Window> expected = Reliability.expected(generator, WINDOW_MS);

        String jobId = cluster.submit(jar, Reliability.jobArgs(broker, prefix, WINDOW_MS, 2));
        cluster.awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        Random random = new Random(seed);
        int events = kills + brokerRestarts;
        long lastCheckpoints = 0;
        try (Reliability.PacedProducer producer =
                new Reliability.PacedProducer(
                        generator, broker.bootstrapServers(), prefix + "-in", 2, rate, WINDOW_MS)) {
            for (int e = 0; e < events; e++) {
                // Spread over the first 80% of the input, jittered, after a checkpoint since
                // the last event (so the job restores state, not just restarts from scratch).
                double at = 0.8 * (e + 0.5 + 0.6 * (random.nextDouble() - 0.5)) / events;
                producer.awaitProgress(at);
                long checkpoints = Reliability.completedCheckpoints(cluster, jobId);
                Reliability.awaitCheckpoints(
                        cluster, jobId, Math.max(1, lastCheckpoints + 1), Duration.ofMinutes(2));
                checkpoints = Reliability.completedCheckpoints(cluster, jobId);
                lastCheckpoints = checkpoints;
                if (e < kills) {
                    int tm = random.nextInt(cluster.taskManagerCount());
                    System.out.printf(
                            "%s: kill TaskManager %d at %.0f%% of the input (%d checkpoints)%n",
                            prefix, tm, producer.progress() * 100, checkpoints);
                    cluster.killTaskManager(tm);
                    Thread.sleep(1000 + random.nextInt(2000));
                    cluster.startTaskManager(tm);
                } else {
                    System.out.printf(
                            "%s: kill the broker at %.0f%% of the input%n",
                            prefix, producer.progress() * 100);
                    broker.kill();
                    Thread.sleep(1000 + random.nextInt(2000));
                    broker.restart();
                }
                cluster.awaitTaskManagers(cluster.taskManagerCount(), Duration.ofMinutes(1));
            }
            producer.awaitDone(Duration.ofMinutes(30));
        }
        System.out.printf(
                "%s: produced %,d samples in %.1f s%n",
                prefix, samples, (System.nanoTime() - t0) / 1e9);
        Map<String, List<JsonNode>> actual =
                Reliability.awaitResults(
                        broker,
                        prefix + "-out",
                        expected.size(),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(4));
        JsonNode exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");
        System.out.printf(
                "%s: %d of %d windows committed, job %s, %d exceptions in history, %.1f s%n",
                prefix,
                actual.size(),
                expected.size(),
                cluster.jobStatus(jobId),
                exceptions.path("exceptionHistory").path("entries").size(),
                (System.nanoTime() - t0) / 1e9);
        cluster.cancel(jobId);
        cluster.awaitJobStatus(jobId, "CANCELED", Duration.ofMinutes(1));
        Reliability.assertExactlyOnce(expected, actual);
        assertThat(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(),
                                new java.util.Properties(),
                                prefix + "-dlq"))
                .isEmpty();
        assertThat(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(),
                                new java.util.Properties(),
                                prefix + "-late"))
                .isEmpty();
        if (kills > 0) {
            assertThat(exceptions.path("exceptionHistory").path("entries").size())
                    .as("the job saw the TaskManager loss")
                    .isGreaterThanOrEqualTo(1);
        }
    }
}

package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.SampleGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Rescaling on the standalone cluster: while frames are produced at a paced rate, the job runs at
 * parallelism 2, is stopped with a savepoint, restored at parallelism 1, stopped with a savepoint
 * again and restored at parallelism 3, which finishes the input. The read_committed results of the
 * three jobs together must hold every (key, window) exactly once with exact statistics, as an
 * uninterrupted run does (the same independent computation as {@code ClusterEndToEndIT}).
 *
 * <p>Under kills: the same, and each restored job loses TaskManagers (SIGKILL, started again 1.5 s
 * later; the producer paused from the kill until the job runs again): the one at parallelism 1
 * both, after a tenth more of the input and a checkpoint of its own; the one at parallelism 3 one
 * of the two it runs on, as soon as its tasks run, so it may recover from the savepoint it was
 * restored from. Each must fail over (its exception history grows) within 2 minutes. The job at 3
 * then loses the broker too (SIGKILL, restarted 1.5 s later), after a checkpoint of its own. The
 * results must still be exactly once and exact. Fixed-delay restarts, as in {@code
 * TaskManagerKillIT}.
 *
 * <pre>
 * mvn -B -o -pl job -am verify -Dit.test=RescaleFromSavepointIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtsagg.rescale.samples=2000000 \
 *     -Dtsagg.rescalekill.samples=2000000 -Dtsagg.rescalekill.rate=40000
 * </pre>
 */
class RescaleFromSavepointIT {
    private static final long WINDOW_MS = 10_000;

    @Test
    void shouldGiveTheSameResultsAfterRestoringAtParallelismOneAndThree() throws Exception {
        long samples = Long.parseLong(Reliability.intProperty("tsagg.rescale.samples", "300000"));
        long rate = Long.parseLong(Reliability.intProperty("tsagg.rescale.rate", "20000"));
        run("rescale", samples, rate, false, 31);
    }

    @Test
    void shouldKeepEveryWindowExactlyOnceWhenTaskManagersAreKilledAfterEachRescale()
            throws Exception {
        long samples =
                Long.parseLong(Reliability.intProperty("tsagg.rescalekill.samples", "300000"));
        long rate = Long.parseLong(Reliability.intProperty("tsagg.rescalekill.rate", "20000"));
        run("rescalekill", samples, rate, true, 32);
    }

    private static void run(String prefix, long samples, long rate, boolean kill, long seed)
            throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        long t0 = System.nanoTime();
        // Quick fencing and re-registration, so that a broker killed and restarted is back in
        // seconds (as in TaskManagerKillIT).
        try (KafkaBroker broker =
                        KafkaBroker.start(
                                KafkaBroker.Options.defaults()
                                        .withBrokerProperty("broker.session.timeout.ms", "3000")
                                        .withBrokerProperty(
                                                "broker.heartbeat.interval.ms", "500"));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(Path.of("target", prefix + "-it"))
                                        .withTaskManagers(2, 2)
                                        .withTaskManagerMemory("1024m")
                                        .withConfig("restart-strategy.type", "fixed-delay")
                                        .withConfig("restart-strategy.fixed-delay.attempts", "1000")
                                        .withConfig("restart-strategy.fixed-delay.delay", "1 s"))) {
            // 6 partitions: every source subtask reads some at parallelism 1, 2 and 3.
            broker.createTopics(6, prefix + "-in");
            broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
            SampleGenerator generator =
                    new SampleGenerator(samples, 300, 1_767_225_600_000L, 100, 20, seed);
            Map<String, ExpectedWindows.Window> expected =
                    Reliability.expected(generator, WINDOW_MS);

            String job = cluster.submit(jar, Reliability.jobArgs(broker, prefix, WINDOW_MS, 2));
            cluster.awaitAllTasksRunning(job, Duration.ofMinutes(1));
            try (Reliability.PacedProducer producer =
                    new Reliability.PacedProducer(
                            generator,
                            broker.bootstrapServers(),
                            prefix + "-in",
                            6,
                            rate,
                            WINDOW_MS)) {
                int[] next = {1, 3};
                double[] at = {0.3, 0.6};
                for (int step = 0; step < next.length; step++) {
                    producer.awaitProgress(at[step]);
                    Reliability.awaitCheckpoints(cluster, job, 1, Duration.ofMinutes(1));
                    // Keep the rest of the input for the restored job (a restore takes seconds).
                    producer.pause();
                    long t = System.nanoTime();
                    String savepoint = cluster.stopWithSavepoint(job);
                    cluster.awaitJobStatus(job, "FINISHED", Duration.ofMinutes(1));
                    System.out.printf(
                            "%s: stopped with savepoint at %.0f%% of the input in %.1f s: %s%n",
                            prefix,
                            producer.progress() * 100,
                            (System.nanoTime() - t) / 1e9,
                            savepoint);
                    job =
                            cluster.submit(
                                    jar,
                                    Reliability.jobArgs(broker, prefix, WINDOW_MS, next[step]),
                                    savepoint);
                    cluster.awaitAllTasksRunning(job, Duration.ofMinutes(1));
                    assertThat(
                                    cluster.rest("/jobs/" + job)
                                            .path("vertices")
                                            .get(0)
                                            .path("parallelism")
                                            .asInt())
                            .isEqualTo(next[step]);
                    System.out.printf("%s: restored at parallelism %d%n", prefix, next[step]);
                    producer.resume();
                    if (kill) {
                        // At parallelism 1 the job runs on one TaskManager, which one is not
                        // known here: both go. At 3 it runs on both (2 slots each): one goes.
                        int[] tms = step == 0 ? new int[] {0, 1} : new int[] {1};
                        if (step == 0) {
                            producer.awaitProgress(at[step] + 0.1);
                            Reliability.awaitCheckpoints(cluster, job, 1, Duration.ofMinutes(1));
                        }
                        System.out.printf(
                                "%s: kill TaskManagers %s at %.0f%% of the input (%d checkpoints"
                                        + " of the restored job)%n",
                                prefix,
                                Arrays.toString(tms),
                                producer.progress() * 100,
                                Reliability.completedCheckpoints(cluster, job));
                        int before = failovers(cluster, job);
                        for (int tm : tms) {
                            cluster.killTaskManager(tm);
                        }
                        // Paused while the job recovers (seconds: the loss is noticed by a
                        // heartbeat timeout), so that it still has input to read afterwards.
                        producer.pause();
                        Thread.sleep(1500);
                        for (int tm : tms) {
                            cluster.startTaskManager(tm);
                        }
                        cluster.awaitTaskManagers(
                                cluster.taskManagerCount(), Duration.ofMinutes(1));
                        // The job must notice the loss and fail over before it runs on.
                        awaitFailover(cluster, job, before, Duration.ofMinutes(2));
                        cluster.awaitAllTasksRunning(job, Duration.ofMinutes(2));
                        producer.resume();
                        if (step == 1) {
                            // Then the broker, once the job restored at 3 has checkpointed.
                            producer.awaitProgress(at[step] + 0.15);
                            Reliability.awaitCheckpoints(
                                    cluster,
                                    job,
                                    Reliability.completedCheckpoints(cluster, job) + 1,
                                    Duration.ofMinutes(2));
                            System.out.printf(
                                    "%s: kill the broker at %.0f%% of the input%n",
                                    prefix, producer.progress() * 100);
                            broker.kill();
                            Thread.sleep(1500);
                            broker.restart();
                            cluster.awaitAllTasksRunning(job, Duration.ofMinutes(2));
                        }
                    }
                }
                producer.awaitDone(Duration.ofMinutes(30));
            }
            Map<String, List<JsonNode>> actual =
                    Reliability.awaitResults(
                            broker,
                            prefix + "-out",
                            expected.size(),
                            Duration.ofMinutes(5),
                            Duration.ofSeconds(4));
            int failovers = failovers(cluster, job);
            System.out.printf(
                    "%s: %d of %d windows committed, %d exceptions in the last job's history,"
                            + " %.1f s%n",
                    prefix,
                    actual.size(),
                    expected.size(),
                    failovers,
                    (System.nanoTime() - t0) / 1e9);
            cluster.cancel(job);
            cluster.awaitJobStatus(job, "CANCELED", Duration.ofMinutes(1));
            Reliability.assertExactlyOnce(expected, actual);
            assertThat(
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(), new Properties(), prefix + "-late"))
                    .isEmpty();
            assertThat(
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(), new Properties(), prefix + "-dlq"))
                    .isEmpty();
        }
    }

    /** Waits until {@code job}'s exception history holds more than {@code before} entries. */
    private static void awaitFailover(
            StandaloneCluster cluster, String job, int before, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (failovers(cluster, job) <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "job " + job + " did not fail over within " + timeout + " of the kill");
            }
            Thread.sleep(200);
        }
    }

    /** Entries in the exception history of {@code job}: one per failover. */
    private static int failovers(StandaloneCluster cluster, String job) throws IOException {
        return cluster.rest("/jobs/" + job + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }
}

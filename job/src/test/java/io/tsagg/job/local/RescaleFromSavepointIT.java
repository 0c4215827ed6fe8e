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
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Rescaling on the standalone cluster: while frames are produced at a paced rate, the job runs at
 * parallelism 2, is stopped with a savepoint, restored at parallelism 1, stopped with a savepoint
 * again and restored at parallelism 3, which finishes the input. The read_committed results of the
 * three jobs together must hold every (key, window) exactly once with exact statistics, as an
 * uninterrupted run does (the same independent computation as {@code ClusterEndToEndIT}).
 *
 * <pre>
 * mvn -B -o -pl job -am verify -Dit.test=RescaleFromSavepointIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtsagg.rescale.samples=2000000
 * </pre>
 */
class RescaleFromSavepointIT {
    private static final long WINDOW_MS = 10_000;

    @Test
    void shouldGiveTheSameResultsAfterRestoringAtParallelismOneAndThree() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        long samples = Long.parseLong(Reliability.intProperty("tsagg.rescale.samples", "300000"));
        long rate = Long.parseLong(Reliability.intProperty("tsagg.rescale.rate", "20000"));
        String prefix = "rescale";
        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start();
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(Path.of("target", "rescale-it"))
                                        .withTaskManagers(2, 2)
                                        .withTaskManagerMemory("1024m"))) {
            // 6 partitions: every source subtask reads some at parallelism 1, 2 and 3.
            broker.createTopics(6, prefix + "-in");
            broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
            SampleGenerator generator =
                    new SampleGenerator(samples, 300, 1_767_225_600_000L, 100, 20, 31);
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
            System.out.printf(
                    "%s: %d of %d windows committed, %.1f s%n",
                    prefix, actual.size(), expected.size(), (System.nanoTime() - t0) / 1e9);
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
}

package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.SampleGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link StandaloneCluster}: a JobManager and two TaskManager JVMs assembled from Flink's
 * Maven artifacts run the shaded job jar (submitted like {@code flink run}) against a real Kafka
 * broker; the read_committed results are checked window by window against an independent
 * computation, and no process is left afterwards.
 */
class ClusterEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW_MS = 10_000;
    private static final long SEED = 11;

    @Test
    void shouldRunTheShadedJarOnAStandaloneClusterAndLeaveNoProcessBehind() throws Exception {
        // failsafe (mvn verify) sets it after package; surefire picks *IT up only via -Dtest=...
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        assertThat(jar).as("shaded job jar (mvn package)").isRegularFile();
        Path workDir = Path.of("target", "cluster-it");
        List<Long> pids = new ArrayList<>();

        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start();
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(workDir)
                                        .withTaskManagers(2, 1)
                                        .withTaskManagerMemory("1024m"))) {
            pids.add(broker.pid());
            pids.addAll(cluster.pids());
            System.out.printf("broker + cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(cluster.taskManagerCommand(0))
                    .containsSubsequence("--add-modules", "jdk.incubator.vector")
                    .anyMatch(a -> a.startsWith("-Xmx"))
                    .anyMatch(a -> a.startsWith("-XX:MaxDirectMemorySize="))
                    .anyMatch(a -> a.startsWith("-XX:MaxMetaspaceSize="))
                    .contains(StandaloneCluster.TASK_MANAGER_CLASS)
                    .contains(StandaloneCluster.TASK_MANAGER_OPTS);
            assertThat(Files.readString(cluster.confDir().resolve("config.yaml")))
                    .contains("env.java.opts.all: '--add-modules jdk.incubator.vector'");

            broker.createTopics(2, "cl-in");
            broker.createTopics(1, "cl-out", "cl-dlq", "cl-late");
            // 100 ms step, 2 s disorder, 300 series: 1,000 ticks = 100 s of event time.
            SampleGenerator generator =
                    new SampleGenerator(300_000, 300, 1_767_225_600_000L, 100, 20, SEED);
            FrameProducer.produce(
                    generator, broker.bootstrapServers(), new Properties(), "cl-in", 2, 1000, null);

            long t1 = System.nanoTime();
            String jobId =
                    cluster.submit(
                            jar,
                            List.of(
                                    "--bootstrap-servers",
                                    broker.bootstrapServers(),
                                    "--input-topic",
                                    "cl-in",
                                    "--output-topic",
                                    "cl-out",
                                    "--dlq-topic",
                                    "cl-dlq",
                                    "--late-topic",
                                    "cl-late",
                                    "--window",
                                    "10s",
                                    "--checkpoint-interval",
                                    "1s",
                                    "--starting-offsets",
                                    "earliest",
                                    "--parallelism",
                                    "2",
                                    "--bounded"));
            System.out.printf("submitted in %.1f s%n", (System.nanoTime() - t1) / 1e9);
            assertThat(cluster.jobs()).extracting(StandaloneCluster.JobInfo::id).contains(jobId);
            cluster.awaitJobStatus(jobId, "FINISHED", Duration.ofMinutes(2));
            System.out.printf("job finished %.1f s after submit%n", (System.nanoTime() - t1) / 1e9);
            // The generated log4j config drops the collision warnings Flink repeats at every
            // checkpoint, and only those: the Kafka consumer's own collisions at start remain.
            String taskManagerLogs =
                    Files.readString(cluster.taskManagerLog(0))
                            + Files.readString(cluster.taskManagerLog(1));
            assertThat(taskManagerLogs)
                    .contains("Name collision")
                    .doesNotContain("name 'pendingCommittables'")
                    .doesNotContain("name 'currentSendTime'");

            ExpectedWindows.of(generator, WINDOW_MS)
                    .assertMatches(
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(), new Properties(), "cl-out"));
            assertThat(
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(), new Properties(), "cl-dlq"))
                    .isEmpty();
        }
        System.out.printf("whole test %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d is gone", pid)
                    .isFalse();
        }
    }
}

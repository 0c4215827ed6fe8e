package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;

/**
 * Tests for {@code docker-compose.yml} on a real Docker engine: the whole stack comes up and
 * committed window results arrive on the host's {@code localhost:9092}, as the README says. Skipped
 * where no Docker engine answers (our own machines), within seconds.
 */
class ClusterComposeStackIT {

    @Test
    void shouldDeliverCommittedResultsToTheHost() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        assumeTrue(dockerAvailable(), "no Docker engine here");
        File compose = new File(System.getProperty("tsagg.compose.file"));
        try (ComposeContainer stack = new ComposeContainer(compose).withEnv("TSAGG_WINDOW", "2s")) {
            stack.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            List<ConsumerRecord<byte[], byte[]>> results = List.of();
            while (results.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5_000);
                try {
                    results =
                            TopicReader.readCommitted(
                                    "localhost:9092", new Properties(), "tsagg-results");
                } catch (RuntimeException e) {
                    // Topic not there yet.
                }
            }
            assertThat(results).as("committed results on localhost:9092").isNotEmpty();
            assertThat(new String(results.get(0).value(), StandardCharsets.UTF_8))
                    .contains("\"window_start\"", "\"count\"");
        }
    }

    /** Asks Testcontainers, but never for longer than 30 s and never with an exception. */
    private static boolean dockerAvailable() {
        ExecutorService executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "docker-probe");
                            t.setDaemon(true); // a hanging probe must not keep the JVM alive
                            return t;
                        });
        try {
            Future<Boolean> available =
                    executor.submit(() -> DockerClientFactory.instance().isDockerAvailable());
            return available.get(30, TimeUnit.SECONDS);
        } catch (Exception | Error e) {
            return false;
        } finally {
            executor.shutdownNow();
        }
    }
}

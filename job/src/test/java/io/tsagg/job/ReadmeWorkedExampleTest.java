package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.job.config.JobConfig;
import io.tsagg.job.local.LocalBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the README's worked example ("Telegraf line protocol in, rollups out") as written there: the
 * input lines, the job arguments of its {@code flink run} command and the expected output are all
 * read from README.md, so the README cannot drift from what the job does. Only the broker address
 * is replaced, and {@code --bounded} added (the README's "or --bounded").
 */
class ReadmeWorkedExampleTest {
    @RegisterExtension static final LocalBroker broker = new LocalBroker();

    /** The fenced code blocks of the README section titled {@code title}, in order. */
    static List<List<String>> codeBlocks(String title) throws IOException {
        List<String> readme = Files.readAllLines(readme(), StandardCharsets.UTF_8);
        int at = readme.indexOf("### " + title);
        assertThat(at).as("README section '%s'", title).isNotNegative();
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (int i = at + 1; i < readme.size() && !readme.get(i).startsWith("#"); i++) {
            String line = readme.get(i);
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new ArrayList<>();
                } else {
                    blocks.add(block);
                    block = null;
                }
            } else if (block != null) {
                block.add(line);
            }
        }
        return blocks;
    }

    private static Path readme() {
        Path p = Path.of("README.md").toAbsolutePath();
        return Files.exists(p) ? p : Path.of("..", "README.md");
    }

    @Test
    void shouldProduceTheReadmesOutputFromTheReadmesInput() throws Exception {
        List<List<String>> blocks =
                codeBlocks("Worked example: Telegraf line protocol in, rollups out");
        assertThat(blocks).hasSize(4);
        List<String> input = blocks.get(0);
        String command = String.join(" ", blocks.get(1)).replace("\\", " ");
        List<String> expectedJson = blocks.get(2);
        List<String> expectedLines = blocks.get(3);

        List<String> args = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        int jar = args.indexOf("job/target/tsagg-job-0.1.0-SNAPSHOT.jar");
        assertThat(jar).as("the job jar in: %s", command).isPositive();
        args = new ArrayList<>(args.subList(jar + 1, args.size()));
        args.set(args.indexOf("--bootstrap-servers") + 1, broker.bootstrapServers());
        args.add("--bounded");
        String inputTopic = args.get(args.indexOf("--input-topic") + 1);
        broker.createTopics(
                1, inputTopic, "rollups-series", "rollups-region", "tsagg-dlq", "tsagg-late");
        // Telegraf writes a batch of lines per Kafka record.
        EndToEnd.produceRaw(
                broker.bootstrapServers(),
                inputTopic,
                0,
                String.join("\n", input).getBytes(StandardCharsets.UTF_8));

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, EndToEnd.miniCluster());
        TsaggJob.build(env, JobConfig.parse(args.toArray(new String[0])));
        env.execute("readme-worked-example");

        assertThat(values("rollups-series")).containsExactlyInAnyOrderElementsOf(expectedJson);
        assertThat(values("rollups-region")).containsExactlyInAnyOrderElementsOf(expectedLines);
        assertThat(EndToEnd.read(broker.bootstrapServers(), "tsagg-dlq")).isEmpty();
        assertThat(EndToEnd.read(broker.bootstrapServers(), "tsagg-late")).isEmpty();
    }

    private static List<String> values(String topic) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EndToEnd.read(broker.bootstrapServers(), topic)) {
            out.add(EndToEnd.utf8(r.value()));
        }
        return out;
    }
}

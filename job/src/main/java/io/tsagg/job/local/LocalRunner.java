package io.tsagg.job.local;

import io.tsagg.job.TsaggJob;
import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.config.RollupSpec;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.LineProtocolProducer;
import io.tsagg.job.generate.SampleGenerator;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code ./tsagg local}: the whole pipeline on one machine with nothing installed. Starts a real
 * Kafka broker in a child JVM, creates the topics, produces generated samples as binary frames (or
 * line protocol with {@code --format ilp}), runs the job bounded on a Flink MiniCluster, reads the
 * results back read_committed, prints a summary and stops everything (also on Ctrl-C).
 *
 * <p>Arguments: {@code --samples N} (2,000,000), {@code --series N} (1,000), {@code --partitions N}
 * (2), {@code --samples-per-record N} (1,000), {@code --seed N} (42), {@code --results FILE}, plus
 * any job argument ({@code --window 30s}, {@code --parallelism 2}, ...); Kafka and topic arguments
 * are filled in.
 */
public final class LocalRunner {
    // A result is JSON ("count":3, "window_start":ms) or a line-protocol line
    // (<field>_count=3 ... <window start in ns>); the summary reads either.
    private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)|_count=(\\d+)");
    private static final Pattern WINDOW = Pattern.compile("\"window_start\":(-?\\d+)| (-?\\d+)$");

    private LocalRunner() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        long samples = 2_000_000;
        int series = 1_000;
        int partitions = 2;
        int samplesPerRecord = 1_000;
        long seed = 42;
        Path resultsFile = Paths.get("job/target/tsagg-local/results.jsonl");
        List<String> jobArgs = new ArrayList<>();
        JobConfig jobConfig;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help":
                    case "-h":
                        out.print(usage());
                        return;
                    case "--samples":
                        samples = parseLong(a, value(args, ++i, a), 1);
                        break;
                    case "--series":
                        series = (int) parseLong(a, value(args, ++i, a), 1);
                        break;
                    case "--partitions":
                        partitions = (int) parseLong(a, value(args, ++i, a), 1);
                        break;
                    case "--samples-per-record":
                        samplesPerRecord = (int) parseLong(a, value(args, ++i, a), 1);
                        break;
                    case "--seed":
                        seed = parseLong(a, value(args, ++i, a), Long.MIN_VALUE);
                        break;
                    case "--results":
                        resultsFile = Paths.get(value(args, ++i, a));
                        break;
                    default:
                        jobArgs.add(a);
                }
            }
            // Validate the job arguments before starting anything.
            jobConfig = JobConfig.parse(withTopics(jobArgs, "127.0.0.1:1"));
        } catch (ArgumentException e) {
            System.err.println("tsagg local: " + e.getMessage());
            System.err.println("Run ./tsagg local --help to see the arguments.");
            System.exit(2);
            return;
        }

        out.println("tsagg local: starting a Kafka broker (KRaft, child JVM on loopback)...");
        try (KafkaBroker broker = KafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            out.println("  broker at " + bootstrap + ", log " + broker.logFile());
            broker.createTopics(partitions, "tsagg-input");
            broker.createTopics(1, "tsagg-results", "tsagg-dlq", "tsagg-late");
            for (RollupSpec r : jobConfig.rollups()) {
                if (!r.isDefault()) {
                    broker.createTopics(1, r.outputTopic());
                    out.println("  topic " + r.outputTopic() + " for rollup " + r.name());
                }
            }
            out.printf(
                    "  topics: tsagg-input (%d partitions), tsagg-results, tsagg-dlq, tsagg-late%n",
                    partitions);

            SampleGenerator generator = SampleGenerator.standard(samples, series, seed);
            boolean ilp = "ilp".equals(jobConfig.format());
            out.printf(
                    "Producing %,d samples of %,d series as %s of %,d samples"
                            + " (out of order by up to %d ms)...%n",
                    samples,
                    series,
                    ilp ? "line-protocol records" : "frames",
                    samplesPerRecord,
                    generator.maxDisorderMs());
            long records =
                    ilp
                            ? LineProtocolProducer.produce(
                                    generator,
                                    bootstrap,
                                    new Properties(),
                                    "tsagg-input",
                                    partitions,
                                    samplesPerRecord,
                                    jobConfig.ilpPrecision(),
                                    out)
                            : FrameProducer.produce(
                                    generator,
                                    bootstrap,
                                    new Properties(),
                                    "tsagg-input",
                                    partitions,
                                    samplesPerRecord,
                                    out);
            out.printf("  %,d Kafka records%n", records);

            List<String> argsWithKafka = new ArrayList<>(jobArgs);
            if (!jobArgs.contains("--checkpoint-interval")) {
                argsWithKafka.add("--checkpoint-interval");
                argsWithKafka.add("2s");
            }
            JobConfig config = JobConfig.parse(withTopics(argsWithKafka, bootstrap));
            out.println("Running the job on a Flink MiniCluster (bounded)...");
            int parallelism =
                    config.parallelism() != null
                            ? config.parallelism()
                            : Math.min(2, Runtime.getRuntime().availableProcessors());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            parallelism, miniClusterConfiguration());
            TsaggJob.build(env, config);
            JobExecutionResult result = env.execute(TsaggJob.jobName(config));
            double seconds = result.getNetRuntime() / 1000.0;

            List<ConsumerRecord<byte[], byte[]>> results =
                    TopicReader.readCommitted(bootstrap, new Properties(), "tsagg-results");
            long dead = TopicReader.readCommitted(bootstrap, new Properties(), "tsagg-dlq").size();
            long late = TopicReader.readCommitted(bootstrap, new Properties(), "tsagg-late").size();
            summarize(out, results, samples, seconds, dead, late, resultsFile);
        }
        out.println("Stopped the broker and removed its files.");
    }

    private static void summarize(
            PrintStream out,
            List<ConsumerRecord<byte[], byte[]>> results,
            long produced,
            double seconds,
            long dead,
            long late,
            Path resultsFile)
            throws Exception {
        Set<String> keys = new HashSet<>();
        Set<Long> windows = new HashSet<>();
        long counted = 0;
        Files.createDirectories(resultsFile.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(resultsFile, StandardCharsets.UTF_8)) {
            for (ConsumerRecord<byte[], byte[]> r : results) {
                String json = new String(r.value(), StandardCharsets.UTF_8);
                w.write(json);
                w.newLine();
                keys.add(new String(r.key(), StandardCharsets.UTF_8));
                Matcher c = COUNT.matcher(json);
                if (c.find()) {
                    counted += Long.parseLong(c.group(1) != null ? c.group(1) : c.group(2));
                }
                Matcher s = WINDOW.matcher(json);
                if (s.find()) {
                    windows.add(
                            s.group(1) != null
                                    ? Long.parseLong(s.group(1))
                                    : Long.parseLong(s.group(2)) / 1_000_000L);
                }
            }
        }
        out.println();
        out.println("Results (read_committed from tsagg-results):");
        out.printf("  %-28s %,d%n", "windows", windows.size());
        out.printf("  %-28s %,d%n", "group keys", keys.size());
        out.printf("  %-28s %,d%n", "samples produced", produced);
        out.printf("  %-28s %,d%n", "samples counted in results", counted);
        out.printf("  %-28s %,d%n", "window results", results.size());
        out.printf("  %-28s %,d%n", "dead letters / late samples", dead + late);
        out.printf("  %-28s %.1f s%n", "job run time", seconds);
        out.printf(
                "  %-28s %,.0f (including job start-up)%n",
                "samples/s", produced / Math.max(seconds, 1e-3));
        out.println();
        out.println("Example rows:");
        for (int i = 0; i < Math.min(5, results.size()); i++) {
            out.println("  " + new String(results.get(i).value(), StandardCharsets.UTF_8));
        }
        out.println();
        out.println("All results: " + resultsFile.toAbsolutePath());
        if (counted != produced) {
            out.println(
                    "WARNING: the results count "
                            + counted
                            + " samples, but "
                            + produced
                            + " were produced (late samples: "
                            + late
                            + ")");
        }
    }

    /** A MiniCluster sized for a laptop: all slots in one TaskManager, modest memory. */
    static Configuration miniClusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return conf;
    }

    private static String[] withTopics(List<String> jobArgs, String bootstrap) {
        List<String> all = new ArrayList<>(jobArgs);
        all.add("--bootstrap-servers");
        all.add(bootstrap);
        all.add("--input-topic");
        all.add("tsagg-input");
        all.add("--output-topic");
        all.add("tsagg-results");
        all.add("--dlq-topic");
        all.add("tsagg-dlq");
        all.add("--late-topic");
        all.add("tsagg-late");
        all.add("--bounded");
        all.add("--starting-offsets");
        all.add("earliest");
        return all.toArray(new String[0]);
    }

    private static String value(String[] args, int i, String name) throws ArgumentException {
        if (i >= args.length) {
            throw new ArgumentException("argument " + name + " needs a value");
        }
        return args[i];
    }

    private static long parseLong(String name, String v, long min) throws ArgumentException {
        try {
            long n = Long.parseLong(v.replace("_", "").replace(",", ""));
            if (n < min) {
                throw new ArgumentException(name + " must be >= " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ArgumentException(name + " needs a whole number, got '" + v + "'");
        }
    }

    private static String usage() {
        return "Usage: ./tsagg local [options] [job arguments]\n\n"
                + "Starts a Kafka broker and a Flink MiniCluster, produces generated samples,\n"
                + "runs the job over them (bounded), prints the results and cleans up.\n\n"
                + "  --samples N             samples to generate (default 2000000)\n"
                + "  --series N              distinct series (default 1000)\n"
                + "  --partitions N          partitions of the input topic (default 2)\n"
                + "  --samples-per-record N  samples per Kafka record (frame, or lines with\n"
                + "                          --format ilp) (default 1000)\n"
                + "  --seed N                generator seed (default 42)\n"
                + "  --results FILE          where to write all results as JSON lines\n"
                + "                          (default job/target/tsagg-local/results.jsonl)\n\n"
                + "Job arguments such as --window 30s, --slide 10s, --out-of-orderness 5s,\n"
                + "--parallelism 2 are passed to the job; Kafka addresses and topics are set.\n";
    }
}

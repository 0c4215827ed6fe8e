package io.tsagg.bench.profile;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.tsagg.job.TsaggJob;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.LineProtocolProducer;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.job.local.KafkaBroker;
import io.tsagg.serde.ilp.TimestampPrecision;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./tsagg profile}: runs the job under load and reports what it costs in memory. Starts a
 * local broker, produces generated samples, runs tsagg on a MiniCluster in this JVM ({@code
 * --bounded}) and samples, every {@code --interval-ms}: samples in (the source's counter), bytes
 * allocated by every thread of the JVM (thread allocation counters, from job submission on), GC
 * pauses (GC notifications), and the window state's managed memory: pool pages in use, high-water
 * mark and budget of every operator with a pool (window operator and pre-aggregator), and state
 * bytes. Writes {@code profile.md} (summary and time series), {@code profile.json} and charts
 * ({@code managed-memory.png}, {@code allocation.png}) to {@code --out} (default {@code
 * bench/results/<date>/profile}).
 */
public final class ProfileMain {

    /** Sizes and settings; every one is a command-line option. */
    static final class Settings {
        long samples = 5_000_000;
        int series = 10_000;
        String format = "frame";
        int parallelism = 2;
        String managedMemory = "256m";
        long intervalMs = 250;
        boolean preAggregate = true;
        long seed = 42;
        Path out = Path.of("bench/results", LocalDate.now().toString(), "profile");

        static Settings parse(String[] args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help")) {
                    System.out.print(usage());
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value\n" + usage());
                }
                String v = args[++i];
                switch (a) {
                    case "--samples":
                        s.samples = Long.parseLong(v);
                        break;
                    case "--series":
                        s.series = Integer.parseInt(v);
                        break;
                    case "--format":
                        if (!v.equals("frame") && !v.equals("ilp")) {
                            throw new IllegalArgumentException("--format is frame or ilp");
                        }
                        s.format = v;
                        break;
                    case "--parallelism":
                        s.parallelism = Integer.parseInt(v);
                        break;
                    case "--managed-memory":
                        MemorySize.parse(v);
                        s.managedMemory = v;
                        break;
                    case "--interval-ms":
                        s.intervalMs = Long.parseLong(v);
                        break;
                    case "--pre-aggregate":
                        s.preAggregate = Boolean.parseBoolean(v);
                        break;
                    case "--seed":
                        s.seed = Long.parseLong(v);
                        break;
                    case "--out":
                        s.out = Path.of(v);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                }
            }
            return s;
        }

        static String usage() {
            return "Usage: ./tsagg profile [options]\n"
                    + "  --samples N          samples to produce and roll up (default 5000000)\n"
                    + "  --series N           distinct series (default 10000)\n"
                    + "  --format F           frame or ilp (one sample per record) (default frame)\n"
                    + "  --parallelism N      job parallelism (default 2)\n"
                    + "  --managed-memory S   TaskManager managed memory (default 256m)\n"
                    + "  --pre-aggregate B    two-phase aggregation (default true)\n"
                    + "  --interval-ms N      sampling interval (default 250)\n"
                    + "  --seed N             generator seed (default 42)\n"
                    + "  --out DIR            report directory (default"
                    + " bench/results/<date>/profile)\n";
        }
    }

    /** One sample of the time series. */
    static final class Point {
        double seconds;
        long samplesIn;
        long allocatedBytes;
        long gcCount;
        long gcPauseMillis;
        long poolBytesInUse;
        long poolBytesHighWater;
        long poolBytesBudget;
        long stateBytes;
        long liveEntries;
    }

    private ProfileMain() {}

    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        ProfileReport report = run(s);
        System.out.println(report.summary());
        System.out.println("Report: " + s.out.resolve("profile.md"));
        // Kafka and Flink leave non-daemon threads behind now and then; the report is written.
        System.exit(0);
    }

    static ProfileReport run(Settings s) throws Exception {
        Path out = Files.createDirectories(s.out.toAbsolutePath());
        SampleGenerator generator = SampleGenerator.standard(s.samples, s.series, s.seed);
        Path checkpoints = Files.createTempDirectory("tsagg-profile-checkpoints-");
        try (KafkaBroker broker =
                KafkaBroker.start(
                        KafkaBroker.Options.defaults()
                                .withHeap("-Xmx1g")
                                .withLogFile(out.resolve("broker.log")))) {
            broker.createTopics(s.parallelism, "profile-in");
            broker.createTopics(1, "profile-out", "profile-dlq", "profile-late");
            log("producing " + s.samples + " samples of " + s.series + " series as " + s.format);
            if (s.format.equals("frame")) {
                FrameProducer.produce(
                        generator,
                        broker.bootstrapServers(),
                        new Properties(),
                        "profile-in",
                        s.parallelism,
                        1_000,
                        null);
            } else {
                LineProtocolProducer.produce(
                        generator,
                        broker.bootstrapServers(),
                        new Properties(),
                        "profile-in",
                        s.parallelism,
                        1,
                        TimestampPrecision.NANOSECONDS,
                        null);
            }
            JobConfig config =
                    JobConfig.parse(
                            "--bootstrap-servers",
                            broker.bootstrapServers(),
                            "--input-topic",
                            "profile-in",
                            "--output-topic",
                            "profile-out",
                            "--dlq-topic",
                            "profile-dlq",
                            "--late-topic",
                            "profile-late",
                            "--format",
                            s.format,
                            "--window",
                            "10s",
                            "--checkpoint-interval",
                            "5s",
                            "--starting-offsets",
                            "earliest",
                            "--bounded",
                            "--parallelism",
                            Integer.toString(s.parallelism),
                            "--pre-aggregate",
                            Boolean.toString(s.preAggregate),
                            "--group-id",
                            "tsagg-profile");
            Configuration conf = new Configuration();
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(s.managedMemory));
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
            conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
            conf.setString(
                    "metrics.reporter.profile.factory.class",
                    ProfileReporter.Factory.class.getName());
            ProfileReporter.clear();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(s.parallelism, conf);
            TsaggJob.build(env, config);

            Probe probe = new Probe();
            List<Point> points = new ArrayList<>();
            log("running the job, sampling every " + s.intervalMs + " ms");
            JobClient client = env.executeAsync("tsagg profile");
            long started = System.nanoTime();
            while (true) {
                boolean done = client.getJobExecutionResult().isDone();
                points.add(probe.sample((System.nanoTime() - started) / 1e9));
                if (done) {
                    break;
                }
                Thread.sleep(s.intervalMs);
            }
            JobExecutionResult result = client.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            log("job finished in " + result.getNetRuntime() + " ms");
            probe.close();
            ProfileReport report = new ProfileReport(s, points, probe.pauses);
            report.write(out);
            return report;
        } finally {
            try (Stream<Path> files = Files.walk(checkpoints)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Thread allocation counters and GC notifications since it was made. */
    static final class Probe implements AutoCloseable {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> lastAllocated = new HashMap<>();
        private long allocated;
        final List<long[]> pauses = new ArrayList<>();
        private final AtomicLong gcCount = new AtomicLong();
        private final AtomicLong gcMillis = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener =
                (notification, handback) -> {
                    if (!notification
                            .getType()
                            .equals(
                                    GarbageCollectionNotificationInfo
                                            .GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from(
                                    (CompositeData) notification.getUserData());
                    long ms = info.getGcInfo().getDuration();
                    gcCount.incrementAndGet();
                    gcMillis.addAndGet(ms);
                    synchronized (pauses) {
                        pauses.add(new long[] {info.getGcInfo().getStartTime(), ms});
                    }
                };

        Probe() {
            threads.setThreadAllocatedMemoryEnabled(true);
            // What threads allocated before the job does not count.
            long[] ids = threads.getAllThreadIds();
            long[] bytes = threads.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                lastAllocated.put(ids[i], Math.max(0, bytes[i]));
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter) {
                    ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
                    emitters.add((NotificationEmitter) gc);
                }
            }
        }

        Point sample(double seconds) {
            long[] ids = threads.getAllThreadIds();
            long[] bytes = threads.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] < 0) {
                    continue;
                }
                Long before = lastAllocated.put(ids[i], bytes[i]);
                allocated += bytes[i] - (before == null ? 0 : before);
            }
            Point p = new Point();
            p.seconds = seconds;
            p.samplesIn = ProfileReporter.counterSum("samplesIn");
            p.allocatedBytes = allocated;
            p.gcCount = gcCount.get();
            p.gcPauseMillis = gcMillis.get();
            p.poolBytesInUse = ProfileReporter.poolBytes("poolPagesInUse");
            p.poolBytesHighWater = ProfileReporter.poolBytes("poolPagesHighWater");
            p.poolBytesBudget = ProfileReporter.poolBytes("poolPagesBudget");
            p.stateBytes = ProfileReporter.gaugeSum("stateBytes");
            p.liveEntries = ProfileReporter.gaugeSum("liveEntries");
            return p;
        }

        @Override
        public void close() throws Exception {
            for (NotificationEmitter e : emitters) {
                e.removeNotificationListener(listener);
            }
        }
    }

    static void log(String line) {
        System.err.println("[profile] " + line);
    }

    static void writeString(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}

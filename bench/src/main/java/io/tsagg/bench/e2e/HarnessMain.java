package io.tsagg.bench.e2e;

import io.tsagg.job.generate.FrameProducer;
import io.tsagg.job.generate.LineProtocolProducer;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.job.local.KafkaBroker;
import io.tsagg.job.local.TopicReader;
import io.tsagg.serde.ilp.TimestampPrecision;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./tsagg bench}: the end-to-end comparison. Starts one local Kafka broker, produces the
 * same generated samples twice (binary frames, and line protocol with one sample per record), then
 * runs every contender ({@link Contender}) one after another, each in its own JVM with the same
 * parallelism, {@code --runs} times round robin, checks every job's results against an independent
 * computation ({@link ResultCheck}) and writes a report ({@link HarnessReport}): {@code report.md},
 * {@code results.json} and PNG charts in {@code --out} (default {@code bench/results/<date>}).
 *
 * <p>Measured per run (by {@link RunProbe} inside the contender JVM): samples/s from the first
 * input record reaching a Kafka consumer to the last result record handed to the Kafka producer
 * (for the raw consumer: to the last record touched); process CPU seconds and GC time over that
 * interval; peak RSS ({@code VmHWM}) of the contender JVM. The report gives the median of the runs.
 */
public final class HarnessMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FRAMES_TOPIC = "bench-frames";
    static final String ILP_TOPIC = "bench-ilp";

    /** Sizes and settings; every one is a command-line option. */
    static final class Settings {
        /**
         * 20 M: with 5 M a run of the faster contenders lasts a few seconds, most of it before C2
         * has compiled the hot path (tsagg on frames: 1.15 M samples/s and 1.39 CPU s per M at 5 M,
         * 2.0 M/s and 0.72 at 20 M; the DataStream job 0.46 M/s and 3.99 at 5 M, 0.52 M/s and 2.43
         * at 20 M), so it measured warm-up more than the jobs.
         */
        long samples = 20_000_000;

        int series = 10_000;
        int partitions = 2;
        int parallelism = 2;
        int runs = 3;

        /**
         * Reads of the topic per contender JVM, one job after another. The first runs while the JIT
         * compilers work through Kafka's, Flink's and the job's code (in a 20 s run of tsagg they
         * took about 40% of its CPU, bench/results/2026-12-06/e2e-session8); the last is what a job
         * that has been running for a while does. The report leads with the last and shows the
         * first beside it.
         */
        int passes = 2;

        long windowMs = 10_000;
        long outOfOrdernessMs = 5_000;
        long checkpointMs = 5_000;
        int samplesPerFrame = 1_000;
        long seed = 42;
        String childHeap = "2g";
        List<String> childJvmOptions = List.of();
        List<Contender> contenders = List.of(Contender.values());
        Path out = Path.of("bench/results", LocalDate.now().toString());
        String command = "";

        static Settings parse(String[] args) {
            Settings s = new Settings();
            StringBuilder cmd = new StringBuilder("./tsagg bench");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    System.out.print(usage());
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value; --help lists options");
                }
                String v = args[++i];
                cmd.append(' ').append(a).append(' ').append(v);
                switch (a) {
                    case "--samples":
                        s.samples = Long.parseLong(v.replace("_", ""));
                        break;
                    case "--series":
                        s.series = Integer.parseInt(v.replace("_", ""));
                        break;
                    case "--partitions":
                        s.partitions = Integer.parseInt(v);
                        break;
                    case "--parallelism":
                        s.parallelism = Integer.parseInt(v);
                        break;
                    case "--runs":
                        s.runs = Integer.parseInt(v);
                        break;
                    case "--passes":
                        s.passes = Integer.parseInt(v);
                        break;
                    case "--window-seconds":
                        s.windowMs = Long.parseLong(v) * 1000;
                        break;
                    case "--checkpoint-seconds":
                        s.checkpointMs = Long.parseLong(v) * 1000;
                        break;
                    case "--samples-per-frame":
                        s.samplesPerFrame = Integer.parseInt(v);
                        break;
                    case "--seed":
                        s.seed = Long.parseLong(v);
                        break;
                    case "--child-heap":
                        s.childHeap = v;
                        break;
                    case "--child-jvm-options":
                        s.childJvmOptions = List.of(v.trim().split("\\s+"));
                        break;
                    case "--contenders":
                        List<Contender> list = new ArrayList<>();
                        for (String id : v.split(",")) {
                            list.add(Contender.byId(id.trim()));
                        }
                        s.contenders = list;
                        break;
                    case "--out":
                        s.out = Path.of(v);
                        break;
                    default:
                        throw new IllegalArgumentException(
                                "unknown option " + a + "; --help lists options");
                }
            }
            if (s.samples < 1 || s.series < 1 || s.runs < 1 || s.passes < 1 || s.parallelism < 1) {
                throw new IllegalArgumentException(
                        "--samples, --series, --runs, --passes and --parallelism must be >= 1");
            }
            s.command = cmd.toString();
            return s;
        }

        static String usage() {
            StringBuilder ids = new StringBuilder();
            for (Contender c : Contender.values()) {
                ids.append(ids.length() == 0 ? "" : ",").append(c.id);
            }
            return "Usage: ./tsagg bench [options]\n"
                    + "  --samples N            samples per topic (default 20000000)\n"
                    + "  --series N             distinct series (default 10000)\n"
                    + "  --partitions N         input partitions (default 2)\n"
                    + "  --parallelism N        parallelism of every contender (default 2)\n"
                    + "  --runs N               runs per contender; the report gives medians"
                    + " (default 3)\n"
                    + "  --passes N             reads of the topic per contender JVM, one job after"
                    + " another;\n"
                    + "                         the first is cold (JIT compiling), the report leads"
                    + " with the last\n"
                    + "                         (default 2)\n"
                    + "  --window-seconds N     tumbling window (default 10)\n"
                    + "  --checkpoint-seconds N checkpoint interval of the Flink jobs (default 5)\n"
                    + "  --samples-per-frame N  samples per binary frame record (default 1000)\n"
                    + "  --child-heap SIZE      -Xmx of each contender JVM (default 2g)\n"
                    + "  --child-jvm-options S  more JVM options for each contender JVM, after the defaults\n"
                    + "                         (--add-modules=jdk.incubator.vector -XX:+UseParallelGC\n"
                    + "                         -Xmx<heap>, on Linux -XX:+UseTransparentHugePages)\n"
                    + "  --contenders LIST      subset of "
                    + ids
                    + "\n"
                    + "  --out DIR              report directory (default bench/results/<date>)\n"
                    + "  --seed N               generator seed (default 42)\n"
                    + "  --redraw-charts DIR    only draw the charts again from DIR/results.json\n";
        }
    }

    /** One contender run, as measured. */
    static final class Run {
        Contender contender;
        int run;

        /** Which read of the topic in the contender's JVM: 1 is the cold one. */
        int pass;

        long samples;
        double samplesPerSecond;
        double cpuSecondsPerMillion;
        long peakRssBytes;
        long gcMillis;
        double startupSeconds;
        double wallSeconds;
        long recordsIn;
        long results;
        ResultCheck.Outcome check;
    }

    private HarnessMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--redraw-charts")) {
            HarnessReport.redrawCharts(Path.of(args[1]));
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tsagg bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        HarnessReport report = run(settings);
        System.out.println(report.markdownTable());
        System.out.println("Report: " + settings.out.resolve("report.md"));
        if (!report.allCorrect()) {
            System.err.println("tsagg bench: some results were wrong; see the report");
            System.exit(1);
        }
    }

    /** Runs the whole comparison and writes the report. */
    static HarnessReport run(Settings s) throws Exception {
        Path out = s.out.toAbsolutePath();
        Path logs = Files.createDirectories(out.resolve("logs"));
        Path log4j = logs.resolve("log4j2-contender.properties");
        try (InputStream in =
                HarnessMain.class.getResourceAsStream("log4j2-contender.properties")) {
            Files.copy(in, log4j, StandardCopyOption.REPLACE_EXISTING);
        }
        String loadBefore = load();
        log("load before: " + loadBefore);
        SampleGenerator generator = SampleGenerator.standard(s.samples, s.series, s.seed);
        List<Run> runs = new ArrayList<>();
        long frameRecords;
        long ilpRecords;
        try (KafkaBroker broker =
                KafkaBroker.start(
                        KafkaBroker.Options.defaults()
                                .withHeap("-Xmx1g")
                                .withLogFile(logs.resolve("broker.log")))) {
            broker.createTopics(s.partitions, FRAMES_TOPIC, ILP_TOPIC);
            log("producing " + s.samples + " samples of " + s.series + " series twice");
            frameRecords =
                    FrameProducer.produce(
                            generator,
                            broker.bootstrapServers(),
                            new Properties(),
                            FRAMES_TOPIC,
                            s.partitions,
                            s.samplesPerFrame,
                            null);
            ilpRecords =
                    LineProtocolProducer.produce(
                            generator,
                            broker.bootstrapServers(),
                            new Properties(),
                            ILP_TOPIC,
                            s.partitions,
                            1,
                            TimestampPrecision.NANOSECONDS,
                            null);
            log(frameRecords + " frame records, " + ilpRecords + " line-protocol records");
            Map<String, ResultCheck.Window> reference =
                    ResultCheck.reference(generator, s.windowMs);
            for (int r = 1; r <= s.runs; r++) {
                for (Contender c : s.contenders) {
                    long expectRecords = "frame".equals(c.input) ? frameRecords : ilpRecords;
                    for (Run run : runOne(s, broker, c, r, logs, log4j, reference)) {
                        if (run.recordsIn != expectRecords) {
                            run.check.fail(
                                    "consumed "
                                            + run.recordsIn
                                            + " records, expected "
                                            + expectRecords);
                        }
                        runs.add(run);
                        log(
                                String.format(
                                        Locale.ROOT,
                                        "run %d pass %d %-20s %,12.0f samples/s  %6.2f CPU s/M"
                                                + "  %5d MiB  %s",
                                        r,
                                        run.pass,
                                        c.id,
                                        run.samplesPerSecond,
                                        run.cpuSecondsPerMillion,
                                        run.peakRssBytes >> 20,
                                        run.check.summary()));
                    }
                }
            }
        }
        String loadAfter = load();
        log("load after: " + loadAfter);
        HarnessReport report =
                new HarnessReport(s, runs, loadBefore, loadAfter, frameRecords, ilpRecords);
        report.write(out);
        return report;
    }

    /**
     * The JVM flags every contender gets, ours and the baselines alike: the Vector API module, the
     * parallel collector, the heap, transparent huge pages for the heap on Linux (fewer TLB misses
     * on a heap the size of the working set: on our 2-vCPU VM 16-25% less CPU per sample for tsagg,
     * 11-14% for the DataStream job, see bench/results/2026-12-06/huge-pages), then {@code
     * --child-jvm-options} (where {@code -XX:-UseTransparentHugePages} turns them off again).
     */
    static List<String> contenderJvmFlags(Settings s) {
        List<String> flags = new ArrayList<>();
        flags.add("--add-modules=jdk.incubator.vector");
        flags.add("-XX:+UseParallelGC");
        flags.add("-Xmx" + s.childHeap);
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            flags.add("-XX:+UseTransparentHugePages");
        }
        flags.addAll(s.childJvmOptions);
        return flags;
    }

    /** One contender JVM: its {@code --passes} reads of the topic, as measured and checked. */
    private static List<Run> runOne(
            Settings s,
            KafkaBroker broker,
            Contender c,
            int r,
            Path logs,
            Path log4j,
            Map<String, ResultCheck.Window> reference)
            throws Exception {
        String runId = c.id + "-" + r + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
        String output = "out-" + runId;
        if (!c.isRaw()) {
            for (int pass = 1; pass <= s.passes; pass++) {
                String topic = ContenderMain.outputTopic(output, pass);
                broker.createTopics(1, topic, topic + "-dlq", topic + "-late");
            }
        }
        Path reportFile = logs.resolve(c.id + "-" + r + ".json");
        Files.deleteIfExists(reportFile);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(contenderJvmFlags(s));
        cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        cmd.add("-Dtsagg.log.file=" + logs.resolve(c.id + "-" + r + ".log"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ContenderMain.class.getName());
        String input = "frame".equals(c.input) ? FRAMES_TOPIC : ILP_TOPIC;
        String[] args = {
            "--contender", c.id,
            "--bootstrap-servers", broker.bootstrapServers(),
            "--input-topic", input,
            "--output-topic", output,
            "--run-id", runId,
            "--parallelism", Integer.toString(s.parallelism),
            "--window-ms", Long.toString(s.windowMs),
            "--out-of-orderness-ms", Long.toString(s.outOfOrdernessMs),
            "--checkpoint-ms", Long.toString(s.checkpointMs),
            "--passes", Integer.toString(s.passes),
            "--report", reportFile.toString()
        };
        cmd.addAll(List.of(args));
        File console = logs.resolve(c.id + "-" + r + ".out").toFile();
        Process p =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console).start();
        long peakSeen = -1;
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
            peakSeen = Math.max(peakSeen, RunProbe.peakRssBytes(status));
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        c.id + " ran longer than 15 minutes; see " + console);
            }
        }
        if (p.exitValue() != 0 || !Files.exists(reportFile)) {
            throw new IllegalStateException(
                    c.id + " failed (exit " + p.exitValue() + "); see " + console);
        }
        List<Run> passes = new ArrayList<>();
        for (String line : Files.readAllLines(reportFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                passes.add(measured(s, broker, c, r, JSON.readTree(line), peakSeen, reference));
            }
        }
        if (passes.size() != s.passes) {
            throw new IllegalStateException(
                    c.id
                            + " reported "
                            + passes.size()
                            + " of "
                            + s.passes
                            + " passes; see "
                            + console);
        }
        return passes;
    }

    /** One pass as its contender reported it, with its results checked. */
    private static Run measured(
            Settings s,
            KafkaBroker broker,
            Contender c,
            int r,
            JsonNode j,
            long peakSeen,
            Map<String, ResultCheck.Window> reference)
            throws Exception {
        Run run = new Run();
        run.contender = c;
        run.run = r;
        run.pass = j.get("pass").asInt();
        run.recordsIn = j.get("recordsIn").asLong();
        run.results = j.get("resultsOut").asLong();
        run.samples = c.isRaw() ? j.get("samplesCounted").asLong() : s.samples;
        double seconds = j.get("measuredNanos").asLong() / 1e9;
        run.samplesPerSecond = seconds > 0 ? run.samples / seconds : 0;
        run.cpuSecondsPerMillion = j.get("cpuNanos").asLong() / 1e9 / (run.samples / 1e6);
        run.gcMillis = j.get("gcMillis").asLong();
        // VmHWM from the JVM's start to the end of this pass; the harness's own watch, which
        // covers every pass, counts for the last.
        long reported = j.get("peakRssBytes").asLong();
        run.peakRssBytes = run.pass == s.passes ? Math.max(peakSeen, reported) : reported;
        run.startupSeconds = j.get("startupNanos").asLong() / 1e9;
        run.wallSeconds = j.get("wallNanos").asLong() / 1e9;
        if (c.isRaw()) {
            run.check = new ResultCheck.Outcome();
            run.check.expectedWindows = 0;
            if (run.samples != s.samples) {
                run.check.fail("counted " + run.samples + " samples, expected " + s.samples);
            }
        } else {
            run.check =
                    ResultCheck.check(
                            reference,
                            TopicReader.readCommitted(
                                    broker.bootstrapServers(),
                                    new Properties(),
                                    j.get("outputTopic").asText()));
        }
        return run;
    }

    /** {@code /proc/loadavg}: the 1, 5 and 15 minute load averages. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static void log(String line) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + line);
    }
}

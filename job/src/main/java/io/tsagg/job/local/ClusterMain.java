package io.tsagg.job.local;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.generate.GeneratorMain;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code ./tsagg cluster ...}: a Flink standalone cluster ({@link StandaloneCluster}) and a Kafka
 * broker ({@link KafkaBrokerMain} in a detached JVM) on this machine, driven by separate
 * invocations. State lives in files in the working directory ({@code job/target/tsagg-cluster}):
 * {@code cluster.properties} for Flink, {@code broker.properties} for Kafka.
 */
public final class ClusterMain {
    static final String INPUT_TOPIC = "tsagg-input";
    static final String OUTPUT_TOPIC = "tsagg-results";
    static final String DLQ_TOPIC = "tsagg-dlq";
    static final String LATE_TOPIC = "tsagg-late";
    private static final String BROKER_STATE = "broker.properties";
    private static final String BROKER_CLASS = KafkaBrokerMain.class.getName();

    private static final String USAGE =
            String.join(
                    "\n",
                    "Usage: ./tsagg cluster <command> [options]",
                    "",
                    "  start [--taskmanagers N] [--slots N] [--tm-memory SIZE] [--partitions N]",
                    "        [--no-broker] [-D key=value ...]",
                    "        Start a Kafka broker (topics tsagg-input with N partitions (default 4),",
                    "        tsagg-results, tsagg-dlq, tsagg-late), a Flink JobManager and N",
                    "        TaskManagers (default 2 x 2 slots, 1280m each) as JVMs on loopback.",
                    "  submit [--jar JAR] [--savepoint PATH] [job arguments]",
                    "        flink run -d the shaded job jar (default job/target/tsagg-job-*.jar);",
                    "        Kafka address and topics default to the local broker's.",
                    "  produce [generator options]",
                    "        Run the generator against the local broker (tsagg-input) until",
                    "        Ctrl-C or --samples N; --rate N samples/s (default 10000).",
                    "  results [--limit N]",
                    "        Print committed results (read_committed) from tsagg-results.",
                    "  savepoint JOB_ID [--stop]   Take a savepoint (and stop the job); print path.",
                    "  cancel JOB_ID               Cancel a job.",
                    "  kill-taskmanager I          SIGKILL TaskManager I (0-based).",
                    "  start-taskmanager I         Start TaskManager I again.",
                    "  status                      Processes, REST URL, broker, jobs.",
                    "  stop                        Stop TaskManagers, JobManager and broker.",
                    "",
                    "Working directory: job/target/tsagg-cluster (conf/, log/, savepoints/, ...).");

    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.println(USAGE);
            return;
        }
        StandaloneCluster.Options options = StandaloneCluster.Options.defaults();
        Path workDir = options.workDir().toAbsolutePath();
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try {
            switch (args[0]) {
                case "start":
                    start(options, rest, out);
                    break;
                case "submit":
                    submit(workDir, rest, out);
                    break;
                case "produce":
                    produce(workDir, rest);
                    break;
                case "results":
                    results(workDir, rest, out);
                    break;
                case "savepoint":
                    savepoint(workDir, rest, out);
                    break;
                case "cancel":
                    running(workDir).cancel(one(rest, "a job id"));
                    out.println("Cancelling " + rest.get(0));
                    break;
                case "kill-taskmanager":
                    {
                        StandaloneCluster c = running(workDir);
                        c.killTaskManager(index(rest, c));
                    }
                    out.println("Killed TaskManager " + rest.get(0));
                    break;
                case "start-taskmanager":
                    {
                        StandaloneCluster c = running(workDir);
                        c.startTaskManager(index(rest, c));
                    }
                    out.println("Started TaskManager " + rest.get(0));
                    break;
                case "status":
                    status(workDir, out);
                    break;
                case "stop":
                    stop(workDir, out);
                    break;
                default:
                    throw new ArgumentException("unknown command '" + args[0] + "'");
            }
        } catch (ArgumentException e) {
            System.err.println("tsagg cluster: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("tsagg cluster: " + e.getMessage());
            System.exit(1);
        }
    }

    // ---------------------------------------------------------------- commands

    private static void start(StandaloneCluster.Options options, List<String> args, PrintStream out)
            throws Exception {
        int taskManagers = 2;
        int slots = 2;
        int partitions = 4;
        boolean broker = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--taskmanagers":
                    taskManagers = positive(a, value(args, ++i, a));
                    break;
                case "--slots":
                    slots = positive(a, value(args, ++i, a));
                    break;
                case "--tm-memory":
                    options = options.withTaskManagerMemory(value(args, ++i, a));
                    break;
                case "--partitions":
                    partitions = positive(a, value(args, ++i, a));
                    break;
                case "--no-broker":
                    broker = false;
                    break;
                case "-D":
                    options = withConfig(options, value(args, ++i, a));
                    break;
                default:
                    if (a.startsWith("-D") && a.length() > 2) {
                        options = withConfig(options, a.substring(2));
                        break;
                    }
                    throw new ArgumentException("unknown option '" + a + "' for start");
            }
        }
        Path workDir = options.workDir().toAbsolutePath();
        if (brokerRunning(workDir).isPresent()) {
            throw new IOException("A broker from " + workDir + " still runs; run stop first");
        }
        long t0 = System.nanoTime();
        out.printf(
                "Starting a Flink standalone cluster (1 JobManager, %d TaskManagers x %d slots)...%n",
                taskManagers, slots);
        StandaloneCluster cluster =
                StandaloneCluster.start(options.withTaskManagers(taskManagers, slots).detached());
        out.printf("  up in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, cluster);
        if (broker) {
            out.println("Starting a Kafka broker...");
            try {
                String bootstrap = startBroker(workDir, partitions);
                out.println("  bootstrap.servers=" + bootstrap);
            } catch (IOException e) {
                cluster.close();
                throw e;
            }
        }
        out.println();
        out.println("Flink REST API: " + cluster.restUrl() + "   logs: " + cluster.logDir());
        out.println("Next: ./tsagg cluster submit [job arguments]; ./tsagg cluster produce;");
        out.println("      ./tsagg cluster results; ./tsagg cluster status; ./tsagg cluster stop");
    }

    private static void submit(Path workDir, List<String> args, PrintStream out) throws Exception {
        StandaloneCluster cluster = running(workDir);
        Path jar = null;
        String savepoint = null;
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--jar")) {
                jar = Path.of(value(args, ++i, a));
            } else if (a.equals("--savepoint")) {
                savepoint = value(args, ++i, a);
            } else {
                jobArgs.add(a);
            }
        }
        if (jar == null) {
            jar = defaultJar(workDir);
        }
        Optional<String> bootstrap = brokerRunning(workDir);
        List<String> full = withLocalDefaults(jobArgs, bootstrap.orElse(null));
        JobConfig.parse(full.toArray(new String[0])); // Refuse bad arguments before the cluster.
        long t0 = System.nanoTime();
        String jobId = cluster.submit(jar, full, savepoint);
        out.printf(
                "Submitted %s as job %s in %.1f s%n  %s/#/job/running/%s%n  arguments: %s%n",
                jar.getFileName(),
                jobId,
                (System.nanoTime() - t0) / 1e9,
                cluster.restUrl(),
                jobId,
                String.join(" ", full));
    }

    /** Fills in the local broker and the default topics unless the arguments name them. */
    static List<String> withLocalDefaults(List<String> jobArgs, String bootstrap)
            throws ArgumentException {
        List<String> full = new ArrayList<>(jobArgs);
        addIfAbsent(full, "--bootstrap-servers", bootstrap);
        addIfAbsent(full, "--input-topic", INPUT_TOPIC);
        addIfAbsent(full, "--output-topic", OUTPUT_TOPIC);
        addIfAbsent(full, "--dlq-topic", DLQ_TOPIC);
        addIfAbsent(full, "--late-topic", LATE_TOPIC);
        if (!has(full, "--bootstrap-servers")) {
            throw new ArgumentException(
                    "no local broker runs; give --bootstrap-servers or start with the broker");
        }
        return full;
    }

    private static void addIfAbsent(List<String> args, String name, String value) {
        if (value != null && !has(args, name)) {
            args.add(name);
            args.add(value);
        }
    }

    private static boolean has(List<String> args, String name) {
        return args.stream().anyMatch(a -> a.equals(name) || a.startsWith(name + "="));
    }

    private static void produce(Path workDir, List<String> args) throws Exception {
        List<String> full = new ArrayList<>(args);
        if (!has(full, "--bootstrap-servers")) {
            String bootstrap =
                    brokerRunning(workDir)
                            .orElseThrow(
                                    () ->
                                            new ArgumentException(
                                                    "no local broker runs; give"
                                                            + " --bootstrap-servers"));
            full.add("--bootstrap-servers");
            full.add(bootstrap);
        }
        if (!has(full, "--topic")) {
            full.add("--topic");
            full.add(INPUT_TOPIC);
        }
        GeneratorMain.main(full.toArray(new String[0]));
    }

    private static void results(Path workDir, List<String> args, PrintStream out) throws Exception {
        int limit = 20;
        String topic = OUTPUT_TOPIC;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--limit")) {
                limit = positive(a, value(args, ++i, a));
            } else if (a.equals("--topic")) {
                topic = value(args, ++i, a);
            } else {
                throw new ArgumentException("unknown option '" + a + "' for results");
            }
        }
        String bootstrap =
                brokerRunning(workDir).orElseThrow(() -> new IOException("no local broker runs"));
        List<ConsumerRecord<byte[], byte[]>> records =
                TopicReader.readCommitted(bootstrap, new Properties(), topic);
        int from = Math.max(0, records.size() - limit);
        for (ConsumerRecord<byte[], byte[]> r : records.subList(from, records.size())) {
            out.println(new String(r.value(), StandardCharsets.UTF_8));
        }
        out.printf(
                "(%,d committed records in %s, the last %d shown)%n",
                records.size(), topic, records.size() - from);
    }

    private static void savepoint(Path workDir, List<String> args, PrintStream out)
            throws Exception {
        if (args.isEmpty()) {
            throw new ArgumentException("savepoint needs a job id");
        }
        boolean stop = args.contains("--stop");
        StandaloneCluster cluster = running(workDir);
        long t0 = System.nanoTime();
        String location =
                stop ? cluster.stopWithSavepoint(args.get(0)) : cluster.savepoint(args.get(0));
        out.printf("Savepoint (%.1f s): %s%n", (System.nanoTime() - t0) / 1e9, location);
        out.println("Resume: ./tsagg cluster submit --savepoint " + location + " [job arguments]");
    }

    private static void status(Path workDir, PrintStream out) throws IOException {
        Optional<StandaloneCluster> cluster = StandaloneCluster.attachIfRunning(workDir);
        if (cluster.isEmpty()) {
            out.println("Flink cluster: not running (" + workDir + ")");
        } else {
            StandaloneCluster c = cluster.get();
            out.println("Flink cluster: running, REST " + c.restUrl());
            out.printf("  JobManager      pid %d%n", c.jobManagerPid());
            for (int i = 0; i < c.taskManagerCount(); i++) {
                out.printf(
                        "  TaskManager %d   pid %s (%d slots)%n",
                        i,
                        c.isTaskManagerRunning(i)
                                ? Long.toString(c.taskManagerPid(i))
                                : "-- not running",
                        c.slotsPerTaskManager());
            }
            out.println("  logs: " + c.logDir());
            try {
                List<StandaloneCluster.JobInfo> jobs = c.jobs();
                out.println("Jobs: " + (jobs.isEmpty() ? "none" : ""));
                for (StandaloneCluster.JobInfo job : jobs) {
                    out.printf("  %s  %-10s %s%n", job.id(), job.state(), job.name());
                }
            } catch (IOException e) {
                out.println("Jobs: REST API does not answer: " + e.getMessage());
            }
        }
        Optional<String> bootstrap = brokerRunning(workDir);
        out.println(
                "Kafka broker: "
                        + bootstrap
                                .map(
                                        b ->
                                                "running, bootstrap.servers="
                                                        + b
                                                        + ", pids "
                                                        + brokerPids(workDir))
                                .orElse("not running"));
    }

    private static void stop(Path workDir, PrintStream out) throws IOException {
        Optional<StandaloneCluster> cluster = StandaloneCluster.attachIfRunning(workDir);
        if (cluster.isPresent()) {
            List<Long> pids = cluster.get().pids();
            cluster.get().close();
            out.println("Stopped the Flink cluster (pids " + pids + ")");
        } else if (Files.exists(workDir.resolve("cluster.properties"))) {
            // The JobManager is gone; TaskManagers may still run.
            StandaloneCluster.attach(workDir).close();
            out.println("Flink cluster: JobManager was not running; stopped what was left");
        } else {
            out.println("Flink cluster: not running");
        }
        List<Long> brokerPids = brokerPids(workDir);
        if (!brokerPids.isEmpty()) {
            stopBroker(workDir);
            out.println("Stopped the Kafka broker (pids " + brokerPids + ")");
        }
    }

    // ---------------------------------------------------------------- broker

    /**
     * Starts {@link KafkaBrokerMain} in its own session (it outlives this JVM), waits for its
     * {@code bootstrap.servers=} line and records its pids in {@code broker.properties}.
     */
    static String startBroker(Path workDir, int partitions) throws IOException {
        Path log = workDir.resolve("log");
        Files.createDirectories(log);
        Path out = log.resolve("broker-main.out");
        String cp = System.getProperty("java.class.path");
        String kafkaCp = System.getProperty("tsagg.kafka.classpath", cp);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.addAll(
                List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m",
                        "-Dtsagg.kafka.classpath=" + kafkaCp,
                        "-Dlog4j2.configurationFile="
                                + System.getProperty(
                                        "log4j2.configurationFile",
                                        "job/conf/log4j2-local.properties"),
                        "-Dtsagg.log.file=" + log.resolve("broker-main.log"),
                        "-cp",
                        cp,
                        BROKER_CLASS,
                        "--ignore-stdin",
                        "--work-dir",
                        workDir.resolve("kafka").toString(),
                        "--topics",
                        String.join(",", INPUT_TOPIC, OUTPUT_TOPIC, DLQ_TOPIC, LATE_TOPIC),
                        "--partitions",
                        Integer.toString(partitions)));
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            Optional<String> line =
                    Files.readAllLines(out).stream()
                            .filter(l -> l.startsWith("bootstrap.servers="))
                            .findFirst();
            if (line.isPresent()) {
                String bootstrap = line.get().substring("bootstrap.servers=".length());
                Properties state = new Properties();
                state.setProperty("bootstrap.servers", bootstrap);
                state.setProperty("main.pid", Long.toString(p.pid()));
                state.setProperty(
                        "broker.pids",
                        p.descendants()
                                .map(h -> Long.toString(h.pid()))
                                .collect(Collectors.joining(",")));
                try (Writer w =
                        Files.newBufferedWriter(
                                workDir.resolve(BROKER_STATE), StandardCharsets.UTF_8)) {
                    state.store(w, "tsagg local Kafka broker");
                }
                return bootstrap;
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException(
                        "Kafka broker did not start; " + out + ":\n" + KafkaBroker.tail(out, 40));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the broker");
            }
        }
    }

    /** The broker's bootstrap servers if its launcher still runs. */
    static Optional<String> brokerRunning(Path workDir) throws IOException {
        Properties state = brokerState(workDir);
        if (state == null) {
            return Optional.empty();
        }
        Optional<ProcessHandle> main =
                live(Long.parseLong(state.getProperty("main.pid", "-1")), BROKER_CLASS);
        return main.isPresent()
                ? Optional.of(state.getProperty("bootstrap.servers"))
                : Optional.empty();
    }

    /** Pids of the launcher and broker JVMs that still run. */
    static List<Long> brokerPids(Path workDir) {
        try {
            Properties state = brokerState(workDir);
            if (state == null) {
                return List.of();
            }
            List<Long> pids = new ArrayList<>();
            live(Long.parseLong(state.getProperty("main.pid", "-1")), BROKER_CLASS)
                    .ifPresent(h -> pids.add(h.pid()));
            for (String pid : state.getProperty("broker.pids", "").split(",")) {
                if (!pid.isBlank()) {
                    live(Long.parseLong(pid), "kafka").ifPresent(h -> pids.add(h.pid()));
                }
            }
            return pids;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** SIGTERM to the launcher (its hook stops the broker), SIGKILL to leftovers after 30 s. */
    static void stopBroker(Path workDir) throws IOException {
        Properties state = brokerState(workDir);
        if (state == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        live(Long.parseLong(state.getProperty("main.pid", "-1")), BROKER_CLASS).ifPresent(all::add);
        for (String pid : state.getProperty("broker.pids", "").split(",")) {
            if (!pid.isBlank()) {
                live(Long.parseLong(pid), "kafka").ifPresent(all::add);
            }
        }
        if (!all.isEmpty()) {
            all.get(0).destroy();
        }
        for (ProcessHandle p : all) {
            if (!StandaloneCluster.awaitExit(p, Duration.ofSeconds(30))) {
                p.destroyForcibly();
                StandaloneCluster.awaitExit(p, Duration.ofSeconds(10));
            }
        }
    }

    private static Properties brokerState(Path workDir) throws IOException {
        Path file = workDir.resolve(BROKER_STATE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties state = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            state.load(in);
        }
        return state;
    }

    private static Optional<ProcessHandle> live(long pid, String commandPart) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> StandaloneCluster.commandLine(h).contains(commandPart));
    }

    // ---------------------------------------------------------------- helpers

    private static StandaloneCluster running(Path workDir) throws IOException {
        return StandaloneCluster.attachIfRunning(workDir)
                .orElseThrow(
                        () ->
                                new IOException(
                                        "no cluster runs from "
                                                + workDir
                                                + "; ./tsagg cluster start first"));
    }

    private static Path defaultJar(Path workDir) throws IOException {
        Path target = workDir.getParent();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(
                            p -> {
                                String n = p.getFileName().toString();
                                return n.startsWith("tsagg-job-") && n.endsWith(".jar");
                            })
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IOException(
                                            "no shaded job jar in "
                                                    + target
                                                    + "; build with ./tsagg build"));
        }
    }

    private static StandaloneCluster.Options withConfig(
            StandaloneCluster.Options options, String keyValue) throws ArgumentException {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new ArgumentException("-D needs key=value, got '" + keyValue + "'");
        }
        return options.withConfig(keyValue.substring(0, eq), keyValue.substring(eq + 1));
    }

    private static String one(List<String> args, String what) throws ArgumentException {
        if (args.size() != 1) {
            throw new ArgumentException("expected " + what + ", got " + args);
        }
        return args.get(0);
    }

    private static int index(List<String> args, StandaloneCluster cluster)
            throws ArgumentException {
        String text = one(args, "a TaskManager index");
        try {
            int i = Integer.parseInt(text);
            if (i >= 0 && i < cluster.taskManagerCount()) {
                return i;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new ArgumentException(
                "a TaskManager index is 0.."
                        + (cluster.taskManagerCount() - 1)
                        + ", got '"
                        + text
                        + "'");
    }

    private static String value(List<String> args, int i, String name) throws ArgumentException {
        if (i >= args.size()) {
            throw new ArgumentException(name + " needs a value");
        }
        return args.get(i);
    }

    private static int positive(String name, String text) throws ArgumentException {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new ArgumentException(name + " must be a positive integer, got '" + text + "'");
    }
}

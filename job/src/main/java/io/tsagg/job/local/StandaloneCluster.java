package io.tsagg.job.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A Flink standalone session cluster on loopback, one JVM per process, assembled from Flink's Maven
 * artifacts: the jars in {@code job/target/flink-dist/lib} (copied by the {@code flink-dist-lib}
 * execution of job/pom.xml), a generated {@code conf/config.yaml} and {@code log4j.properties}, a
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and N TaskManagers ({@code
 * TaskManagerRunner}) started the way Flink's {@code bin/jobmanager.sh} and {@code
 * bin/taskmanager.sh} start them: JVM memory flags and dynamic memory configuration from {@code
 * BashJavaUtils GET_JM_RESOURCE_PARAMS} / {@code GET_TM_RESOURCE_PARAMS}, then {@code
 * env.java.default-opts.all}, {@code env.java.opts.all} (holding {@code --add-modules
 * jdk.incubator.vector}) and the per-role options, {@code -Dlog.file}, the lib classpath.
 *
 * <p>Jobs are submitted like {@code flink run -d}: {@code CliFrontend} in a child JVM with the same
 * lib and conf, given the shaded job jar. Savepoints, cancellation and job status go through the
 * REST API.
 *
 * <p>Everything lives in the working directory: {@code conf/}, {@code log/} (one {@code .log} and
 * {@code .out} per process), {@code tmp/}, {@code checkpoints/}, {@code savepoints/} and {@code
 * cluster.properties}, the state (ports, pids, JVM flags) that lets {@link #attach(Path)} take over
 * a cluster from another JVM, e.g. a later {@code ./tsagg cluster} invocation. Pids are only
 * trusted while the process's command line still names the Flink entrypoint.
 *
 * <p>Lifecycle: {@link #start(Options)} returns once every TaskManager has registered. Unless
 * {@link Options#detached()}, a shutdown hook stops the processes when this JVM exits; {@link
 * #close()} stops them ({@code SIGTERM}, {@code SIGKILL} after 15 s) and removes the hook. For
 * failure tests, {@link #killTaskManager(int)} sends {@code SIGKILL} and {@link
 * #startTaskManager(int)} starts the TaskManager again.
 *
 * <p>Threads: lifecycle methods are serialised on this object; accessors are thread-safe.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(StandaloneCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String JOB_MANAGER_CLASS =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASK_MANAGER_CLASS =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    public static final String CLI_CLASS = "org.apache.flink.client.cli.CliFrontend";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** What Flink's own config.yaml puts into {@code env.java.opts.all} for Java 17. */
    static final String JDK17_OPTS =
            String.join(
                    " ",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** Our addition to {@code env.java.opts.all}: the Vector API for the window kernels. */
    public static final String VECTOR_OPTS = "--add-modules jdk.incubator.vector";

    /**
     * Our {@code env.java.opts.taskmanager} on Linux (the flag exists only there): transparent huge
     * pages for the heap, fewer TLB misses on the parser's series cache and Kafka's buffers
     * (bench/results/2026-12-06/huge-pages). A {@code config} entry of the options replaces it.
     */
    public static final String TASK_MANAGER_OPTS = "-XX:+UseTransparentHugePages";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(3);
    private static final long POLL_MILLIS = 200;
    private static final int LOG_TAIL_LINES = 40;
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");
    private static final String STATE_FILE = "cluster.properties";
    private static final String SEP = "\u001f";

    // ---------------------------------------------------------------- layout

    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final Path libDir;
    private final String java;
    private final String classpath;
    private final boolean detached;

    // ---------------------------------------------------------------- state (saved in STATE_FILE)

    private final int restPort;
    private final int slots;
    private final List<String> jobManagerCommand;
    private final List<String> taskManagerCommand;
    private volatile ProcessHandle jobManager;
    private final ProcessHandle[] taskManagers;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread shutdownHook = new Thread(this::close, "tsagg-cluster-shutdown");
    private volatile boolean closed;
    private int submissions;

    private StandaloneCluster(
            Path workDir,
            Path libDir,
            String java,
            boolean detached,
            int restPort,
            int slots,
            int taskManagerCount,
            List<String> jobManagerCommand,
            List<String> taskManagerCommand) {
        this.workDir = workDir.toAbsolutePath();
        this.confDir = this.workDir.resolve("conf");
        this.logDir = this.workDir.resolve("log");
        this.libDir = libDir.toAbsolutePath();
        this.java = java;
        this.classpath = libClasspath(this.libDir);
        this.detached = detached;
        this.restPort = restPort;
        this.slots = slots;
        this.jobManagerCommand = List.copyOf(jobManagerCommand);
        this.taskManagerCommand = List.copyOf(taskManagerCommand);
        this.taskManagers = new ProcessHandle[taskManagerCount];
    }

    // ---------------------------------------------------------------- start, attach

    /**
     * Writes the configuration into a fresh working directory (an old one is deleted, unless its
     * cluster still runs), computes the JVM flags with {@code BashJavaUtils}, starts the JobManager
     * and the TaskManagers and waits until all TaskManagers registered.
     */
    public static StandaloneCluster start(Options options) throws IOException {
        Path workDir = options.workDir.toAbsolutePath();
        if (Files.exists(workDir.resolve(STATE_FILE))) {
            Optional<StandaloneCluster> old = attachIfRunning(workDir);
            if (old.isPresent()) {
                throw new IOException(
                        "A cluster from "
                                + workDir
                                + " still runs (REST "
                                + old.get().restUrl()
                                + "); stop it first");
            }
        }
        Path libDir = options.libDir.toAbsolutePath();
        if (!Files.isRegularFile(
                libDir.resolve("flink-runtime-" + flinkVersion(libDir) + ".jar"))) {
            throw new IOException(
                    "No Flink distribution in "
                            + libDir
                            + "; build it with: mvn -B -o -q -pl job -am package -DskipTests");
        }
        FileTrees.delete(workDir);
        for (String dir : List.of("conf", "log", "tmp", "checkpoints", "savepoints")) {
            Files.createDirectories(workDir.resolve(dir));
        }
        int[] ports = freePorts(3);
        Map<String, String> config = configuration(options, workDir, ports);
        writeConfig(workDir.resolve("conf"), config);

        String cp = libClasspath(libDir);
        Path conf = workDir.resolve("conf");
        // Both computations take a JVM start; run them side by side.
        BashJavaUtilsCall jm =
                BashJavaUtilsCall.launch(options.java, cp, conf, "GET_JM_RESOURCE_PARAMS");
        BashJavaUtilsCall tm =
                BashJavaUtilsCall.launch(options.java, cp, conf, "GET_TM_RESOURCE_PARAMS");
        List<String> jmResult = jm.await();
        List<String> tmResult = tm.await();

        List<String> jmCommand = new ArrayList<>();
        jmCommand.add(options.java);
        jmCommand.addAll(tokens(jmResult.get(0)));
        jmCommand.addAll(javaOpts(config, "jobmanager"));
        jmCommand.add("-Dlog.file=" + workDir.resolve("log/jobmanager.log"));
        jmCommand.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        jmCommand.add("-classpath");
        jmCommand.add(cp);
        jmCommand.add(JOB_MANAGER_CLASS);
        jmCommand.add("--configDir");
        jmCommand.add(conf.toString());
        if (jmResult.size() > 1) {
            jmCommand.addAll(tokens(jmResult.get(1)));
        }

        List<String> tmCommand = new ArrayList<>();
        tmCommand.add(options.java);
        tmCommand.addAll(tokens(tmResult.get(0)));
        tmCommand.addAll(javaOpts(config, "taskmanager"));
        tmCommand.add("-Dlog.file=" + workDir.resolve("log/taskmanager-{i}.log"));
        tmCommand.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        tmCommand.add("-classpath");
        tmCommand.add(cp);
        tmCommand.add(TASK_MANAGER_CLASS);
        tmCommand.add("--configDir");
        tmCommand.add(conf.toString());
        tmCommand.addAll(tokens(tmResult.get(1)));
        tmCommand.add("-Dtaskmanager.resource-id=tm-{i}");

        StandaloneCluster cluster =
                new StandaloneCluster(
                        workDir,
                        libDir,
                        options.java,
                        options.detached,
                        ports[0],
                        options.slots,
                        options.taskManagers,
                        jmCommand,
                        tmCommand);
        try {
            if (!options.detached) {
                Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            }
            cluster.launchJobManager();
            for (int i = 0; i < options.taskManagers; i++) {
                cluster.startTaskManager(i);
            }
            cluster.awaitTaskManagers(options.taskManagers, options.startupTimeout);
            LOG.info("Flink standalone cluster up: {}", cluster);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Takes over the cluster described by {@code workDir/cluster.properties}, as written by {@link
     * #start}. The processes are not stopped when this JVM exits.
     *
     * @throws IOException if there is no state file
     */
    public static StandaloneCluster attach(Path workDir) throws IOException {
        Path file = workDir.toAbsolutePath().resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("No cluster state in " + file + "; start a cluster first");
        }
        Properties state = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            state.load(in);
        }
        int count = Integer.parseInt(state.getProperty("taskmanagers"));
        StandaloneCluster cluster =
                new StandaloneCluster(
                        workDir,
                        Path.of(state.getProperty("lib")),
                        state.getProperty("java"),
                        true,
                        Integer.parseInt(state.getProperty("rest.port")),
                        Integer.parseInt(state.getProperty("slots")),
                        count,
                        split(state.getProperty("jobmanager.command")),
                        split(state.getProperty("taskmanager.command")));
        cluster.jobManager = liveHandle(state.getProperty("jobmanager.pid"), JOB_MANAGER_CLASS);
        for (int i = 0; i < count; i++) {
            cluster.taskManagers[i] =
                    liveHandle(state.getProperty("taskmanager." + i + ".pid"), TASK_MANAGER_CLASS);
        }
        return cluster;
    }

    /** {@link #attach} if the state file exists and its JobManager still runs. */
    public static Optional<StandaloneCluster> attachIfRunning(Path workDir) throws IOException {
        if (!Files.isRegularFile(workDir.resolve(STATE_FILE))) {
            return Optional.empty();
        }
        StandaloneCluster cluster = attach(workDir);
        return cluster.isJobManagerRunning() ? Optional.of(cluster) : Optional.empty();
    }

    // ---------------------------------------------------------------- accessors

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public Path workDir() {
        return workDir;
    }

    public Path confDir() {
        return confDir;
    }

    public Path logDir() {
        return logDir;
    }

    public Path savepointDir() {
        return workDir.resolve("savepoints");
    }

    public int taskManagerCount() {
        return taskManagers.length;
    }

    public int slotsPerTaskManager() {
        return slots;
    }

    /** Command line of the JobManager JVM, as started. */
    public List<String> jobManagerCommand() {
        return jobManagerCommand;
    }

    /** Command line of TaskManager {@code i}'s JVM. */
    public List<String> taskManagerCommand(int i) {
        return taskManagerCommand.stream()
                .map(a -> a.replace("{i}", Integer.toString(i)))
                .collect(Collectors.toList());
    }

    public long jobManagerPid() {
        ProcessHandle p = jobManager;
        return p != null ? p.pid() : -1;
    }

    /** Pid of TaskManager {@code i}, or -1 if it never ran. Still answers after it exited. */
    public long taskManagerPid(int i) {
        ProcessHandle p = taskManagers[i];
        return p != null ? p.pid() : -1;
    }

    /** Pids of every process this cluster started (running or not). */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        if (jobManager != null) {
            pids.add(jobManager.pid());
        }
        for (ProcessHandle tm : taskManagers) {
            if (tm != null) {
                pids.add(tm.pid());
            }
        }
        return pids;
    }

    public boolean isJobManagerRunning() {
        ProcessHandle p = jobManager;
        return p != null && p.isAlive();
    }

    public boolean isTaskManagerRunning(int i) {
        ProcessHandle p = taskManagers[i];
        return p != null && p.isAlive();
    }

    public Path jobManagerLog() {
        return logDir.resolve("jobmanager.log");
    }

    public Path taskManagerLog(int i) {
        return logDir.resolve("taskmanager-" + i + ".log");
    }

    @Override
    public String toString() {
        return "StandaloneCluster{rest="
                + restUrl()
                + ", jobmanager pid "
                + jobManagerPid()
                + ", taskmanagers "
                + taskManagers.length
                + " x "
                + slots
                + " slots, pids "
                + Arrays.stream(taskManagers)
                        .map(p -> p == null ? "-" : Long.toString(p.pid()))
                        .collect(Collectors.joining(","))
                + ", dir "
                + workDir
                + "}";
    }

    // ---------------------------------------------------------------- task managers

    /** Starts TaskManager {@code i} (again), e.g. after {@link #killTaskManager}. */
    public synchronized void startTaskManager(int i) throws IOException {
        checkOpen();
        if (isTaskManagerRunning(i)) {
            throw new IllegalStateException("TaskManager " + i + " runs already");
        }
        taskManagers[i] =
                launch(taskManagerCommand(i), logDir.resolve("taskmanager-" + i + ".out"));
        saveState();
        LOG.info("Started TaskManager {} (pid {})", i, taskManagers[i].pid());
    }

    /** Kills TaskManager {@code i} with {@code SIGKILL} and waits until it is gone. */
    public synchronized void killTaskManager(int i) throws IOException {
        ProcessHandle p = taskManagers[i];
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        if (!awaitExit(p, STOP_TIMEOUT)) {
            throw new IOException("TaskManager " + i + " (pid " + p.pid() + ") survived SIGKILL");
        }
        LOG.info("Killed TaskManager {} (pid {})", i, p.pid());
    }

    /** Waits until the JobManager reports {@code count} registered TaskManagers. */
    public void awaitTaskManagers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            checkProcesses();
            try {
                JsonNode overview = get("/overview");
                int registered = overview.path("taskmanagers").asInt();
                if (registered == count) {
                    return;
                }
                last = registered + " TaskManagers registered";
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "Cluster not ready after "
                                + timeout
                                + ": "
                                + last
                                + "\n--- "
                                + jobManagerLog()
                                + ":\n"
                                + KafkaBroker.tail(jobManagerLog(), LOG_TAIL_LINES));
            }
            sleep();
        }
    }

    // ---------------------------------------------------------------- jobs

    /** Submits like {@code flink run -d jar args}; returns the job id. */
    public String submit(Path jar, List<String> args) throws IOException {
        return submit(jar, args, null);
    }

    /**
     * Submits like {@code flink run -d [-s savepoint] jar args} with {@code CliFrontend} in a child
     * JVM on the cluster's lib and conf; returns the job id. The client's output goes to {@code
     * log/client-N.out}; a failure carries its tail.
     */
    public synchronized String submit(Path jar, List<String> args, String savepoint)
            throws IOException {
        ClientRun run = run(jar, args, savepoint);
        Matcher m = JOB_ID.matcher(run.output());
        if (run.exitCode() != 0 || !m.find()) {
            throw new IOException(
                    "flink run failed (exit "
                            + run.exitCode()
                            + "); "
                            + run.outputFile()
                            + ":\n"
                            + KafkaBroker.tail(run.outputFile(), LOG_TAIL_LINES));
        }
        LOG.info("Submitted {} as job {}", jar.getFileName(), m.group(1));
        return m.group(1);
    }

    /** What one {@code flink run} client did: exit code, output (stdout and stderr), its file. */
    public record ClientRun(int exitCode, String output, Path outputFile, Duration took) {}

    /**
     * Runs {@code flink run -d [-s savepoint] jar args} like {@link #submit} and returns what the
     * client did, whether it submitted a job or not (a job whose {@code main} refuses its arguments
     * exits with its own code).
     */
    public synchronized ClientRun run(Path jar, List<String> args, String savepoint)
            throws IOException {
        checkOpen();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("No job jar at " + jar.toAbsolutePath());
        }
        int n = ++submissions;
        Path out = logDir.resolve("client-" + n + ".out");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(tokens(javaOptsFromConf("client")));
        command.add("-Dlog.file=" + logDir.resolve("client-" + n + ".log"));
        command.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j-cli.properties"));
        command.add("-classpath");
        command.add(classpath);
        command.add(CLI_CLASS);
        command.add("run");
        command.add("-d");
        if (savepoint != null) {
            command.add("-s");
            command.add(savepoint);
        }
        command.add(jar.toAbsolutePath().toString());
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        long start = System.nanoTime();
        Process client = builder.start();
        try {
            if (!client.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                client.destroyForcibly();
                throw new IOException("flink run took longer than " + CLI_TIMEOUT + ", see " + out);
            }
        } catch (InterruptedException e) {
            client.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while submitting " + jar);
        }
        return new ClientRun(
                client.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                out,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The jobs the JobManager knows, as (id, name, state). */
    public List<JobInfo> jobs() throws IOException {
        List<JobInfo> jobs = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            jobs.add(
                    new JobInfo(
                            job.path("jid").asText(),
                            job.path("name").asText(),
                            job.path("state").asText(),
                            job.path("start-time").asLong()));
        }
        return jobs;
    }

    /** A job's state, e.g. {@code RUNNING}, {@code FINISHED}. */
    public String jobStatus(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Waits until the job reaches {@code status}; fails early if it reaches another terminal state
     * (with the job's root exception) or the timeout passes.
     */
    public void awaitJobStatus(String jobId, String status, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "unknown";
        while (true) {
            try {
                state = jobStatus(jobId);
            } catch (IOException e) {
                state = e.toString();
            }
            if (state.equals(status)) {
                return;
            }
            if (TERMINAL.contains(state) || System.nanoTime() > deadline) {
                throw new IOException(
                        "Job "
                                + jobId
                                + " is "
                                + state
                                + ", expected "
                                + status
                                + (TERMINAL.contains(state) ? "" : " within " + timeout)
                                + rootException(jobId));
            }
            sleep();
        }
    }

    /** Waits until the job runs with every task {@code RUNNING} (sources read, sinks write). */
    public void awaitAllTasksRunning(String jobId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = get("/jobs/" + jobId);
            boolean all = job.path("state").asText().equals("RUNNING");
            for (JsonNode vertex : job.path("vertices")) {
                all &= vertex.path("status").asText().equals("RUNNING");
            }
            if (all) {
                return;
            }
            if (TERMINAL.contains(job.path("state").asText()) || System.nanoTime() > deadline) {
                throw new IOException(
                        "Job "
                                + jobId
                                + " is not fully running: "
                                + job.path("state").asText()
                                + rootException(jobId));
            }
            sleep();
        }
    }

    /** Triggers a savepoint into {@link #savepointDir()} and returns its location. */
    public String savepoint(String jobId) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target-directory", savepointDir().toUri().toString());
        body.put("cancel-job", false);
        String request = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
        return awaitSavepoint(jobId, request);
    }

    /** Stops the job with a savepoint (no drain) and returns its location. */
    public String stopWithSavepoint(String jobId) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("targetDirectory", savepointDir().toUri().toString());
        body.put("drain", false);
        String request = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        return awaitSavepoint(jobId, request);
    }

    /** Asks the JobManager to cancel the job; see {@link #awaitJobStatus}. */
    public void cancel(String jobId) throws IOException {
        send(
                HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private String awaitSavepoint(String jobId, String request) throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + request);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("location")) {
                    return operation.path("location").asText();
                }
                throw new IOException(
                        "Savepoint of job " + jobId + " failed: " + operation.toPrettyString());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Savepoint of job " + jobId + " did not complete in 5 min");
            }
            sleep();
        }
    }

    private String rootException(String jobId) {
        try {
            JsonNode exceptions = get("/jobs/" + jobId + "/exceptions");
            String root = exceptions.path("root-exception").asText("");
            if (root.isEmpty() && exceptions.path("exceptionHistory").path("entries").size() > 0) {
                root =
                        exceptions
                                .path("exceptionHistory")
                                .path("entries")
                                .get(0)
                                .path("stacktrace")
                                .asText("");
            }
            return root.isEmpty() ? "" : "; root exception:\n" + root;
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- stop

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /**
     * Stops the TaskManagers and the JobManager ({@code SIGTERM}, {@code SIGKILL} after 15 s) and
     * waits until they are gone. The working directory stays (logs). Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!detached && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Shutting down, or the hook was never added.
            }
        }
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle tm : taskManagers) {
            if (tm != null) {
                all.add(tm);
            }
        }
        if (jobManager != null) {
            all.add(jobManager);
        }
        for (ProcessHandle p : all) {
            p.destroy();
        }
        for (ProcessHandle p : all) {
            if (!awaitExit(p, STOP_TIMEOUT)) {
                LOG.warn("pid {} ignored SIGTERM for {}; sending SIGKILL", p.pid(), STOP_TIMEOUT);
                p.destroyForcibly();
                awaitExit(p, STOP_TIMEOUT);
            }
        }
        try {
            saveState();
        } catch (IOException e) {
            LOG.warn("Could not update {}: {}", workDir.resolve(STATE_FILE), e.toString());
        }
        LOG.info("Flink standalone cluster stopped: {}", this);
    }

    // ---------------------------------------------------------------- processes

    private void launchJobManager() throws IOException {
        jobManager = launch(jobManagerCommand, logDir.resolve("jobmanager.out"));
        saveState();
        LOG.info("Started JobManager (pid {})", jobManager.pid());
    }

    private ProcessHandle launch(List<String> command, Path out) throws IOException {
        List<String> full = new ArrayList<>();
        // Detached clusters outlive this JVM and its terminal: own session, like a daemon.
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        Process p =
                new ProcessBuilder(full)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .directory(workDir.toFile())
                        .start();
        return p.toHandle();
    }

    private void checkProcesses() throws IOException {
        if (!isJobManagerRunning()) {
            throw new IOException(
                    "JobManager exited; "
                            + jobManagerLog()
                            + ":\n"
                            + KafkaBroker.tail(jobManagerLog(), LOG_TAIL_LINES)
                            + "\n--- jobmanager.out:\n"
                            + KafkaBroker.tail(logDir.resolve("jobmanager.out"), LOG_TAIL_LINES));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cluster is stopped");
        }
    }

    private synchronized void saveState() throws IOException {
        Properties state = new Properties();
        state.setProperty("rest.port", Integer.toString(restPort));
        state.setProperty("rest.url", restUrl());
        state.setProperty("slots", Integer.toString(slots));
        state.setProperty("taskmanagers", Integer.toString(taskManagers.length));
        state.setProperty("lib", libDir.toString());
        state.setProperty("java", java);
        state.setProperty("jobmanager.command", String.join(SEP, jobManagerCommand));
        state.setProperty("taskmanager.command", String.join(SEP, taskManagerCommand));
        if (jobManager != null) {
            state.setProperty("jobmanager.pid", Long.toString(jobManager.pid()));
        }
        for (int i = 0; i < taskManagers.length; i++) {
            if (taskManagers[i] != null) {
                state.setProperty(
                        "taskmanager." + i + ".pid", Long.toString(taskManagers[i].pid()));
            }
        }
        Path tmp = workDir.resolve(STATE_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            state.store(w, "tsagg standalone cluster");
        }
        Files.move(tmp, workDir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
    }

    private static ProcessHandle liveHandle(String pid, String mainClass) {
        if (pid == null) {
            return null;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(pid));
        if (p.isEmpty()) {
            return null;
        }
        // A reused pid belongs to someone else: only trust a process running our entrypoint.
        return commandLine(p.get()).contains(mainClass) ? p.get() : null;
    }

    /**
     * The full command line: {@code /proc/<pid>/cmdline} where it exists, because {@link
     * ProcessHandle.Info#commandLine()} is cut at 4096 characters and our classpaths are longer.
     */
    static String commandLine(ProcessHandle p) {
        Path proc = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(proc);
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | UnsupportedOperationException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /** Waits for exit even when interrupted (keeps the flag); true if the process is gone. */
    static boolean awaitExit(ProcessHandle p, Duration timeout) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (p.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    p.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException e) {
                    // Loop checks again.
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- REST

    /**
     * A GET on the JobManager's REST API, e.g. {@code /jobs/<id>/checkpoints} or {@code
     * /jobs/<id>/vertices/<vid>/subtasks/metrics?get=...}; the parsed JSON answer.
     */
    public JsonNode rest(String path) throws IOException {
        return get(path);
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET());
    }

    private JsonNode post(String path, Object body) throws IOException {
        return send(
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted: " + r.method() + " " + r.uri());
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    r.method()
                            + " "
                            + r.uri()
                            + " -> "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        String body = response.body();
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    // ---------------------------------------------------------------- configuration

    static Map<String, String> configuration(Options options, Path workDir, int[] ports) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(ports[1]));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", options.jobManagerMemory);
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(options.slots));
        c.put("taskmanager.memory.process.size", options.taskManagerMemory);
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(ports[0]));
        c.put("blob.server.port", Integer.toString(ports[2]));
        c.put("parallelism.default", "1");
        c.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        c.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                workDir.resolve("savepoints").toUri().toString());
        // Loopback: notice a killed TaskManager within seconds, not Flink's default 50 s.
        c.put("heartbeat.interval", "2000");
        c.put("heartbeat.timeout", "10000");
        c.put("env.java.default-opts.all", JDK17_OPTS);
        c.put("env.java.opts.all", VECTOR_OPTS);
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            c.put("env.java.opts.taskmanager", TASK_MANAGER_OPTS);
        }
        c.putAll(options.config);
        return c;
    }

    private static void writeConfig(Path confDir, Map<String, String> config) throws IOException {
        StringBuilder yaml =
                new StringBuilder(
                        "# Generated by tsagg StandaloneCluster; Flink 2.x reads config.yaml.\n");
        for (Map.Entry<String, String> e : config.entrySet()) {
            yaml.append(e.getKey()).append(": ").append(yamlString(e.getValue())).append('\n');
        }
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString());
        Files.writeString(confDir.resolve("log4j.properties"), log4j("${sys:log.file}"));
        Files.writeString(confDir.resolve("log4j-cli.properties"), log4j("${sys:log.file}"));
    }

    /** Single-quoted YAML scalar: no value is mistaken for a number, list or map. */
    private static String yamlString(String value) {
        if (value.matches("-?[0-9]+")) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * The "Name collision" warnings Flink 2.2 logs at every checkpoint, for gauges it registers
     * again (a message regex for log4j's {@code RegexFilter}).
     */
    static final String RERUN_COLLISIONS =
            ".*Metric with the name '(pendingCommittables|currentSendTime)'.*";

    private static String log4j(String file) {
        return String.join(
                "\n",
                "# Generated by tsagg StandaloneCluster: everything into the process's log file.",
                "monitorInterval = 30",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender",
                "appender.main.type = File",
                "appender.main.append = true",
                "appender.main.fileName = " + file,
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "logger.zookeeper.name = org.apache.zookeeper",
                "logger.zookeeper.level = WARN",
                "# Flink 2.2 registers the committers' pendingCommittables and the exactly-once"
                        + " Kafka writers' currentSendTime again at every checkpoint, with a"
                        + " warning each time; the first registration keeps reporting.",
                "logger.metriccollisions.name = org.apache.flink.metrics.MetricGroup",
                "logger.metriccollisions.level = INFO",
                "logger.metriccollisions.filter.rerun.type = RegexFilter",
                "logger.metriccollisions.filter.rerun.regex = " + RERUN_COLLISIONS,
                "logger.metriccollisions.filter.rerun.onMatch = DENY",
                "logger.metriccollisions.filter.rerun.onMismatch = NEUTRAL",
                "");
    }

    /** {@code env.java.default-opts.all}, {@code env.java.opts.all}, then the role's own. */
    private static List<String> javaOpts(Map<String, String> config, String role) {
        List<String> opts = new ArrayList<>();
        for (String key :
                List.of(
                        "env.java.default-opts.all",
                        "env.java.opts.all",
                        "env.java.default-opts." + role,
                        "env.java.opts." + role)) {
            opts.addAll(tokens(config.getOrDefault(key, "")));
        }
        return opts;
    }

    /** The client's options, read back from the written config (attached clusters). */
    private String javaOptsFromConf(String role) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        for (String line : Files.readAllLines(confDir.resolve("config.yaml"))) {
            int colon = line.indexOf(": ");
            if (line.startsWith("#") || colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2);
            if (value.startsWith("'")) {
                value = value.substring(1, value.length() - 1).replace("''", "'");
            }
            config.put(line.substring(0, colon), value);
        }
        return String.join(" ", javaOpts(config, role));
    }

    // ---------------------------------------------------------------- helpers

    private static String libClasspath(Path libDir) {
        try (Stream<Path> jars = Files.list(libDir)) {
            return jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .map(Path::toString)
                    .sorted()
                    .collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + libDir, e);
        }
    }

    private static String flinkVersion(Path libDir) throws IOException {
        if (!Files.isDirectory(libDir)) {
            return "?";
        }
        try (Stream<Path> jars = Files.list(libDir)) {
            return jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("flink-runtime-") && n.endsWith(".jar"))
                    .map(n -> n.substring("flink-runtime-".length(), n.length() - 4))
                    .findFirst()
                    .orElse("?");
        }
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.trim().split("\\s+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(SEP));
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static void sleep() throws InterruptedIOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the cluster");
        }
    }

    /** One {@code BashJavaUtils} run, as {@code bin/config.sh}'s {@code runBashJavaUtilsCmd}. */
    private static final class BashJavaUtilsCall {
        private final Process process;
        private final Path output;
        private final String command;

        private BashJavaUtilsCall(Process process, Path output, String command) {
            this.process = process;
            this.output = output;
            this.command = command;
        }

        static BashJavaUtilsCall launch(String java, String cp, Path confDir, String command)
                throws IOException {
            Path out = confDir.resolveSibling("log").resolve("bash-java-utils-" + command + ".out");
            Process p =
                    new ProcessBuilder(
                                    java,
                                    "-classpath",
                                    cp,
                                    BASH_JAVA_UTILS,
                                    command,
                                    "--configDir",
                                    confDir.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            return new BashJavaUtilsCall(p, out, command);
        }

        /** The {@code BASH_JAVA_UTILS_EXEC_RESULT:} lines, prefix removed. */
        List<String> await() throws IOException {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("BashJavaUtils " + command + " hangs, see " + output);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted in BashJavaUtils " + command);
            }
            List<String> results =
                    Files.readAllLines(output).stream()
                            .filter(l -> l.startsWith(EXEC_RESULT))
                            .map(l -> l.substring(EXEC_RESULT.length()))
                            .collect(Collectors.toList());
            if (process.exitValue() != 0 || results.isEmpty()) {
                throw new IOException(
                        "BashJavaUtils "
                                + command
                                + " failed (exit "
                                + process.exitValue()
                                + "):\n"
                                + KafkaBroker.tail(output, LOG_TAIL_LINES));
            }
            return results;
        }
    }

    /** A job as the JobManager lists it. */
    public record JobInfo(String id, String name, String state, long startTime) {}

    // ---------------------------------------------------------------- options

    /** How to start a cluster. Immutable; {@code with*} return a changed copy. */
    public static final class Options {
        private Path workDir;
        private Path libDir;
        private String java = defaultJava();
        private int taskManagers = 2;
        private int slots = 2;
        private String taskManagerMemory = "1280m";
        private String jobManagerMemory = "1024m";
        private Map<String, String> config = Map.of();
        private Duration startupTimeout = Duration.ofSeconds(90);
        private boolean detached;

        private Options() {}

        /**
         * Working dir {@code job/target/tsagg-cluster} and lib {@code job/target/flink-dist/lib}
         * (relative to the repository root, or to {@code job/} when run there; {@code
         * -Dtsagg.flink.lib} overrides the lib), 2 TaskManagers with 2 slots and 1280m each, a
         * 1024m JobManager, this JVM's {@code java}, 90 s startup timeout, not detached.
         */
        public static Options defaults() {
            Options o = new Options();
            Path target =
                    Files.isDirectory(Path.of("job"))
                            ? Path.of("job", "target")
                            : Path.of("target");
            o.workDir = target.resolve("tsagg-cluster");
            String lib = System.getProperty("tsagg.flink.lib");
            o.libDir =
                    lib != null && !lib.isBlank() ? Path.of(lib) : target.resolve("flink-dist/lib");
            return o;
        }

        private Options copy() {
            Options o = new Options();
            o.workDir = workDir;
            o.libDir = libDir;
            o.java = java;
            o.taskManagers = taskManagers;
            o.slots = slots;
            o.taskManagerMemory = taskManagerMemory;
            o.jobManagerMemory = jobManagerMemory;
            o.config = config;
            o.startupTimeout = startupTimeout;
            o.detached = detached;
            return o;
        }

        /** Cleared at start (refused while a cluster from it still runs). */
        public Options withWorkDir(Path dir) {
            Options o = copy();
            o.workDir = dir;
            return o;
        }

        /** The Flink jars: flink-runtime, flink-clients, ..., log4j. */
        public Options withLibDir(Path dir) {
            Options o = copy();
            o.libDir = dir;
            return o;
        }

        public Options withJavaExecutable(String java) {
            Options o = copy();
            o.java = java;
            return o;
        }

        public Options withTaskManagers(int count, int slotsEach) {
            if (count < 1 || slotsEach < 1) {
                throw new IllegalArgumentException(
                        "need >= 1 TaskManager and >= 1 slot, got " + count + " x " + slotsEach);
            }
            Options o = copy();
            o.taskManagers = count;
            o.slots = slotsEach;
            return o;
        }

        /** {@code taskmanager.memory.process.size}, e.g. {@code 2g}. */
        public Options withTaskManagerMemory(String processSize) {
            Options o = copy();
            o.taskManagerMemory = processSize;
            return o;
        }

        /** {@code jobmanager.memory.process.size}. */
        public Options withJobManagerMemory(String processSize) {
            Options o = copy();
            o.jobManagerMemory = processSize;
            return o;
        }

        /** A config.yaml entry; it wins over the generated ones. */
        public Options withConfig(String key, String value) {
            Map<String, String> map = new LinkedHashMap<>(config);
            map.put(key, value);
            Options o = copy();
            o.config = Map.copyOf(map);
            return o;
        }

        public Options withStartupTimeout(Duration timeout) {
            Options o = copy();
            o.startupTimeout = timeout;
            return o;
        }

        /**
         * Processes outlive this JVM (own session via {@code setsid}, no shutdown hook): for {@code
         * ./tsagg cluster start}; stop them with {@link #attach} and {@link #close}.
         */
        public Options detached() {
            Options o = copy();
            o.detached = true;
            return o;
        }

        public Path workDir() {
            return workDir;
        }

        public Path libDir() {
            return libDir;
        }

        private static String defaultJava() {
            return ProcessHandle.current()
                    .info()
                    .command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
    }
}

package io.tsagg.job.local;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM on
 * loopback, started from Kafka's own Maven artifacts ({@code kafka_2.13} and its dependencies on
 * the classpath). Used by the local runner, integration tests, the benchmark and the cluster
 * scripts; there is no Docker engine on our machines.
 *
 * <p>{@link #start(Options)} picks two free loopback ports (client listener and controller
 * listener), writes {@code server.properties} and a log4j2 configuration into the working
 * directory, formats the storage with {@code kafka.tools.StorageTool format --standalone} in a
 * first child JVM, starts {@code kafka.Kafka} in a second one and returns once an admin client's
 * {@code describeCluster()} sees the broker. The broker's log4j output, its stdout and stderr all
 * go to {@link #logFile()}; nothing reaches this JVM's console. Startup failures carry the command
 * and the last lines of that log.
 *
 * <p><b>SASL.</b> With {@link Options#withSaslUser} the broker gets a third listener, {@code
 * SASL_PLAINTEXT} on its own free port ({@link #saslBootstrapServers()}), with the mechanisms of
 * the users given: {@code PLAIN} (users in the listener's JAAS configuration) and {@code
 * SCRAM-SHA-256} / {@code SCRAM-SHA-512} (credentials written into the cluster metadata when the
 * storage is formatted, {@code StorageTool format --add-scram}, as KRaft requires). The broker
 * itself and {@link #clientProperties()} keep using the PLAINTEXT listener.
 *
 * <p>Lifecycle: {@link #kill()} ({@code SIGKILL}, data kept) and {@link #restart()} (same ports,
 * same data) exist for reliability tests. {@link #close()} stops the broker ({@code SIGTERM}, then
 * {@code SIGKILL} after 10 s) and deletes the working directory when this class created it. A JVM
 * shutdown hook registered by {@code start} closes the broker on Ctrl-C or {@code SIGTERM}; {@code
 * close} removes it. A {@code SIGKILL} of this JVM cannot be intercepted and leaves the child
 * running.
 *
 * <p>Threads: lifecycle methods ({@code kill}, {@code restart}, {@code createTopics}) are
 * serialised on this object. {@link #close()} may be called from any thread at any time, also while
 * {@code start} or {@code restart} waits for the broker, which then fail promptly. The accessors
 * are thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(KafkaBroker.class);

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final int LOG_TAIL_LINES = 50;

    /** What SASL user names and passwords may hold: nothing that needs quoting. */
    private static final Pattern SASL_NAME = Pattern.compile("[A-Za-z0-9_.@!#%+:/-]+");

    /** Picked ports can be taken by someone else before the broker binds them; retry that. */
    private static final int MAX_PORT_ATTEMPTS = 3;

    // ---------------------------------------------------------------- configuration

    private final Options options;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final Path dataDir;
    private final Path logFile;
    private final Path serverProperties;
    private final Path log4jConfig;
    private final String javaExecutable;
    private final String classpath;

    // ---------------------------------------------------------------- state

    /** Chosen in {@link #firstStart()} (again if a picked port was taken), fixed afterwards. */
    private volatile int brokerPort;

    private volatile int controllerPort;

    /** The SASL_PLAINTEXT listener's port, 0 without SASL users. */
    private volatile int saslPort;

    /** The current child: the storage formatter during start, then the broker. */
    private volatile Process child;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private KafkaBroker(Options options, Path workDir, boolean ownsWorkDir) {
        this.options = options;
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.dataDir = workDir.resolve("data");
        this.logFile =
                (options.logFile != null ? options.logFile : workDir.resolve("broker.log"))
                        .toAbsolutePath();
        this.serverProperties = workDir.resolve("server.properties");
        this.log4jConfig = workDir.resolve("log4j2.properties");
        this.javaExecutable =
                options.javaExecutable != null ? options.javaExecutable : defaultJava();
        this.classpath = options.classpath != null ? options.classpath : defaultClasspath();
        this.shutdownHook = new Thread(this::close, "tsagg-kafka-broker-shutdown");
    }

    /** Starts a broker with {@link Options#defaults()}. */
    public static KafkaBroker start() throws IOException {
        return start(Options.defaults());
    }

    /**
     * Formats a fresh data directory, starts the broker and waits until it serves requests.
     *
     * @throws IOException if formatting fails, the broker exits or is not ready within {@link
     *     Options#withStartupTimeout}; the message names the ports, the command and the log tail
     */
    public static KafkaBroker start(Options options) throws IOException {
        boolean ownsWorkDir = options.workDir == null;
        Path workDir =
                ownsWorkDir
                        ? Files.createTempDirectory("tsagg-kafka-")
                        : Files.createDirectories(options.workDir);
        KafkaBroker broker = new KafkaBroker(options, workDir.toAbsolutePath(), ownsWorkDir);
        try {
            broker.firstStart();
            return broker;
        } catch (IOException | RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- accessors

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The PLAINTEXT (client) listener port; it stays the same across {@link #restart()}. */
    public int port() {
        return brokerPort;
    }

    /**
     * {@code 127.0.0.1:<port>} of the SASL_PLAINTEXT listener.
     *
     * @throws IllegalStateException if the broker was started without {@link Options#withSaslUser}
     */
    public String saslBootstrapServers() {
        if (options.saslUsers.isEmpty()) {
            throw new IllegalStateException("the broker has no SASL listener: see withSaslUser");
        }
        return HOST + ":" + saslPort;
    }

    /** The CONTROLLER listener port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** A fresh {@code Properties} holding {@code bootstrap.servers}; add the client's own keys. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** Where the broker's log4j output, stdout and stderr go. */
    public Path logFile() {
        return logFile;
    }

    /** Holds {@code server.properties}, the log4j2 configuration and the {@code data} dir. */
    public Path workDir() {
        return workDir;
    }

    /** Process id of the broker JVM, or -1 before it started. Still answers after it exited. */
    public long pid() {
        Process p = child;
        return p != null ? p.pid() : -1;
    }

    public boolean isRunning() {
        Process p = child;
        return !closed.get() && p != null && p.isAlive();
    }

    @Override
    public String toString() {
        return "KafkaBroker{"
                + bootstrapServers()
                + ", controller="
                + HOST
                + ":"
                + controllerPort
                + ", workDir="
                + workDir
                + ", running="
                + isRunning()
                + "}";
    }

    // ---------------------------------------------------------------- topics

    /**
     * Creates the topics (replication factor 1) and waits until every partition has a leader.
     * Topics that exist already are left as they are, whatever their partition count.
     */
    public synchronized void createTopics(int partitions, String... names) throws IOException {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (names.length == 0) {
            return;
        }
        List<NewTopic> topics = new ArrayList<>(names.length);
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(
                        "topic names must be non-blank, got " + Arrays.toString(names));
            }
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        checkOpen();
        Instant deadline = Instant.now().plus(options.startupTimeout);
        try (Admin admin = Admin.create(adminProperties("tsagg-kafka-broker-topics"))) {
            CreateTopicsResult result = admin.createTopics(topics);
            for (String name : names) {
                try {
                    result.values().get(name).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IOException(
                                "Could not create topic '" + name + "' on " + bootstrapServers(),
                                e.getCause());
                    }
                }
            }
            awaitLeaders(admin, Arrays.asList(names), deadline);
        } catch (TimeoutException e) {
            throw new IOException(
                    "Creating topics "
                            + Arrays.toString(names)
                            + " on "
                            + bootstrapServers()
                            + " took longer than "
                            + options.startupTimeout,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while creating topics");
        }
    }

    private void awaitLeaders(Admin admin, Collection<String> names, Instant deadline)
            throws IOException, InterruptedException, TimeoutException {
        Throwable last = null;
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(names)
                                .allTopicNames()
                                .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                if (descriptions.values().stream().allMatch(KafkaBroker::allHaveLeaders)) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e.getCause();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException(
                        "Topics " + names + " have no leader on " + bootstrapServers(), last);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean allHaveLeaders(TopicDescription description) {
        for (TopicPartitionInfo partition : description.partitions()) {
            if (partition.leader() == null || partition.leader().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Kills the broker with {@code SIGKILL} (no controlled shutdown) and waits until it is gone.
     * The data directory stays; {@link #restart()} brings the broker back. No-op if not running.
     *
     * <p>After a kill the restarted node is only accepted once its old registration expired, {@code
     * broker.session.timeout.ms} (Kafka's default 9 s) after the last heartbeat; tests that restart
     * lower it with {@link Options#withBrokerProperty} (3000, with {@code
     * broker.heartbeat.interval.ms} 500).
     */
    public synchronized void kill() throws IOException {
        Process p = child;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        awaitExit(p, STOP_TIMEOUT);
        if (p.isAlive()) {
            throw new IOException("Kafka broker pid " + p.pid() + " survived SIGKILL");
        }
    }

    /**
     * Starts the broker again on the same ports and data directory, after stopping it (SIGTERM) if
     * it still runs, and waits until it is ready. The data is not formatted again.
     */
    public synchronized void restart() throws IOException {
        checkOpen();
        stopChild();
        launchBroker();
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /**
     * Stops the broker ({@code SIGTERM}, {@code SIGKILL} after 10 s), deletes the working directory
     * if this class created it and removes the shutdown hook. Safe to call twice and from any
     * thread; a concurrent {@code start} or {@code restart} fails promptly.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // The JVM is shutting down, or start failed before the hook was added.
            }
        }
        Process p = child;
        if (p != null) {
            p.destroy(); // Wakes a startup wait right away; it gives up the lock below.
        }
        synchronized (this) {
            stopChild();
            if (ownsWorkDir) {
                deleteRecursively(workDir);
            }
        }
        LOG.info("Kafka broker {} closed", bootstrapServers());
    }

    private void firstStart() throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        synchronized (this) {
            boolean sasl = !options.saslUsers.isEmpty();
            boolean pickPorts = options.brokerPort == 0 || options.controllerPort == 0 || sasl;
            for (int attempt = 1; ; attempt++) {
                int[] free = pickPorts ? freePorts() : new int[3];
                brokerPort = options.brokerPort != 0 ? options.brokerPort : free[0];
                controllerPort = options.controllerPort != 0 ? options.controllerPort : free[1];
                saslPort = sasl ? free[2] : 0;
                writeConfiguration();
                formatStorage();
                try {
                    launchBroker();
                    return;
                } catch (PortTakenException e) {
                    if (!pickPorts || attempt == MAX_PORT_ATTEMPTS) {
                        throw e;
                    }
                    LOG.info(
                            "{}; retrying with other ports",
                            e.getMessage().lines().findFirst().orElse(""));
                    stopChild();
                    deleteRecursively(dataDir); // Formatted for the old controller port.
                }
            }
        }
    }

    private void writeConfiguration() throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        String broker = HOST + ":" + brokerPort;
        String controller = HOST + ":" + controllerPort;
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        // Dynamic quorum, as formatted by "StorageTool format --standalone", which forbids
        // controller.quorum.voters.
        config.put("controller.quorum.bootstrap.servers", controller);
        String listeners = "PLAINTEXT://" + broker + ",CONTROLLER://" + controller;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (!options.saslUsers.isEmpty()) {
            listeners += ",SASL_PLAINTEXT://" + HOST + ":" + saslPort;
            protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
        }
        config.put("listeners", listeners);
        config.put("advertised.listeners", listeners);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", protocols);
        config.putAll(saslListenerProperties());
        config.put("log.dirs", slashes(dataDir));
        // One node: every internal topic has one replica.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        // One node: one partition each for the group and transaction coordinators' topics (the
        // default 50 makes a fresh broker slow to settle, coordinators "not available" meanwhile).
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "false");
        // Keep every record: results are timestamped at their window end, and generated or test
        // data may be older than the default 7 days (the retention check first runs after 30 s
        // and would delete results that were already read once).
        config.put("log.retention.ms", "-1");
        config.put(
                "transaction.max.timeout.ms",
                Long.toString(options.transactionMaxTimeout.toMillis()));
        config.putAll(options.brokerProperties);

        Properties properties = new Properties();
        properties.putAll(config);
        try (var out = Files.newBufferedWriter(serverProperties, StandardCharsets.UTF_8)) {
            properties.store(out, "Written by " + KafkaBroker.class.getName());
        }

        // status/dest: log4j's own warnings also end in the log file (stderr is redirected).
        // shutdownHook = disable: otherwise log4j stops before Kafka logs its shutdown.
        String log4j =
                String.join(
                        "\n",
                        "status = warn",
                        "dest = err",
                        "name = tsagg-kafka-broker",
                        "shutdownHook = disable",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = " + slashes(logFile),
                        "appender.file.append = true",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = [%d{ISO8601}] %-5p [%t] %m (%c)%n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "logger.request.name = kafka.request.logger",
                        "logger.request.level = WARN",
                        "logger.channel.name = kafka.network.RequestChannel$",
                        "logger.channel.level = WARN",
                        "");
        Files.writeString(log4jConfig, log4j, StandardCharsets.UTF_8);
    }

    /** The SASL_PLAINTEXT listener's mechanisms and JAAS configurations; empty without users. */
    private Map<String, String> saslListenerProperties() {
        Map<String, String> config = new LinkedHashMap<>();
        if (options.saslUsers.isEmpty()) {
            return config;
        }
        String prefix = "listener.name.sasl_plaintext.";
        config.put(
                prefix + "sasl.enabled.mechanisms", String.join(",", options.saslUsers.keySet()));
        for (Map.Entry<String, Map<String, String>> m : options.saslUsers.entrySet()) {
            String mechanism = m.getKey();
            StringBuilder jaas = new StringBuilder();
            if (mechanism.equals("PLAIN")) {
                jaas.append("org.apache.kafka.common.security.plain.PlainLoginModule required");
                for (Map.Entry<String, String> u : m.getValue().entrySet()) {
                    jaas.append(" user_")
                            .append(u.getKey())
                            .append("=\"")
                            .append(u.getValue())
                            .append('"');
                }
            } else {
                // SCRAM users live in the cluster metadata (formatStorage); the module has none.
                jaas.append("org.apache.kafka.common.security.scram.ScramLoginModule required");
            }
            jaas.append(';');
            config.put(
                    prefix + mechanism.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    jaas.toString());
        }
        return config;
    }

    private void formatStorage() throws IOException {
        List<String> command = javaCommand(options.heap);
        command.addAll(
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "--cluster-id",
                        Uuid.randomUuid().toString(),
                        "--config",
                        serverProperties.toString(),
                        "--standalone"));
        for (Map.Entry<String, Map<String, String>> m : options.saslUsers.entrySet()) {
            if (m.getKey().startsWith("SCRAM-")) {
                for (Map.Entry<String, String> u : m.getValue().entrySet()) {
                    command.add("--add-scram");
                    command.add(
                            m.getKey()
                                    + "=[name="
                                    + u.getKey()
                                    + ",password=\""
                                    + u.getValue()
                                    + "\"]");
                }
            }
        }
        Process p = launch(command);
        awaitExit(p, options.startupTimeout);
        if (p.isAlive() && !closed.get()) {
            // Seen once in CI on a loaded machine: the tool printed nothing for a minute. A
            // second try, accepting what the first may have written, rather than a failed start.
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(10));
            LOG.warn(
                    "Formatting Kafka storage did not finish within {}; trying once more",
                    options.startupTimeout);
            command.add("--ignore-formatted");
            p = launch(command);
            awaitExit(p, options.startupTimeout);
        }
        if (closed.get()) {
            throw new IOException("Kafka broker closed while starting");
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            throw new IOException(
                    "Formatting Kafka storage did not finish within "
                            + options.startupTimeout
                            + ", twice"
                            + describe(command));
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "Formatting Kafka storage failed with exit code "
                            + p.exitValue()
                            + describe(command));
        }
    }

    private void launchBroker() throws IOException {
        List<String> command = javaCommand(options.heap);
        command.add("kafka.Kafka");
        command.add(serverProperties.toString());
        long startNanos = System.nanoTime();
        Process p = launch(command);
        awaitReady(p, command, Instant.now().plus(options.startupTimeout));
        LOG.info(
                "Kafka broker ready at {} in {} ms (pid {}, log {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                p.pid(),
                logFile);
    }

    private List<String> javaCommand(String heap) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable);
        command.add(heap);
        command.addAll(options.jvmArgs);
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
        command.add("-cp");
        command.add(classpath);
        return command;
    }

    private Process launch(List<String> command) throws IOException {
        checkOpen();
        Files.createDirectories(logFile.getParent());
        Files.writeString(
                logFile,
                "# "
                        + Instant.now()
                        + " "
                        + KafkaBroker.class.getName()
                        + ": "
                        + abbreviated(command)
                        + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p = builder.start();
        p.getOutputStream().close();
        child = p;
        if (closed.get()) { // close() ran between checkOpen() and now, and missed this child.
            p.destroyForcibly();
            throw new IOException("Kafka broker closed while starting");
        }
        return p;
    }

    /** Waits for the port to accept connections, then for describeCluster to list a node. */
    private void awaitReady(Process p, List<String> command, Instant deadline) throws IOException {
        // Probing the socket first keeps the admin client from logging refused connections.
        while (!accepts(brokerPort)) {
            checkStarting(p, command, deadline, null);
            sleep();
        }
        Throwable last = null;
        try (Admin admin = Admin.create(adminProperties("tsagg-kafka-broker-ready"))) {
            while (true) {
                checkStarting(p, command, deadline, last);
                try {
                    Collection<Node> nodes =
                            admin.describeCluster(new DescribeClusterOptions().timeoutMs(1000))
                                    .nodes()
                                    .get(2, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e.getCause();
                } catch (TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while starting Kafka broker");
                }
                sleep();
            }
        }
    }

    private void checkStarting(Process p, List<String> command, Instant deadline, Throwable last)
            throws IOException {
        if (closed.get()) {
            throw new IOException("Kafka broker closed while starting");
        }
        if (!p.isAlive()) {
            String message =
                    "Kafka broker (PLAINTEXT "
                            + bootstrapServers()
                            + ", CONTROLLER "
                            + HOST
                            + ":"
                            + controllerPort
                            + ") exited with code "
                            + p.exitValue()
                            + " while starting"
                            + describe(command);
            if (message.contains("Address already in use")) {
                throw new PortTakenException(message);
            }
            throw new IOException(message);
        }
        if (Instant.now().isAfter(deadline)) {
            throw new IOException(
                    "Kafka broker (PLAINTEXT "
                            + bootstrapServers()
                            + ", CONTROLLER "
                            + HOST
                            + ":"
                            + controllerPort
                            + ") not ready within "
                            + options.startupTimeout
                            + (last != null ? " (last error: " + last + ")" : "")
                            + describe(command),
                    last);
        }
    }

    /** Graceful stop of the current child: SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}. */
    private void stopChild() {
        Process p = child;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        awaitExit(p, STOP_TIMEOUT);
        if (p.isAlive()) {
            LOG.warn(
                    "Kafka broker pid {} did not stop within {}; killing it",
                    p.pid(),
                    STOP_TIMEOUT);
            p.destroyForcibly();
            awaitExit(p, STOP_TIMEOUT);
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Kafka broker is closed: " + workDir);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Properties adminProperties(String clientId) {
        Properties properties = clientProperties();
        properties.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return properties;
    }

    private String describe(List<String> command) {
        return "\nCommand: "
                + abbreviated(command)
                + "\nLast lines of "
                + logFile
                + ":\n"
                + tail(logFile, LOG_TAIL_LINES);
    }

    /** The command with the classpath shortened to its entry count and passwords hidden. */
    private static String abbreviated(List<String> command) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (i > 0 && command.get(i - 1).equals("-cp")) {
                arg = "<" + arg.split(File.pathSeparator).length + " classpath entries>";
            } else if (i > 0 && command.get(i - 1).equals("--add-scram")) {
                arg = arg.replaceAll("password=\"[^\"]*\"", "password=******");
            }
            text.append(i == 0 ? "" : " ").append(arg);
        }
        return text.toString();
    }

    /** The last lines of a file, read from its end so large logs cost nothing. */
    static String tail(Path file, int lines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int chunk = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[chunk];
            in.seek(length - chunk);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 0, LOOPBACK);
                ServerSocket b = new ServerSocket(0, 0, LOOPBACK);
                ServerSocket c = new ServerSocket(0, 0, LOOPBACK)) {
            return new int[] {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits even when interrupted (cleanup must not race a dying broker); keeps the flag. */
    private static void awaitExit(Process p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        while (true) {
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep() throws InterruptedIOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while starting Kafka broker");
        }
    }

    private static long remainingMillis(Instant deadline) {
        return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    }

    private static String slashes(Path path) {
        return path.toAbsolutePath().toString().replace('\\', '/');
    }

    /** Best effort: a directory left behind is logged, not thrown. */
    private static void deleteRecursively(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }

    private static String defaultJava() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String defaultClasspath() {
        String classpath = System.getProperty("tsagg.kafka.classpath");
        return classpath != null && !classpath.isBlank()
                ? classpath
                : System.getProperty("java.class.path");
    }

    /** The broker died because a listener port was taken between picking and binding it. */
    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- options

    /**
     * How to start the broker. Immutable; {@code with*} methods return a changed copy. Every
     * setting has a default, see {@link #defaults()}.
     */
    public static final class Options {
        private Path workDir;
        private String classpath;
        private String javaExecutable;
        private String heap = "-Xmx512m";
        private List<String> jvmArgs = List.of();
        private Duration startupTimeout = Duration.ofSeconds(60);
        private Map<String, String> brokerProperties = Map.of();
        private Path logFile;
        private Duration transactionMaxTimeout = Duration.ofMinutes(15);
        private int brokerPort;
        private int controllerPort;

        /** Mechanism -> user -> password, in the order given. */
        private Map<String, Map<String, String>> saslUsers = Map.of();

        private Options() {}

        /**
         * A fresh temp dir {@code tsagg-kafka-*} (deleted on close), classpath from {@code
         * -Dtsagg.kafka.classpath} or else {@code java.class.path}, this JVM's {@code java}, {@code
         * -Xmx512m}, 60 s startup timeout, log in {@code <workDir>/broker.log}, {@code
         * transaction.max.timeout.ms} 15 min, free loopback ports.
         */
        public static Options defaults() {
            return new Options();
        }

        private Options copy() {
            Options o = new Options();
            o.workDir = workDir;
            o.classpath = classpath;
            o.javaExecutable = javaExecutable;
            o.heap = heap;
            o.jvmArgs = jvmArgs;
            o.startupTimeout = startupTimeout;
            o.brokerProperties = brokerProperties;
            o.logFile = logFile;
            o.transactionMaxTimeout = transactionMaxTimeout;
            o.brokerPort = brokerPort;
            o.controllerPort = controllerPort;
            o.saslUsers = saslUsers;
            return o;
        }

        /** Use (and keep on close) this directory; it must not hold a formatted {@code data}. */
        public Options withWorkDir(Path dir) {
            Options o = copy();
            o.workDir = dir;
            return o;
        }

        /** The broker JVM's classpath: {@code kafka_2.13}, its dependencies and log4j-core. */
        public Options withClasspath(String classpath) {
            Options o = copy();
            o.classpath = classpath;
            return o;
        }

        public Options withJavaExecutable(String java) {
            Options o = copy();
            o.javaExecutable = java;
            return o;
        }

        /** The heap flag, e.g. {@code -Xmx1g}. */
        public Options withHeap(String heap) {
            if (!heap.startsWith("-X")) {
                throw new IllegalArgumentException("heap must be a JVM flag like -Xmx1g: " + heap);
            }
            Options o = copy();
            o.heap = heap;
            return o;
        }

        /** Further flags for the broker JVM, e.g. GC settings. */
        public Options withJvmArgs(List<String> args) {
            Options o = copy();
            o.jvmArgs = List.copyOf(args);
            return o;
        }

        public Options withStartupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be > 0: " + timeout);
            }
            Options o = copy();
            o.startupTimeout = timeout;
            return o;
        }

        /** Adds a {@code server.properties} entry; it wins over the generated ones. */
        public Options withBrokerProperty(String key, String value) {
            Map<String, String> map = new LinkedHashMap<>(brokerProperties);
            map.put(key, value);
            Options o = copy();
            o.brokerProperties = Collections.unmodifiableMap(map);
            return o;
        }

        /** Adds {@code server.properties} entries; they win over the generated ones. */
        public Options withBrokerProperties(Map<String, String> properties) {
            Map<String, String> map = new LinkedHashMap<>(brokerProperties);
            map.putAll(properties);
            Options o = copy();
            o.brokerProperties = Collections.unmodifiableMap(map);
            return o;
        }

        public Options withLogFile(Path file) {
            Options o = copy();
            o.logFile = file;
            return o;
        }

        /** {@code transaction.max.timeout.ms}: the longest transaction a producer may ask for. */
        public Options withTransactionMaxTimeout(Duration timeout) {
            Options o = copy();
            o.transactionMaxTimeout = timeout;
            return o;
        }

        /** Fixed ports instead of free ones; 0 picks a free port. */
        public Options withPorts(int brokerPort, int controllerPort) {
            if (brokerPort < 0
                    || brokerPort > 65535
                    || controllerPort < 0
                    || controllerPort > 65535) {
                throw new IllegalArgumentException(
                        "ports must be in 0..65535, got " + brokerPort + ", " + controllerPort);
            }
            Options o = copy();
            o.brokerPort = brokerPort;
            o.controllerPort = controllerPort;
            return o;
        }

        /**
         * Adds a user of a SASL mechanism, {@code PLAIN}, {@code SCRAM-SHA-256} or {@code
         * SCRAM-SHA-512}, and with the first one a {@code SASL_PLAINTEXT} listener on a free port
         * ({@link KafkaBroker#saslBootstrapServers()}). User names and passwords are limited to
         * letters, digits and {@code -_.@!#%+:/}, so they need no quoting in JAAS and SCRAM
         * arguments.
         */
        public Options withSaslUser(String mechanism, String user, String password) {
            if (!List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(mechanism)) {
                throw new IllegalArgumentException(
                        "SASL mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "
                                + mechanism);
            }
            if (!SASL_NAME.matcher(user).matches() || !SASL_NAME.matcher(password).matches()) {
                throw new IllegalArgumentException(
                        "SASL user names and passwords may hold letters, digits and -_.@!#%+:/"
                                + " only (user '"
                                + user
                                + "')");
            }
            Map<String, Map<String, String>> map = new LinkedHashMap<>();
            saslUsers.forEach((k, v) -> map.put(k, new LinkedHashMap<>(v)));
            map.computeIfAbsent(mechanism, k -> new LinkedHashMap<>()).put(user, password);
            Options o = copy();
            o.saslUsers = Collections.unmodifiableMap(map);
            return o;
        }

        public Duration startupTimeout() {
            return startupTimeout;
        }
    }
}

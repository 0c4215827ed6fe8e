package io.tsagg.job.config;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.output.Stat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The job's arguments, parsed and validated before any Flink job is built: {@code --name value} for
 * each of {@link TsaggOptions#ALL}, flags without a value, {@code --rollup spec} (repeatable),
 * {@code --kafka.<property> value} passed to every Kafka client, and {@code -D key=value} (or
 * {@code -Dkey=value}) for any Flink configuration option.
 */
public final class JobConfig {
    public static final String KAFKA_PREFIX = "kafka.";

    private static final Set<String> INPUT_FORMATS = Set.of("frame", "ilp");
    private static final Set<String> ILP_PRECISIONS = Set.of("ns", "us", "ms", "s");
    static final Set<String> OUTPUT_FORMATS = Set.of("json", "ilp");
    private static final Set<String> DELIVERIES = Set.of("exactly-once", "at-least-once");

    /** Kafka client properties the job sets itself; the message says what to use instead. */
    private static final Map<String, String> RESERVED_KAFKA =
            Map.of(
                    "transaction.timeout.ms", "use --transaction-timeout",
                    "transactional.id", "the job derives transactional ids from --group-id",
                    "isolation.level", "the job reads with read_committed",
                    "group.id", "use --group-id",
                    "bootstrap.servers", "use --bootstrap-servers");

    private static final Set<String> STARTING_OFFSETS = Set.of("committed", "earliest", "latest");

    private final Configuration options;
    private final Properties kafka;
    private final Configuration flink;
    private List<RollupSpec> rollups;

    private JobConfig(Configuration options, Properties kafka, Configuration flink) {
        this.options = options;
        this.kafka = kafka;
        this.flink = flink;
    }

    /** True when the arguments ask for help. */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    public static JobConfig parse(String... args) throws ArgumentException {
        Map<String, ConfigOption<?>> known = new TreeMap<>();
        for (ConfigOption<?> o : TsaggOptions.ALL) {
            known.put(o.key(), o);
        }
        Configuration conf = new Configuration();
        Properties kafka = new Properties();
        Configuration flink = new Configuration();
        List<String> rollups = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-D")) {
                String kv = arg.length() > 2 ? arg.substring(2) : valueOf(args, ++i, arg);
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new ArgumentException(
                            "-D needs key=value (a Flink option), got '" + kv + "'");
                }
                flink.setString(kv.substring(0, eq).trim(), kv.substring(eq + 1));
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ArgumentException(
                        "unexpected argument '" + arg + "': arguments are --name value pairs");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
                if (value == null) {
                    value = valueOf(args, ++i, arg);
                }
                String property = name.substring(KAFKA_PREFIX.length());
                if (RESERVED_KAFKA.containsKey(property)) {
                    throw new ArgumentException(
                            "--kafka."
                                    + property
                                    + " is set by the job: "
                                    + RESERVED_KAFKA.get(property));
                }
                kafka.setProperty(property, value);
                continue;
            }
            if (name.equals(TsaggOptions.ROLLUP.key())) {
                rollups.add(value != null ? value : valueOf(args, ++i, arg));
                continue;
            }
            ConfigOption<?> option = known.get(name);
            if (option == null) {
                throw new ArgumentException(
                        "unknown argument --"
                                + name
                                + "; known: --"
                                + String.join(", --", known.keySet())
                                + ", --kafka.<property>, -D <flink option>=<value>");
            }
            if (TsaggOptions.FLAGS.contains(option)) {
                if (value == null
                        && i + 1 < args.length
                        && (args[i + 1].equals("true") || args[i + 1].equals("false"))) {
                    value = args[++i];
                }
                conf.setString(name, value == null ? "true" : value);
            } else {
                if (value == null) {
                    value = valueOf(args, ++i, arg);
                }
                if ((option == TsaggOptions.MAX_FUTURE_SKEW || option == TsaggOptions.KEY_REFRESH)
                        && value.equals("off")) {
                    value = "0s";
                }
                conf.setString(name, value);
            }
        }
        if (!rollups.isEmpty()) {
            conf.set(TsaggOptions.ROLLUP, rollups);
        }
        JobConfig config = new JobConfig(conf, kafka, flink);
        config.validate();
        return config;
    }

    private static String valueOf(String[] args, int i, String arg) throws ArgumentException {
        if (i >= args.length) {
            throw new ArgumentException("argument " + arg + " needs a value");
        }
        return args[i];
    }

    private void validate() throws ArgumentException {
        for (ConfigOption<?> o : TsaggOptions.ALL) {
            try {
                options.getOptional(o);
            } catch (IllegalArgumentException e) {
                throw new ArgumentException(
                        "invalid value for --" + o.key() + ": " + rootMessage(e) + typeHint(o));
            }
        }
        require(TsaggOptions.BOOTSTRAP_SERVERS);
        require(TsaggOptions.INPUT_TOPIC);
        if (options.get(TsaggOptions.ROLLUP) == null) {
            require(TsaggOptions.OUTPUT_TOPIC);
        }
        oneOf(TsaggOptions.FORMAT, INPUT_FORMATS);
        oneOf(TsaggOptions.DELIVERY, DELIVERIES);
        oneOf(TsaggOptions.ILP_PRECISION, ILP_PRECISIONS);
        validateGroupKeys();
        oneOf(TsaggOptions.OUTPUT_FORMAT, OUTPUT_FORMATS);
        oneOf(TsaggOptions.STARTING_OFFSETS, STARTING_OFFSETS);
        positive(TsaggOptions.WINDOW, window());
        if (slide() != null) {
            positive(TsaggOptions.SLIDE, slide());
            if (slide().compareTo(window()) > 0) {
                throw new ArgumentException(
                        "--slide "
                                + slide()
                                + " is longer than --window "
                                + window()
                                + "; the slide must be <= the window size");
            }
        }
        notNegative(TsaggOptions.OUT_OF_ORDERNESS, outOfOrderness());
        notNegative(TsaggOptions.ALLOWED_LATENESS, allowedLateness());
        notNegative(TsaggOptions.IDLE_TIMEOUT, idleTimeout());
        notNegative(TsaggOptions.MAX_FUTURE_SKEW, maxFutureSkew());
        notNegative(TsaggOptions.KEY_REFRESH, keyRefresh());
        positive(TsaggOptions.CHECKPOINT_INTERVAL, checkpointInterval());
        positive(TsaggOptions.TRANSACTION_TIMEOUT, transactionTimeout());
        if (exactlyOnce() && transactionTimeout().compareTo(minTransactionTimeout()) < 0) {
            throw new ArgumentException(
                    "--transaction-timeout "
                            + formatDuration(transactionTimeout())
                            + " is too short for --checkpoint-interval "
                            + formatDuration(checkpointInterval())
                            + ": a transaction stays open from one checkpoint until the next"
                            + " completes, so it needs at least twice the interval plus 1 minute ("
                            + formatDuration(minTransactionTimeout())
                            + ")");
        }
        Integer p = options.get(TsaggOptions.PARALLELISM);
        if (p != null && p < 1) {
            throw new ArgumentException("--parallelism must be >= 1, got " + p);
        }
        rollups = buildRollups();
    }

    private List<RollupSpec> buildRollups() throws ArgumentException {
        java.util.Set<Stat> stats = RollupSpec.stats("--stats", options.get(TsaggOptions.STATS));
        Quantiles quantiles = Quantiles.parse("--quantiles", options.get(TsaggOptions.QUANTILES));
        double accuracy =
                Quantiles.checkAccuracy(
                        "--quantile-accuracy", options.get(TsaggOptions.QUANTILE_ACCURACY));
        List<RollupSpec> all = new ArrayList<>();
        if (options.get(TsaggOptions.OUTPUT_TOPIC) != null) {
            all.add(
                    RollupSpec.of(
                            RollupSpec.DEFAULT_NAME,
                            outputTopic(),
                            window(),
                            slide(),
                            allowedLateness(),
                            groupKeys(),
                            stats,
                            quantiles,
                            accuracy,
                            outputFormat(),
                            "the top-level rollup"));
        }
        RollupSpec.Defaults defaults =
                new RollupSpec.Defaults(
                        window(),
                        slide(),
                        allowedLateness(),
                        stats,
                        quantiles,
                        accuracy,
                        outputFormat());
        List<String> specs = options.get(TsaggOptions.ROLLUP);
        for (String spec : specs == null ? List.<String>of() : specs) {
            RollupSpec r = RollupSpec.parse(spec, defaults);
            for (RollupSpec other : all) {
                if (other.name().equals(r.name())) {
                    throw new ArgumentException(
                            "two rollups are named '"
                                    + r.name()
                                    + "'"
                                    + (r.isDefault()
                                            ? " ('default' is the top-level --output-topic rollup)"
                                            : "")
                                    + "; names must be unique");
                }
            }
            all.add(r);
        }
        return java.util.Collections.unmodifiableList(all);
    }

    private void validateGroupKeys() throws ArgumentException {
        String groupBy = options.get(TsaggOptions.GROUP_BY);
        String without = options.get(TsaggOptions.WITHOUT);
        if (groupBy != null && without != null) {
            throw new ArgumentException(
                    "--group-by and --without cannot be used together: --group-by keeps only the"
                            + " tags it names, --without keeps all but those");
        }
        tagList(TsaggOptions.GROUP_BY, groupBy);
        tagList(TsaggOptions.WITHOUT, without);
    }

    /** The comma-separated tag names of {@code o}, each non-empty. */
    private static List<String> tagList(ConfigOption<String> o, String value)
            throws ArgumentException {
        List<String> tags = new ArrayList<>();
        if (value == null) {
            return tags;
        }
        for (String t : value.split(",", -1)) {
            String name = t.trim();
            if (name.isEmpty()) {
                throw new ArgumentException(
                        "--" + o.key() + " needs comma-separated tag names, got '" + value + "'");
            }
            tags.add(name);
        }
        return tags;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    private static String typeHint(ConfigOption<?> o) {
        Class<?> t = optionClass(o);
        if (t == Duration.class) {
            return " (a duration such as 500ms, 10s, 1m, 1h)";
        } else if (t == Integer.class) {
            return " (a whole number)";
        } else if (t == Boolean.class) {
            return " (true or false)";
        }
        return "";
    }

    private static Class<?> optionClass(ConfigOption<?> o) {
        Object d = o.defaultValue();
        if (d != null) {
            return d.getClass();
        }
        if (o == TsaggOptions.SLIDE) {
            return Duration.class;
        }
        if (o == TsaggOptions.PARALLELISM) {
            return Integer.class;
        }
        return String.class;
    }

    private void require(ConfigOption<String> o) throws ArgumentException {
        String v = options.get(o);
        if (v == null || v.isBlank()) {
            throw new ArgumentException("missing required argument --" + o.key());
        }
    }

    private void oneOf(ConfigOption<String> o, Set<String> allowed) throws ArgumentException {
        String v = options.get(o);
        if (!allowed.contains(v)) {
            throw new ArgumentException(
                    "invalid value '"
                            + v
                            + "' for --"
                            + o.key()
                            + "; allowed: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)));
        }
    }

    private static void positive(ConfigOption<?> o, Duration d) throws ArgumentException {
        if (d.isZero() || d.isNegative()) {
            throw new ArgumentException("--" + o.key() + " must be > 0, got " + d);
        }
    }

    private static void notNegative(ConfigOption<?> o, Duration d) throws ArgumentException {
        if (d.isNegative()) {
            throw new ArgumentException("--" + o.key() + " must be >= 0, got " + d);
        }
    }

    // ---------------------------------------------------------------- typed accessors

    public String bootstrapServers() {
        return options.get(TsaggOptions.BOOTSTRAP_SERVERS);
    }

    public String inputTopic() {
        return options.get(TsaggOptions.INPUT_TOPIC);
    }

    public String outputTopic() {
        return options.get(TsaggOptions.OUTPUT_TOPIC);
    }

    public String dlqTopic() {
        return options.get(TsaggOptions.DLQ_TOPIC);
    }

    public String lateTopic() {
        return options.get(TsaggOptions.LATE_TOPIC);
    }

    public String format() {
        return options.get(TsaggOptions.FORMAT);
    }

    public TimestampPrecision ilpPrecision() {
        return TimestampPrecision.of(options.get(TsaggOptions.ILP_PRECISION));
    }

    /** Which tags make up the group key ({@code --group-by} / {@code --without}). */
    public GroupKeySpec groupKeys() {
        try {
            String groupBy = options.get(TsaggOptions.GROUP_BY);
            if (groupBy != null) {
                return GroupKeySpec.keep(tagList(TsaggOptions.GROUP_BY, groupBy));
            }
            return GroupKeySpec.drop(
                    tagList(TsaggOptions.WITHOUT, options.get(TsaggOptions.WITHOUT)));
        } catch (ArgumentException e) {
            throw new IllegalStateException(e); // validated in parse()
        }
    }

    public Duration window() {
        return options.get(TsaggOptions.WINDOW);
    }

    /** The slide, or null for tumbling windows. */
    public Duration slide() {
        return options.get(TsaggOptions.SLIDE);
    }

    public Duration outOfOrderness() {
        return options.get(TsaggOptions.OUT_OF_ORDERNESS);
    }

    public Duration allowedLateness() {
        return options.get(TsaggOptions.ALLOWED_LATENESS);
    }

    /** How long a partition may go without records before it stops holding the watermark. */
    public Duration idleTimeout() {
        return options.get(TsaggOptions.IDLE_TIMEOUT);
    }

    /**
     * How far ahead of the wall clock a sample may be; {@link Duration#ZERO}: no limit (the option
     * was {@code 0} or {@code off}).
     */
    public Duration maxFutureSkew() {
        return options.get(TsaggOptions.MAX_FUTURE_SKEW);
    }

    /**
     * How long a source's announcement of a group key holds (event time); {@link Duration#ZERO}:
     * for good (the option was {@code 0} or {@code off}).
     */
    public Duration keyRefresh() {
        return options.get(TsaggOptions.KEY_REFRESH);
    }

    /** Every rollup, the default one (top-level arguments) first if there is one. */
    public List<RollupSpec> rollups() {
        return rollups;
    }

    /** The {@code -D key=value} settings (a copy). */
    public Configuration flinkConfiguration() {
        return new Configuration(flink);
    }

    public boolean exactlyOnce() {
        return "exactly-once".equals(options.get(TsaggOptions.DELIVERY));
    }

    public Duration transactionTimeout() {
        return options.get(TsaggOptions.TRANSACTION_TIMEOUT);
    }

    /** Twice the checkpoint interval plus a minute: one interval open, one to commit, slack. */
    public Duration minTransactionTimeout() {
        return checkpointInterval().multipliedBy(2).plusMinutes(1);
    }

    public String outputFormat() {
        return options.get(TsaggOptions.OUTPUT_FORMAT);
    }

    /** The parallelism, or null for the environment's default. */
    public Integer parallelism() {
        return options.get(TsaggOptions.PARALLELISM);
    }

    public Duration checkpointInterval() {
        return options.get(TsaggOptions.CHECKPOINT_INTERVAL);
    }

    public boolean bounded() {
        return options.get(TsaggOptions.BOUNDED);
    }

    /** Two-phase aggregation: a pre-aggregator chained to the source. */
    public boolean preAggregate() {
        return options.get(TsaggOptions.PRE_AGGREGATE);
    }

    public String groupId() {
        return options.get(TsaggOptions.GROUP_ID);
    }

    public String startingOffsets() {
        return options.get(TsaggOptions.STARTING_OFFSETS);
    }

    /** The {@code --kafka.*} properties (a copy). */
    public Properties kafkaProperties() {
        Properties copy = new Properties();
        copy.putAll(kafka);
        return copy;
    }

    // ---------------------------------------------------------------- help and description

    /** The effective configuration, one option per line, Kafka secrets redacted. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : TsaggOptions.ALL) {
            Object v = options.get(o);
            sb.append("  --")
                    .append(o.key())
                    .append(' ')
                    .append(v == null ? "(none)" : v)
                    .append('\n');
        }
        for (String name : new java.util.TreeSet<>(kafka.stringPropertyNames())) {
            sb.append("  --kafka.")
                    .append(name)
                    .append(' ')
                    .append(isSecret(name) ? "******" : kafka.getProperty(name))
                    .append('\n');
        }
        for (Map.Entry<String, String> e : new TreeMap<>(flink.toMap()).entrySet()) {
            String key = e.getKey();
            boolean secret = isSecret(key) || GlobalConfiguration.isSensitive(key);
            sb.append("  -D ")
                    .append(key)
                    .append('=')
                    .append(secret ? "******" : e.getValue())
                    .append('\n');
        }
        for (RollupSpec r : rollups) {
            sb.append("  rollup ").append(r).append('\n');
        }
        return sb.toString();
    }

    /** Kafka property names whose values must never be printed or logged. */
    public static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return p.contains("password")
                || p.contains("secret")
                || p.contains("jaas")
                || p.contains("token")
                || p.contains("credential")
                || p.endsWith(".key");
    }

    /** Usage text generated from the option list. */
    public static String usage(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ").append(command).append(" [--name value ...]\n\n");
        sb.append("Rolls up metrics from Kafka into windowed statistics, exactly once.\n\n");
        for (ConfigOption<?> o : TsaggOptions.ALL) {
            sb.append("  --").append(o.key());
            if (!TsaggOptions.FLAGS.contains(o)) {
                sb.append(" <value>");
            } else if (Boolean.TRUE.equals(o.defaultValue())) {
                sb.append(" [true|false]");
            }
            sb.append('\n').append("      ").append(o.description().toString());
            if (o.hasDefaultValue()
                    && !(TsaggOptions.FLAGS.contains(o)
                            && Boolean.FALSE.equals(o.defaultValue()))) {
                Object d = o.defaultValue();
                sb.append(" Default: ")
                        .append(d instanceof Duration ? formatDuration((Duration) d) : d)
                        .append('.');
            }
            sb.append('\n');
        }
        sb.append("  --kafka.<property> <value>\n");
        sb.append(
                "      Passed to the Kafka consumer and producers, e.g. --kafka.security.protocol"
                        + " SASL_SSL.\n");
        sb.append("  -D <key>=<value>\n");
        sb.append(
                "      Any Flink configuration option, e.g. -D restart-strategy.type=fixed-delay"
                        + " (on a cluster only job-level options take effect).\n");
        sb.append("  --help\n      This text.\n");
        return sb.toString();
    }

    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        } else if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}

package io.tsagg.job.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every job argument as a typed Flink {@link ConfigOption}: {@code --window 1m} sets {@link
 * #WINDOW}. The list {@link #ALL} drives parsing, validation and {@code --help}.
 */
public final class TsaggOptions {
    private TsaggOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, host:port[,host:port] (required).");

    public static final ConfigOption<String> INPUT_TOPIC =
            ConfigOptions.key("input-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Topic the samples are read from (required).");

    public static final ConfigOption<String> OUTPUT_TOPIC =
            ConfigOptions.key("output-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Topic the results of the default rollup are written to (required"
                                    + " unless --rollup names every rollup).");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("dlq-topic")
                    .stringType()
                    .defaultValue("tsagg-dlq")
                    .withDescription(
                            "Dead-letter topic: malformed input records, original bytes, with"
                                    + " the reason and source position in headers.");

    public static final ConfigOption<String> LATE_TOPIC =
            ConfigOptions.key("late-topic")
                    .stringType()
                    .defaultValue("tsagg-late")
                    .withDescription(
                            "Topic for samples later than the allowed lateness, one record each"
                                    + " with its original bytes: its line (cut down to its field)"
                                    + " or a one-sample frame.");

    public static final ConfigOption<String> FORMAT =
            ConfigOptions.key("format")
                    .stringType()
                    .defaultValue("frame")
                    .withDescription(
                            "Input format: frame (tsagg binary frames, serde/FORMAT.md) or ilp"
                                    + " (InfluxDB line protocol, one or many lines per record).");

    public static final ConfigOption<String> ILP_PRECISION =
            ConfigOptions.key("ilp-precision")
                    .stringType()
                    .defaultValue("ns")
                    .withDescription(
                            "Unit of line-protocol timestamps: ns, us, ms or s. Lines without a"
                                    + " timestamp get the Kafka record's timestamp.");

    public static final ConfigOption<String> GROUP_BY =
            ConfigOptions.key("group-by")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Aggregate by measurement, field and only these tags, e.g."
                                    + " region,service (absent: by series). Not with --without.");

    public static final ConfigOption<String> WITHOUT =
            ConfigOptions.key("without")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Aggregate by series without these tags, e.g. host. Not with"
                                    + " --group-by.");

    public static final ConfigOption<Duration> WINDOW =
            ConfigOptions.key("window")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("Window size, e.g. 10s, 1m, 1h.");

    public static final ConfigOption<Duration> SLIDE =
            ConfigOptions.key("slide")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Slide of sliding windows; absent means tumbling windows. Must be <="
                                    + " the window size.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How far behind the newest timestamp of a Kafka partition the"
                                    + " watermark trails.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "How long after a window fired a late sample still updates it (the"
                                    + " window is emitted again with the same key and window).");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Samples timestamped more than this ahead of the wall clock (read"
                                    + " once per Kafka record) go to the dead-letter topic"
                                    + " (timestamp_in_future) instead of moving the watermark;"
                                    + " 0 or off: accept any timestamp up to 2262.");

    public static final ConfigOption<Duration> KEY_REFRESH =
            ConfigOptions.key("key-refresh")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "How long (event time) a source's announcement of a group key holds"
                                    + " before it announces the key again with its next sample."
                                    + " A window operator forgets a key once the watermark is"
                                    + " this, the window size and the allowed lateness past the"
                                    + " key's last announcement, so series that stop reporting"
                                    + " stop costing heap; 0 or off: every key is kept for the"
                                    + " job's lifetime.");

    public static final ConfigOption<String> OUTPUT_FORMAT =
            ConfigOptions.key("output-format")
                    .stringType()
                    .defaultValue("json")
                    .withDescription(
                            "Result format: json (one object per key and window) or ilp (InfluxDB"
                                    + " line protocol, Telegraf basicstats field names, timestamped"
                                    + " at the window start in ns).");

    public static final ConfigOption<String> STATS =
            ConfigOptions.key("stats")
                    .stringType()
                    .defaultValue("count,sum,min,max,mean,stddev,first,last")
                    .withDescription(
                            "Statistics written per key and window, any of count, sum, min, max,"
                                    + " mean, stddev, first, last.");

    public static final ConfigOption<String> QUANTILES =
            ConfigOptions.key("quantiles")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Quantiles written per key and window, in [0, 1], e.g. 0.5,0.9,0.99"
                                    + " (fields p50, p90, p99; 0.999 is p99_9); none by default,"
                                    + " and then no sketch is kept.");

    public static final ConfigOption<Double> QUANTILE_ACCURACY =
            ConfigOptions.key("quantile-accuracy")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Relative accuracy of quantiles, in (0, 1): a quantile is within this"
                                    + " fraction of the exact value of its rank (DDSketch).");

    public static final ConfigOption<List<String>> ROLLUP =
            ConfigOptions.key("rollup")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "One more rollup from the same read of the input, repeatable:"
                                    + " name=fleet,window=1m,group-by=region,output-topic=t; also"
                                    + " slide, allowed-lateness, without, stats (count,mean,...),"
                                    + " quantiles, quantile-accuracy, output-format. Unset keys take the top-level value, except"
                                    + " the grouping (absent: by series).");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            ConfigOptions.key("idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A Kafka partition without records for this long stops holding the"
                                    + " watermark back, until it has records again; 0s: never.");

    public static final ConfigOption<String> DELIVERY =
            ConfigOptions.key("delivery")
                    .stringType()
                    .defaultValue("exactly-once")
                    .withDescription(
                            "exactly-once (Kafka transactions committed on checkpoints; read with"
                                    + " isolation.level=read_committed) or at-least-once (no"
                                    + " transactions; duplicates after a failure).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "Kafka transaction timeout of the exactly-once sinks: at least twice"
                                    + " the checkpoint interval plus 1 minute, at most the"
                                    + " broker's transaction.max.timeout.ms (checked at start).");

    public static final ConfigOption<Integer> PARALLELISM =
            ConfigOptions.key("parallelism")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Parallelism of the job; absent means the cluster's default"
                                    + " (locally: the number of cores).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval; results become visible to read_committed"
                                    + " consumers at each checkpoint.");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Read up to the end offsets found at start, fire every window and"
                                    + " finish (a flag; no value needed).");

    public static final ConfigOption<Boolean> PRE_AGGREGATE =
            ConfigOptions.key("pre-aggregate")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Two-phase aggregation: a pre-aggregator chained to the source sends"
                                    + " one partial summary per (group key, pane) to the window"
                                    + " operator instead of every sample; same results."
                                    + " --pre-aggregate false sends every sample.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("group-id")
                    .stringType()
                    .defaultValue("tsagg")
                    .withDescription(
                            "Kafka consumer group; offsets are committed on checkpoints, for"
                                    + " monitoring only (Flink's checkpoint is the truth).");

    public static final ConfigOption<String> STARTING_OFFSETS =
            ConfigOptions.key("starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where a fresh job starts: committed (the group's offsets, else"
                                    + " earliest), earliest or latest.");

    /** Options that are flags: present means true. */
    public static final List<ConfigOption<?>> FLAGS = List.of(BOUNDED, PRE_AGGREGATE);

    public static final List<ConfigOption<?>> ALL =
            List.of(
                    BOOTSTRAP_SERVERS,
                    INPUT_TOPIC,
                    OUTPUT_TOPIC,
                    DLQ_TOPIC,
                    LATE_TOPIC,
                    FORMAT,
                    ILP_PRECISION,
                    GROUP_BY,
                    WITHOUT,
                    WINDOW,
                    SLIDE,
                    OUT_OF_ORDERNESS,
                    ALLOWED_LATENESS,
                    IDLE_TIMEOUT,
                    MAX_FUTURE_SKEW,
                    KEY_REFRESH,
                    OUTPUT_FORMAT,
                    STATS,
                    QUANTILES,
                    QUANTILE_ACCURACY,
                    ROLLUP,
                    PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    DELIVERY,
                    TRANSACTION_TIMEOUT,
                    BOUNDED,
                    PRE_AGGREGATE,
                    GROUP_ID,
                    STARTING_OFFSETS);
}

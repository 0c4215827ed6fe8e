package io.tsagg.job.config;

import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.output.Stat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * One rollup: which windows, which grouping, which statistics, in which format to which topic. The
 * job computes every rollup from one read of the input topic.
 *
 * <p>The top-level arguments ({@code --output-topic}, {@code --window}, {@code --group-by}, ...)
 * make the rollup named {@value #DEFAULT_NAME}; each {@code --rollup} adds one more, written as
 * comma-separated {@code key=value} pairs:
 *
 * <pre>
 *   --rollup name=fleet,window=1m,group-by=region,service,output-topic=rollups-fleet
 * </pre>
 *
 * A part without {@code =} continues the list of the key before it ({@code group-by=region,service}
 * above). Settings a rollup does not name take the top-level value ({@code window}, {@code slide},
 * {@code allowed-lateness}, {@code stats}, {@code quantiles}, {@code quantile-accuracy}, {@code
 * output-format}), except the grouping: a rollup without {@code group-by} or {@code without}
 * aggregates by series.
 */
public final class RollupSpec {
    public static final String DEFAULT_NAME = "default";

    /** Keys a {@code --rollup} may set. */
    static final List<String> KEYS =
            List.of(
                    "name",
                    "output-topic",
                    "window",
                    "slide",
                    "allowed-lateness",
                    "group-by",
                    "without",
                    "stats",
                    "quantiles",
                    "quantile-accuracy",
                    "output-format");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final String name;
    private final String outputTopic;
    private final Duration window;
    private final Duration slide;
    private final Duration allowedLateness;
    private final GroupKeySpec groupKeys;
    private final Set<Stat> stats;
    private final Quantiles quantiles;
    private final double quantileAccuracy;
    private final String outputFormat;

    RollupSpec(
            String name,
            String outputTopic,
            Duration window,
            Duration slide,
            Duration allowedLateness,
            GroupKeySpec groupKeys,
            Set<Stat> stats,
            Quantiles quantiles,
            double quantileAccuracy,
            String outputFormat) {
        this.name = name;
        this.outputTopic = outputTopic;
        this.window = window;
        this.slide = slide;
        this.allowedLateness = allowedLateness;
        this.groupKeys = groupKeys;
        this.stats = stats;
        this.quantiles = quantiles;
        this.quantileAccuracy = quantileAccuracy;
        this.outputFormat = outputFormat;
    }

    /**
     * Parses the value of one {@code --rollup}; settings it does not name come from {@code
     * defaults} (the top-level rollup settings), except the grouping.
     */
    static RollupSpec parse(String value, Defaults defaults) throws ArgumentException {
        Map<String, String> kv = new LinkedHashMap<>();
        String last = null;
        for (String part : value.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (last == null || part.isBlank()) {
                    throw new ArgumentException(
                            "--rollup '"
                                    + value
                                    + "': expected key=value pairs separated by commas, e.g."
                                    + " name=fleet,window=1m,group-by=region,output-topic=t");
                }
                kv.put(last, kv.get(last) + "," + part.trim());
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!KEYS.contains(key)) {
                throw new ArgumentException(
                        "--rollup '"
                                + value
                                + "': unknown key '"
                                + key
                                + "'; allowed: "
                                + String.join(", ", KEYS));
            }
            if (kv.put(key, part.substring(eq + 1).trim()) != null) {
                throw new ArgumentException("--rollup '" + value + "': '" + key + "' given twice");
            }
            last = key;
        }
        String where = "--rollup " + value;
        String name = kv.get("name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ArgumentException(
                    where
                            + ": needs name=<name> (lower case letters, digits, '-' and '_', e.g."
                            + " name=fleet)");
        }
        String topic = kv.get("output-topic");
        if (topic == null || topic.isEmpty()) {
            throw new ArgumentException(where + ": needs output-topic=<topic>");
        }
        Duration window = duration(where, "window", kv, defaults.window);
        Duration slide = duration(where, "slide", kv, defaults.slide);
        if (kv.containsKey("window") && !kv.containsKey("slide")) {
            slide = null; // a slide belongs to the window it was given with
        }
        Duration lateness = duration(where, "allowed-lateness", kv, defaults.allowedLateness);
        String groupBy = kv.get("group-by");
        String without = kv.get("without");
        GroupKeySpec groupKeys = groupKeys(where, groupBy, without);
        Set<Stat> stats = kv.containsKey("stats") ? stats(where, kv.get("stats")) : defaults.stats;
        Quantiles quantiles =
                kv.containsKey("quantiles")
                        ? Quantiles.parse(where, kv.get("quantiles"))
                        : defaults.quantiles;
        double accuracy =
                kv.containsKey("quantile-accuracy")
                        ? Quantiles.accuracy(where, kv.get("quantile-accuracy"))
                        : defaults.quantileAccuracy;
        String format = kv.getOrDefault("output-format", defaults.outputFormat);
        return of(
                name, topic, window, slide, lateness, groupKeys, stats, quantiles, accuracy, format,
                where);
    }

    /** Validates and builds; {@code where} names the argument(s) in messages. */
    static RollupSpec of(
            String name,
            String topic,
            Duration window,
            Duration slide,
            Duration lateness,
            GroupKeySpec groupKeys,
            Set<Stat> stats,
            Quantiles quantiles,
            double quantileAccuracy,
            String format,
            String where)
            throws ArgumentException {
        Quantiles.checkAccuracy(where, quantileAccuracy);
        if (window.isZero() || window.isNegative()) {
            throw new ArgumentException(where + ": window must be > 0, got " + window);
        }
        if (slide != null) {
            if (slide.isZero() || slide.isNegative()) {
                throw new ArgumentException(where + ": slide must be > 0, got " + slide);
            }
            if (slide.compareTo(window) > 0) {
                throw new ArgumentException(
                        where
                                + ": slide "
                                + JobConfig.formatDuration(slide)
                                + " is longer than window "
                                + JobConfig.formatDuration(window)
                                + "; the slide must be <= the window size");
            }
        }
        if (lateness.isNegative()) {
            throw new ArgumentException(where + ": allowed-lateness must be >= 0, got " + lateness);
        }
        if (!JobConfig.OUTPUT_FORMATS.contains(format)) {
            throw new ArgumentException(
                    where
                            + ": invalid output format '"
                            + format
                            + "'; allowed: "
                            + String.join(", ", new java.util.TreeSet<>(JobConfig.OUTPUT_FORMATS)));
        }
        return new RollupSpec(
                name,
                topic,
                window,
                slide,
                lateness,
                groupKeys,
                stats,
                quantiles,
                quantileAccuracy,
                format);
    }

    private static Duration duration(
            String where, String key, Map<String, String> kv, Duration fallback)
            throws ArgumentException {
        String v = kv.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return TimeUtils.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ArgumentException(
                    where + ": invalid " + key + " '" + v + "' (a duration such as 10s, 1m, 1h)");
        }
    }

    static Set<Stat> stats(String where, String list) throws ArgumentException {
        try {
            return Stat.parseList(list);
        } catch (IllegalArgumentException e) {
            throw new ArgumentException(where + ": " + e.getMessage());
        }
    }

    static GroupKeySpec groupKeys(String where, String groupBy, String without)
            throws ArgumentException {
        if (groupBy != null && without != null) {
            throw new ArgumentException(
                    where
                            + ": group-by and without cannot be used together: group-by keeps only"
                            + " the tags it names, without keeps all but those");
        }
        if (groupBy != null) {
            return GroupKeySpec.keep(tagList(where, "group-by", groupBy));
        }
        return GroupKeySpec.drop(tagList(where, "without", without));
    }

    /** The comma-separated tag names of {@code value}, each non-empty. */
    static List<String> tagList(String where, String key, String value) throws ArgumentException {
        List<String> tags = new ArrayList<>();
        if (value == null) {
            return tags;
        }
        for (String t : value.split(",", -1)) {
            String name = t.trim();
            if (name.isEmpty()) {
                throw new ArgumentException(
                        where
                                + ": "
                                + key
                                + " needs comma-separated tag names, got '"
                                + value
                                + "'");
            }
            tags.add(name);
        }
        return tags;
    }

    /** The top-level settings a {@code --rollup} inherits. */
    static final class Defaults {
        final Duration window;
        final Duration slide;
        final Duration allowedLateness;
        final Set<Stat> stats;
        final Quantiles quantiles;
        final double quantileAccuracy;
        final String outputFormat;

        Defaults(
                Duration window,
                Duration slide,
                Duration allowedLateness,
                Set<Stat> stats,
                Quantiles quantiles,
                double quantileAccuracy,
                String outputFormat) {
            this.window = window;
            this.slide = slide;
            this.allowedLateness = allowedLateness;
            this.stats = stats;
            this.quantiles = quantiles;
            this.quantileAccuracy = quantileAccuracy;
            this.outputFormat = outputFormat;
        }
    }

    // ---------------------------------------------------------------- accessors

    public String name() {
        return name;
    }

    public boolean isDefault() {
        return DEFAULT_NAME.equals(name);
    }

    public String outputTopic() {
        return outputTopic;
    }

    public Duration window() {
        return window;
    }

    /** The slide, or null for tumbling windows. */
    public Duration slide() {
        return slide;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    public GroupKeySpec groupKeys() {
        return groupKeys;
    }

    public Set<Stat> stats() {
        return stats;
    }

    /** The quantiles written per key and window; {@link Quantiles#NONE} for none. */
    public Quantiles quantiles() {
        return quantiles;
    }

    /** Relative accuracy of the quantiles, in (0, 1). */
    public double quantileAccuracy() {
        return quantileAccuracy;
    }

    public String outputFormat() {
        return outputFormat;
    }

    /** {@code name=fleet,output-topic=t,window=1m,...}: the form {@code --rollup} takes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("name=").append(name).append(",output-topic=").append(outputTopic);
        sb.append(",window=").append(JobConfig.formatDuration(window));
        if (slide != null) {
            sb.append(",slide=").append(JobConfig.formatDuration(slide));
        }
        sb.append(",allowed-lateness=").append(JobConfig.formatDuration(allowedLateness));
        if (!groupKeys.isSeries()) {
            sb.append(groupKeys.mode() == GroupKeySpec.Mode.KEEP ? ",group-by=" : ",without=")
                    .append(String.join(",", groupKeys.tags()));
        }
        StringBuilder names = new StringBuilder();
        for (Stat s : stats) {
            names.append(names.length() == 0 ? "" : ",").append(s.jsonName());
        }
        sb.append(",stats=").append(names);
        if (!quantiles.isEmpty()) {
            sb.append(",quantiles=").append(quantiles);
            sb.append(",quantile-accuracy=").append(quantileAccuracy);
        }
        sb.append(",output-format=").append(outputFormat);
        return sb.toString();
    }
}

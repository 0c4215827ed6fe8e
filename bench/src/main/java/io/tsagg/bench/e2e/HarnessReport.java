package io.tsagg.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The harness's report: medians per contender, ratios with their targets, every run, as {@code
 * report.md}, {@code results.json} and PNG charts ({@code samples-per-second.png}, {@code
 * cpu-per-million.png}, {@code peak-rss.png}).
 */
final class HarnessReport {
    /** A ratio the issue asks for: numerator / denominator >= target. */
    static final class Target {
        final String name;
        final Contender numerator;
        final Contender denominator;
        final double target;

        Target(String name, Contender numerator, Contender denominator, double target) {
            this.name = name;
            this.numerator = numerator;
            this.denominator = denominator;
            this.target = target;
        }
    }

    static final List<Target> TARGETS =
            List.of(
                    new Target(
                            "one sample per record: tsagg / DataStream job",
                            Contender.TSAGG_ILP,
                            Contender.DATASTREAM,
                            2.0),
                    new Target(
                            "one sample per record: tsagg / raw consumer (ceiling)",
                            Contender.TSAGG_ILP,
                            Contender.RAW_ILP,
                            0.75),
                    new Target(
                            "frames: tsagg / DataStream job",
                            Contender.TSAGG_FRAMES,
                            Contender.DATASTREAM,
                            10.0),
                    new Target(
                            "one sample per record: tsagg / Flink SQL",
                            Contender.TSAGG_ILP,
                            Contender.SQL,
                            3.0),
                    new Target(
                            "frames: tsagg / Flink SQL",
                            Contender.TSAGG_FRAMES,
                            Contender.SQL,
                            3.0),
                    new Target(
                            "frames: tsagg / raw consumer of frames (ceiling)",
                            Contender.TSAGG_FRAMES,
                            Contender.RAW_FRAMES,
                            0.0),
                    new Target(
                            "one sample per record: tsagg / Flink KafkaSource alone",
                            Contender.TSAGG_ILP,
                            Contender.FLINK_SOURCE_ILP,
                            0.0),
                    new Target(
                            "one sample per record: Flink KafkaSource alone / raw consumer",
                            Contender.FLINK_SOURCE_ILP,
                            Contender.RAW_ILP,
                            0.0),
                    new Target(
                            "one sample per record: two-phase / single-phase tsagg",
                            Contender.TSAGG_ILP,
                            Contender.TSAGG_ILP_1P,
                            0.0),
                    new Target(
                            "frames: two-phase / single-phase tsagg",
                            Contender.TSAGG_FRAMES,
                            Contender.TSAGG_FRAMES_1P,
                            0.0));

    /** Medians of one contender's runs. */
    static final class Median {
        Contender contender;
        int runs;
        int correctRuns;
        double samplesPerSecond;
        double[] allSamplesPerSecond;
        double cpuSecondsPerMillion;
        double peakRssMiB;
        double gcMillis;
        double startupSeconds;
        String check;
    }

    private final HarnessMain.Settings settings;
    private final List<HarnessMain.Run> runs;
    private final String loadBefore;
    private final String loadAfter;
    private final long frameRecords;
    private final long ilpRecords;

    /** Medians of the last pass, which the report leads with. */
    private final Map<Contender, Median> medians = new LinkedHashMap<>();

    /** Medians of the first (cold) pass; the same as {@link #medians} with one pass. */
    private final Map<Contender, Median> firstPassMedians = new LinkedHashMap<>();

    private final String when = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

    HarnessReport(
            HarnessMain.Settings settings,
            List<HarnessMain.Run> runs,
            String loadBefore,
            String loadAfter,
            long frameRecords,
            long ilpRecords) {
        this.settings = settings;
        this.runs = runs;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.frameRecords = frameRecords;
        this.ilpRecords = ilpRecords;
        medians.putAll(mediansOf(settings.passes));
        firstPassMedians.putAll(settings.passes > 1 ? mediansOf(1) : medians);
    }

    /** Medians per contender over the runs of one pass. */
    private Map<Contender, Median> mediansOf(int pass) {
        Map<Contender, Median> out = new LinkedHashMap<>();
        for (Contender c : settings.contenders) {
            List<HarnessMain.Run> mine = new ArrayList<>();
            List<HarnessMain.Run> correct = new ArrayList<>();
            for (HarnessMain.Run r : runs) {
                if (r.contender == c && r.pass == pass) {
                    mine.add(r);
                    if (r.check.correct) {
                        correct.add(r);
                    }
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            List<HarnessMain.Run> use = correct.isEmpty() ? mine : correct;
            Median m = new Median();
            m.contender = c;
            m.runs = mine.size();
            m.correctRuns = correct.size();
            m.allSamplesPerSecond = mine.stream().mapToDouble(r -> r.samplesPerSecond).toArray();
            m.samplesPerSecond = median(use.stream().mapToDouble(r -> r.samplesPerSecond));
            m.cpuSecondsPerMillion = median(use.stream().mapToDouble(r -> r.cpuSecondsPerMillion));
            m.peakRssMiB = median(use.stream().mapToDouble(r -> r.peakRssBytes / 1048576.0));
            m.gcMillis = median(use.stream().mapToDouble(r -> r.gcMillis));
            m.startupSeconds = median(use.stream().mapToDouble(r -> r.startupSeconds));
            m.check =
                    correct.size() == mine.size()
                            ? mine.get(mine.size() - 1).check.summary()
                            : (mine.size() - correct.size())
                                    + " of "
                                    + mine.size()
                                    + " runs WRONG: "
                                    + firstProblem(mine);
            out.put(c, m);
        }
        return out;
    }

    private static String firstProblem(List<HarnessMain.Run> runs) {
        for (HarnessMain.Run r : runs) {
            if (!r.check.correct) {
                return r.check.problem;
            }
        }
        return "";
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] v = values.sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    boolean allCorrect() {
        return runs.stream().allMatch(r -> r.check.correct);
    }

    Map<Contender, Median> medians() {
        return medians;
    }

    Map<Contender, Median> firstPassMedians() {
        return firstPassMedians;
    }

    /** numerator / denominator of the last pass's median samples/s, or NaN if either is absent. */
    double ratio(Contender numerator, Contender denominator) {
        return ratio(medians, numerator, denominator);
    }

    private static double ratio(
            Map<Contender, Median> medians, Contender numerator, Contender denominator) {
        Median a = medians.get(numerator);
        Median b = medians.get(denominator);
        return a == null || b == null || b.samplesPerSecond == 0
                ? Double.NaN
                : a.samplesPerSecond / b.samplesPerSecond;
    }

    String markdownTable() {
        return markdownTable(medians);
    }

    private static String markdownTable(Map<Contender, Median> medians) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| contender | input | samples/s (median) | samples/s (each run) | CPU s per M"
                        + " samples | peak RSS MiB | GC ms | start s | results |\n");
        sb.append("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Median m : medians.values()) {
            StringBuilder each = new StringBuilder();
            for (double v : m.allSamplesPerSecond) {
                each.append(each.length() == 0 ? "" : ", ").append(fmt("%,.0f", v));
            }
            sb.append("| ")
                    .append(m.contender.label)
                    .append(" | ")
                    .append(m.contender.input)
                    .append(" | ")
                    .append(fmt("%,.0f", m.samplesPerSecond))
                    .append(" | ")
                    .append(each)
                    .append(" | ")
                    .append(fmt("%.2f", m.cpuSecondsPerMillion))
                    .append(" | ")
                    .append(fmt("%.0f", m.peakRssMiB))
                    .append(" | ")
                    .append(fmt("%.0f", m.gcMillis))
                    .append(" | ")
                    .append(fmt("%.1f", m.startupSeconds))
                    .append(" | ")
                    .append(
                            m.contender.isRaw() && m.correctRuns == m.runs
                                    ? "sample count checked"
                                    : m.check)
                    .append(" |\n");
        }
        return sb.toString();
    }

    String ratioTable() {
        return ratioTable(medians);
    }

    private static String ratioTable(Map<Contender, Median> medians) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ratio of median samples/s | value | target | met |\n");
        sb.append("| --- | ---: | ---: | --- |\n");
        for (Target t : TARGETS) {
            double r = ratio(medians, t.numerator, t.denominator);
            if (Double.isNaN(r)) {
                continue;
            }
            sb.append("| ")
                    .append(t.name)
                    .append(" | ")
                    .append(fmt("%.2f", r))
                    .append(" | ")
                    .append(t.target > 0 ? fmt(">= %.2f", t.target) : "(none)")
                    .append(" | ")
                    .append(t.target > 0 ? (r >= t.target ? "yes" : "**no**") : "")
                    .append(" |\n");
        }
        return sb.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.json"), json(), StandardCharsets.UTF_8);
        // The charts come from the JSON just written, as for a redraw of an older report.
        redrawCharts(dir);
    }

    /**
     * Draws the charts from a {@code results.json} written by {@link #write} (which calls this).
     */
    static void redrawCharts(Path dir) throws IOException {
        org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode json =
                new org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(dir.resolve("results.json").toFile());
        List<String> names = new ArrayList<>();
        int n = json.get("medians").size();
        // Reports from before passes have one pass, and no first-pass medians.
        int passes = json.get("settings").path("passes").asInt(1);
        double[][] values = new double[5][n];
        for (int i = 0; i < n; i++) {
            org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode m =
                    json.get("medians").get(i);
            org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode first =
                    passes > 1 ? json.get("firstPassMedians").get(i) : m;
            names.add(m.get("contender").asText());
            values[0][i] = m.get("samplesPerSecond").asDouble();
            values[1][i] = m.get("cpuSecondsPerMillion").asDouble();
            values[2][i] = m.get("peakRssMiB").asDouble();
            values[3][i] = first.get("samplesPerSecond").asDouble();
            values[4][i] = first.get("cpuSecondsPerMillion").asDouble();
        }
        charts(dir, names, values, passes);
    }

    /**
     * {@code values}: the last pass's samples/s, CPU s per M and peak RSS, then the first pass's
     * samples/s and CPU s per M, which are drawn beside the last's when there are several passes.
     */
    private static void charts(Path dir, List<String> names, double[][] values, int passes)
            throws IOException {
        String last = passes > 1 ? "pass " + passes + " (warm)" : "samples/s";
        chart(
                dir,
                "samples-per-second",
                "Samples/s, first input record to last result (median of runs)",
                "samples/s",
                names,
                passes > 1 ? List.of("pass 1 (cold)", last) : List.of(last),
                passes > 1 ? List.of(values[3], values[0]) : List.of(values[0]));
        chart(
                dir,
                "cpu-per-million",
                "Process CPU seconds per million samples (median of runs)",
                "CPU s / M samples",
                names,
                passes > 1 ? List.of("pass 1 (cold)", last) : List.of(last),
                passes > 1 ? List.of(values[4], values[1]) : List.of(values[1]));
        chart(
                dir,
                "peak-rss",
                "Peak RSS of the contender JVM (median of runs)",
                "MiB",
                names,
                List.of("MiB"),
                List.of(values[2]));
    }

    private static void chart(
            Path dir,
            String file,
            String title,
            String yTitle,
            List<String> names,
            List<String> seriesNames,
            List<double[]> series)
            throws IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(1000)
                        .height(560)
                        .title(title)
                        .xAxisTitle("contender")
                        .yAxisTitle(yTitle)
                        .build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setDecimalPattern("#,##0.##");
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        for (int k = 0; k < series.size(); k++) {
            List<Double> values = new ArrayList<>();
            for (double x : series.get(k)) {
                values.add(Math.max(x, 0));
            }
            chart.addSeries(seriesNames.get(k), names, values);
        }
        BitmapEncoder.saveBitmap(
                chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# tsagg end-to-end benchmark, ").append(when).append("\n\n");
        sb.append("Command: `").append(settings.command).append("`\n\n");
        sb.append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(System.getProperty("java.version"))
                .append(", load average (1, 5, 15 min) before: ")
                .append(loadBefore)
                .append(", after: ")
                .append(loadAfter)
                .append(".\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Data: %,d samples of %,d series (100 ms step, up to 2 s out of order),"
                                + " produced twice to one local Kafka broker with %d partitions:"
                                + " `%s` (%,d binary frames of up to %,d samples) and `%s` (%,d"
                                + " records, one line-protocol line each). Every contender runs"
                                + " with parallelism %d in its own JVM, all with the same flags"
                                + " (`%s`), %d run(s) each,"
                                + " round robin; %d s tumbling windows, 5 s out-of-orderness,"
                                + " exactly-once Kafka sinks, checkpoints every %d s.\n\n",
                        settings.samples,
                        settings.series,
                        settings.partitions,
                        HarnessMain.FRAMES_TOPIC,
                        frameRecords,
                        settings.samplesPerFrame,
                        HarnessMain.ILP_TOPIC,
                        ilpRecords,
                        settings.parallelism,
                        String.join(" ", HarnessMain.contenderJvmFlags(settings)),
                        settings.runs,
                        settings.windowMs / 1000,
                        settings.checkpointMs / 1000));
        sb.append(
                "tsagg runs as a user would run it, two-phase (`--pre-aggregate`, the default: a"
                        + " pre-aggregator chained to the source sends partial summaries per (key,"
                        + " pane) across the keyBy), and single-phase (`--pre-aggregate false`:"
                        + " every sample crosses the keyBy exchange, as in the DataStream job);"
                        + " the ratios with targets use the default.\n\n");
        if (settings.passes > 1) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "Each contender JVM reads its topic %d times, one job after another (a"
                                    + " new MiniCluster, consumer group and output topic each"
                                    + " time; the raw consumer: new consumers), and every pass is"
                                    + " measured and checked. Pass 1 is cold: the JIT compilers"
                                    + " work through Kafka's, Flink's and the job's code while it"
                                    + " reads. Pass %d runs on compiled code, as a job does that"
                                    + " has been running for a while; the first two tables are"
                                    + " pass %d, pass 1's follow.\n\n",
                            settings.passes,
                            settings.passes,
                            settings.passes));
            sb.append("### Pass ").append(settings.passes).append(" (warm)\n\n");
        }
        sb.append(markdownTable()).append("\n");
        sb.append(ratioTable()).append("\n");
        if (settings.passes > 1) {
            sb.append("### Pass 1 (cold: the JVM's first job)\n\n");
            sb.append(markdownTable(firstPassMedians)).append("\n");
            sb.append(ratioTable(firstPassMedians)).append("\n");
        }
        sb.append("![samples/s](samples-per-second.png)\n\n");
        sb.append("![CPU](cpu-per-million.png) ![RSS](peak-rss.png)\n\n");
        sb.append("## What is measured\n\n");
        sb.append(
                "- **samples/s**: samples in the topic / time from the first input records reaching"
                        + " a Kafka consumer of the contender (a consumer interceptor) to the last"
                        + " result record handed to the Kafka producer of its sink (a producer"
                        + " interceptor); for the raw consumer, to the last record touched. Job"
                        + " start before and job shutdown and the final commit after are"
                        + " excluded.\n"
                        + "- **CPU s per M samples**: process CPU time of the contender JVM"
                        + " (OperatingSystemMXBean, sampled every 20 ms) over the same interval, per"
                        + " million samples. On 2 cores the broker competes for the same CPUs.\n"
                        + "- **peak RSS**: VmHWM of the contender JVM from its start to the end"
                        + " of the pass (so a later pass includes the earlier ones).\n"
                        + "- **GC ms**: GarbageCollectorMXBeans' collection time over the"
                        + " interval.\n"
                        + "- **start s**: from the pass's start (pass 1: JVM main) to its first"
                        + " input record.\n"
                        + "- **results**: every window result read back (read_committed) and"
                        + " compared with an independent computation from the generator: same"
                        + " (series, window) set, count, min, max (and first, last where"
                        + " computed) equal, sum and mean within 1e-9 relative to the sum of"
                        + " absolute values; the largest relative stddev error is shown.\n");
        sb.append("\n## Every run\n\n");
        sb.append(
                "| run | pass | contender | samples/s | CPU s/M | peak RSS MiB | GC ms | start s"
                        + " | wall s | records in | results | check |\n");
        sb.append(
                "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---"
                        + " |\n");
        for (HarnessMain.Run r : runs) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %d | %s | %,.0f | %.2f | %d | %d | %.1f | %.1f | %,d | %,d | %s"
                                    + " |\n",
                            r.run,
                            r.pass,
                            r.contender.id,
                            r.samplesPerSecond,
                            r.cpuSecondsPerMillion,
                            r.peakRssBytes >> 20,
                            r.gcMillis,
                            r.startupSeconds,
                            r.wallSeconds,
                            r.recordsIn,
                            r.results,
                            r.check.summary()));
        }
        return sb.toString();
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"date\": \"").append(when).append("\",\n");
        sb.append("  \"command\": \"").append(settings.command).append("\",\n");
        sb.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        sb.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
        sb.append("  \"loadBefore\": \"").append(loadBefore).append("\",\n");
        sb.append("  \"loadAfter\": \"").append(loadAfter).append("\",\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  \"settings\": {\"samples\": %d, \"series\": %d, \"partitions\": %d,"
                                + " \"parallelism\": %d, \"runs\": %d, \"passes\": %d,"
                                + " \"windowMs\": %d,"
                                + " \"checkpointMs\": %d, \"samplesPerFrame\": %d, \"frameRecords\":"
                                + " %d, \"ilpRecords\": %d, \"childHeap\": \"%s\","
                                + " \"jvmFlags\": \"%s\"},\n",
                        settings.samples,
                        settings.series,
                        settings.partitions,
                        settings.parallelism,
                        settings.runs,
                        settings.passes,
                        settings.windowMs,
                        settings.checkpointMs,
                        settings.samplesPerFrame,
                        frameRecords,
                        ilpRecords,
                        settings.childHeap,
                        String.join(" ", HarnessMain.contenderJvmFlags(settings))
                                .replace("\\", "\\\\")
                                .replace("\"", "\\\"")));
        sb.append("  \"medians\": [\n").append(mediansJson(medians));
        sb.append("  ],\n  \"ratios\": [\n").append(ratiosJson(medians));
        if (settings.passes > 1) {
            sb.append("  ],\n  \"firstPassMedians\": [\n").append(mediansJson(firstPassMedians));
            sb.append("  ],\n  \"firstPassRatios\": [\n").append(ratiosJson(firstPassMedians));
        }
        sb.append("  ],\n  \"runs\": [\n");
        List<String> rows = new ArrayList<>();
        for (HarnessMain.Run r : runs) {
            rows.add(
                    String.format(
                            Locale.ROOT,
                            "    {\"run\": %d, \"pass\": %d, \"contender\": \"%s\", \"samples\": %d,"
                                    + " \"samplesPerSecond\": %.1f, \"cpuSecondsPerMillion\": %.4f,"
                                    + " \"peakRssBytes\": %d, \"gcMillis\": %d, \"startupSeconds\":"
                                    + " %.2f, \"wallSeconds\": %.2f, \"recordsIn\": %d, \"results\":"
                                    + " %d, \"correct\": %s, \"check\": \"%s\"}",
                            r.run,
                            r.pass,
                            r.contender.id,
                            r.samples,
                            r.samplesPerSecond,
                            r.cpuSecondsPerMillion,
                            r.peakRssBytes,
                            r.gcMillis,
                            r.startupSeconds,
                            r.wallSeconds,
                            r.recordsIn,
                            r.results,
                            r.check.correct,
                            r.check.summary().replace("\\", "\\\\").replace("\"", "'")));
        }
        sb.append(String.join(",\n", rows)).append("\n  ]\n}\n");
        return sb.toString();
    }

    private static String mediansJson(Map<Contender, Median> medians) {
        List<String> rows = new ArrayList<>();
        for (Median m : medians.values()) {
            rows.add(
                    String.format(
                            Locale.ROOT,
                            "    {\"contender\": \"%s\", \"input\": \"%s\", \"runs\": %d,"
                                    + " \"correctRuns\": %d, \"samplesPerSecond\": %.1f,"
                                    + " \"samplesPerSecondEachRun\": %s, \"cpuSecondsPerMillion\":"
                                    + " %.4f, \"peakRssMiB\": %.1f, \"gcMillis\": %.0f,"
                                    + " \"startupSeconds\": %.2f}",
                            m.contender.id,
                            m.contender.input,
                            m.runs,
                            m.correctRuns,
                            m.samplesPerSecond,
                            Arrays.toString(m.allSamplesPerSecond),
                            m.cpuSecondsPerMillion,
                            m.peakRssMiB,
                            m.gcMillis,
                            m.startupSeconds));
        }
        return String.join(",\n", rows) + "\n";
    }

    private static String ratiosJson(Map<Contender, Median> medians) {
        List<String> rows = new ArrayList<>();
        for (Target t : TARGETS) {
            double r = ratio(medians, t.numerator, t.denominator);
            if (!Double.isNaN(r)) {
                rows.add(
                        String.format(
                                Locale.ROOT,
                                "    {\"name\": \"%s\", \"numerator\": \"%s\", \"denominator\":"
                                        + " \"%s\", \"ratio\": %.4f, \"target\": %s, \"met\": %s}",
                                t.name,
                                t.numerator.id,
                                t.denominator.id,
                                r,
                                // A ratio shown for context has no target: null, not met.
                                t.target > 0 ? fmt("%.2f", t.target) : "null",
                                t.target > 0 ? String.valueOf(r >= t.target) : "null"));
            }
        }
        return String.join(",\n", rows) + "\n";
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}

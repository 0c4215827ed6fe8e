package io.tsagg.bench.profile;

import static io.tsagg.bench.profile.ProfileMain.fmt;

import io.tsagg.bench.profile.ProfileMain.Point;
import io.tsagg.bench.profile.ProfileMain.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** What {@code ./tsagg profile} measured: a summary, the time series, a JSON file and charts. */
final class ProfileReport {
    private static final double MIB = 1024.0 * 1024.0;

    private final Settings settings;
    private final List<Point> points;
    private final List<long[]> pauses;
    private final Instant when = Instant.now();

    ProfileReport(Settings settings, List<Point> points, List<long[]> pauses) {
        this.settings = settings;
        this.points = points;
        this.pauses = pauses;
    }

    Point last() {
        return points.get(points.size() - 1);
    }

    /** The point of the first sample in, or the last point. */
    private Point firstWithSamples() {
        for (Point p : points) {
            if (p.samplesIn > 0) {
                return p;
            }
        }
        return last();
    }

    /** The first point at which every sample was in, or the last point. */
    private Point allIn() {
        for (Point p : points) {
            if (p.samplesIn >= last().samplesIn) {
                return p;
            }
        }
        return last();
    }

    /** Bytes allocated (whole JVM) per sample while samples came in. */
    double allocatedBytesPerSample() {
        Point a = firstWithSamples();
        Point b = allIn();
        long samples = b.samplesIn - a.samplesIn;
        return samples <= 0 ? Double.NaN : (double) (b.allocatedBytes - a.allocatedBytes) / samples;
    }

    /** Bytes allocated (whole JVM) per sample, job submission to end. */
    double allocatedBytesPerSampleOverall() {
        return last().samplesIn == 0
                ? Double.NaN
                : (double) last().allocatedBytes / last().samplesIn;
    }

    long peak(java.util.function.ToLongFunction<Point> f) {
        long max = 0;
        for (Point p : points) {
            max = Math.max(max, f.applyAsLong(p));
        }
        return max;
    }

    long maxPauseMillis() {
        long max = 0;
        synchronized (pauses) {
            for (long[] p : pauses) {
                max = Math.max(max, p[1]);
            }
        }
        return max;
    }

    String summary() {
        Point end = last();
        return fmt(
                "%,d samples; allocated %.1f bytes/sample while samples came in (%.1f overall);"
                        + " %d GCs, %d ms paused (max %d ms); managed memory peak %.1f of %.1f MiB"
                        + " (high-water %.1f MiB), %.1f MiB in use at the end",
                end.samplesIn,
                allocatedBytesPerSample(),
                allocatedBytesPerSampleOverall(),
                end.gcCount,
                end.gcPauseMillis,
                maxPauseMillis(),
                peak(p -> p.poolBytesInUse) / MIB,
                peak(p -> p.poolBytesBudget) / MIB,
                peak(p -> p.poolBytesHighWater) / MIB,
                end.poolBytesInUse / MIB);
    }

    void write(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# tsagg memory profile, ").append(when).append("\n\n");
        md.append(
                fmt(
                        "Command: `./tsagg profile --samples %d --series %d --format %s"
                                + " --parallelism %d --managed-memory %s --pre-aggregate %s`\n\n",
                        settings.samples,
                        settings.series,
                        settings.format,
                        settings.parallelism,
                        settings.managedMemory,
                        settings.preAggregate));
        md.append(
                "The job runs bounded on a MiniCluster in the profiling JVM (10 s tumbling windows,"
                        + " checkpoints every 5 s, exactly-once sinks) against a local broker in"
                        + " its own JVM. Allocation is the sum of every JVM thread's allocation"
                        + " counter (`ThreadMXBean.getThreadAllocatedBytes`) from job submission,"
                        + " so it includes Flink's own threads, the Kafka clients and this"
                        + " sampler; GC from GC notifications; managed memory from the operators'"
                        + " pool gauges (pages x page size, summed over the window operators and"
                        + " pre-aggregators of all subtasks).\n\n");
        Point end = last();
        md.append("| measure | value |\n| --- | ---: |\n");
        md.append(fmt("| samples in | %,d |\n", end.samplesIn));
        md.append(fmt("| job wall time (s) | %.1f |\n", end.seconds));
        md.append(
                fmt(
                        "| allocated bytes per sample, while samples came in | %.1f |\n",
                        allocatedBytesPerSample()));
        md.append(
                fmt(
                        "| allocated bytes per sample, submission to end (incl. start-up) | %.1f"
                                + " |\n",
                        allocatedBytesPerSampleOverall()));
        md.append(fmt("| GC count | %d |\n", end.gcCount));
        md.append(fmt("| GC pause total (ms) | %d |\n", end.gcPauseMillis));
        md.append(fmt("| GC pause max (ms) | %d |\n", maxPauseMillis()));
        md.append(
                fmt(
                        "| managed memory budget of the pools (MiB) | %.1f |\n",
                        peak(p -> p.poolBytesBudget) / MIB));
        md.append(
                fmt(
                        "| managed memory in use, peak (MiB) | %.1f |\n",
                        peak(p -> p.poolBytesInUse) / MIB));
        md.append(
                fmt(
                        "| pool high-water mark (MiB) | %.1f |\n",
                        peak(p -> p.poolBytesHighWater) / MIB));
        md.append(
                fmt(
                        "| managed memory in use after the job (MiB) | %.1f |\n",
                        end.poolBytesInUse / MIB));
        md.append("\n![managed memory](managed-memory.png)\n\n![allocation](allocation.png)\n\n");
        md.append("## Over time\n\n");
        md.append(
                "| s | samples in | allocated MiB | GCs | GC ms | pool in use MiB | high-water"
                        + " MiB | budget MiB | state MiB | live entries |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int step = Math.max(1, points.size() / 40);
        for (int i = 0; i < points.size(); i++) {
            if (i % step != 0 && i != points.size() - 1) {
                continue;
            }
            Point p = points.get(i);
            md.append(
                    fmt(
                            "| %.2f | %,d | %.1f | %d | %d | %.2f | %.2f | %.1f | %.2f | %,d |\n",
                            p.seconds,
                            p.samplesIn,
                            p.allocatedBytes / MIB,
                            p.gcCount,
                            p.gcPauseMillis,
                            p.poolBytesInUse / MIB,
                            p.poolBytesHighWater / MIB,
                            p.poolBytesBudget / MIB,
                            p.stateBytes / MIB,
                            p.liveEntries));
        }
        ProfileMain.writeString(dir.resolve("profile.md"), md.toString());
        ProfileMain.writeString(dir.resolve("profile.json"), json());
        charts(dir);
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n  \"summary\": {");
        sb.append(fmt("\"samplesIn\": %d, ", last().samplesIn));
        sb.append(fmt("\"allocatedBytesPerSample\": %.3f, ", allocatedBytesPerSample()));
        sb.append(
                fmt(
                        "\"allocatedBytesPerSampleOverall\": %.3f, ",
                        allocatedBytesPerSampleOverall()));
        sb.append(fmt("\"gcCount\": %d, ", last().gcCount));
        sb.append(fmt("\"gcPauseMillis\": %d, ", last().gcPauseMillis));
        sb.append(fmt("\"gcPauseMaxMillis\": %d, ", maxPauseMillis()));
        sb.append(fmt("\"poolBytesBudget\": %d, ", peak(p -> p.poolBytesBudget)));
        sb.append(fmt("\"poolBytesPeak\": %d, ", peak(p -> p.poolBytesInUse)));
        sb.append(fmt("\"poolBytesAtEnd\": %d", last().poolBytesInUse));
        sb.append("},\n  \"points\": [\n");
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            sb.append(
                    fmt(
                            "    {\"s\": %.3f, \"samplesIn\": %d, \"allocatedBytes\": %d,"
                                    + " \"gcCount\": %d, \"gcPauseMillis\": %d,"
                                    + " \"poolBytesInUse\": %d, \"poolBytesHighWater\": %d,"
                                    + " \"poolBytesBudget\": %d, \"stateBytes\": %d,"
                                    + " \"liveEntries\": %d}%s\n",
                            p.seconds,
                            p.samplesIn,
                            p.allocatedBytes,
                            p.gcCount,
                            p.gcPauseMillis,
                            p.poolBytesInUse,
                            p.poolBytesHighWater,
                            p.poolBytesBudget,
                            p.stateBytes,
                            p.liveEntries,
                            i + 1 < points.size() ? "," : ""));
        }
        return sb.append("  ]\n}\n").toString();
    }

    private void charts(Path dir) throws IOException {
        int n = points.size();
        double[] t = new double[n];
        double[] inUse = new double[n];
        double[] highWater = new double[n];
        double[] budget = new double[n];
        double[] allocRate = new double[n];
        double[] samplesRate = new double[n];
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            t[i] = p.seconds;
            inUse[i] = p.poolBytesInUse / MIB;
            highWater[i] = p.poolBytesHighWater / MIB;
            budget[i] = p.poolBytesBudget / MIB;
            if (i > 0) {
                Point q = points.get(i - 1);
                double dt = Math.max(1e-9, p.seconds - q.seconds);
                allocRate[i] = (p.allocatedBytes - q.allocatedBytes) / MIB / dt;
                samplesRate[i] = (p.samplesIn - q.samplesIn) / 1e6 / dt;
            }
        }
        XYChart memory =
                new XYChartBuilder()
                        .width(1000)
                        .height(500)
                        .title("Managed memory of the window state vs budget")
                        .xAxisTitle("seconds since job submission")
                        .yAxisTitle("MiB")
                        .build();
        memory.addSeries("in use", t, inUse).setMarker(SeriesMarkers.NONE);
        memory.addSeries("high-water mark", t, highWater).setMarker(SeriesMarkers.NONE);
        memory.addSeries("budget", t, budget).setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(
                memory, dir.resolve("managed-memory").toString(), BitmapEncoder.BitmapFormat.PNG);
        XYChart alloc =
                new XYChartBuilder()
                        .width(1000)
                        .height(500)
                        .title("Allocation rate (whole JVM) and samples in")
                        .xAxisTitle("seconds since job submission")
                        .yAxisTitle("MiB/s allocated | million samples/s")
                        .build();
        alloc.addSeries("allocated MiB/s", t, allocRate).setMarker(SeriesMarkers.NONE);
        alloc.addSeries("million samples/s in", t, samplesRate).setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(
                alloc, dir.resolve("allocation").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}

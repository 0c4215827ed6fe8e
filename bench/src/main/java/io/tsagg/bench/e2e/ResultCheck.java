package io.tsagg.bench.e2e;

import io.tsagg.job.generate.SampleGenerator;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks a contender's window results against an independent computation from the generator, so a
 * fast wrong answer cannot win: the same (series key, window start) set, counts, min and max equal,
 * first and last equal where the contender computes them, sums and means within {@value #SUM_TOL}
 * of the sum of absolute values (relative), standard deviation within {@value #STDDEV_TOL} relative
 * (reported separately: SQL's {@code STDDEV_SAMP} uses a sum-of-squares formula that loses digits
 * on series with a large offset).
 */
final class ResultCheck {
    static final double SUM_TOL = 1e-9;
    static final double STDDEV_TOL = 1e-6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SQL_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS][.SS][.S]");

    /** The reference statistics of one (series, window). */
    static final class Window {
        long count;
        double sum;
        double sumAbs;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double mean;
        double m2;
        long firstTs = Long.MAX_VALUE;
        double first;
        long lastTs = Long.MIN_VALUE;
        double last;

        void add(long ts, double v) {
            count++;
            sum += v;
            sumAbs += Math.abs(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
            double d = v - mean;
            mean += d / count;
            m2 += d * (v - mean);
            if (ts < firstTs) {
                firstTs = ts;
                first = v;
            }
            if (ts >= lastTs) {
                lastTs = ts;
                last = v;
            }
        }

        double stddev() {
            return count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
        }
    }

    /** Outcome for one contender run. */
    static final class Outcome {
        boolean correct = true;
        long windows;
        long expectedWindows;
        double maxSumError;
        double maxStddevError;
        String problem = "";

        void fail(String message) {
            if (correct) {
                problem = message;
            }
            correct = false;
        }

        String summary() {
            if (!correct) {
                return "WRONG: " + problem;
            }
            return String.format(
                    "ok (%d windows; sum/mean rel. err. %.1e; stddev rel. err. %.1e%s)",
                    windows,
                    maxSumError,
                    maxStddevError,
                    maxStddevError > STDDEV_TOL ? " > " + STDDEV_TOL + ": stddev inaccurate" : "");
        }
    }

    private ResultCheck() {}

    /** (series key @ window start) -> statistics, computed from the generator alone. */
    static Map<String, Window> reference(SampleGenerator generator, long windowMs)
            throws Exception {
        Map<String, Window> windows = new HashMap<>();
        generator.forEach(
                (s, ts, v) -> {
                    long start = Math.floorDiv(ts, windowMs) * windowMs;
                    windows.computeIfAbsent(generator.seriesKey(s) + "@" + start, k -> new Window())
                            .add(ts, v);
                });
        return windows;
    }

    /** Checks JSON results (tsagg's, the DataStream job's, or the SQL job's format). */
    static Outcome check(
            Map<String, Window> reference, List<ConsumerRecord<byte[], byte[]>> results)
            throws Exception {
        Outcome o = new Outcome();
        o.expectedWindows = reference.size();
        Map<String, Boolean> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            JsonNode n = JSON.readTree(r.value());
            JsonNode startNode = n.get("window_start");
            long start =
                    startNode.isNumber()
                            ? startNode.asLong()
                            : LocalDateTime.parse(startNode.asText(), SQL_TIMESTAMP)
                                    .toInstant(ZoneOffset.UTC)
                                    .toEpochMilli();
            String id = n.get("key").asText() + "@" + start;
            if (seen.put(id, Boolean.TRUE) != null) {
                o.fail("two results for " + id);
                continue;
            }
            Window w = reference.get(id);
            if (w == null) {
                o.fail("a result for a window without samples: " + id);
                continue;
            }
            o.windows++;
            if (n.get("count").asLong() != w.count) {
                o.fail(id + ": count " + n.get("count").asLong() + ", expected " + w.count);
            }
            exact(o, id, "min", n, w.min);
            exact(o, id, "max", n, w.max);
            if (n.has("first")) {
                exact(o, id, "first", n, w.first);
                exact(o, id, "last", n, w.last);
            }
            double sumError = Math.abs(n.get("sum").asDouble() - w.sum) / w.sumAbs;
            double meanError = Math.abs(n.get("mean").asDouble() - w.mean) / (w.sumAbs / w.count);
            o.maxSumError = Math.max(o.maxSumError, Math.max(sumError, meanError));
            if (sumError > SUM_TOL || meanError > SUM_TOL) {
                o.fail(id + ": sum or mean off by " + Math.max(sumError, meanError) + " relative");
            }
            JsonNode sd = n.get("stddev");
            double expected = w.stddev();
            if (sd == null || sd.isNull()) {
                if (!Double.isNaN(expected)) {
                    o.fail(id + ": no stddev, expected " + expected);
                }
            } else if (Double.isNaN(expected)) {
                o.fail(id + ": stddev " + sd.asDouble() + " of a single sample");
            } else {
                double error =
                        Math.abs(sd.asDouble() - expected) / Math.max(expected, Double.MIN_NORMAL);
                o.maxStddevError = Math.max(o.maxStddevError, error);
            }
        }
        if (o.windows != reference.size()) {
            o.fail(o.windows + " windows, expected " + reference.size());
        }
        return o;
    }

    private static void exact(Outcome o, String id, String field, JsonNode n, double expected) {
        double actual = n.get(field).asDouble();
        if (Double.compare(actual, expected) != 0) {
            o.fail(id + ": " + field + " " + actual + ", expected " + expected);
        }
    }
}

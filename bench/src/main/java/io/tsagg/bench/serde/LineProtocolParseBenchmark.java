package io.tsagg.bench.serde;

import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Line-protocol parsing, per sample: {@link LineProtocolParser} (bytes -> canonical group-key ids,
 * timestamps, values in an {@link IngestArena}) against a straightforward parser written here with
 * {@code new String}, {@code String.split}, {@code Double.parseDouble} and a sorted tag list, which
 * computes the same ids. A record is 100 Telegraf-style {@code cpu} lines of 4 tags (not in sorted
 * order) and 3 float fields, so 300 samples; one op = one sample. MB/s = score x bytes/sample
 * (printed at setup) / 1e6. Both parsers' checksums are compared at setup, record by record, and
 * every call's checksum with its record's.
 *
 * <p>{@link #cardinality}: how many series the records cycle through, each call parsing the next
 * record.
 *
 * <ul>
 *   <li>{@code repeating}: one record whose lines draw from about 400 series ({@code
 *       host=server-0..49} x {@code cpu0..7}), parsed again and again;
 *   <li>{@code series10k}: 100 records of 100 lines, 10,000 distinct series ({@code
 *       host=server-0..1249} x {@code cpu0..7}, the same shape) in a seeded shuffled order, so each
 *       series comes back once every 100 calls (the end-to-end bench runs 10,000 series);
 *   <li>{@code unique}: 2,000 records of 100 lines, each line its own host ({@code
 *       host=server-0..199999}): 200,000 series, more than any cache of the parser holds, so every
 *       line is a series it has not kept. (Truly endless new series would grow the parser's set of
 *       announced ids, and the job's dictionary, without bound: no steady state to measure.)
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar LineProtocol -prof gc} (the fork adds the
 * vector module).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LineProtocolParseBenchmark {
    static final int LINES = 100;
    static final int FIELDS = 3;
    static final int SAMPLES = LINES * FIELDS;

    @Param({"repeating", "series10k", "unique"})
    public String cardinality;

    private final LineProtocolParser parser = new LineProtocolParser();
    private final IngestArena arena = new IngestArena();
    private byte[][] records;
    private long[] expected;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(7);
        switch (cardinality) {
            case "repeating":
                records = new byte[1][];
                records[0] = repeatingRecord(random);
                break;
            case "series10k":
                records = shuffledRecords(10_000, 8, random);
                break;
            case "unique":
                records = shuffledRecords(200_000, 1, random);
                break;
            default:
                throw new IllegalArgumentException(
                        "cardinality: repeating, series10k or unique, not " + cardinality);
        }
        expected = new long[records.length];
        long bytes = 0;
        for (int r = 0; r < records.length; r++) {
            long ours = parse(records[r]);
            long baseline = StringSplitParser.parse(records[r]);
            if (ours != baseline || parser.samples() != SAMPLES) {
                throw new AssertionError(
                        "record "
                                + r
                                + ": checksums differ: "
                                + ours
                                + " vs "
                                + baseline
                                + ", samples "
                                + parser.samples());
            }
            expected[r] = baseline;
            bytes += records[r].length;
        }
        System.out.printf(
                "%nline protocol (%s): %d records, %d bytes, %d samples, %.2f bytes/sample%n",
                cardinality,
                records.length,
                bytes,
                (long) SAMPLES * records.length,
                bytes / (double) SAMPLES / records.length);
    }

    /** Today's record: 100 lines of about 400 series (random hosts of 50, cpu = line % 8). */
    private static byte[] repeatingRecord(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            int host = random.nextInt(50);
            appendLine(sb, random, host, i % 8, i);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code series / LINES} records holding each of {@code series} series once ({@code host = s /
     * cpus}, {@code cpu = s % cpus}), in a seeded random order.
     */
    private static byte[][] shuffledRecords(int series, int cpus, Random random) {
        int[] order = new int[series];
        for (int s = 0; s < series; s++) {
            order[s] = s;
        }
        for (int s = series - 1; s > 0; s--) {
            int j = random.nextInt(s + 1);
            int t = order[s];
            order[s] = order[j];
            order[j] = t;
        }
        byte[][] records = new byte[series / LINES][];
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < records.length; r++) {
            sb.setLength(0);
            for (int i = 0; i < LINES; i++) {
                int s = order[r * LINES + i];
                appendLine(sb, random, s / cpus, s % cpus, i);
            }
            records[r] = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        return records;
    }

    private static void appendLine(StringBuilder sb, Random random, int host, int cpu, int i) {
        sb.append("cpu,host=server-")
                .append(host)
                .append(",cpu=cpu")
                .append(cpu)
                .append(",region=eu-west-")
                .append(host % 3)
                .append(",dc=fra")
                .append(host % 2)
                .append(" usage_user=")
                .append(random.nextInt(10_000) / 100.0)
                .append(",usage_system=")
                .append(random.nextDouble() * 10)
                .append(",usage_idle=")
                .append(random.nextInt(1000) / 10.0)
                .append(' ')
                .append(1_767_225_600_000_000_000L + i * 1_000_000_007L)
                .append('\n');
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    private long parse(byte[] record) {
        arena.reset();
        int n = parser.parse(record, 0, record.length, 0L, arena);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum +=
                    FrameDecodeBenchmark.checksum(
                            arena.keyId(i), arena.timestamp(i), arena.value(i));
        }
        return sum;
    }

    /** Ours: bytes in, arena out, then read back. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void tsagg(Blackhole bh) {
        final int r = nextRecord();
        bh.consume(FrameDecodeBenchmark.check(parse(records[r]), expected[r]));
    }

    /** Straightforward: String, split, parseDouble. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void stringSplit(Blackhole bh) {
        final int r = nextRecord();
        bh.consume(FrameDecodeBenchmark.check(StringSplitParser.parse(records[r]), expected[r]));
    }

    private int nextRecord() {
        final int r = next;
        next = r + 1 == records.length ? 0 : r + 1;
        return r;
    }

    /** The obvious parser for the benchmark's (escape-free) input; same ids and checksum. */
    static final class StringSplitParser {
        static long parse(byte[] record) {
            long sum = 0;
            for (String line : new String(record, StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] sections = line.split(" ");
                String[] series = sections[0].split(",");
                String[] tags = Arrays.copyOfRange(series, 1, series.length);
                Arrays.sort(tags);
                StringBuilder prefix = new StringBuilder(series[0]);
                for (String t : tags) {
                    prefix.append(',').append(t);
                }
                long ts = sections.length > 2 ? Long.parseLong(sections[2]) / 1_000_000L : 0L;
                for (String field : sections[1].split(",")) {
                    String[] kv = field.split("=");
                    String v = kv[1];
                    double value =
                            v.endsWith("i") || v.endsWith("u")
                                    ? Long.parseLong(v.substring(0, v.length() - 1))
                                    : Double.parseDouble(v);
                    byte[] key = (prefix + " " + kv[0]).getBytes(StandardCharsets.UTF_8);
                    long id = SeriesKeyHash.hash(key, 0, key.length);
                    sum += FrameDecodeBenchmark.checksum(id, ts, value);
                }
            }
            return sum;
        }
    }
}

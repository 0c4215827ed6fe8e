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
 * (printed at setup) / 1e6. Both parsers' checksums are compared at setup, and every call's
 * checksum with that one.
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

    private final LineProtocolParser parser = new LineProtocolParser();
    private final IngestArena arena = new IngestArena();
    private byte[] record;
    private long expected;

    @Setup
    public void setUp() {
        Random random = new Random(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            int host = random.nextInt(50);
            sb.append("cpu,host=server-")
                    .append(host)
                    .append(",cpu=cpu")
                    .append(i % 8)
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
        record = sb.toString().getBytes(StandardCharsets.UTF_8);
        long ours = parseBytes();
        long baseline = StringSplitParser.parse(record);
        expected = baseline;
        if (ours != baseline || parser.samples() != SAMPLES) {
            throw new AssertionError(
                    "checksums differ: "
                            + ours
                            + " vs "
                            + baseline
                            + ", samples "
                            + parser.samples());
        }
        System.out.printf(
                "%nline protocol: %d bytes, %d samples, %.2f bytes/sample%n",
                record.length, SAMPLES, record.length / (double) SAMPLES);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    private long parseBytes() {
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
        bh.consume(FrameDecodeBenchmark.check(parseBytes(), expected));
    }

    /** Straightforward: String, split, parseDouble. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void stringSplit(Blackhole bh) {
        bh.consume(FrameDecodeBenchmark.check(StringSplitParser.parse(record), expected));
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

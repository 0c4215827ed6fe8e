package io.tsagg.job.kafka;

import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The origin of a line-protocol sample: the bytes of the line it came from, cut down to its own
 * field. Sample {@code k} of a record (numbered as the reader's parser appended them) came from a
 * line {@code measurement,tags f1=v1,f2="s",f3=v3 timestamp}; its origin is that line's measurement
 * and tags, its field and the timestamp, each exactly as they were in the input (escapes included),
 * separated by single spaces: {@code measurement,tags f3=v3 timestamp}. A line with one numeric
 * field thus comes out as it went in; replaying the origins of a multi-field line's late samples
 * adds each of them once. A line without a timestamp gets the one it was given (the Kafka record's
 * timestamp), written in the input precision.
 *
 * <p>Called only for samples that may turn out late, so it may re-parse: it walks the record's
 * lines with a tracking parser from where the last call stopped (samples are asked for in order),
 * so writing every origin of a record costs one more parse of it.
 *
 * <p>It can hold several Kafka records at once, the records whose samples a reader parsed into one
 * arena one after another ({@link #add}): sample {@code k} of the arena is then sample {@code k -
 * first} of the record that {@code first} started. One per reader; not thread-safe.
 */
final class LineOrigins implements MetricRecord.OriginWriter {
    private final TimestampPrecision precision;
    private final LineProtocolParser parser;
    private final IngestArena arena = new IngestArena();
    private byte[] scratch = new byte[256];

    /** The records held: their values, default timestamps and first arena samples. */
    private byte[][] inputs = new byte[16][];

    private long[] defaults = new long[16];
    private int[] firsts = new int[16];
    private int records;

    /** The record whose lines are walked ({@code -1}: none yet), its value and default time. */
    private int current = -1;

    private byte[] input;
    private long defaultTimestampMs;

    /**
     * Where the next line of the current record starts, and the first sample (of the record) of the
     * line parsed last and its count.
     */
    private int nextLine;

    private int firstSample;
    private int lineSamples;

    /** Parses as the reader does (same precision and keys), so samples are numbered alike. */
    LineOrigins(TimestampPrecision precision, GroupKeySpec groupKeys) {
        this.precision = precision;
        this.parser = LineProtocolParser.tracking(precision, groupKeys);
    }

    /**
     * Forgets the records held and drops the references to their values (until then, at most one
     * batch's records are kept).
     */
    void clear() {
        Arrays.fill(inputs, 0, records, null);
        records = 0;
        current = -1;
    }

    /**
     * Adds a record whose samples the reader's arena holds from sample {@code firstSample} on, up
     * to the next record's first. Hot path: four stores.
     */
    void add(byte[] value, long defaultTimestampMs, int firstSample) {
        if (records == inputs.length) {
            inputs = Arrays.copyOf(inputs, 2 * records);
            defaults = Arrays.copyOf(defaults, 2 * records);
            firsts = Arrays.copyOf(firsts, 2 * records);
        }
        inputs[records] = value;
        defaults[records] = defaultTimestampMs;
        firsts[records] = firstSample;
        records++;
    }

    @Override
    public void writeOrigin(int sample, MetricRecord into) {
        int r = recordOf(sample);
        if (r < 0) {
            return; // not a sample of a record held: no origin
        }
        int k = sample - firsts[r];
        if (r != current || k < firstSample) {
            walk(r);
        }
        while (k >= firstSample + lineSamples) {
            if (nextLine >= input.length) {
                return; // not a sample of this record: no origin
            }
            int newline = nextLine;
            while (newline < input.length && input[newline] != '\n') {
                newline++;
            }
            firstSample += lineSamples;
            arena.reset();
            lineSamples =
                    parser.parse(input, nextLine, newline - nextLine, defaultTimestampMs, arena);
            nextLine = newline + 1;
        }
        write(k - firstSample, into);
    }

    /** The record held whose samples include arena sample {@code sample}; -1 if none. */
    private int recordOf(int sample) {
        if (current >= 0
                && sample >= firsts[current]
                && (current + 1 == records || sample < firsts[current + 1])) {
            return current; // samples are asked for in order: mostly the record of the last one
        }
        int lo = 0;
        int hi = records - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firsts[mid] <= sample) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Starts walking the lines of record {@code r} from its first. */
    private void walk(int r) {
        current = r;
        input = inputs[r];
        defaultTimestampMs = defaults[r];
        nextLine = 0;
        firstSample = 0;
        lineSamples = 0;
    }

    /** Writes sample {@code k} of the line parsed last. */
    private void write(int k, MetricRecord into) {
        int seriesStart = parser.lastLineStart();
        int seriesLength = parser.lastSeriesEnd() - seriesStart;
        int fieldStart = parser.fieldStart(k);
        int fieldLength = parser.fieldEnd(k) - fieldStart;
        int timestampStart = parser.lastTimestampStart();
        byte[] defaultTimestamp =
                timestampStart >= 0
                        ? null
                        : Long.toString(precision.fromMillis(defaultTimestampMs))
                                .getBytes(StandardCharsets.US_ASCII);
        int timestampLength =
                timestampStart >= 0
                        ? parser.lastLineEnd() - timestampStart
                        : defaultTimestamp.length;
        int length = seriesLength + 1 + fieldLength + 1 + timestampLength;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        System.arraycopy(input, seriesStart, scratch, 0, seriesLength);
        int p = seriesLength;
        scratch[p++] = ' ';
        System.arraycopy(input, fieldStart, scratch, p, fieldLength);
        p += fieldLength;
        scratch[p++] = ' ';
        if (timestampStart >= 0) {
            System.arraycopy(input, timestampStart, scratch, p, timestampLength);
        } else {
            System.arraycopy(defaultTimestamp, 0, scratch, p, timestampLength);
        }
        into.setOrigin(scratch, 0, length);
    }
}

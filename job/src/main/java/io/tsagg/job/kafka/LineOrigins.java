package io.tsagg.job.kafka;

import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;

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
 * so writing every origin of a record costs one more parse of it. One per reader; not thread-safe.
 */
final class LineOrigins implements MetricRecord.OriginWriter {
    private final TimestampPrecision precision;
    private final LineProtocolParser parser;
    private final IngestArena arena = new IngestArena();
    private byte[] scratch = new byte[256];

    private byte[] input;
    private long defaultTimestampMs;

    /** Where the next line starts, and the first sample of the line parsed last and its count. */
    private int nextLine;

    private int firstSample;
    private int lineSamples;

    /** Parses as the reader does (same precision and keys), so samples are numbered alike. */
    LineOrigins(TimestampPrecision precision, GroupKeySpec groupKeys) {
        this.precision = precision;
        this.parser = LineProtocolParser.tracking(precision, groupKeys);
    }

    /** Starts a record. Hot path: three stores. */
    void reset(byte[] input, long defaultTimestampMs) {
        this.input = input;
        this.defaultTimestampMs = defaultTimestampMs;
        this.nextLine = 0;
        this.firstSample = 0;
        this.lineSamples = 0;
    }

    @Override
    public void writeOrigin(int sample, MetricRecord into) {
        if (sample < firstSample) {
            reset(input, defaultTimestampMs);
        }
        while (sample >= firstSample + lineSamples) {
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
        write(sample - firstSample, into);
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

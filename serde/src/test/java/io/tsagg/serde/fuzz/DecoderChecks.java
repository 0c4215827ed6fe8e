package io.tsagg.serde.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.SeriesKeyBuilder;
import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What both fuzz tests ({@link DecoderFuzzTest}, {@link JazzerDecoderFuzzTest}) hold the decoders
 * to, and the valid inputs they start from. Only {@link MalformedInputException} may escape a
 * decoder, with a reason code; whatever is accepted must be consistent: sample timestamps in range,
 * values finite, series indexes and keys inside the input, key hashes those of the key bytes.
 */
final class DecoderChecks {
    private DecoderChecks() {}

    /** Parsers with the settings a user can give: precision, group-by, size limits. */
    static LineProtocolParser[] lineProtocolParsers() {
        return new LineProtocolParser[] {
            new LineProtocolParser(),
            new LineProtocolParser(TimestampPrecision.SECONDS, GroupKeySpec.keep(List.of("host"))),
            new LineProtocolParser(
                    TimestampPrecision.MICROSECONDS, GroupKeySpec.drop(List.of("t")), 40, 2),
        };
    }

    /** Valid line protocol: escapes, quoted strings, every field type, comments, CRLF. */
    static List<byte[]> lineProtocolCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        for (String s :
                List.of(
                        "cpu,host=a,region=eu usage_user=1.5,usage_system=2i,idle=3u 1556813561098000000\n"
                                + "mem,host=b used=12.5e3 1556813561098000000\n",
                        "# comment\n\nm\\ x,t\\,k=v\\=1,a=\\\\ f\\ k=-1.5e-3,s=\"a \\\"q\\\" b\",b=true\n",
                        "m,é=🍭 f=9223372036854775807i,g=18446744073709551615u,h=1e999 9223372036854775806\r\n",
                        "weather,location=us-midwest temperature=82 1465839830100400200\n"
                                + "weather,location=us-east temperature=.5,x=F 1465839830100400200")) {
            corpus.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return corpus;
    }

    /** Valid frames of 1 to 10 series and 5 to 26 samples. */
    static List<byte[]> frameCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            FrameWriter w = new FrameWriter();
            int series = 1 + f * 3;
            for (int s = 0; s < series; s++) {
                w.addSeries("cpu,host=h" + s + ",region=r" + (s % 2) + " usage_" + f);
            }
            for (int i = 0; i < 5 + f * 7; i++) {
                w.addSample(i % series, 1_700_000_000_000L + i * 1000L, i * 0.5);
            }
            corpus.add(w.toByteArray());
        }
        return corpus;
    }

    /** The group keys accepted frames' series keys are parsed into. */
    static SeriesKeyBuilder frameGroupKeys() {
        return new SeriesKeyBuilder(GroupKeySpec.keep(List.of("region")), 256);
    }

    private static void checkRejected(MalformedInputException e) {
        assertThat(e.reason()).matches("[a-z0-9_]+");
    }

    /**
     * Parses {@code input} with {@code parser} into {@code arena} (reset first) and checks what
     * came out; returns the samples parsed.
     */
    static int parseAndCheck(LineProtocolParser parser, IngestArena arena, byte[] input) {
        arena.reset();
        int n = parser.parse(input, 0, input.length, 1_000L, arena);
        checkAccepted(parser, arena, n, input);
        return n;
    }

    /**
     * Decodes {@code frame} with {@code d} and checks the rejection or what was accepted; returns
     * whether it was accepted.
     */
    static boolean decodeAndCheck(FrameDecoder d, SeriesKeyBuilder groupKeys, byte[] frame) {
        try {
            d.wrap(frame, 0, frame.length);
        } catch (MalformedInputException e) {
            checkRejected(e);
            return false;
        }
        checkAccepted(d, groupKeys, frame);
        return true;
    }

    /** What {@code parser} made of {@code input}: {@code n} samples in {@code arena}. */
    private static void checkAccepted(
            LineProtocolParser parser, IngestArena arena, int n, byte[] input) {
        assertThat(arena.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(arena.timestamp(i))
                    .isBetween(
                            LineProtocolParser.MIN_TIMESTAMP_MS,
                            LineProtocolParser.MAX_TIMESTAMP_MS);
            assertThat(Double.isFinite(arena.value(i))).isTrue();
        }
        for (int k = 0; k < arena.keyCount(); k++) {
            assertThat(
                            SeriesKeyHash.hash(
                                    arena.newKeyBytes(),
                                    arena.newKeyOffset(k),
                                    arena.newKeyLength(k)))
                    .isEqualTo(arena.newKeyId(k));
        }
        for (int r = 0; r < parser.rejectedLines(); r++) {
            assertThat(parser.rejectedReason(r)).matches("[a-z0-9_]+");
            assertThat(parser.rejectedPosition(r)).isBetween(0L, (long) input.length);
            assertThat(parser.rejectedLineStart(r) + parser.rejectedLineLength(r))
                    .isLessThanOrEqualTo(input.length);
        }
    }

    /** A frame {@code d} accepted from {@code input}: every key and sample can be read. */
    private static void checkAccepted(FrameDecoder d, SeriesKeyBuilder groupKeys, byte[] input) {
        for (int s = 0; s < d.seriesCount(); s++) {
            int off = d.seriesKeyOffset(s);
            int len = d.seriesKeyLength(s);
            assertThat(len).isPositive();
            assertThat(off + len).isLessThanOrEqualTo(input.length);
            assertThat(d.seriesKeyHash(s)).isEqualTo(SeriesKeyHash.hash(input, off, len));
            groupKeys.groupIdOfSeriesKey(input, off, len);
        }
        for (int i = 0; i < d.sampleCount(); i++) {
            assertThat(d.seriesIndex(i)).isBetween(0, d.seriesCount() - 1);
            d.timestamp(i); // any int64: range policy belongs to the reader
            d.value(i);
        }
    }

    /**
     * Writes a valid CRC32C trailer over everything before the last 4 bytes, so that a mutated
     * frame reaches the structural checks behind the CRC.
     */
    static void reseal(byte[] frame) {
        if (frame.length < 4) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - 4);
        ByteBuffer.wrap(frame)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(frame.length - 4, (int) crc.getValue());
    }
}

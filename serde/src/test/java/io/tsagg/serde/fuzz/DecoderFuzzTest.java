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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of both decoders ({@link FrameDecoder}, {@link LineProtocolParser}): seeded
 * random mutations (bit flips, interesting bytes, inserts, deletes, duplicated and spliced ranges,
 * truncation; frames are often re-sealed with a valid CRC so the structural checks are reached) of
 * a corpus of valid inputs. Asserts that no exception but {@link MalformedInputException} escapes
 * and that whatever is accepted is consistent: sample timestamps in range, values finite, series
 * indexes and keys inside the frame.
 *
 * <p>Budget: {@code -Dtsagg.fuzz.seconds=N} per decoder (default 10, so 20 s in the normal suite);
 * {@code -Dtsagg.fuzz.seed=S} replays a run. The seed is printed on failure. A longer run: {@code
 * mvn -B -o -pl serde test -Dtest=DecoderFuzzTest -Dtsagg.fuzz.seconds=600}.
 *
 * <p>Jazzer ({@code jazzer-junit}) was not used: it is not in the offline repository our builds
 * use, and its regression mode would only replay seeds in the normal run.
 */
class DecoderFuzzTest {
    private static final long SECONDS = Long.getLong("tsagg.fuzz.seconds", 10);
    private static final long SEED = Long.getLong("tsagg.fuzz.seed", System.nanoTime());
    private static final byte[] INTERESTING =
            "\n\r\t \\\",=#-+.eEiu0159tTfF\u0000".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void shouldNeverFailOnMutatedLineProtocol() {
        Random random = new Random(SEED);
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
        LineProtocolParser[] parsers = {
            new LineProtocolParser(),
            new LineProtocolParser(TimestampPrecision.SECONDS, GroupKeySpec.keep(List.of("host"))),
            new LineProtocolParser(
                    TimestampPrecision.MICROSECONDS, GroupKeySpec.drop(List.of("t")), 40, 2),
        };
        long runs = 0;
        try (IngestArena arena = new IngestArena()) {
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (int batch = 0; batch < 256; batch++, runs++) {
                    byte[] input = mutate(random, corpus);
                    LineProtocolParser parser = parsers[random.nextInt(parsers.length)];
                    arena.reset();
                    try {
                        int n = parser.parse(input, 0, input.length, 1_000L, arena);
                        checkAccepted(parser, arena, n, input);
                    } catch (Throwable t) {
                        throw new AssertionError(failure("line protocol", input), t);
                    }
                    if (parser.samples() > 0 && corpus.size() < 512 && random.nextInt(8) == 0) {
                        corpus.add(input);
                    }
                }
            }
        }
        System.out.printf("line protocol: %,d inputs in %d s (seed %d)%n", runs, SECONDS, SEED);
        assertThat(runs).isPositive();
    }

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

    @Test
    void shouldNeverFailOnMutatedFrames() {
        Random random = new Random(SEED);
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
        FrameDecoder decoder = new FrameDecoder();
        SeriesKeyBuilder groupKeys =
                new SeriesKeyBuilder(GroupKeySpec.keep(List.of("region")), 256);
        long runs = 0;
        long accepted = 0;
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (int batch = 0; batch < 256; batch++, runs++) {
                byte[] input = mutate(random, corpus);
                if (random.nextBoolean()) {
                    reseal(input);
                }
                try {
                    decoder.wrap(input, 0, input.length);
                } catch (MalformedInputException e) {
                    assertThat(e.reason()).matches("[a-z0-9_]+");
                    continue;
                } catch (Throwable t) {
                    throw new AssertionError(failure("frame", input), t);
                }
                try {
                    checkAccepted(decoder, groupKeys, input);
                } catch (Throwable t) {
                    throw new AssertionError(failure("accepted frame", input), t);
                }
                accepted++;
            }
        }
        System.out.printf(
                "frames: %,d inputs, %,d accepted, in %d s (seed %d)%n",
                runs, accepted, SECONDS, SEED);
        assertThat(accepted).isPositive();
    }

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

    // ---------------------------------------------------------------- mutation

    private static byte[] mutate(Random r, List<byte[]> corpus) {
        byte[] b = corpus.get(r.nextInt(corpus.size())).clone();
        int steps = 1 + r.nextInt(4);
        for (int s = 0; s < steps; s++) {
            int n = b.length;
            switch (r.nextInt(8)) {
                case 0: // bit flip
                    if (n > 0) {
                        b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                    }
                    break;
                case 1: // interesting byte
                    if (n > 0) {
                        b[r.nextInt(n)] = INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                    break;
                case 2: // random byte
                    if (n > 0) {
                        b[r.nextInt(n)] = (byte) r.nextInt(256);
                    }
                    break;
                case 3: // insert interesting bytes
                    {
                        int at = r.nextInt(n + 1);
                        int k = 1 + r.nextInt(4);
                        byte[] out = new byte[n + k];
                        System.arraycopy(b, 0, out, 0, at);
                        for (int i = 0; i < k; i++) {
                            out[at + i] = INTERESTING[r.nextInt(INTERESTING.length)];
                        }
                        System.arraycopy(b, at, out, at + k, n - at);
                        b = out;
                    }
                    break;
                case 4: // delete a range
                    if (n > 0) {
                        int at = r.nextInt(n);
                        int k = 1 + r.nextInt(Math.min(16, n - at));
                        byte[] out = new byte[n - k];
                        System.arraycopy(b, 0, out, 0, at);
                        System.arraycopy(b, at + k, out, at, n - at - k);
                        b = out;
                    }
                    break;
                case 5: // duplicate a range
                    if (n > 0) {
                        int at = r.nextInt(n);
                        int k = 1 + r.nextInt(Math.min(32, n - at));
                        byte[] out = new byte[n + k];
                        System.arraycopy(b, 0, out, 0, at + k);
                        System.arraycopy(b, at, out, at + k, n - at);
                        b = out;
                    }
                    break;
                case 6: // splice with another input
                    {
                        byte[] other = corpus.get(r.nextInt(corpus.size()));
                        int cut = r.nextInt(n + 1);
                        int from = r.nextInt(other.length + 1);
                        byte[] out = Arrays.copyOf(b, cut + other.length - from);
                        System.arraycopy(other, from, out, cut, other.length - from);
                        b = out;
                    }
                    break;
                default: // truncate
                    b = Arrays.copyOf(b, r.nextInt(n + 1));
            }
        }
        return b;
    }

    /** Writes a valid CRC32C trailer over everything before the last 4 bytes. */
    private static void reseal(byte[] frame) {
        if (frame.length < 4) {
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - 4);
        ByteBuffer.wrap(frame)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(frame.length - 4, (int) crc.getValue());
    }

    private static String failure(String what, byte[] input) {
        return what
                + " input failed (seed "
                + SEED
                + ", replay with -Dtsagg.fuzz.seed="
                + SEED
                + "): "
                + Arrays.toString(input);
    }
}

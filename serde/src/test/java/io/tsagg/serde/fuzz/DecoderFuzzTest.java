package io.tsagg.serde.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.SeriesKeyBuilder;
import io.tsagg.serde.ingest.IngestArena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
 * <p>{@link JazzerDecoderFuzzTest} fuzzes the same decoders with the same checks ({@link
 * DecoderChecks}), guided by coverage.
 */
class DecoderFuzzTest {
    private static final long SECONDS = Long.getLong("tsagg.fuzz.seconds", 10);
    private static final long SEED = Long.getLong("tsagg.fuzz.seed", System.nanoTime());
    private static final byte[] INTERESTING =
            "\n\r\t \\\",=#-+.eEiu0159tTfF\u0000".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void shouldNeverFailOnMutatedLineProtocol() {
        Random random = new Random(SEED);
        List<byte[]> corpus = new ArrayList<>(DecoderChecks.lineProtocolCorpus());
        LineProtocolParser[] parsers = DecoderChecks.lineProtocolParsers();
        long runs = 0;
        try (IngestArena arena = new IngestArena()) {
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                for (int batch = 0; batch < 256; batch++, runs++) {
                    byte[] input = mutate(random, corpus);
                    LineProtocolParser parser = parsers[random.nextInt(parsers.length)];
                    try {
                        DecoderChecks.parseAndCheck(parser, arena, input);
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

    @Test
    void shouldNeverFailOnMutatedFrames() {
        Random random = new Random(SEED);
        List<byte[]> corpus = new ArrayList<>(DecoderChecks.frameCorpus());
        FrameDecoder decoder = new FrameDecoder();
        SeriesKeyBuilder groupKeys = DecoderChecks.frameGroupKeys();
        long runs = 0;
        long accepted = 0;
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (int batch = 0; batch < 256; batch++, runs++) {
                byte[] input = mutate(random, corpus);
                if (random.nextBoolean()) {
                    DecoderChecks.reseal(input);
                }
                try {
                    if (DecoderChecks.decodeAndCheck(decoder, groupKeys, input)) {
                        accepted++;
                    }
                } catch (Throwable t) {
                    throw new AssertionError(failure("frame", input), t);
                }
            }
        }
        System.out.printf(
                "frames: %,d inputs, %,d accepted, in %d s (seed %d)%n",
                runs, accepted, SECONDS, SEED);
        assertThat(accepted).isPositive();
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

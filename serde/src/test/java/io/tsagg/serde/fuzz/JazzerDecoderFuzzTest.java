package io.tsagg.serde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ilp.SeriesKeyBuilder;
import io.tsagg.serde.ingest.IngestArena;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Coverage-guided fuzzing of both decoders with Jazzer ({@code jazzer-junit}), held to the checks
 * of {@link DecoderChecks}.
 *
 * <p>An input's first byte chooses the settings, the rest is the Kafka record: for {@link #frames},
 * bit 0 set re-seals the CRC32C trailer (so mutations reach the checks behind it); for {@link
 * #lines}, the byte modulo 3 picks one of {@link DecoderChecks#lineProtocolParsers()}. The seeds
 * are in {@code src/test/resources/io/tsagg/serde/fuzz/JazzerDecoderFuzzTestInputs/<method>/},
 * where Jazzer also writes an input that fails, which every later run then replays.
 *
 * <p>{@code mvn verify} fuzzes each method for {@code tsagg.jazzer.duration} (default 20 s) in a
 * surefire execution of its own ({@code jazzer-frames}, {@code jazzer-lines} in {@code
 * serde/pom.xml}: Jazzer fuzzes one test per JVM, and its agent stays in the JVM it instruments). A
 * longer run: {@code mvn -B -pl serde verify -Dtsagg.jazzer.duration=10m}.
 */
class JazzerDecoderFuzzTest {
    private final LineProtocolParser[] parsers = DecoderChecks.lineProtocolParsers();
    private final FrameDecoder decoder = new FrameDecoder();
    private final SeriesKeyBuilder groupKeys = DecoderChecks.frameGroupKeys();
    private IngestArena arena;

    @BeforeEach
    void openArena() {
        arena = new IngestArena();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    @FuzzTest(maxDuration = "20s")
    void frames(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] frame = Arrays.copyOfRange(data, 1, data.length);
        if ((data[0] & 1) != 0) {
            DecoderChecks.reseal(frame);
        }
        DecoderChecks.decodeAndCheck(decoder, groupKeys, frame);
    }

    @FuzzTest(maxDuration = "20s")
    void lines(byte[] data) {
        if (data.length == 0) {
            return;
        }
        LineProtocolParser parser = parsers[(data[0] & 0xFF) % parsers.length];
        byte[] record = Arrays.copyOfRange(data, 1, data.length);
        DecoderChecks.parseAndCheck(parser, arena, record);
    }
}

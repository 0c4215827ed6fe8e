package io.tsagg.serde.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link FrameWriter} and {@link FrameDecoder} together: what is written reads back. */
class FrameWriterDecoderTest {

    private static final String[] KEY_PARTS = {
        "cpu", "mem", "température", "城市", "🌡", "host=a", "region=eu-west-1", "x"
    };

    private final FrameWriter writer = new FrameWriter();
    private final FrameDecoder decoder = new FrameDecoder();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 1000})
    void shouldRoundTripWhenSamplesAreRandom(int samples) throws MalformedInputException {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<String> keys = randomKeys(random, 1 + random.nextInt(40));
        final int[] seriesOf = new int[samples];
        final long[] timestamps = new long[samples];
        final double[] values = new double[samples];
        for (String key : keys) {
            writer.addSeries(key);
        }
        for (int i = 0; i < samples; i++) {
            seriesOf[i] = random.nextInt(keys.size());
            timestamps[i] = random.nextLong();
            values[i] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 1e6;
            writer.addSample(seriesOf[i], timestamps[i], values[i]);
        }
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.seriesCount()).as("seed %d", seed).isEqualTo(keys.size());
        assertThat(decoder.sampleCount()).as("seed %d", seed).isEqualTo(samples);
        for (int s = 0; s < keys.size(); s++) {
            assertThat(keyOf(decoder, s)).as("seed %d, key %d", seed, s).isEqualTo(keys.get(s));
        }
        for (int i = 0; i < samples; i++) {
            assertThat(decoder.seriesIndex(i))
                    .as("seed %d, sample %d", seed, i)
                    .isEqualTo(seriesOf[i]);
            assertThat(decoder.timestamp(i))
                    .as("seed %d, sample %d", seed, i)
                    .isEqualTo(timestamps[i]);
            assertThat(Double.doubleToRawLongBits(decoder.value(i)))
                    .as("seed %d, sample %d", seed, i)
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    @Test
    void shouldEncodeExampleFromFormatSpecByteForByte() {
        // The hex dump in serde/FORMAT.md; change both together.
        final String expected =
                "54 53 41 47 01 00 00 00 01 00 00 00 02 00 00 00 "
                        + "10 00 00 00 5c 00 00 00 10 00 00 00 00 00 00 00 "
                        + "63 70 75 2c 68 6f 73 74 3d 61 20 75 73 61 67 65 "
                        + "00 00 00 00 00 00 00 00 00 68 e5 cf 8b 01 00 00 "
                        + "10 8f e5 cf 8b 01 00 00 00 00 00 00 00 00 e0 3f "
                        + "00 00 00 00 00 00 f4 3f 5a cd a2 79";
        final int series = writer.addSeries("cpu,host=a usage");
        writer.addSample(series, 1_700_000_000_000L, 0.5);
        writer.addSample(series, 1_700_000_010_000L, 1.25);

        assertThat(hex(writer.toByteArray())).isEqualTo(expected);
    }

    @Test
    void shouldReturnSameIndexWhenKeyIsAddedTwice() {
        final int cpu = writer.addSeries("cpu,host=a usage_user");
        final int mem = writer.addSeries("mem,host=a used");

        assertThat(writer.addSeries("cpu,host=a usage_user")).isEqualTo(cpu);
        assertThat(writer.addSeries("mem,host=a used".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(mem);
        assertThat(writer.seriesCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepDistinctIndexesWhenManyKeysForceRehash() throws MalformedInputException {
        final int count = 5000;
        for (int i = 0; i < count; i++) {
            assertThat(writer.addSeries("m,k=" + i + " f")).isEqualTo(i);
        }
        for (int i = count - 1; i >= 0; i--) {
            assertThat(writer.addSeries("m,k=" + i + " f")).isEqualTo(i);
        }
        writer.addSample(count - 1, 1L, 2.0);
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.seriesCount()).isEqualTo(count);
        assertThat(keyOf(decoder, 4321)).isEqualTo("m,k=4321 f");
    }

    @Test
    void shouldRoundTripWhenKeysAreNotAscii() throws MalformedInputException {
        final String[] keys = {"température,pièce=séjour valeur", "气温,城市=北京 值", "🌡️,where=🏠 t"};
        for (String key : keys) {
            writer.addSample(writer.addSeries(key), 1_700_000_000_000L, 21.5);
        }
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        for (int s = 0; s < keys.length; s++) {
            assertThat(keyOf(decoder, s)).isEqualTo(keys[s]);
        }
    }

    @Test
    void shouldExposeSeriesKeyHashWhenWrapped() throws MalformedInputException {
        final byte[] key = "cpu,host=a,region=eu usage_idle".getBytes(StandardCharsets.UTF_8);
        writer.addSeries(key);
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.seriesKeyHash(0)).isEqualTo(SeriesKeyHash.hash(key, 0, key.length));
        assertThat(decoder.seriesKeyHash(0))
                .isEqualTo(
                        SeriesKeyHash.hash(
                                decoder.segment(),
                                decoder.seriesKeyOffset(0),
                                decoder.seriesKeyLength(0)));
    }

    @Test
    void shouldDecodeInPlaceWhenFrameSitsInsideLargerArray() throws MalformedInputException {
        writer.addSample(writer.addSeries("cpu usage"), 42L, 0.5);
        final int length = writer.encodedLength();
        final byte[] buffer = new byte[length + 13];
        Arrays.fill(buffer, (byte) 0x5A);

        final int written = writer.encodeTo(buffer, 5);
        decoder.wrap(buffer, 5, written);

        assertThat(written).isEqualTo(length);
        assertThat(decoder.array()).isSameAs(buffer);
        assertThat(decoder.segment().getArray()).isSameAs(buffer);
        assertThat(decoder.seriesKeyOffset(0)).isEqualTo(5 + FrameDescriptor.keyBytesOffset(1));
        assertThat(keyOf(decoder, 0)).isEqualTo("cpu usage");
        assertThat(decoder.timestamp(0)).isEqualTo(42L);
        assertThat(decoder.value(0)).isEqualTo(0.5);
    }

    @Test
    void shouldAlignSectionsWhenLengthsAreOdd() {
        writer.addSeries("abc");
        writer.addSeries("defgh");
        for (int i = 0; i < 3; i++) {
            writer.addSample(i % 2, 1000L + i, i);
        }
        final byte[] frame = writer.toByteArray();
        final long timestamps = FrameDescriptor.timestampColumnOffset(2, 8, 3);

        assertThat(FrameDescriptor.keyBytesOffset(2) % 8).isZero();
        assertThat(FrameDescriptor.seriesIndexColumnOffset(2, 8) % 8).isZero();
        assertThat(timestamps % 8).isZero();
        assertThat(FrameDescriptor.valueColumnOffset(2, 8, 3) % 8).isZero();
        assertThat(frame.length).isEqualTo(FrameDescriptor.frameLength(2, 8, 3));
        assertThat(frame[(int) timestamps]).isEqualTo((byte) 0xE8); // 1000, little-endian
        assertThat(frame[(int) timestamps + 1]).isEqualTo((byte) 0x03);
    }

    @Test
    void shouldEncodeMinimalFrameWhenNothingWasAdded() throws MalformedInputException {
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(frame).hasSize(FrameDescriptor.MIN_FRAME_LENGTH);
        assertThat(decoder.seriesCount()).isZero();
        assertThat(decoder.sampleCount()).isZero();
    }

    @Test
    void shouldStartEmptyWhenReset() throws MalformedInputException {
        writer.addSample(writer.addSeries("old series"), 1L, 1.0);
        writer.reset();

        final int index = writer.addSeries("new series");
        writer.addSample(index, 2L, 2.0);
        final byte[] frame = writer.toByteArray();
        decoder.wrap(frame, 0, frame.length);

        assertThat(index).isZero();
        assertThat(decoder.seriesCount()).isEqualTo(1);
        assertThat(decoder.sampleCount()).isEqualTo(1);
        assertThat(keyOf(decoder, 0)).isEqualTo("new series");
        assertThat(writer.addSeries("old series")).as("forgotten by reset").isEqualTo(1);
    }

    @Test
    void shouldReadLatestFrameWhenDecoderIsReused() throws MalformedInputException {
        writer.addSample(writer.addSeries("a"), 1L, 1.0);
        final byte[] first = writer.toByteArray();
        writer.reset();
        writer.addSeries("b");
        writer.addSample(writer.addSeries("c"), 3L, 3.0);
        final byte[] second = writer.toByteArray();

        decoder.wrap(first, 0, first.length);
        decoder.wrap(second, 0, second.length);

        assertThat(decoder.seriesCount()).isEqualTo(2);
        assertThat(keyOf(decoder, 1)).isEqualTo("c");
        assertThat(decoder.seriesIndex(0)).isEqualTo(1);
        assertThat(decoder.array()).isSameAs(second);
    }

    @Test
    void shouldRejectKeyWhenWriterIsGivenInvalidInput() {
        assertThatThrownBy(() -> writer.addSeries(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> writer.addSeries(new byte[] {'a', (byte) 0xC0, (byte) 0x80}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8 at byte 1");
        assertThatThrownBy(() -> writer.addSeries("bad \uD800 surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.addSeries("k".repeat(FrameDescriptor.MAX_KEY_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(FrameDescriptor.MAX_KEY_LENGTH));
        assertThat(writer.seriesCount()).isZero();
    }

    @Test
    void shouldAcceptKeyWhenLengthIsExactlyTheLimit() throws MalformedInputException {
        writer.addSeries("k".repeat(FrameDescriptor.MAX_KEY_LENGTH));
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(decoder.seriesKeyLength(0)).isEqualTo(FrameDescriptor.MAX_KEY_LENGTH);
    }

    @Test
    void shouldRejectSampleWhenSeriesIndexIsUnknown() {
        writer.addSeries("only");

        assertThatThrownBy(() -> writer.addSample(1, 0L, 0.0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> writer.addSample(-1, 0L, 0.0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(writer.sampleCount()).isZero();
    }

    @Test
    void shouldRefuseSampleWhenFrameWouldExceedMaxLength() throws MalformedInputException {
        final int series = writer.addSeries("s");

        assertThatThrownBy(
                        () -> {
                            for (long i = 0; ; i++) {
                                writer.addSample(series, i, i);
                            }
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.valueOf(FrameDescriptor.MAX_FRAME_LENGTH));
        final byte[] frame = writer.toByteArray();

        decoder.wrap(frame, 0, frame.length);

        assertThat(frame.length).isLessThanOrEqualTo(FrameDescriptor.MAX_FRAME_LENGTH);
        assertThat(FrameDescriptor.frameLength(1, 1, writer.sampleCount() + 1L))
                .as("one more sample")
                .isGreaterThan(FrameDescriptor.MAX_FRAME_LENGTH);
        assertThat(decoder.sampleCount()).isEqualTo(writer.sampleCount());
    }

    @Test
    void shouldThrowWhenDestinationHasNoRoom() {
        writer.addSample(writer.addSeries("cpu"), 1L, 1.0);
        final byte[] small = new byte[writer.encodedLength() - 1];

        assertThatThrownBy(() -> writer.encodeTo(small, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static String hex(byte[] bytes) {
        final StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x ", b & 0xFF));
        }
        return sb.toString().trim();
    }

    private static String keyOf(FrameDecoder decoder, int series) {
        return new String(
                decoder.array(),
                decoder.seriesKeyOffset(series),
                decoder.seriesKeyLength(series),
                StandardCharsets.UTF_8);
    }

    private static List<String> randomKeys(Random random, int count) {
        final List<String> keys = new ArrayList<>();
        while (keys.size() < count) {
            final StringBuilder key = new StringBuilder();
            final int parts = 1 + random.nextInt(4);
            for (int p = 0; p < parts; p++) {
                key.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]).append(',');
            }
            key.append("n=").append(random.nextInt(1000)).append(" f");
            if (!keys.contains(key.toString())) {
                keys.add(key.toString());
            }
        }
        return keys;
    }
}

package io.tsagg.serde.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link SeriesKeyHash}. */
class SeriesKeyHashTest {

    private static final String DIGITS = "123456789ABCDEF";

    /** Published XXH64 seed-0 vectors; they cover every tail path and the 32-byte stripes. */
    static Stream<Arguments> publishedVectors() {
        return Stream.of(
                Arguments.of("", 0xEF46DB3751D8E999L),
                Arguments.of("a", 0xD24EC4F1A98C6E5BL),
                Arguments.of("ab", 0x65F708CA92D04A61L),
                Arguments.of("abc", 0x44BC2CF5AD770999L),
                Arguments.of("1", 0xB7B41276360564D4L),
                Arguments.of("1234", 0xD8316E61D84F6BA4L),
                Arguments.of("12345678", 0xD2D02F08CF7CFD4AL),
                Arguments.of("123456789", 0x8CB841DB40E6AE83L),
                Arguments.of("123456789ABCDE", 0x1167004BAC2411DEL),
                Arguments.of("123456789ABCDEF1", 0x2FF14A9841F54CC3L),
                Arguments.of("123456789ABCDEF123456789ABCDEF", 0x69074F0A41E0947FL),
                Arguments.of("123456789ABCDEF123456789ABCDEF1", 0x107DC0D6700D877BL),
                Arguments.of("123456789ABCDEF123456789ABCDEF12", 0xC5B09BEBB8CD6667L),
                Arguments.of("123456789ABCDEF123456789ABCDEF123", 0xB5709DFCCEE2DD11L),
                Arguments.of("123456789ABCDEF123456789ABCDEF123456789", 0xC42D1E348E671D65L),
                Arguments.of(DIGITS.repeat(6), 0x098DCB2F96B684FDL),
                Arguments.of(DIGITS.repeat(7), 0x452AB884E50E0411L),
                Arguments.of(DIGITS.repeat(9), 0xAFC27FB9850D0722L));
    }

    @ParameterizedTest
    @MethodSource("publishedVectors")
    void shouldMatchPublishedXxh64VectorWhenSeedIsZero(String input, long expected) {
        final byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);

        assertThat(SeriesKeyHash.hash(bytes, 0, bytes.length))
                .as("array, \"%s\"", input)
                .isEqualTo(expected);
        assertThat(SeriesKeyHash.hash(MemorySegmentFactory.wrap(bytes), 0, bytes.length))
                .as("segment, \"%s\"", input)
                .isEqualTo(expected);
    }

    @Test
    void shouldMatchPublishedVectorWhenInputIsHundredKibOfOnes() {
        final byte[] bytes = new byte[100 * 1024];
        Arrays.fill(bytes, (byte) 0xFF);

        assertThat(SeriesKeyHash.hash(bytes, 0, bytes.length)).isEqualTo(0x2F1BB6AA5D0CABCCL);
    }

    @Test
    void shouldAgreeBetweenArrayAndSegmentWhenLengthAndOffsetVary() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final byte[] bytes = new byte[64 + 16];
        random.nextBytes(bytes);
        final MemorySegment heap = MemorySegmentFactory.wrap(bytes);
        final MemorySegment offHeap =
                MemorySegmentFactory.allocateUnpooledOffHeapMemory(bytes.length);
        try {
            offHeap.put(0, bytes);
            for (int offset = 0; offset < 16; offset++) {
                for (int length = 0; length <= 64; length++) {
                    final long fromArray = SeriesKeyHash.hash(bytes, offset, length);
                    final byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);

                    assertThat(SeriesKeyHash.hash(heap, offset, length))
                            .as("heap segment, seed %d, offset %d, length %d", seed, offset, length)
                            .isEqualTo(fromArray);
                    assertThat(SeriesKeyHash.hash(offHeap, offset, length))
                            .as("off-heap, seed %d, offset %d, length %d", seed, offset, length)
                            .isEqualTo(fromArray);
                    assertThat(SeriesKeyHash.hash(copy, 0, length))
                            .as("copy, seed %d, offset %d, length %d", seed, offset, length)
                            .isEqualTo(fromArray);
                }
            }
        } finally {
            offHeap.free();
        }
    }

    @Test
    void shouldDifferWhenOneByteDiffers() {
        final byte[] a = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);
        final byte[] b = "cpu,host=b usage_user".getBytes(StandardCharsets.UTF_8);

        assertThat(SeriesKeyHash.hash(a, 0, a.length))
                .isNotEqualTo(SeriesKeyHash.hash(b, 0, b.length));
    }

    @Test
    void shouldThrowWhenRangeIsOutsideInput() {
        final byte[] bytes = new byte[8];
        final MemorySegment segment = MemorySegmentFactory.wrap(bytes);

        assertThatThrownBy(() -> SeriesKeyHash.hash(bytes, 4, 5))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SeriesKeyHash.hash(bytes, -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> SeriesKeyHash.hash(segment, 8, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}

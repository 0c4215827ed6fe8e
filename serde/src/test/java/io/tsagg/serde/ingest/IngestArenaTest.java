package io.tsagg.serde.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tests for {@link IngestArena}. */
class IngestArenaTest {

    @Test
    void shouldReadBackEverySampleAcrossSegments() {
        try (IngestArena arena = new IngestArena()) {
            int n = 3 * IngestArena.SAMPLES_PER_SEGMENT + 5;
            for (int i = 0; i < n; i++) {
                arena.addSample(i * 31L, 1000L + i, i / 2.0);
            }
            assertThat(arena.size()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(arena.keyId(i)).isEqualTo(i * 31L);
                assertThat(arena.timestamp(i)).isEqualTo(1000L + i);
                assertThat(arena.value(i)).isEqualTo(i / 2.0);
            }
            assertThat(arena.segmentsHeld()).isEqualTo(4);
        }
    }

    @Test
    void shouldReuseSegmentsAfterResetAndReleaseTheExcess() {
        IngestArena arena = new IngestArena();
        int many = (IngestArena.RETAINED_SEGMENTS + 3) * IngestArena.SAMPLES_PER_SEGMENT;
        for (int i = 0; i < many; i++) {
            arena.addSample(i, i, i);
        }
        assertThat(arena.segmentsHeld()).isEqualTo(IngestArena.RETAINED_SEGMENTS + 3);
        arena.reset();
        assertThat(arena.size()).isZero();
        assertThat(arena.segmentsHeld()).isEqualTo(IngestArena.RETAINED_SEGMENTS);
        long allocated = arena.segmentsAllocated();
        for (int i = 0; i < 10 * IngestArena.SAMPLES_PER_SEGMENT; i++) {
            arena.addSample(i, i, i);
        }
        assertThat(arena.segmentsAllocated()).isEqualTo(allocated);
        arena.close();
        arena.close();
        assertThat(arena.segmentsHeld()).isZero();
        assertThatThrownBy(() -> arena.addSample(1, 1, 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldKeepTheNewKeysOfARecord() {
        try (IngestArena arena = new IngestArena()) {
            byte[] a = "xx cpu,host=a f yy".getBytes(StandardCharsets.UTF_8);
            arena.addKey(7, a, 3, 12);
            arena.addKey(9, a, 0, 2);
            assertThat(arena.keyCount()).isEqualTo(2);
            assertThat(arena.newKeyId(1)).isEqualTo(9);
            assertThat(
                            new String(
                                    arena.newKeyBytes(),
                                    arena.newKeyOffset(0),
                                    arena.newKeyLength(0),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("cpu,host=a f");
            arena.reset();
            assertThat(arena.keyCount()).isZero();
        }
    }
}

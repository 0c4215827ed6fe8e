package io.tsagg.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.core.memory.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link RawMemory} and {@link PagePool#address}. */
class RawMemoryTest {
    private static final int PAGE = 32 * 1024;
    private final PagePool pool = PagePool.unmanaged(PAGE, 4L * PAGE);

    @AfterEach
    void leakCheck() {
        pool.close();
        assertThat(pool.pagesAllocated()).isZero();
    }

    @Test
    void shouldRunTheTestSuiteChecked() {
        // The build passes -Dtsagg.memory.checks=true to every test JVM, so that a wrong address
        // in any test of the store fails instead of corrupting memory.
        assertThat(RawMemory.CHECKED).isTrue();
    }

    @Test
    void shouldReadAndWriteThePageTheSegmentSees() {
        int page = pool.allocate();
        long at = pool.address(page);
        MemorySegment segment = pool.segment(page);
        RawMemory.putLong(at + 8, 0x0102_0304_0506_0708L);
        RawMemory.putInt(at + 16, -7);
        RawMemory.putDouble(at + PAGE - 8, 2.5);
        assertThat(segment.getLong(8)).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(segment.getInt(16)).isEqualTo(-7);
        assertThat(segment.getDouble(PAGE - 8)).isEqualTo(2.5);
        segment.putLong(24, 42L);
        segment.putDouble(32, -1.5);
        assertThat(RawMemory.getLong(at + 24)).isEqualTo(42L);
        assertThat(RawMemory.getDouble(at + 32)).isEqualTo(-1.5);
        assertThat(RawMemory.getInt(at + 16)).isEqualTo(-7);
    }

    @Test
    void shouldRefuseBytesOutsideEveryLivePage() {
        int page = pool.allocate();
        long at = pool.address(page);
        assertThatThrownBy(() -> RawMemory.getLong(at + PAGE - 4))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("outside every live page");
        assertThatThrownBy(() -> RawMemory.putInt(at - 4, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> RawMemory.getDouble(at + PAGE))
                .isInstanceOfAny(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldRefuseAPageAfterItsPoolClosed() {
        int page = pool.allocate();
        long at = pool.address(page);
        RawMemory.putLong(at, 1L);
        pool.close();
        assertThatThrownBy(() -> RawMemory.getLong(at))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}

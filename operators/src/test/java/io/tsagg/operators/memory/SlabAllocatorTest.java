package io.tsagg.operators.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link SlabAllocator} and {@link PagePool}. */
class SlabAllocatorTest {
    private final PagePool pool = PagePool.unmanaged(32 * 1024, 1L << 20);
    private final SlabAllocator slab = new SlabAllocator(pool);

    @AfterEach
    void leakCheck() {
        pool.close();
        assertThat(pool.pagesInUse()).isZero();
        assertThat(pool.pagesAllocated()).isZero();
    }

    @Test
    void shouldMapSizesToPowerOfTwoClasses() {
        assertThat(SlabAllocator.sizeClass(1)).isZero();
        assertThat(SlabAllocator.sizeClass(64)).isZero();
        assertThat(SlabAllocator.sizeClass(65)).isEqualTo(1);
        assertThat(SlabAllocator.blockSize(SlabAllocator.sizeClass(4096))).isEqualTo(4096);
        assertThat(slab.largestClass()).isEqualTo(SlabAllocator.sizeClass(32 * 1024));
    }

    @Test
    void shouldHandOutDisjointBlocksThatKeepTheirContent() {
        Random random = new Random(1);
        List<long[]> blocks = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int c = random.nextInt(4);
            long h = slab.allocate(c);
            assertThat(h).isNotEqualTo(SlabAllocator.NONE);
            assertThat(seen.add(h)).isTrue();
            slab.segment(h).putLong(SlabAllocator.offset(h), h ^ 0x5555L);
            slab.segment(h).putLong(SlabAllocator.offset(h) + SlabAllocator.blockSize(c) - 8, ~h);
            blocks.add(new long[] {h, c});
        }
        for (long[] b : blocks) {
            long h = b[0];
            int size = SlabAllocator.blockSize((int) b[1]);
            assertThat(slab.segment(h).getLong(SlabAllocator.offset(h))).isEqualTo(h ^ 0x5555L);
            assertThat(slab.segment(h).getLong(SlabAllocator.offset(h) + size - 8)).isEqualTo(~h);
        }
    }

    @Test
    void shouldReturnNoneWhenTheBudgetIsUsedUpAndRecoverAfterFree() {
        int largest = slab.largestClass();
        List<Long> pages = new ArrayList<>();
        long h;
        while ((h = slab.allocate(largest)) != SlabAllocator.NONE) {
            pages.add(h);
        }
        assertThat(pages).hasSize(pool.maxPages());
        assertThat(slab.allocate(0)).isEqualTo(SlabAllocator.NONE);
        slab.free(pages.remove(0), largest);
        slab.compact();
        assertThat(slab.allocate(0)).isNotEqualTo(SlabAllocator.NONE);
    }

    @Test
    void shouldGiveEmptyPagesBackToThePoolOnCompact() {
        List<Long> small = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            small.add(slab.allocate(0));
        }
        int used = pool.pagesInUse();
        assertThat(used).isGreaterThan(3);
        for (long h : small) {
            slab.free(h, 0);
        }
        assertThat(slab.blocksInUse()).isZero();
        slab.compact();
        assertThat(pool.pagesInUse()).isZero();
        assertThat(pool.highWaterPages()).isEqualTo(used);
    }
}

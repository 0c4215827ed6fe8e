package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link WindowSpec}. */
class WindowSpecTest {

    @Test
    void shouldUseGcdOfSizeAndSlideAsPaneWhenSliding() {
        assertThat(WindowSpec.sliding(10, 4).paneSize()).isEqualTo(2);
        assertThat(WindowSpec.sliding(60_000, 10_000).paneSize()).isEqualTo(10_000);
        assertThat(WindowSpec.sliding(9, 6).paneSize()).isEqualTo(3);
        assertThat(WindowSpec.sliding(7, 3).paneSize()).isEqualTo(1);
    }

    @Test
    void shouldUseWindowSizeAsPaneWhenTumbling() {
        final WindowSpec spec = WindowSpec.tumbling(60_000);

        assertThat(spec.paneSize()).isEqualTo(60_000);
        assertThat(spec.slide()).isEqualTo(60_000);
        assertThat(spec.isTumbling()).isTrue();
        assertThat(WindowSpec.sliding(10, 10).isTumbling()).isTrue();
        assertThat(WindowSpec.sliding(10, 5).isTumbling()).isFalse();
    }

    @Test
    void shouldAlignPaneStartToEpochWhenTimestampIsPositive() {
        final WindowSpec spec = WindowSpec.sliding(10, 4);

        assertThat(spec.paneStart(0)).isEqualTo(0);
        assertThat(spec.paneStart(1)).isEqualTo(0);
        assertThat(spec.paneStart(2)).isEqualTo(2);
        assertThat(spec.paneStart(1_000_001)).isEqualTo(1_000_000);
    }

    @Test
    void shouldFloorPaneStartWhenTimestampIsNegative() {
        final WindowSpec spec = WindowSpec.tumbling(10);

        assertThat(spec.paneStart(-1)).isEqualTo(-10);
        assertThat(spec.paneStart(-10)).isEqualTo(-10);
        assertThat(spec.paneStart(-11)).isEqualTo(-20);
        assertThat(WindowSpec.sliding(10, 4).paneStart(-3)).isEqualTo(-4);
    }

    @Test
    void shouldGiveSameWindowEndsWhenTumbling() {
        final WindowSpec spec = WindowSpec.tumbling(10);

        assertThat(spec.firstWindowEnd(20)).isEqualTo(30);
        assertThat(spec.lastWindowEnd(20)).isEqualTo(30);
        assertThat(spec.firstWindowEnd(-10)).isEqualTo(0);
        assertThat(spec.lastWindowEnd(-10)).isEqualTo(0);
    }

    @Test
    void shouldGiveFirstAndLastContainingWindowWhenSliding() {
        final WindowSpec spec = WindowSpec.sliding(10, 4);

        // Windows start at multiples of 4: [0,10) [4,14) [8,18) [12,22) ...
        // Pane [8,10) is in [0,10), [4,14) and [8,18).
        assertThat(spec.firstWindowEnd(8)).isEqualTo(10);
        assertThat(spec.lastWindowEnd(8)).isEqualTo(18);
        // Pane [10,12) is in [4,14) and [8,18).
        assertThat(spec.firstWindowEnd(10)).isEqualTo(14);
        assertThat(spec.lastWindowEnd(10)).isEqualTo(18);
        // Pane [-2,0) is in [-8,2) and [-4,6).
        assertThat(spec.firstWindowEnd(-2)).isEqualTo(2);
        assertThat(spec.lastWindowEnd(-2)).isEqualTo(6);
    }

    @Test
    void shouldMatchBruteForceWindowsWhenSpecsAndTimestampsAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);

        for (int trial = 0; trial < 2_000; trial++) {
            final long size = 1 + random.nextInt(50);
            final long slide = 1 + random.nextInt((int) size);
            final WindowSpec spec = WindowSpec.sliding(size, slide);
            final long ts = random.nextInt(2_000) - 1_000;
            final long pane = spec.paneStart(ts);

            long firstEnd = Long.MAX_VALUE;
            long lastEnd = Long.MIN_VALUE;
            for (long start = Math.floorDiv(ts - size, slide) * slide;
                    start <= ts;
                    start += slide) {
                if (start <= ts && ts < start + size) {
                    firstEnd = Math.min(firstEnd, start + size);
                    lastEnd = Math.max(lastEnd, start + size);
                    // The whole pane lies in every window that holds the timestamp.
                    assertThat(pane)
                            .as("seed %d, trial %d", seed, trial)
                            .isGreaterThanOrEqualTo(start);
                    assertThat(pane + spec.paneSize())
                            .as("seed %d, trial %d", seed, trial)
                            .isLessThanOrEqualTo(start + size);
                }
            }
            final String as = String.format("seed %d, %s, ts %d", seed, spec, ts);
            assertThat(pane).as(as).isLessThanOrEqualTo(ts).isGreaterThan(ts - spec.paneSize());
            assertThat(spec.firstWindowEnd(pane)).as(as).isEqualTo(firstEnd);
            assertThat(spec.lastWindowEnd(pane)).as(as).isEqualTo(lastEnd);
        }
    }

    @Test
    void shouldGiveLastWindowEndAtOrBeforeTimestamp() {
        final WindowSpec sliding = WindowSpec.sliding(10, 4);
        // Window ends are 2 + 4k.
        assertThat(sliding.lastWindowEndAtOrBefore(10)).isEqualTo(10);
        assertThat(sliding.lastWindowEndAtOrBefore(13)).isEqualTo(10);
        assertThat(sliding.lastWindowEndAtOrBefore(14)).isEqualTo(14);
        assertThat(sliding.lastWindowEndAtOrBefore(-3)).isEqualTo(-6);
        final WindowSpec tumbling = WindowSpec.tumbling(10);
        assertThat(tumbling.lastWindowEndAtOrBefore(29)).isEqualTo(20);
        assertThat(tumbling.lastWindowEndAtOrBefore(-1)).isEqualTo(-10);
    }

    @Test
    void shouldNotOverflowWhenTimestampIsAtTheEndsOfTime() {
        final WindowSpec spec = WindowSpec.sliding(60_000, 10_000);

        final long last = spec.lastWindowEndAtOrBefore(Long.MAX_VALUE);

        assertThat(last).isLessThanOrEqualTo(Long.MAX_VALUE).isGreaterThan(Long.MAX_VALUE - 10_000);
        assertThat(spec.lastWindowEndAtOrBefore(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldRejectSizeWhenNotPositive() {
        assertThatThrownBy(() -> WindowSpec.tumbling(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> WindowSpec.sliding(-10, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @Test
    void shouldRejectSlideWhenNotPositiveOrLargerThanSize() {
        assertThatThrownBy(() -> WindowSpec.sliding(10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slide");
        assertThatThrownBy(() -> WindowSpec.sliding(10, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slide");
        assertThatThrownBy(() -> WindowSpec.sliding(10, 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slide");
    }
}

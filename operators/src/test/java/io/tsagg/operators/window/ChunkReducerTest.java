package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.StatsKernels;
import io.tsagg.operators.kernels.StatsKernelsProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.junit.jupiter.api.Test;

/** Tests for {@link ChunkReducer}. */
class ChunkReducerTest {

    @Test
    void shouldGiveTheKernelsBitsForEveryLengthWhetherReadInPlaceOrCopied() {
        // Below ChunkReducer.SHORT values the chunk is reduced in place by the scalar loop; above,
        // copied and handed to the kernel. Either way: the kernel's own result, bit for bit.
        List<StatsKernels> kernels = new ArrayList<>();
        kernels.add(StatsKernelsProvider.scalar());
        StatsKernelsProvider.vector().ifPresent(kernels::add);
        SplittableRandom random = new SplittableRandom(3);
        MemorySegment segment = MemorySegmentFactory.allocateUnpooledOffHeapMemory(4096);
        double[] values = new double[300];
        for (StatsKernels k : kernels) {
            ChunkReducer reducer = new ChunkReducer(k);
            ChunkMoments expected = new ChunkMoments();
            for (int n = 0; n <= 40; n++) {
                for (int round = 0; round < 20; round++) {
                    int offset = 8 + 8 * random.nextInt(4);
                    double base = round % 2 == 0 ? 0.0 : 1.0e7;
                    for (int i = 0; i < n; i++) {
                        values[i] =
                                round % 5 == 4 && i == n / 2
                                        ? -0.0
                                        : base + random.nextDouble(-100, 100);
                        segment.putDouble(offset + 8 * i, values[i]);
                    }
                    reducer.reduce(segment, offset, n);
                    k.moments(values, 0, n, expected);
                    String why = k.name() + ", " + n + " values, round " + round;
                    assertThat(reducer.sum()).as(why).isEqualTo(expected.sumHigh());
                    assertThat(reducer.sumCompensation()).as(why).isEqualTo(expected.sumLow());
                    assertThat(reducer.min()).as(why).isEqualTo(expected.min());
                    assertThat(reducer.max()).as(why).isEqualTo(expected.max());
                    assertThat(reducer.mean()).as(why).isEqualTo(expected.mean());
                    assertThat(reducer.m2()).as(why).isEqualTo(expected.m2());
                }
            }
        }
        segment.free();
    }

    @Test
    void shouldGiveTheKernelsValuesForSignedZerosInfinitiesAndNaNs() {
        // The in-place loop orders min and max by long keys and reduces a chunk with a NaN again
        // with Math.min/max: either way, the kernel's own values.
        double[] pool = {
            0.0,
            -0.0,
            1.0,
            -1.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            Double.longBitsToDouble(0xFFF8_0000_0000_0001L)
        };
        SplittableRandom random = new SplittableRandom(11);
        MemorySegment segment = MemorySegmentFactory.allocateUnpooledOffHeapMemory(4096);
        double[] values = new double[ChunkReducer.SHORT];
        StatsKernels scalar = StatsKernelsProvider.scalar();
        ChunkReducer reducer = new ChunkReducer(scalar);
        ChunkMoments expected = new ChunkMoments();
        for (int round = 0; round < 5_000; round++) {
            int n = 1 + random.nextInt(ChunkReducer.SHORT - 1);
            // Most rounds without NaN (the long-key path), some with (the Math.min/max path).
            int choices = round % 3 == 0 ? pool.length : pool.length - 2;
            for (int i = 0; i < n; i++) {
                values[i] = pool[random.nextInt(choices)];
                segment.putDouble(8 * i, values[i]);
            }
            reducer.reduce(segment, 0, n);
            scalar.moments(values, 0, n, expected);
            String why = java.util.Arrays.toString(java.util.Arrays.copyOf(values, n));
            // Double.equals: 0.0 and -0.0 differ, every NaN is equal (which NaN's payload an
            // operation keeps depends on the JIT, in both loops).
            assertThat(Double.valueOf(reducer.min()))
                    .as("min of " + why)
                    .isEqualTo(Double.valueOf(expected.min()));
            assertThat(Double.valueOf(reducer.max()))
                    .as("max of " + why)
                    .isEqualTo(Double.valueOf(expected.max()));
            assertThat(Double.valueOf(reducer.sum()))
                    .as("sum of " + why)
                    .isEqualTo(Double.valueOf(expected.sumHigh()));
            assertThat(Double.valueOf(reducer.m2()))
                    .as("m2 of " + why)
                    .isEqualTo(Double.valueOf(expected.m2()));
        }
        segment.free();
    }
}

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
}

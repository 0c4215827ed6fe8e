package io.tsagg.operators.kernels;

/**
 * Tests for {@link PanamaStatsKernels} with the TwoSum loop only (the default with 512-bit
 * vectors), whatever the machine's vectors; skipped when {@code jdk.incubator.vector} is absent.
 */
class PanamaTwoSumStatsKernelsTest extends PanamaStatsKernelsTest {
    @Override
    StatsKernels kernels() {
        return new PanamaStatsKernels(false);
    }
}

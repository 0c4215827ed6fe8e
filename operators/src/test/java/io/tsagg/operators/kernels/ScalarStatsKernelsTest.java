package io.tsagg.operators.kernels;

/** Tests for {@link ScalarStatsKernels}. */
class ScalarStatsKernelsTest extends StatsKernelsContract {
    @Override
    StatsKernels kernels() {
        return StatsKernelsProvider.scalar();
    }
}

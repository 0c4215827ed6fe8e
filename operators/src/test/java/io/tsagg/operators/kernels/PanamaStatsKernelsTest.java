package io.tsagg.operators.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * Tests for {@link PanamaStatsKernels} with the biased loop first (the default with 256-bit
 * vectors), whatever the machine's vectors; skipped when {@code jdk.incubator.vector} is absent.
 */
class PanamaStatsKernelsTest extends StatsKernelsContract {
    @BeforeAll
    static void requireVectorModule() {
        assumeTrue(
                StatsKernelsProvider.vector().isPresent(),
                "jdk.incubator.vector is absent: start the JVM with --add-modules");
    }

    @Override
    StatsKernels kernels() {
        return new PanamaStatsKernels(true);
    }
}

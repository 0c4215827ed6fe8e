package io.tsagg.operators.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link KernelWarmup}. */
class KernelWarmupTest {

    /** Counts the calls it serves and answers as the scalar twin does. */
    private static final class CountingKernels implements StatsKernels {
        int calls;
        int values;
        int zeroLed;

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public ChunkMoments moments(double[] v, int from, int to, ChunkMoments out) {
            calls++;
            values += to - from;
            zeroLed += to - from > 1 && v[from] == 0.0 && v[from + 1] == 0.0 ? 1 : 0;
            return ScalarStatsKernels.INSTANCE.moments(v, from, to, out);
        }

        @Override
        public double sum(double[] v, int from, int to) {
            throw new AssertionError("not warmed up: not on the hot path");
        }

        @Override
        public int indexOfMin(long[] v, int from, int to) {
            throw new AssertionError("not warmed up: not on the hot path");
        }

        @Override
        public int indexOfMax(long[] v, int from, int to) {
            throw new AssertionError("not warmed up: not on the hot path");
        }
    }

    @Test
    void shouldCallTheKernelsOnEveryChunkLengthOnADaemonThread() throws Exception {
        CountingKernels kernels = new CountingKernels();
        Thread t = KernelWarmup.start(kernels);
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("tsagg-kernel-warmup");
        t.join(60_000);
        assertThat(t.isAlive()).as("warm-up still running after a minute").isFalse();
        assertThat(kernels.calls).isEqualTo(KernelWarmup.CALLS);
        // Lengths 1..67 in turn: every vector tail and the short scalar path.
        assertThat(kernels.values).isGreaterThan(KernelWarmup.CALLS * 30);
        // Half of them on values led by zeros, which take the vector kernels' TwoSum loop.
        assertThat(kernels.zeroLed).isGreaterThan(KernelWarmup.CALLS / 3);
    }

    @Test
    void shouldRunTheVectorKernelsWhereTheyArePresent() throws Exception {
        StatsKernels vector = StatsKernelsProvider.vector().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                vector != null, "no jdk.incubator.vector in this JVM");
        Thread t = KernelWarmup.start(vector);
        t.join(60_000);
        assertThat(t.isAlive()).as("warm-up still running after a minute").isFalse();
    }
}

package io.tsagg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark of the module once, tiny and without forking, so none of them rots: set
 * up (including each benchmark's own result checks), one short iteration, torn down.
 */
class JmhSmokeTest {

    @Test
    void shouldRunEveryBenchmarkOnceWhenSizesAreTiny() throws Exception {
        Options options =
                new OptionsBuilder()
                        .include("io\\.tsagg\\.bench\\..*Benchmark")
                        .forks(0)
                        .warmupIterations(0)
                        .measurementIterations(1)
                        .measurementTime(TimeValue.milliseconds(200))
                        .timeUnit(TimeUnit.SECONDS)
                        // The window operator with 1,009 keys only; the page pool with one size.
                        .param("keys", "1009")
                        .param("valuesPerWindow", "509")
                        .shouldFailOnError(true)
                        .build();

        // A smoke run measures nothing, so it need not wait for (or fail on) a JMH measurement
        // running elsewhere on the machine, which holds JMH's lock file.
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = new Runner(options).run();

        assertThat(results)
                .extracting(r -> r.getParams().getBenchmark())
                .contains(
                        "io.tsagg.bench.window.WindowOperatorBenchmark.process",
                        "io.tsagg.bench.memory.PagePoolBenchmark.slabChunks",
                        "io.tsagg.bench.serde.FrameDecodeBenchmark.decode");
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}

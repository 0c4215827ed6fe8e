package io.tsagg.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link HarnessMain}: the whole comparison, tiny (20k samples, one run of every
 * contender, each in its own JVM on a real broker, two passes in each), produces a report whose
 * results all check out.
 */
class HarnessSmokeTest {

    @Test
    void shouldRunEveryContenderAndCheckItsResultsWhenSizesAreTiny() throws Exception {
        Path out = Path.of("target", "harness-smoke");
        HarnessMain.Settings settings =
                HarnessMain.Settings.parse(
                        new String[] {
                            "--samples", "20000",
                            "--series", "200",
                            "--runs", "1",
                            "--checkpoint-seconds", "1",
                            "--child-heap", "512m",
                            // Start fast: this checks that every contender works, not its speed.
                            "--child-jvm-options", "-XX:TieredStopAtLevel=1",
                            "--out", out.toString()
                        });

        HarnessReport report = HarnessMain.run(settings);

        // On failure, show the whole report: every pass's table, not just the last one's.
        assertThat(report.allCorrect()).as(() -> readOrNothing(out.resolve("report.md"))).isTrue();
        assertThat(report.medians()).containsOnlyKeys(Contender.values());
        assertThat(report.medians().values())
                .allSatisfy(m -> assertThat(m.samplesPerSecond).isPositive());
        assertThat(report.firstPassMedians()).containsOnlyKeys(Contender.values());
        assertThat(report.firstPassMedians().values())
                .allSatisfy(m -> assertThat(m.samplesPerSecond).isPositive());
        for (String file :
                new String[] {
                    "report.md",
                    "results.json",
                    "samples-per-second.png",
                    "cpu-per-million.png",
                    "peak-rss.png"
                }) {
            assertThat(out.resolve(file)).isNotEmptyFile();
        }
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("tsagg / DataStream job")
                .contains("### Pass 2 (warm)", "### Pass 1 (cold")
                .contains(String.join(" ", HarnessMain.contenderJvmFlags(settings)));
    }

    @Test
    void shouldGiveEveryContenderTheSameFlagsWithTheUsersLast() {
        HarnessMain.Settings settings =
                HarnessMain.Settings.parse(
                        new String[] {
                            "--child-heap", "3g",
                            "--child-jvm-options", "-XX:-UseTransparentHugePages -Dx=1"
                        });

        assertThat(HarnessMain.contenderJvmFlags(settings))
                .startsWith("--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx3g")
                .endsWith("-XX:-UseTransparentHugePages", "-Dx=1");
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(HarnessMain.contenderJvmFlags(settings))
                    .containsSubsequence(
                            "-XX:+UseTransparentHugePages", "-XX:-UseTransparentHugePages");
        }
    }

    private static String readOrNothing(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no report: " + e + ")";
        }
    }
}

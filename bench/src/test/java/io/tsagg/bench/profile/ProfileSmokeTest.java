package io.tsagg.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ProfileMain}: a tiny profile (real broker, MiniCluster) counts every sample,
 * sees the pools' budget and the most memory they used, and writes its report and charts.
 */
class ProfileSmokeTest {

    @Test
    void shouldProfileATinyRunAndReportManagedMemoryAndAllocation() throws Exception {
        Path out = Path.of("target", "profile-smoke");
        ProfileMain.Settings settings =
                ProfileMain.Settings.parse(
                        new String[] {
                            "--samples", "30000",
                            "--series", "300",
                            "--managed-memory", "64m",
                            "--interval-ms", "100",
                            "--out", out.toString()
                        });

        ProfileReport report = ProfileMain.run(settings);

        assertThat(report.last().samplesIn).isEqualTo(30_000);
        assertThat(report.peak(p -> p.poolBytesBudget)).isPositive();
        // The pools' high-water mark, not the pages in use: a run this small holds its pages for
        // a few tens of milliseconds, which a 100 ms sampler can miss (it did, once, in CI); the
        // high-water mark stays until the operator closes.
        assertThat(report.peak(p -> p.poolBytesHighWater))
                .isPositive()
                .isLessThanOrEqualTo(report.peak(p -> p.poolBytesBudget));
        assertThat(report.peak(p -> p.poolBytesInUse))
                .isLessThanOrEqualTo(report.peak(p -> p.poolBytesHighWater));
        // Every page went back to Flink when the job ended.
        assertThat(report.last().poolBytesInUse).isZero();
        assertThat(report.allocatedBytesPerSampleOverall()).isPositive().isFinite();
        for (String file :
                new String[] {
                    "profile.md", "profile.json", "managed-memory.png", "allocation.png"
                }) {
            assertThat(out.resolve(file)).isNotEmptyFile();
        }
        assertThat(Files.readString(out.resolve("profile.md")))
                .contains("allocated bytes per sample");
    }
}

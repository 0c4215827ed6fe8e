package io.tsagg.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link HarnessReport}: medians and ratios per pass, from runs made up here. */
class HarnessReportTest {

    @TempDir Path dir;

    @Test
    void shouldLeadWithTheLastPassAndKeepTheFirstPassApart() throws Exception {
        HarnessMain.Settings settings =
                HarnessMain.Settings.parse(
                        new String[] {
                            "--runs", "3",
                            "--passes", "2",
                            "--contenders", "tsagg-ilp,flink-datastream"
                        });
        List<HarnessMain.Run> runs = new ArrayList<>();
        // Cold passes: tsagg 1.0-1.2 M, DataStream 0.6 M; warm: tsagg 2.0-2.2 M, DataStream 0.8 M.
        for (int r = 1; r <= 3; r++) {
            runs.add(run(Contender.TSAGG_ILP, r, 1, 1_000_000 + 100_000 * (r - 1)));
            runs.add(run(Contender.TSAGG_ILP, r, 2, 2_000_000 + 100_000 * (r - 1)));
            runs.add(run(Contender.DATASTREAM, r, 1, 600_000));
            runs.add(run(Contender.DATASTREAM, r, 2, 800_000));
        }

        HarnessReport report = new HarnessReport(settings, runs, "0 0 0", "0 0 0", 20, 20);

        assertThat(report.medians().get(Contender.TSAGG_ILP).samplesPerSecond).isEqualTo(2_100_000);
        assertThat(report.firstPassMedians().get(Contender.TSAGG_ILP).samplesPerSecond)
                .isEqualTo(1_100_000);
        assertThat(report.ratio(Contender.TSAGG_ILP, Contender.DATASTREAM))
                .isCloseTo(2.625, within(1e-9));
        report.write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md.indexOf("### Pass 2 (warm)")).isLessThan(md.indexOf("### Pass 1 (cold"));
        assertThat(md).contains("| 2.63 | >= 2.00 | yes |").contains("| 1.83 | >= 2.00 | **no** |");
        assertThat(Files.readString(dir.resolve("results.json")))
                .contains("\"passes\": 2", "\"firstPassMedians\"", "\"firstPassRatios\"")
                .contains("\"ratio\": 2.6250, \"target\": 2.00, \"met\": true")
                .contains("\"ratio\": 1.8333, \"target\": 2.00, \"met\": false");
        HarnessReport.redrawCharts(dir);
        assertThat(dir.resolve("samples-per-second.png")).isNotEmptyFile();
    }

    @Test
    void shouldWriteOnlyOneSetOfTablesWithOnePass() throws Exception {
        HarnessMain.Settings settings =
                HarnessMain.Settings.parse(
                        new String[] {
                            "--runs", "1", "--passes", "1", "--contenders", "tsagg-ilp,tsagg-ilp-1p"
                        });
        List<HarnessMain.Run> runs =
                List.of(
                        run(Contender.TSAGG_ILP, 1, 1, 1_000_000),
                        run(Contender.TSAGG_ILP_1P, 1, 1, 800_000));

        HarnessReport report = new HarnessReport(settings, runs, "0 0 0", "0 0 0", 20, 20);
        report.write(dir);

        assertThat(report.firstPassMedians()).isEqualTo(report.medians());
        assertThat(Files.readString(dir.resolve("report.md"))).doesNotContain("### Pass");
        assertThat(Files.readString(dir.resolve("results.json")))
                .doesNotContain("firstPassMedians")
                // Two-phase / single-phase is shown for context: it has no target to meet.
                .contains("\"ratio\": 1.2500, \"target\": null, \"met\": null");
        HarnessReport.redrawCharts(dir);
    }

    private static HarnessMain.Run run(Contender c, int r, int pass, double samplesPerSecond) {
        HarnessMain.Run run = new HarnessMain.Run();
        run.contender = c;
        run.run = r;
        run.pass = pass;
        run.samples = 20_000_000;
        run.samplesPerSecond = samplesPerSecond;
        run.cpuSecondsPerMillion = 2e6 / samplesPerSecond;
        run.check = new ResultCheck.Outcome();
        return run;
    }
}

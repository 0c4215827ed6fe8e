package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tests for {@link TsaggJob#main}: how the job's entry point behaves as a process. */
class TsaggJobMainTest {

    private static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TsaggJob.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    @Test
    void shouldExitWithCode2AndAClearMessageOnUnknownArgument() throws Exception {
        Result r =
                run(
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--input-topic",
                        "a",
                        "--output-topic",
                        "b",
                        "--no-such-thing",
                        "1");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("unknown argument --no-such-thing").contains("--help");
    }

    @Test
    void shouldExitWithCode2OnInvalidValue() throws Exception {
        Result r =
                run(
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--input-topic",
                        "a",
                        "--output-topic",
                        "b",
                        "--parallelism",
                        "zero");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.output).contains("--parallelism");
    }

    @Test
    void shouldPrintUsageAndExit0OnHelp() throws Exception {
        Result r = run("--help");
        assertThat(r.exit).isZero();
        assertThat(r.output).contains("--bootstrap-servers").contains("--window");
    }
}

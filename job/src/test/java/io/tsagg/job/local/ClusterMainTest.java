package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.generate.GeneratorMain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link ClusterMain}'s argument handling (the cluster itself: ClusterEndToEndIT). */
class ClusterMainTest {

    @Test
    void shouldFillInTheLocalBrokerAndTopicsUnlessGiven() throws Exception {
        List<String> args =
                ClusterMain.withLocalDefaults(
                        List.of("--window", "10s", "--output-topic=mine"), "127.0.0.1:9999");
        JobConfig config = JobConfig.parse(args.toArray(new String[0]));
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9999");
        assertThat(config.inputTopic()).isEqualTo(ClusterMain.INPUT_TOPIC);
        assertThat(config.outputTopic()).isEqualTo("mine");
        assertThat(config.dlqTopic()).isEqualTo(ClusterMain.DLQ_TOPIC);
    }

    @Test
    void shouldRefuseToSubmitWithoutAnyBroker() {
        assertThatThrownBy(() -> ClusterMain.withLocalDefaults(List.of(), null))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void shouldDefaultTheGeneratorToFramesAndRejectUnknownFormats() {
        GeneratorMain.Settings s = GeneratorMain.Settings.parse("--bootstrap-servers", "h:1");
        assertThat(s.format()).isEqualTo("frame");
        assertThat(s.samplesPerRecord()).isEqualTo(1000);
        assertThat(
                        GeneratorMain.Settings.parse("--bootstrap-servers=h:1", "--format", "ilp")
                                .samplesPerRecord())
                .isEqualTo(100);
        assertThatThrownBy(
                        () ->
                                GeneratorMain.Settings.parse(
                                        "--bootstrap-servers", "h:1", "--format", "csv"))
                .hasMessageContaining("--format");
    }
}

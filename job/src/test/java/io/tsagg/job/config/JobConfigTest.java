package io.tsagg.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link JobConfig}. */
class JobConfigTest {
    private static final String[] REQUIRED = {
        "--bootstrap-servers", "localhost:9092", "--input-topic", "in", "--output-topic", "out"
    };

    private static String[] with(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }

    @Test
    void shouldApplyDefaultsWhenOnlyRequiredArgumentsAreGiven() throws Exception {
        JobConfig c = JobConfig.parse(REQUIRED);
        assertThat(c.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.slide()).isNull();
        assertThat(c.outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.allowedLateness()).isEqualTo(Duration.ZERO);
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.format()).isEqualTo("frame");
        assertThat(c.outputFormat()).isEqualTo("json");
        assertThat(c.bounded()).isFalse();
        assertThat(c.parallelism()).isNull();
    }

    @Test
    void shouldParseDurationsFlagsAndKafkaProperties() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--window",
                                "10s",
                                "--slide=5s",
                                "--bounded",
                                "--parallelism",
                                "3",
                                "--kafka.security.protocol",
                                "SASL_PLAINTEXT"));
        assertThat(c.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.slide()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.bounded()).isTrue();
        assertThat(c.parallelism()).isEqualTo(3);
        assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
    }

    @Test
    void shouldRejectUnknownArgumentNamingTheKnownOnes() {
        assertThatThrownBy(() -> JobConfig.parse(with("--windw", "1m")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("unknown argument --windw")
                .hasMessageContaining("--window");
    }

    @Test
    void shouldRejectMissingRequiredArgument() {
        assertThatThrownBy(() -> JobConfig.parse("--input-topic", "in", "--output-topic", "out"))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void shouldRejectMalformedDuration() {
        assertThatThrownBy(() -> JobConfig.parse(with("--window", "soon")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--window")
                .hasMessageContaining("duration");
    }

    @Test
    void shouldRejectSlideLongerThanWindow() {
        assertThatThrownBy(() -> JobConfig.parse(with("--window", "10s", "--slide", "20s")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--slide");
    }

    @Test
    void shouldRejectUnsupportedFormatListingAllowedValues() {
        assertThatThrownBy(() -> JobConfig.parse(with("--output-format", "xml")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("allowed: json");
    }

    @Test
    void shouldRejectValueMissingAtTheEnd() {
        assertThatThrownBy(() -> JobConfig.parse(with("--window")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("needs a value");
    }

    @Test
    void shouldRedactSecretsWhenDescribing() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--kafka.sasl.jaas.config",
                                "PlainLoginModule required password=\"hunter2\";",
                                "--kafka.ssl.truststore.password",
                                "hunter3"));
        assertThat(c.describe()).doesNotContain("hunter2").doesNotContain("hunter3");
        assertThat(c.describe()).contains("--kafka.sasl.jaas.config ******");
    }

    @Test
    void shouldListEveryOptionInUsage() {
        String usage = JobConfig.usage("tsagg");
        for (var o : TsaggOptions.ALL) {
            assertThat(usage).contains("--" + o.key());
        }
    }

    @Test
    void shouldDefaultToFramesNanosecondsAndSeriesGroupKeys() throws Exception {
        JobConfig c = JobConfig.parse(REQUIRED);
        assertThat(c.ilpPrecision()).isEqualTo(TimestampPrecision.NANOSECONDS);
        assertThat(c.groupKeys()).isEqualTo(GroupKeySpec.series());
    }

    @Test
    void shouldParseLineProtocolFormatPrecisionAndGroupBy() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--format",
                                "ilp",
                                "--ilp-precision",
                                "us",
                                "--group-by",
                                "region, az"));
        assertThat(c.format()).isEqualTo("ilp");
        assertThat(c.ilpPrecision()).isEqualTo(TimestampPrecision.MICROSECONDS);
        assertThat(c.groupKeys()).isEqualTo(GroupKeySpec.keep(List.of("az", "region")));
        assertThat(JobConfig.parse(with("--without", "host")).groupKeys())
                .isEqualTo(GroupKeySpec.drop(List.of("host")));
    }

    @Test
    void shouldRejectGroupByTogetherWithWithout() {
        assertThatThrownBy(() -> JobConfig.parse(with("--group-by", "region", "--without", "host")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--group-by and --without cannot be used together");
    }

    @Test
    void shouldRejectBadPrecisionFormatAndTagLists() {
        assertThatThrownBy(() -> JobConfig.parse(with("--ilp-precision", "m")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--ilp-precision")
                .hasMessageContaining("allowed: ms, ns, s, us");
        assertThatThrownBy(() -> JobConfig.parse(with("--format", "json")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("allowed: frame, ilp");
        assertThatThrownBy(() -> JobConfig.parse(with("--group-by", "region,,az")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--group-by needs comma-separated tag names");
        assertThatThrownBy(() -> JobConfig.parse(with("--without", "")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--without");
    }
}

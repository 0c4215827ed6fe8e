package io.tsagg.job.config;

import static io.tsagg.job.config.JobArgs.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.output.Stat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link JobConfig}. */
class JobConfigTest {
    @Test
    void shouldApplyDefaultsWhenOnlyRequiredArgumentsAreGiven() throws Exception {
        JobConfig c = JobConfig.parse(with());
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
    void shouldLimitFutureTimestampsToOneHourByDefaultAndAcceptOffOrZero() throws Exception {
        assertThat(JobConfig.parse(with()).maxFutureSkew()).isEqualTo(Duration.ofHours(1));
        assertThat(JobConfig.parse(with("--max-future-skew", "10m")).maxFutureSkew())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(JobConfig.parse(with("--max-future-skew", "off")).maxFutureSkew()).isZero();
        assertThat(JobConfig.parse(with("--max-future-skew=off")).maxFutureSkew()).isZero();
        assertThat(JobConfig.parse(with("--max-future-skew", "0")).maxFutureSkew()).isZero();
        assertThatThrownBy(() -> JobConfig.parse(with("--max-future-skew", "-1s")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--max-future-skew");
        assertThat(JobConfig.usage("x")).contains("--max-future-skew");
    }

    @Test
    void shouldRefreshKeysEveryTenMinutesByDefaultAndAcceptOffOrZero() throws Exception {
        assertThat(JobConfig.parse(with()).keyRefresh()).isEqualTo(Duration.ofMinutes(10));
        assertThat(JobConfig.parse(with("--key-refresh", "30s")).keyRefresh())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(JobConfig.parse(with("--key-refresh", "off")).keyRefresh()).isZero();
        assertThat(JobConfig.parse(with("--key-refresh=off")).keyRefresh()).isZero();
        assertThat(JobConfig.parse(with("--key-refresh", "0")).keyRefresh()).isZero();
        assertThatThrownBy(() -> JobConfig.parse(with("--key-refresh", "-1s")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--key-refresh");
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
                .hasMessageContaining("allowed: ilp, json");
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
        JobConfig c = JobConfig.parse(with());
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

    @Test
    void shouldMakeTheTopLevelArgumentsTheDefaultRollup() throws Exception {
        JobConfig c = JobConfig.parse(with("--window", "30s", "--group-by", "region"));
        assertThat(c.rollups()).hasSize(1);
        RollupSpec r = c.rollups().get(0);
        assertThat(r.name()).isEqualTo("default");
        assertThat(r.outputTopic()).isEqualTo("out");
        assertThat(r.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.groupKeys()).isEqualTo(GroupKeySpec.keep(List.of("region")));
        assertThat(r.stats()).isEqualTo(Stat.all());
        assertThat(r.outputFormat()).isEqualTo("json");
    }

    @Test
    void shouldParseRepeatedRollupsWithListValuesAndInheritTopLevelSettings() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--window",
                                "10s",
                                "--allowed-lateness",
                                "5s",
                                "--stats",
                                "count,mean",
                                "--rollup",
                                "name=fleet,window=1m,group-by=region,service,output-topic=f",
                                "--rollup=name=hosts,output-topic=h,without=host,slide=5s,"
                                        + "stats=max,min,output-format=ilp"));
        assertThat(c.rollups())
                .extracting(RollupSpec::name)
                .containsExactly("default", "fleet", "hosts");
        RollupSpec fleet = c.rollups().get(1);
        assertThat(fleet.outputTopic()).isEqualTo("f");
        assertThat(fleet.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fleet.slide()).isNull();
        assertThat(fleet.allowedLateness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fleet.groupKeys()).isEqualTo(GroupKeySpec.keep(List.of("region", "service")));
        assertThat(fleet.stats()).containsExactly(Stat.COUNT, Stat.MEAN);
        RollupSpec hosts = c.rollups().get(2);
        assertThat(hosts.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(hosts.slide()).isEqualTo(Duration.ofSeconds(5));
        assertThat(hosts.groupKeys()).isEqualTo(GroupKeySpec.drop(List.of("host")));
        assertThat(hosts.stats()).containsExactly(Stat.MIN, Stat.MAX);
        assertThat(hosts.outputFormat()).isEqualTo("ilp");
        assertThat(c.describe()).contains("rollup name=fleet,output-topic=f,window=1m");
    }

    @Test
    void shouldNotRequireOutputTopicWhenRollupsNameEveryOutput() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        "--bootstrap-servers",
                        "k:9092",
                        "--input-topic",
                        "in",
                        "--rollup",
                        "name=only,output-topic=o");
        assertThat(c.rollups()).extracting(RollupSpec::name).containsExactly("only");
        assertThatThrownBy(() -> JobConfig.parse("--bootstrap-servers", "k", "--input-topic", "in"))
                .hasMessageContaining("missing required argument --output-topic");
    }

    @Test
    void shouldRejectBadRollupsNamingTheProblem() {
        assertThatThrownBy(() -> JobConfig.parse(with("--rollup", "output-topic=x")))
                .hasMessageContaining("needs name=");
        assertThatThrownBy(() -> JobConfig.parse(with("--rollup", "name=a")))
                .hasMessageContaining("needs output-topic=");
        assertThatThrownBy(() -> JobConfig.parse(with("--rollup", "name=a,output-topic=x,size=1m")))
                .hasMessageContaining("unknown key 'size'")
                .hasMessageContaining("group-by");
        assertThatThrownBy(() -> JobConfig.parse(with("--rollup", "name=default,output-topic=x")))
                .hasMessageContaining("two rollups are named 'default'");
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        with(
                                                "--rollup",
                                                "name=a,output-topic=x,window=1m,slide=2m")))
                .hasMessageContaining("slide 2m is longer than window 1m");
        assertThatThrownBy(
                        () -> JobConfig.parse(with("--rollup", "name=a,output-topic=x,stats=p42")))
                .hasMessageContaining("unknown statistic 'p42'");
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        with(
                                                "--rollup",
                                                "name=a,output-topic=x,group-by=a,without=b")))
                .hasMessageContaining("cannot be used together");
    }

    @Test
    void shouldPassDashDOptionsToTheFlinkConfigurationAndRedactSecrets() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "-D",
                                "restart-strategy.type=fixed-delay",
                                "-Drestart-strategy.fixed-delay.attempts=1",
                                "-D",
                                "s3.secret-key=hunter4"));
        assertThat(c.flinkConfiguration().toMap())
                .containsEntry("restart-strategy.type", "fixed-delay")
                .containsEntry("restart-strategy.fixed-delay.attempts", "1");
        assertThat(c.describe())
                .contains("-D restart-strategy.type=fixed-delay")
                .doesNotContain("hunter4");
        assertThatThrownBy(() -> JobConfig.parse(with("-D", "novalue")))
                .hasMessageContaining("-D needs key=value");
    }

    @Test
    void shouldParseStatsOutputFormatDeliveryAndIdleTimeout() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--stats",
                                "mean,count",
                                "--output-format",
                                "ilp",
                                "--delivery",
                                "at-least-once",
                                "--idle-timeout",
                                "2s"));
        assertThat(c.rollups().get(0).stats()).containsExactly(Stat.COUNT, Stat.MEAN);
        assertThat(c.rollups().get(0).outputFormat()).isEqualTo("ilp");
        assertThat(c.exactlyOnce()).isFalse();
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(JobConfig.parse(with()).exactlyOnce()).isTrue();
        assertThat(JobConfig.parse(with()).idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> JobConfig.parse(with("--delivery", "maybe")))
                .hasMessageContaining("allowed: at-least-once, exactly-once");
        assertThatThrownBy(() -> JobConfig.parse(with("--stats", "count,median")))
                .hasMessageContaining("unknown statistic 'median'");
    }

    @Test
    void shouldKeepNoQuantilesByDefault() throws Exception {
        RollupSpec r = JobConfig.parse(with()).rollups().get(0);
        assertThat(r.quantiles().isEmpty()).isTrue();
        assertThat(r.quantileAccuracy()).isEqualTo(0.01);
        assertThat(r.toString()).doesNotContain("quantiles");
    }

    @Test
    void shouldParseQuantilesAndNameThemByPercent() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with(
                                "--quantiles",
                                "0.5, 0.9,0.99,0.999,0,1,0.125",
                                "--quantile-accuracy",
                                "0.005",
                                "--rollup",
                                "name=fleet,output-topic=f,quantiles=0.25,0.75",
                                "--rollup",
                                "name=hosts,output-topic=h,quantile-accuracy=0.02"));
        RollupSpec top = c.rollups().get(0);
        assertThat(top.quantiles().values()).containsExactly(0.5, 0.9, 0.99, 0.999, 0, 1, 0.125);
        assertThat(top.quantiles().names())
                .containsExactly("p50", "p90", "p99", "p99_9", "p0", "p100", "p12_5");
        assertThat(top.quantileAccuracy()).isEqualTo(0.005);
        RollupSpec fleet = c.rollups().get(1);
        assertThat(fleet.quantiles().names()).containsExactly("p25", "p75");
        assertThat(fleet.quantileAccuracy()).isEqualTo(0.005);
        RollupSpec hosts = c.rollups().get(2);
        assertThat(hosts.quantiles()).isEqualTo(top.quantiles());
        assertThat(hosts.quantileAccuracy()).isEqualTo(0.02);
        assertThat(fleet.toString()).contains(",quantiles=0.25,0.75,quantile-accuracy=0.005,");
    }

    @Test
    void shouldRejectBadQuantilesAndAccuraciesNamingTheArgument() {
        assertThatThrownBy(() -> JobConfig.parse(with("--quantiles", "0.5,1.5")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--quantiles")
                .hasMessageContaining("1.5 is outside [0, 1]");
        assertThatThrownBy(() -> JobConfig.parse(with("--quantiles", "p99")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("'p99' is not a number");
        assertThatThrownBy(() -> JobConfig.parse(with("--quantiles", "0.9,0.90")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> JobConfig.parse(with("--quantile-accuracy", "1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--quantile-accuracy")
                .hasMessageContaining("outside (0, 1)");
        assertThatThrownBy(() -> JobConfig.parse(with("--quantile-accuracy", "0")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("outside (0, 1)");
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        with(
                                                "--rollup",
                                                "name=a,output-topic=x,quantile-accuracy=-0.1")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("--rollup name=a")
                .hasMessageContaining("outside (0, 1)");
    }

    @Test
    void shouldRejectTransactionTimeoutShorterThanTwoCheckpointIntervalsPlusAMinute() {
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        with(
                                                "--checkpoint-interval",
                                                "10m",
                                                "--transaction-timeout",
                                                "15m")))
                .hasMessageContaining("--transaction-timeout 15m is too short")
                .hasMessageContaining("--checkpoint-interval 10m")
                .hasMessageContaining("21m");
    }

    @Test
    void shouldAcceptLongCheckpointIntervalsWithoutTransactions() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        with("--checkpoint-interval", "10m", "--delivery", "at-least-once"));
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void shouldRejectKafkaPropertiesTheJobSetsItself() {
        assertThatThrownBy(() -> JobConfig.parse(with("--kafka.transaction.timeout.ms", "60000")))
                .hasMessageContaining("use --transaction-timeout");
    }
}

package io.tsagg.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobArgs;
import io.tsagg.job.config.JobConfig;
import org.junit.jupiter.api.Test;

/** Tests for {@link TsaggJob#sourceProperties}: the source consumer's defaults and overrides. */
class SourcePropertiesTest {
    private static JobConfig config(String... more) throws ArgumentException {
        return JobConfig.parse(JobArgs.with(more));
    }

    @Test
    void shouldPollMoreRecordsThanKafkasDefaultUnlessTold() throws Exception {
        assertThat(TsaggJob.sourceProperties(config()))
                .containsEntry("max.poll.records", TsaggJob.MAX_POLL_RECORDS);
        assertThat(TsaggJob.sourceProperties(config("--kafka.max.poll.records", "100")))
                .containsEntry("max.poll.records", "100");
    }

    @Test
    void shouldKeepTheUsersOtherKafkaProperties() throws Exception {
        JobConfig c = config("--kafka.client.rack", "az1");

        assertThat(TsaggJob.sourceProperties(c)).containsEntry("client.rack", "az1");
        assertThat(c.kafkaProperties()).doesNotContainKey("max.poll.records");
    }
}

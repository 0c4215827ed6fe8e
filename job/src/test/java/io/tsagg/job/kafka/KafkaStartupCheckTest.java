package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.job.config.JobConfig;
import java.util.Properties;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link KafkaStartupCheck}'s messages (the check itself runs in {@code SaslKafkaIT}).
 */
class KafkaStartupCheckTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"alice\" password=\"pw-Secret-42\";";

    private static JobConfig config(String... kafka) throws Exception {
        String[] args = new String[6 + kafka.length];
        System.arraycopy(
                new String[] {
                    "--bootstrap-servers", "b:9092", "--input-topic", "in", "--output-topic", "out"
                },
                0,
                args,
                0,
                6);
        System.arraycopy(kafka, 0, args, 6, kafka.length);
        return JobConfig.parse(args);
    }

    @Test
    void shouldNameProtocolMechanismUserAndReasonButNeverThePassword() throws Exception {
        JobConfig c =
                config(
                        "--kafka.security.protocol",
                        "SASL_SSL",
                        "--kafka.sasl.mechanism",
                        "SCRAM-SHA-512",
                        "--kafka.sasl.jaas.config",
                        JAAS);
        String message =
                KafkaStartupCheck.authenticationFailed(
                        c,
                        new SaslAuthenticationException(
                                "Authentication failed during authentication due to invalid"
                                        + " credentials with SASL mechanism SCRAM-SHA-512"));
        assertThat(message)
                .contains(
                        "b:9092",
                        "SASL_SSL",
                        "SCRAM-SHA-512",
                        "user 'alice'",
                        "invalid credentials")
                .doesNotContain("pw-Secret-42");
    }

    @Test
    void shouldRedactJaasPasswordsAndSecretPropertiesFromAnyText() {
        Properties kafka = new Properties();
        kafka.setProperty("sasl.jaas.config", JAAS);
        kafka.setProperty("ssl.truststore.password", "trust-me-77");
        kafka.setProperty("security.protocol", "SASL_SSL");
        String text = "failed: " + JAAS + " and trust-me-77 over SASL_SSL";
        assertThat(KafkaStartupCheck.redact(text, kafka))
                .doesNotContain("pw-Secret-42")
                .doesNotContain("trust-me-77")
                .contains("SASL_SSL");
    }

    @Test
    void shouldWarnAndLetTheJobStartWhenTheBrokerCannotBeReached() throws Exception {
        JobConfig c =
                JobConfig.parse(
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--input-topic",
                        "in",
                        "--output-topic",
                        "out");
        long start = System.nanoTime();
        KafkaStartupCheck.check(c, java.time.Duration.ofSeconds(2)); // no exception
        assertThat(System.nanoTime() - start).isLessThan(20_000_000_000L);
    }

    @Test
    void shouldDescribeNoAuthenticationForPlaintext() {
        assertThat(KafkaStartupCheck.describeAuthentication(new Properties())).isEmpty();
    }
}

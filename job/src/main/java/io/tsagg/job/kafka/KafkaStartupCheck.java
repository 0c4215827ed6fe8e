package io.tsagg.job.kafka;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job checks against Kafka before it is built, with one admin client made from {@code
 * --bootstrap-servers} and the {@code --kafka.} properties (the same the job's clients get):
 *
 * <ol>
 *   <li>The client connects and authenticates ({@code describeCluster}). Refused credentials (a
 *       wrong user or password, a SASL mechanism the listener does not enable, a failed TLS
 *       handshake) end the program with an {@link ArgumentException} naming the mechanism, the user
 *       and the broker's reason, never the password, within seconds: otherwise the job would be
 *       submitted and restart forever on the same error.
 *   <li>With exactly-once delivery, {@link TransactionTimeoutCheck}.
 *   <li>{@link FutureTimestampCheck}: the result and late topics accept timestamps as far ahead as
 *       {@code --max-future-skew} lets samples be.
 * </ol>
 *
 * <p>A broker that cannot be reached from where the job is submitted (no answer within the ask
 * timeout, a name that does not resolve here) is not an error: the cluster may reach it. The check
 * logs a warning and the job starts, as it did before this check existed.
 */
public final class KafkaStartupCheck {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaStartupCheck.class);

    private static final Pattern JAAS_USER =
            Pattern.compile("\\busername\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");
    private static final Pattern JAAS_SECRET =
            Pattern.compile(
                    "\\b(password|secret|token)\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))",
                    Pattern.CASE_INSENSITIVE);

    private KafkaStartupCheck() {}

    /**
     * @throws ArgumentException when the broker refuses the credentials, the transaction timeout
     *     does not fit the broker, or the output topics refuse timestamps --max-future-skew accepts
     */
    public static void check(JobConfig config, Duration askTimeout) throws ArgumentException {
        Admin admin;
        try {
            admin = Admin.create(adminProperties(config, askTimeout));
        } catch (RuntimeException e) {
            // Bad client settings (or a bootstrap name that does not resolve here): the job's own
            // clients would meet the same on the cluster, where it is not necessarily fatal.
            LOG.warn(
                    "Cannot create a Kafka admin client to check the connection ({}); the job"
                            + " starts anyway",
                    redact(rootMessage(e), config.kafkaProperties()));
            return;
        }
        try (admin) {
            Collection<Node> nodes;
            try {
                nodes =
                        admin.describeCluster()
                                .nodes()
                                .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthenticationException) {
                    throw new ArgumentException(
                            authenticationFailed(config, (AuthenticationException) e.getCause()));
                }
                warnUnreachable(config, askTimeout, e.getCause());
                return;
            } catch (TimeoutException e) {
                warnUnreachable(config, askTimeout, e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.info(
                    "Kafka at {} answered: {} broker(s){}",
                    config.bootstrapServers(),
                    nodes.size(),
                    describeAuthentication(config.kafkaProperties()));
            TransactionTimeoutCheck.check(config, admin, nodes, askTimeout);
            FutureTimestampCheck.check(config, admin, nodes, askTimeout);
        }
    }

    /** Admin client settings: the job's Kafka properties, bootstrap servers and timeouts. */
    static Properties adminProperties(JobConfig config, Duration askTimeout) {
        Properties p = config.kafkaProperties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "tsagg-startup-check");
        p.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(askTimeout.toMillis()));
        p.setProperty(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(askTimeout.toMillis()));
        return p;
    }

    private static void warnUnreachable(JobConfig config, Duration askTimeout, Throwable e) {
        LOG.warn(
                "Cannot reach Kafka at {} from here within {} ms ({}); the job starts anyway (the"
                        + " cluster may reach it), without checking the credentials and the"
                        + " transaction timeout",
                config.bootstrapServers(),
                askTimeout.toMillis(),
                redact(String.valueOf(e), config.kafkaProperties()));
    }

    /** The message for refused credentials: protocol, mechanism, user, the broker's reason. */
    static String authenticationFailed(JobConfig config, AuthenticationException e) {
        Properties kafka = config.kafkaProperties();
        return "Kafka at "
                + config.bootstrapServers()
                + " refused the job's credentials"
                + describeAuthentication(kafka)
                + ": "
                + redact(e.getClass().getSimpleName() + ": " + e.getMessage(), kafka)
                + ". Check the user and password in --kafka."
                + SaslConfigs.SASL_JAAS_CONFIG
                + ", and that the broker's listener enables the mechanism"
                + " (--kafka."
                + SaslConfigs.SASL_MECHANISM
                + ")";
    }

    /** " (security.protocol X, sasl.mechanism Y, user 'u')", or "" without SASL or TLS. */
    static String describeAuthentication(Properties kafka) {
        String protocol =
                kafka.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        if (protocol.equalsIgnoreCase("PLAINTEXT")) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" (security.protocol ").append(protocol);
        if (protocol.toUpperCase().startsWith("SASL")) {
            sb.append(", sasl.mechanism ")
                    .append(
                            kafka.getProperty(
                                    SaslConfigs.SASL_MECHANISM,
                                    SaslConfigs.DEFAULT_SASL_MECHANISM));
            String jaas = kafka.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
            Matcher m = jaas == null ? null : JAAS_USER.matcher(jaas);
            if (m != null && m.find()) {
                sb.append(", user '").append(m.group(1) != null ? m.group(1) : m.group(2));
                sb.append('\'');
            } else {
                sb.append(", no user name in --kafka.").append(SaslConfigs.SASL_JAAS_CONFIG);
            }
        }
        return sb.append(')').toString();
    }

    /**
     * {@code text} with every secret value of {@code kafka} replaced by {@code ******}: values of
     * secret properties ({@link JobConfig#isSecret}) and the passwords, secrets and tokens inside
     * JAAS configurations.
     */
    static String redact(String text, Properties kafka) {
        if (text == null) {
            return null;
        }
        for (String name : kafka.stringPropertyNames()) {
            if (!JobConfig.isSecret(name)) {
                continue;
            }
            String value = kafka.getProperty(name);
            Matcher m = JAAS_SECRET.matcher(value);
            while (m.find()) {
                String secret = m.group(2) != null ? m.group(2) : m.group(3);
                if (!secret.isEmpty()) {
                    text = text.replace(secret, "******");
                }
            }
            if (!value.isEmpty()) {
                text = text.replace(value, "******");
            }
        }
        return text;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.toString();
    }
}

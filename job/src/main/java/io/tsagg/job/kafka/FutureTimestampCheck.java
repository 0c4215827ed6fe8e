package io.tsagg.job.kafka;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.config.RollupSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the job is built, that the topics the job writes event-time stamped records to
 * accept the timestamps {@code --max-future-skew} lets through. Results are stamped at their
 * window's end and late samples at their own time, so both can be as far ahead of the wall clock as
 * the newest accepted sample. Since Kafka 4.0 a broker refuses records stamped more than {@code
 * message.timestamp.after.max.ms} (default 1 h) ahead; one refused result fails the window
 * operator's checkpoint, and the job fails again after every restore.
 *
 * <p>Each result topic and the late topic is asked for its effective {@value #TOPIC_TYPE} and
 * {@value #TOPIC_MAX} (a topic that does not exist yet gets the broker's {@value #BROKER_TYPE} and
 * {@value #BROKER_MAX} when it is created). Topics that stamp records at append time ({@code
 * LogAppendTime}) accept anything. A skew larger than a topic's limit is an {@link
 * ArgumentException} naming both; no skew limit at all ({@code --max-future-skew off}) against a
 * finite limit is only a warning, since the producers may be trusted. When the broker cannot be
 * asked, the check is skipped with a warning.
 */
public final class FutureTimestampCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FutureTimestampCheck.class);

    public static final String TOPIC_MAX = "message.timestamp.after.max.ms";
    public static final String TOPIC_TYPE = "message.timestamp.type";
    public static final String BROKER_MAX = "log.message.timestamp.after.max.ms";
    public static final String BROKER_TYPE = "log.message.timestamp.type";

    private FutureTimestampCheck() {}

    /**
     * Asks through {@code admin}, which has already reached the cluster of {@code nodes}.
     *
     * @throws ArgumentException naming the topics whose limit is below {@code --max-future-skew}
     */
    static void check(JobConfig config, Admin admin, Collection<Node> nodes, Duration askTimeout)
            throws ArgumentException {
        Set<String> topics = new LinkedHashSet<>();
        for (RollupSpec r : config.rollups()) {
            topics.add(r.outputTopic());
        }
        if (config.lateTopic() != null && !config.lateTopic().isBlank()) {
            topics.add(config.lateTopic());
        }
        if (topics.isEmpty() || nodes.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : topics) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
        ConfigResource broker =
                new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        resources.add(broker);
        long skewMs = config.maxFutureSkew().toMillis();
        List<String> tooSmall = new ArrayList<>();
        try {
            Map<ConfigResource, KafkaFuture<Config>> answers =
                    admin.describeConfigs(resources).values();
            Config brokerConfig =
                    answers.get(broker).get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            for (String topic : topics) {
                Limit limit =
                        limit(
                                topic,
                                answers.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)),
                                brokerConfig,
                                askTimeout);
                if (limit == null || limit.appendTime || limit.maxMs == Long.MAX_VALUE) {
                    continue;
                }
                if (skewMs == 0) {
                    LOG.warn(
                            "--max-future-skew is off, but topic {} refuses records stamped more"
                                    + " than {} ms ahead ({}): a sample that far ahead would make"
                                    + " a result the broker refuses, and the job fail",
                            topic,
                            limit.maxMs,
                            limit.source);
                } else if (skewMs > limit.maxMs) {
                    tooSmall.add(
                            "topic "
                                    + topic
                                    + " takes at most "
                                    + limit.maxMs
                                    + " ms ("
                                    + limit.source
                                    + ")");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.warn(
                    "Cannot check --max-future-skew against the topics' {} ({}); the job starts"
                            + " anyway",
                    TOPIC_MAX,
                    e.toString());
            return;
        }
        if (!tooSmall.isEmpty()) {
            throw new ArgumentException(
                    "--max-future-skew "
                            + skewMs
                            + " ms lets through samples further ahead of the wall clock than the"
                            + " brokers accept records: "
                            + String.join("; ", tooSmall)
                            + ". A result or late sample stamped that far ahead would be refused"
                            + " and the job fail. Lower --max-future-skew or raise "
                            + TOPIC_MAX
                            + " on those topics ("
                            + BROKER_MAX
                            + " on the brokers)");
        }
        LOG.info("Topics {} accept timestamps up to --max-future-skew {} ms ahead", topics, skewMs);
    }

    /** A topic's effective limit; null when it cannot be read. */
    private static Limit limit(
            String topic, KafkaFuture<Config> answer, Config broker, Duration askTimeout)
            throws InterruptedException, TimeoutException {
        try {
            Config c = answer.get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return limit(c.get(TOPIC_TYPE), c.get(TOPIC_MAX), "its " + TOPIC_MAX);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // Created on first write, with the broker's defaults.
                return limit(
                        broker.get(BROKER_TYPE),
                        broker.get(BROKER_MAX),
                        "not created yet; the broker's " + BROKER_MAX);
            }
            LOG.warn(
                    "Cannot read the configuration of topic {}: {}",
                    topic,
                    e.getCause().toString());
            return null;
        }
    }

    private static Limit limit(ConfigEntry type, ConfigEntry max, String source) {
        if (max == null || max.value() == null) {
            return null;
        }
        boolean appendTime = type != null && "LogAppendTime".equalsIgnoreCase(type.value());
        return new Limit(Long.parseLong(max.value()), appendTime, source);
    }

    private record Limit(long maxMs, boolean appendTime, String source) {}
}

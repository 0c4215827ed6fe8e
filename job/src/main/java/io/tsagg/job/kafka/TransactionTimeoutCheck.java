package io.tsagg.job.kafka;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the job is built, that the exactly-once sinks' transaction timeout fits the
 * broker: a producer asking for more than the broker's {@code transaction.max.timeout.ms} is
 * refused at its first transaction, which would only show up as a restarting job. The lower bound
 * (twice the checkpoint interval plus a minute) is checked when the arguments are parsed.
 *
 * <p>The broker's limit is read with an {@link Admin} {@code describeConfigs} of one broker. When
 * the broker cannot be asked (not reachable from where the job is submitted, or no {@code
 * DESCRIBE_CONFIGS} permission) the check is skipped with a warning: the job may still run fine.
 */
public final class TransactionTimeoutCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionTimeoutCheck.class);

    public static final String BROKER_MAX = "transaction.max.timeout.ms";

    private TransactionTimeoutCheck() {}

    /**
     * Asks the broker with an admin client of its own.
     *
     * @throws ArgumentException naming both values when the timeout exceeds the broker's maximum
     */
    public static void check(JobConfig config, Duration askTimeout) throws ArgumentException {
        if (!config.exactlyOnce()) {
            return;
        }
        try (Admin admin = Admin.create(KafkaStartupCheck.adminProperties(config, askTimeout))) {
            Collection<Node> nodes =
                    admin.describeCluster()
                            .nodes()
                            .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            check(config, admin, nodes, askTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ArgumentException e) {
            throw e;
        } catch (Exception e) {
            warnSkipped(e);
        }
    }

    /**
     * Asks one of {@code nodes} through {@code admin}, which has already reached the cluster.
     *
     * @throws ArgumentException naming both values when the timeout exceeds the broker's maximum
     */
    static void check(JobConfig config, Admin admin, Collection<Node> nodes, Duration askTimeout)
            throws ArgumentException {
        if (!config.exactlyOnce()) {
            return;
        }
        long timeoutMs = config.transactionTimeout().toMillis();
        Long brokerMax = brokerMaxTimeoutMs(admin, nodes, askTimeout);
        if (brokerMax == null) {
            return;
        }
        if (timeoutMs > brokerMax) {
            throw new ArgumentException(
                    "--transaction-timeout "
                            + timeoutMs
                            + " ms is longer than the broker's "
                            + BROKER_MAX
                            + " "
                            + brokerMax
                            + " ms: the brokers would refuse every transaction. Lower"
                            + " --transaction-timeout (and --checkpoint-interval, it needs at least"
                            + " twice the interval plus 1 minute) or raise "
                            + BROKER_MAX
                            + " on the brokers");
        }
        LOG.info(
                "Transaction timeout {} ms fits the broker's {} {} ms and checkpoint interval {}"
                        + " ms",
                timeoutMs,
                BROKER_MAX,
                brokerMax,
                config.checkpointInterval().toMillis());
    }

    /** The broker's {@code transaction.max.timeout.ms}, or null when it cannot be read. */
    private static Long brokerMaxTimeoutMs(
            Admin admin, Collection<Node> nodes, Duration askTimeout) {
        if (nodes.isEmpty()) {
            LOG.warn("Cannot check {}: the cluster reported no brokers", BROKER_MAX);
            return null;
        }
        try {
            ConfigResource broker =
                    new ConfigResource(
                            ConfigResource.Type.BROKER, nodes.iterator().next().idString());
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(broker))
                            .all()
                            .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            ConfigEntry entry = configs.get(broker).get(BROKER_MAX);
            if (entry == null || entry.value() == null) {
                LOG.warn("Cannot check {}: broker {} does not report it", BROKER_MAX, broker);
                return null;
            }
            return Long.parseLong(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            warnSkipped(e);
            return null;
        }
    }

    private static void warnSkipped(Exception e) {
        LOG.warn(
                "Cannot check the transaction timeout against the broker's {} ({}); the job"
                        + " starts anyway, and fails at its first transaction if the broker"
                        + " refuses the timeout",
                BROKER_MAX,
                e.toString());
    }
}

package io.tsagg.job.local;

import java.io.IOException;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link KafkaBroker} for the tests of one class: started before the first test, stopped
 * after the last. Use as {@code @RegisterExtension static final LocalBroker broker = new
 * LocalBroker();}.
 */
public final class LocalBroker implements BeforeAllCallback, AfterAllCallback {
    private final KafkaBroker.Options options;
    private KafkaBroker broker;

    public LocalBroker() {
        this(KafkaBroker.Options.defaults());
    }

    public LocalBroker(KafkaBroker.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        broker = KafkaBroker.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker. */
    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only while the test class runs");
        }
        return broker;
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public Properties clientProperties() {
        return broker().clientProperties();
    }

    public void createTopics(int partitions, String... names) throws IOException {
        broker().createTopics(partitions, names);
    }
}

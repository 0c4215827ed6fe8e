package io.tsagg.job.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KafkaBroker} for scripts: starts it, creates the requested topics, prints {@code
 * bootstrap.servers=<host:port>} as one line on stdout once the topics exist, then runs until stdin
 * reaches end-of-file or the JVM gets {@code SIGTERM}/Ctrl-C, and stops the broker.
 *
 * <pre>
 * java -cp "$(cat job/target/local-classpath.txt):job/target/classes" \
 *     io.tsagg.job.local.KafkaBrokerMain --topics metrics,results --partitions 4
 * </pre>
 *
 * <p>Everything except the bootstrap line goes to stderr. When stdin is {@code /dev/null} (a
 * background job in a non-interactive shell) pass {@code --ignore-stdin} and stop it with a signal.
 */
public final class KafkaBrokerMain {
    private static final String USAGE =
            String.join(
                    "\n",
                    "Usage: KafkaBrokerMain [options]",
                    "  --topics a,b,c      topics to create (default: none)",
                    "  --partitions N      partitions per created topic (default: 1)",
                    "  --port P            client listener port (default: a free port)",
                    "  --work-dir DIR      keep data and log in DIR (default: temp dir, deleted)",
                    "  --heap FLAG         broker heap flag (default: -Xmx512m)",
                    "  --ignore-stdin      run until a signal instead of until stdin closes",
                    "  --help              this text",
                    "The broker's classpath is -Dtsagg.kafka.classpath, else java.class.path.");

    private KafkaBrokerMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        KafkaBroker.Options options = KafkaBroker.Options.defaults();
        List<String> topics = new ArrayList<>();
        int partitions = 1;
        boolean ignoreStdin = false;
        PrintStream err = System.err;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--topics":
                        for (String topic : value(args, ++i, arg).split(",")) {
                            if (!topic.isBlank()) {
                                topics.add(topic.trim());
                            }
                        }
                        break;
                    case "--partitions":
                        partitions = positive(value(args, ++i, arg), arg);
                        break;
                    case "--port":
                        options = options.withPorts(positive(value(args, ++i, arg), arg), 0);
                        break;
                    case "--work-dir":
                        options = options.withWorkDir(Path.of(value(args, ++i, arg)));
                        break;
                    case "--heap":
                        options = options.withHeap(value(args, ++i, arg));
                        break;
                    case "--ignore-stdin":
                        ignoreStdin = true;
                        break;
                    case "--help":
                    case "-h":
                        System.out.println(USAGE);
                        return;
                    default:
                        throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("KafkaBrokerMain: " + e.getMessage());
            err.println(USAGE);
            System.exit(2);
            return;
        }

        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(options);
            if (!topics.isEmpty()) {
                broker.createTopics(partitions, topics.toArray(new String[0]));
            }
        } catch (IOException e) {
            err.println("KafkaBrokerMain: " + e.getMessage());
            System.exit(1);
            return;
        }
        err.println("Kafka broker running: " + broker + ", log " + broker.logFile());
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();

        if (ignoreStdin) {
            new CountDownLatch(1).await(); // The broker's shutdown hook stops it on a signal.
        } else {
            drain(System.in);
            err.println("stdin closed; stopping Kafka broker");
            broker.close();
            System.exit(0);
        }
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only its end matters.
            }
        } catch (IOException e) {
            // A broken stdin counts as closed.
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException(
                option + " must be a positive integer, got '" + text + "'");
    }
}

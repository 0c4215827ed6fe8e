package io.tsagg.job.generate;

import io.tsagg.serde.frame.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces generated metrics to Kafka in real time, for demos, docker compose and the standalone
 * cluster: every round emits one sample per series stamped with the wall clock, paced to {@code
 * --rate} samples per second, until {@code --samples} were written or the JVM is stopped ({@code
 * SIGTERM}/Ctrl-C flush what was produced). Series keys and values come from {@link
 * SampleGenerator}.
 *
 * <pre>
 * java -cp job/target/tsagg-job-*.jar:&lt;flink lib&gt;/* io.tsagg.job.generate.GeneratorMain \
 *     --bootstrap-servers localhost:9092 --topic tsagg-input --rate 20000
 * </pre>
 *
 * <p>Formats: {@code frame} (binary frames of {@code --samples-per-record} samples, the default)
 * and {@code ilp} (InfluxDB line protocol, {@code --samples-per-record} newline-separated lines per
 * record, nanosecond timestamps). Records go round-robin over the topic's partitions.
 */
public final class GeneratorMain {
    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: GeneratorMain --bootstrap-servers HOST:PORT [options]",
                    "  --topic T                 topic to write to (default tsagg-input)",
                    "  --format frame|ilp        record format (default frame)",
                    "  --rate N                  samples per second, 0 = as fast as possible"
                            + " (default 10000)",
                    "  --samples N               stop after N samples (default: run until stopped)",
                    "  --series N                distinct series (default 1000)",
                    "  --samples-per-record N    samples per Kafka record (default 1000 for frame,"
                            + " 100 for ilp)",
                    "  --seed N                  value seed (default 42)",
                    "  --kafka.<property> V      producer property, e.g. --kafka.acks 1",
                    "  --help                    this text");

    private GeneratorMain() {}

    /** Parsed arguments. */
    public static final class Settings {
        String bootstrapServers;
        String topic = "tsagg-input";
        String format = "frame";
        long rate = 10_000;
        long samples = Long.MAX_VALUE;
        int series = 1_000;
        int samplesPerRecord = -1;
        long seed = 42;
        final Properties kafka = new Properties();

        public String format() {
            return format;
        }

        public int samplesPerRecord() {
            return samplesPerRecord;
        }

        public static Settings parse(String... args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                if (name.startsWith("--kafka.") && name.length() > "--kafka.".length()) {
                    s.kafka.setProperty(
                            name.substring("--kafka.".length()),
                            value != null ? value : value(args, ++i, name));
                    continue;
                }
                if (value == null && !name.equals("--help") && !name.equals("-h")) {
                    value = value(args, ++i, name);
                }
                switch (name) {
                    case "--bootstrap-servers":
                        s.bootstrapServers = value;
                        break;
                    case "--topic":
                        s.topic = value;
                        break;
                    case "--format":
                        s.format = value.toLowerCase(Locale.ROOT);
                        if (!s.format.equals("frame") && !s.format.equals("ilp")) {
                            throw new IllegalArgumentException(
                                    "--format must be frame or ilp, got '" + value + "'");
                        }
                        break;
                    case "--rate":
                        s.rate = number(name, value, 0);
                        break;
                    case "--samples":
                        s.samples = number(name, value, 1);
                        break;
                    case "--series":
                        s.series = (int) number(name, value, 1);
                        break;
                    case "--samples-per-record":
                        s.samplesPerRecord = (int) number(name, value, 1);
                        break;
                    case "--seed":
                        s.seed = number(name, value, Long.MIN_VALUE);
                        break;
                    default:
                        throw new IllegalArgumentException(
                                "unknown argument '" + arg + "'; --help lists the arguments");
                }
            }
            if (s.bootstrapServers == null || s.bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("--bootstrap-servers is required");
            }
            if (s.samplesPerRecord < 0) {
                s.samplesPerRecord = s.format.equals("frame") ? 1_000 : 100;
            }
            return s;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static long number(String name, String text, long min) {
            try {
                long n = Long.parseLong(text.replace("_", "").replace(",", ""));
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new IllegalArgumentException(
                    name + " needs a whole number >= " + min + ", got '" + text + "'");
        }
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("GeneratorMain: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stop.set(true);
                            try {
                                done.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "tsagg-generator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(settings, stop, System.err);
        } finally {
            done.countDown();
        }
    }

    /**
     * Produces until {@code settings.samples} were sent or {@code stop} is set, then flushes.
     * Returns the number of samples produced.
     */
    static long run(Settings settings, AtomicBoolean stop, PrintStream log) throws Exception {
        SampleGenerator values = SampleGenerator.standard(0, settings.series, settings.seed);
        Properties p = new Properties();
        p.putAll(settings.kafka);
        p.put("bootstrap.servers", settings.bootstrapServers);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.putIfAbsent("linger.ms", "20");
        p.putIfAbsent("batch.size", "1048576");
        p.putIfAbsent("acks", "all");
        boolean frames = settings.format.equals("frame");
        byte[][] ilpPrefixes = frames ? null : ilpPrefixes(values);
        AtomicReference<Exception> failure = new AtomicReference<>();
        FrameWriter writer = new FrameWriter();
        int[] index = new int[settings.series];
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        long produced = 0;
        long records = 0;
        long start = System.nanoTime();
        long lastReport = start;
        log.printf(
                "GeneratorMain: %s samples of %,d series as %s to %s at %s (topic %s)%n",
                settings.samples == Long.MAX_VALUE
                        ? "unbounded"
                        : String.format("%,d", settings.samples),
                settings.series,
                settings.format,
                settings.bootstrapServers,
                settings.rate == 0 ? "full speed" : settings.rate + " samples/s",
                settings.topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            int partitions = producer.partitionsFor(settings.topic).size();
            long tick = 0;
            int inRecord = 0;
            Arrays.fill(index, -1);
            while (produced < settings.samples && !stop.get()) {
                long now = System.currentTimeMillis();
                for (int s = 0; s < settings.series && produced < settings.samples; s++) {
                    double v = values.value(tick, s);
                    if (frames) {
                        if (index[s] < 0) {
                            index[s] = writer.addSeries(values.seriesKeyBytes(s));
                        }
                        writer.addSample(index[s], now, v);
                    } else {
                        lines.write(ilpPrefixes[s]);
                        lines.write(
                                (Double.toString(v).replace('E', 'e')
                                                + " "
                                                + now * 1_000_000L
                                                + "\n")
                                        .getBytes(StandardCharsets.US_ASCII));
                    }
                    produced++;
                    if (++inRecord == settings.samplesPerRecord) {
                        byte[] value = frames ? writer.toByteArray() : lines.toByteArray();
                        send(
                                producer,
                                settings.topic,
                                (int) (records++ % partitions),
                                value,
                                failure);
                        writer.reset();
                        lines.reset();
                        Arrays.fill(index, -1);
                        inRecord = 0;
                        pace(settings.rate, produced, start, stop);
                    }
                }
                tick++;
                long t = System.nanoTime();
                if (t - lastReport > 10_000_000_000L) {
                    lastReport = t;
                    log.printf(
                            "GeneratorMain: %,d samples in %,d records, %,.0f samples/s%n",
                            produced, records, produced / ((t - start) / 1e9));
                }
            }
            if (inRecord > 0) {
                byte[] value = frames ? writer.toByteArray() : lines.toByteArray();
                send(producer, settings.topic, (int) (records++ % partitions), value, failure);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        log.printf("GeneratorMain: done, %,d samples in %,d records%n", produced, records);
        return produced;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            int partition,
            byte[] value,
            AtomicReference<Exception> failure)
            throws Exception {
        if (failure.get() != null) {
            throw failure.get();
        }
        producer.send(
                new ProducerRecord<>(topic, partition, null, null, value),
                (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    /** Sleeps while more than {@code rate * elapsed} samples have been produced. */
    private static void pace(long rate, long produced, long startNanos, AtomicBoolean stop)
            throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) (produced * 1e9 / rate);
        long wait;
        while (!stop.get() && (wait = dueNanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(200, Math.max(1, wait / 1_000_000)));
        }
    }

    /** {@code measurement,tags field=} for each series, from the series key. */
    private static byte[][] ilpPrefixes(SampleGenerator values) {
        byte[][] prefixes = new byte[values.series()][];
        for (int s = 0; s < prefixes.length; s++) {
            prefixes[s] = (values.seriesKey(s) + "=").getBytes(StandardCharsets.UTF_8);
        }
        return prefixes;
    }
}

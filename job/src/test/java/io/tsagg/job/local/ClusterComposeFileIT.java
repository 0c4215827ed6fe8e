package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tsagg.job.config.JobConfig;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Tests for {@code docker-compose.yml}: the services, images, ports, volumes and commands the
 * README relies on, checked without Docker. Runs after {@code package} (the mounted jar must
 * exist).
 */
class ClusterComposeFileIT {
    private static final String FLINK_IMAGE = "flink:2.2-java17";
    private static final String KAFKA_IMAGE = "apache/kafka:";
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{(\\w+):-([^}]*)}");

    private static Path composeFile;
    private static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        // failsafe (mvn verify) sets it after package; surefire picks *IT up only via -Dtest=...
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        composeFile = Path.of(System.getProperty("tsagg.compose.file", "../docker-compose.yml"));
        try (Reader in = Files.newBufferedReader(composeFile, StandardCharsets.UTF_8)) {
            Map<String, Object> compose = new Yaml().load(in);
            services = (Map<String, Object>) compose.get("services");
        }
    }

    @Test
    void shouldDefineTheServicesTheReadmeNames() {
        assertThat(services)
                .containsKeys(
                        "kafka",
                        "kafka-init",
                        "jobmanager",
                        "taskmanager",
                        "job",
                        "generator",
                        "results");
        assertThat(image("kafka")).startsWith(KAFKA_IMAGE);
        assertThat(image("kafka-init")).isEqualTo(image("kafka"));
        assertThat(image("results")).isEqualTo(image("kafka"));
        for (String flink : List.of("jobmanager", "taskmanager", "job", "generator")) {
            assertThat(image(flink)).as(flink).isEqualTo(FLINK_IMAGE);
        }
    }

    @Test
    void shouldUseTheKafkaReleaseOfTheBuild() {
        // The local broker and the connector's client are kafka.version; so is the image.
        String version = image("kafka").substring(KAFKA_IMAGE.length());
        assertThat(org.apache.kafka.common.utils.AppInfoParser.getVersion()).isEqualTo(version);
    }

    @Test
    void shouldPublishFlinkUiAndKafkaToTheHost() {
        assertThat(list(service("jobmanager").get("ports"))).contains("8081:8081");
        assertThat(list(service("kafka").get("ports"))).contains("9092:9092");
        assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").toString())
                .contains("HOST://localhost:9092")
                .contains("INTERNAL://kafka:19092");
        assertThat(env("kafka").get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    }

    @Test
    void shouldCreateEveryTopicTheJobUses() {
        String script = String.join("\n", list(service("kafka-init").get("command")));
        List<String> job = command("job");
        assertThat(script).contains("kafka-topics.sh");
        for (String option :
                List.of("--input-topic", "--output-topic", "--dlq-topic", "--late-topic")) {
            assertThat(script).contains("--topic " + valueAfter(job, option) + " ");
        }
    }

    @Test
    void shouldSubmitTheShadedJarThatPackageBuilds() {
        List<String> job = command("job");
        assertThat(job.subList(0, 3)).containsExactly("flink", "run", "-d");
        Path jar = mountedOnHost("job", job.get(3));
        assertThat(jar).isRegularFile();
        assertThat(jar.toAbsolutePath().normalize())
                .isEqualTo(
                        Path.of(System.getProperty("tsagg.job.jar")).toAbsolutePath().normalize());
    }

    @Test
    void shouldPassJobArgumentsThatTheJobAccepts() throws Exception {
        List<String> job = command("job");
        List<String> args = job.subList(4, job.size());
        JobConfig config = JobConfig.parse(args.toArray(new String[0]));
        assertThat(config.bootstrapServers()).isEqualTo("kafka:19092");
        assertThat(valueAfter(args, "--bootstrap-servers")).isEqualTo(generatorBootstrap());
    }

    @Test
    void shouldRunOurGeneratorFromTheShadedJarWithTheJobsFormat() {
        List<String> entrypoint = list(service("generator").get("entrypoint"));
        assertThat(entrypoint)
                .contains(
                        "--add-modules=jdk.incubator.vector",
                        "io.tsagg.job.generate.GeneratorMain");
        String classpath = valueAfter(entrypoint, "-cp");
        assertThat(mountedOnHost("generator", classpath.split(":")[0])).isRegularFile();
        assertThat(classpath).contains("/opt/flink/lib/*"); // slf4j + log4j for kafka-clients
        List<String> args = command("generator");
        assertThat(valueAfter(args, "--format")).isEqualTo(valueAfter(command("job"), "--format"));
        assertThat(valueAfter(args, "--topic"))
                .isEqualTo(valueAfter(command("job"), "--input-topic"));
        // GeneratorMain accepts the arguments (parsing only, nothing is produced).
        io.tsagg.job.generate.GeneratorMain.Settings.parse(args.toArray(new String[0]));
    }

    @Test
    void shouldConsumeResultsReadCommitted() {
        List<String> consumer = new ArrayList<>(list(service("results").get("entrypoint")));
        consumer.addAll(command("results"));
        assertThat(consumer.get(0)).endsWith("kafka-console-consumer.sh");
        assertThat(valueAfter(consumer, "--isolation-level")).isEqualTo("read_committed");
        assertThat(valueAfter(consumer, "--topic"))
                .isEqualTo(valueAfter(command("job"), "--output-topic"));
    }

    /**
     * The image's entrypoint turns FLINK_PROPERTIES lines into config entries; some 2.x entrypoints
     * first delete all whitespace of a line ({@code tr -d '[:space:]'}), others trim it. Either way
     * the TaskManager JVM must get the flag, and {@code env.java.opts.all} (the image's Java 17
     * flags) must stay untouched.
     */
    @Test
    void shouldHandTheVectorModuleToTheTaskManagerJvmThroughEitherEntrypoint() {
        for (boolean deleteAllWhitespace : new boolean[] {true, false}) {
            Map<String, String> tm = flinkProperties("taskmanager", deleteAllWhitespace);
            assertThat(tm.get("env.java.opts.taskmanager"))
                    .isEqualTo("--add-modules=jdk.incubator.vector");
            assertThat(tm)
                    .doesNotContainKey("env.java.opts.all")
                    .containsEntry("jobmanager.rpc.address", "jobmanager");
            assertThat(tm.get("taskmanager.memory.process.size")).isEqualTo("2048m");
            assertThat(env("taskmanager").get("JAVA_TOOL_OPTIONS"))
                    .isEqualTo("-XX:+UseTransparentHugePages");
            assertThat(tm).containsKey("taskmanager.memory.managed.fraction");
            assertThat(flinkProperties("job", deleteAllWhitespace))
                    .containsEntry("rest.address", "jobmanager")
                    .containsEntry("env.java.opts.client", "--add-modules=jdk.incubator.vector");
        }
        for (String flink : List.of("jobmanager", "taskmanager", "job")) {
            for (String line : env(flink).get("FLINK_PROPERTIES").toString().split("\n")) {
                assertThat(line.trim())
                        .as("comments become keys in the entrypoint")
                        .doesNotStartWith("#");
            }
        }
    }

    // ------------------------------------------------------------ helpers

    /** What docker-entrypoint.sh's process_flink_properties makes of the service's lines. */
    private static Map<String, String> flinkProperties(
            String service, boolean deleteAllWhitespace) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String prop : env(service).get("FLINK_PROPERTIES").toString().split("\n")) {
            prop = deleteAllWhitespace ? prop.replaceAll("\\s", "") : prop.trim();
            if (prop.isEmpty()) {
                continue;
            }
            int colon = prop.indexOf(':');
            String key = colon < 0 ? prop : prop.substring(0, colon);
            // value=$(echo $value | envsubst): unquoted echo collapses and trims whitespace.
            String value =
                    colon < 0 ? "" : prop.substring(colon + 1).trim().replaceAll("\\s+", " ");
            out.put(key, value);
        }
        return out;
    }

    /** The host file behind a container path, through the service's bind mounts. */
    private static Path mountedOnHost(String service, String containerPath) {
        for (String volume : list(service(service).get("volumes"))) {
            String[] parts = volume.split(":");
            if (containerPath.startsWith(parts[1] + "/")) {
                Path hostDir =
                        composeFile.toAbsolutePath().getParent().resolve(parts[0]).normalize();
                return hostDir.resolve(containerPath.substring(parts[1].length() + 1));
            }
        }
        throw new AssertionError(containerPath + " is not under a volume of " + service);
    }

    private static String generatorBootstrap() {
        return valueAfter(command("generator"), "--bootstrap-servers");
    }

    /** The service's command with {@code ${VAR:-default}} replaced by the default. */
    private static List<String> command(String service) {
        List<String> out = new ArrayList<>();
        for (String arg : list(service(service).get("command"))) {
            Matcher m = DEFAULTED.matcher(arg);
            out.add(m.replaceAll(r -> Matcher.quoteReplacement(r.group(2))));
        }
        return out;
    }

    private static String valueAfter(List<String> args, String option) {
        int i = args.indexOf(option);
        assertThat(i).as("%s in %s", option, args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(i + 1);
    }

    private static String image(String service) {
        return (String) service(service).get("image");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String service) {
        return (Map<String, Object>) service(service).get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object value) {
        if (value instanceof String) {
            return List.of((String) value);
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<Object>) value) {
            out.add(String.valueOf(o));
        }
        return out;
    }
}

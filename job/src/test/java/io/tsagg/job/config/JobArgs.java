package io.tsagg.job.config;

/** Command lines for tests: the arguments {@link JobConfig} requires, then the test's own. */
public final class JobArgs {
    private JobArgs() {}

    /**
     * {@code --bootstrap-servers localhost:9092 --input-topic in --output-topic out}, then more.
     */
    public static String[] with(String... more) {
        String[] required = {
            "--bootstrap-servers", "localhost:9092", "--input-topic", "in", "--output-topic", "out"
        };
        String[] all = new String[required.length + more.length];
        System.arraycopy(required, 0, all, 0, required.length);
        System.arraycopy(more, 0, all, required.length, more.length);
        return all;
    }
}

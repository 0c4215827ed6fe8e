import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ingest.IngestArena;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/* Prof5: args: series count (10000, 200000; 0 = the JMH repeating record), cpus (8 or 1), seconds. Thread CPU time per sample after 3 s. */
/**
 * Prof5 with other memory read between records, as Kafka's and Flink's buffers and the window
 * state are between lines end to end: args as Prof5, then KiB read (one long per 64-byte line,
 * cycling through 64 MiB) after each record. Thread CPU time of the parse calls only.
 */
public class Prof6 {
    public static void main(String[] a) {
        int series = Integer.parseInt(a[0]);
        int cpus = Integer.parseInt(a[1]);
        long seconds = Long.parseLong(a[2]);
        Random random = new Random(7);
        int[] order = new int[series];
        for (int s = 0; s < series; s++) order[s] = s;
        for (int s = series - 1; s > 0; s--) { int j = random.nextInt(s + 1); int t = order[s]; order[s] = order[j]; order[j] = t; }
        byte[][] records = new byte[series == 0 ? 1 : series / 100][];
        if (series == 0) { // the JMH 'repeating' record, byte for byte
            random = new Random(7);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                int host = random.nextInt(50);
                sb.append("cpu,host=server-").append(host).append(",cpu=cpu").append(i % 8)
                  .append(",region=eu-west-").append(host % 3).append(",dc=fra").append(host % 2)
                  .append(" usage_user=").append(random.nextInt(10_000) / 100.0)
                  .append(",usage_system=").append(random.nextDouble() * 10)
                  .append(",usage_idle=").append(random.nextInt(1000) / 10.0)
                  .append(' ').append(1_767_225_600_000_000_000L + i * 1_000_000_007L).append('\n');
            }
            records[0] = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        for (int r = 0; r < records.length && series > 0; r++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                int s = order[r * 100 + i]; int host = s / cpus;
                sb.append("cpu,host=server-").append(host).append(",cpu=cpu").append(s % cpus)
                  .append(",region=eu-west-").append(host % 3).append(",dc=fra").append(host % 2)
                  .append(" usage_user=").append(random.nextInt(10_000) / 100.0)
                  .append(",usage_system=").append(random.nextDouble() * 10)
                  .append(",usage_idle=").append(random.nextInt(1000) / 10.0)
                  .append(' ').append(1_767_225_600_000_000_000L + i * 1_000_000_007L).append('\n');
            }
            records[r] = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        LineProtocolParser parser = new LineProtocolParser();
        IngestArena arena = new IngestArena();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final int kib = Integer.parseInt(a[3]);
        final long[] other = new long[8 << 20];
        for (int i = 0; i < other.length; i++) other[i] = i;
        int cursor = 0;
        long parseCpu = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long sum = 0, n = 0, t0 = System.nanoTime(), c0 = 0, n0 = 0;
        boolean warm = false;
        int next = 0;
        while (System.nanoTime() < end) {
            for (int r = 0; r < 1000; r++) {
                byte[] record = records[next];
                next = next + 1 == records.length ? 0 : next + 1;
                long p0 = mx.getCurrentThreadCpuTime();
                arena.reset();
                int k = parser.parse(record, 0, record.length, 0L, arena);
                if (warm) parseCpu += mx.getCurrentThreadCpuTime() - p0;
                for (int l = 0; l < kib * 16; l++) { sum += other[cursor]; cursor = (cursor + 8) & (other.length - 1); }
                for (int i = 0; i < k; i++) {
                    sum += arena.keyId(i) * 31 + arena.timestamp(i) + Double.doubleToRawLongBits(arena.value(i));
                }
                n += k;
            }
            if (!warm && System.nanoTime() - t0 > 3_000_000_000L) { warm = true; c0 = mx.getCurrentThreadCpuTime(); n0 = n; }
        }
        System.out.printf("%d series, %d KiB between records: %.2f M samples per cpu-second of parsing (sum %d)%n", series, kib, (n - n0) / (parseCpu / 1e3), sum);
    }
}

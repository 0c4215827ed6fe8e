import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ingest.IngestArena;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Like Prof, but 200 records of 100 lines with 20,000 distinct series, cycled: the series cache misses. */
public class ProfChurn {
    public static void main(String[] a) {
        Random random = new Random(7);
        byte[][] records = new byte[200][];
        for (int r = 0; r < records.length; r++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                int host = r * 100 + i;
                sb.append("cpu,host=server-").append(host).append(",cpu=cpu").append(i % 8)
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
        long seconds = Long.parseLong(a[0]);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0, n = 0, t0 = System.nanoTime(), c0 = 0, n0 = 0;
        boolean warm = false;
        int next = 0;
        while (System.nanoTime() < end) {
            for (int r = 0; r < 1000; r++) {
                byte[] record = records[next++ % records.length];
                arena.reset();
                int k = parser.parse(record, 0, record.length, 0L, arena);
                for (int i = 0; i < k; i++) {
                    sum += arena.keyId(i) * 31 + arena.timestamp(i) + Double.doubleToRawLongBits(arena.value(i));
                }
                n += k;
            }
            if (!warm && System.nanoTime() - t0 > 3_000_000_000L) { warm = true; c0 = mx.getCurrentThreadCpuTime(); n0 = n; }
        }
        System.out.printf("cpu: %.2f M samples per cpu-second%n", (n - n0) / ((mx.getCurrentThreadCpuTime() - c0) / 1e3));
        System.out.printf("%d samples, %.2f M/s, %d%n", n, n / ((System.nanoTime() - t0) / 1e3), sum);
    }
}

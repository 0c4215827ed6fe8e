import io.tsagg.serde.ilp.LineProtocolParser;
import io.tsagg.serde.ingest.IngestArena;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Single-field records (one line each, as the e2e topic), 10k series in random order; optional cache pollution between records. */
public class Drive2 {
    public static void main(String[] a) {
        int series = Integer.parseInt(a[0]);
        int pollute = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        Random r = new Random(1);
        int n = 1 << 20;
        byte[][] recs = new byte[4096][];
        for (int i = 0; i < recs.length; i++) {
            int s = r.nextInt(series);
            recs[i] = String.format("cpu,host=host-%04d,region=eu-%d usage_user=%.2f %d", s, s % 3, r.nextDouble() * 100, 1767225600000000000L + i * 100_000_000L).getBytes(StandardCharsets.UTF_8);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = r.nextInt(recs.length);
        // More distinct records: vary series per position
        byte[][] all = new byte[n][];
        for (int i = 0; i < n; i++) {
            int s = r.nextInt(series);
            all[i] = ("cpu,host=host-" + String.format("%04d", s) + ",region=eu-" + (s % 3) + " usage_user=" + (r.nextInt(10000) / 100.0) + " " + (1767225600000000000L + i * 1_000_000L)).getBytes(StandardCharsets.UTF_8);
        }
        byte[] junk = new byte[64 << 20];
        LineProtocolParser p = new LineProtocolParser();
        IngestArena arena = new IngestArena();
        var threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        int jp = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                byte[] b = all[i];
                arena.reset();
                p.parse(b, 0, b.length, 0L, arena);
                sink += arena.keyId(0);
                for (int k = 0; k < pollute; k += 64) { junk[jp] ^= 1; jp += 64; if (jp >= junk.length) jp = 0; }
            }
            long t1 = threads.getCurrentThreadCpuTime();
            if (round > 0) System.out.printf("%.1f ns/line%n", (t1 - t0) / (double) n);
        }
        System.out.println("sink " + sink);
    }
}

import io.tsagg.bench.serde.LineProtocolParseBenchmark;
import org.openjdk.jmh.infra.Blackhole;
public class Drive {
    public static void main(String[] a) throws Exception {
        LineProtocolParseBenchmark b = new LineProtocolParseBenchmark();
        b.cardinality = a[0];
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        boolean split = a.length > 2 && a[2].equals("split");
        long secs = Long.parseLong(a[1]);
        for (int round = 0; round < secs; round++) {
            long t0 = System.nanoTime(); long n = 0;
            while (System.nanoTime() - t0 < 1_000_000_000L) {
                for (int i = 0; i < 100; i++) { if (split) b.stringSplit(bh); else b.tsagg(bh); }
                n += 300 * 100;
            }
            System.out.printf("%.2f M samples/s%n", n / ((System.nanoTime() - t0) / 1e3));
        }
    }
}

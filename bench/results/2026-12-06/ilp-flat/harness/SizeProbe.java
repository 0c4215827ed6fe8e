package io.tsagg.serde.ilp;

import io.tsagg.serde.ingest.IngestArena;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** The series cache's slots and entries after the benchmark's series10k records, parsed twice and in steady state. */
public class SizeProbe {
    public static void main(String[] args) throws Exception {
        LineProtocolParser p = new LineProtocolParser();
        Random random = new Random(7);
        int series = 10_000;
        int[] order = new int[series];
        for (int s = 0; s < series; s++) order[s] = s;
        for (int s = series - 1; s > 0; s--) { int j = random.nextInt(s + 1); int t = order[s]; order[s] = order[j]; order[j] = t; }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < series; i++) {
            int s = order[i]; int host = s / 8;
            sb.append("cpu,host=server-").append(host).append(",cpu=cpu").append(s % 8)
                    .append(",region=eu-west-").append(host % 3).append(",dc=fra").append(host % 2)
                    .append(" usage_user=1,usage_system=2,usage_idle=3 1767225600000000000\n");
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        Field f = LineProtocolParser.class.getDeclaredField("ids");
        f.setAccessible(true);
        SeriesIdCache c = (SeriesIdCache) f.get(p);
        try (IngestArena a = new IngestArena()) {
            for (int round = 1; round <= 5; round++) {
                a.reset();
                p.parse(b, 0, b.length, 0, a);
                System.out.println("round " + round + ": slots " + c.slots() + " entries " + c.size() + " entryBytes " + c.entryBytes());
            }
        }
    }
}

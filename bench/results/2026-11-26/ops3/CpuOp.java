package io.tsagg.bench.window;

import java.lang.management.ManagementFactory;
import java.util.*;

/**
 * Thread-CPU-time version of WindowOperatorBenchmark: same driver, same input, same checks; the
 * operators alternate batch by batch (each with its own driver), so both see the same machine load.
 * args: keys sliding(true|false) batches [operators...]
 */
public class CpuOp {
    public static void main(String[] a) throws Exception {
        int keys = Integer.parseInt(a[0]);
        boolean sliding = Boolean.parseBoolean(a[1]);
        int batches = Integer.parseInt(a[2]);
        String[] ops = a.length > 3 ? Arrays.copyOfRange(a, 3, a.length) : new String[] {"tsagg", "flink"};
        WindowOperatorBenchmark.crossCheck(sliding);
        long managed = keys >= 100_000 ? 1L << 30 : 64L << 20;
        WindowOperatorDriver[] d = new WindowOperatorDriver[ops.length];
        for (int i = 0; i < ops.length; i++) d[i] = new WindowOperatorDriver(ops[i], keys, sliding, 1000, managed, false);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<List<Double>> ns = new ArrayList<>();
        long[] alloc = new long[ops.length];
        long[] fed = new long[ops.length];
        long[] cpu = new long[ops.length];
        for (int i = 0; i < ops.length; i++) ns.add(new ArrayList<>());
        int warm = batches / 3;
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < ops.length; i++) {
                long a0 = tb.getThreadAllocatedBytes(tid);
                long t0 = tb.getCurrentThreadCpuTime();
                d[i].feed(WindowOperatorBenchmark.BATCH);
                long t1 = tb.getCurrentThreadCpuTime();
                long a1 = tb.getThreadAllocatedBytes(tid);
                if (b >= warm) {
                    ns.get(i).add((t1 - t0) / (double) WindowOperatorBenchmark.BATCH);
                    alloc[i] += a1 - a0;
                    cpu[i] += t1 - t0;
                    fed[i] += WindowOperatorBenchmark.BATCH;
                }
            }
        }
        double[] med = new double[ops.length];
        for (int i = 0; i < ops.length; i++) {
            d[i].finishAndCheck();
            d[i].close();
            List<Double> l = ns.get(i);
            Collections.sort(l);
            med[i] = l.get(l.size() / 2);
            System.out.printf("%s keys=%d %s: mean %.1f ns/sample thread CPU over %d samples;", ops[i], keys, sliding ? "sliding" : "tumbling", cpu[i] / (double) fed[i], fed[i]);
            System.out.printf("%s keys=%d %s: median %.1f ns/sample thread CPU (%.2fM samples/s), p25 %.1f p75 %.1f, %.4f B/sample%n",
                ops[i], keys, sliding ? "sliding" : "tumbling", med[i], 1e3 / med[i], l.get(l.size() / 4), l.get(3 * l.size() / 4), alloc[i] / (double) fed[i]);
        }
        if (ops.length == 2) System.out.printf("ratio %s/%s = %.2fx (medians), %.2fx (means)%n", ops[0], ops[1], med[1] / med[0], (cpu[1] / (double) fed[1]) / (cpu[0] / (double) fed[0]));
    }
}

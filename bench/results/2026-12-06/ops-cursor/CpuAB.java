import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two builds of the benchmark jar in one JVM (a class loader each), the same operator and input,
 * alternating batch by batch (order swapped every batch), thread CPU time per sample.
 * args: jarA[@operator] jarB[@operator] operator keys sliding batches [shuffled] (shuffled: both jars' drivers must have it)
 */
public class CpuAB {
    static final int BATCH = 100_003;

    public static void main(String[] a) throws Exception {
        // jar[@operator]: each side may name its own operator (else the common one, a[2]).
        String[] jars = {a[0].split("@")[0], a[1].split("@")[0]};
        String op = a[2];
        String[] ops = {a[0].contains("@") ? a[0].split("@")[1] : op, a[1].contains("@") ? a[1].split("@")[1] : op};
        int keys = Integer.parseInt(a[3]);
        boolean sliding = Boolean.parseBoolean(a[4]);
        int batches = Integer.parseInt(a[5]);
        boolean shuffled = a.length > 6 && "shuffled".equals(a[6]);
        long managed = keys >= 100_000 ? 1L << 30 : 64L << 20;
        Object[] drivers = new Object[2];
        Method[] feed = new Method[2];
        Method[] finish = new Method[2];
        Method[] close = new Method[2];
        ClassLoader[] loaders = new ClassLoader[2];
        for (int i = 0; i < 2; i++) {
            loaders[i] = new URLClassLoader(new URL[] {Path.of(jars[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loaders[i]);
            Class<?> c = loaders[i].loadClass("io.tsagg.bench.window.WindowOperatorDriver");
            Constructor<?> k = shuffled
                    ? c.getDeclaredConstructor(String.class, int.class, boolean.class, int.class, long.class, boolean.class, boolean.class)
                    : c.getDeclaredConstructor(String.class, int.class, boolean.class, int.class, long.class, boolean.class);
            k.setAccessible(true);
            drivers[i] = shuffled ? k.newInstance(ops[i], keys, sliding, 1000, managed, false, true) : k.newInstance(ops[i], keys, sliding, 1000, managed, false);
            feed[i] = c.getDeclaredMethod("feed", int.class);
            feed[i].setAccessible(true);
            finish[i] = c.getDeclaredMethod("finishAndCheck");
            finish[i].setAccessible(true);
            close[i] = c.getDeclaredMethod("close");
            close[i].setAccessible(true);
        }
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<List<Double>> ns = List.of(new ArrayList<>(), new ArrayList<>());
        long[] cpu = new long[2];
        long[] fed = new long[2];
        int warm = batches / 3;
        for (int b = 0; b < batches; b++) {
            for (int j = 0; j < 2; j++) {
                int i = (b & 1) == 0 ? j : 1 - j;
                Thread.currentThread().setContextClassLoader(loaders[i]);
                long t0 = tb.getCurrentThreadCpuTime();
                feed[i].invoke(drivers[i], BATCH);
                long t1 = tb.getCurrentThreadCpuTime();
                if (b >= warm) {
                    ns.get(i).add((t1 - t0) / (double) BATCH);
                    cpu[i] += t1 - t0;
                    fed[i] += BATCH;
                }
            }
        }
        double[] mean = new double[2];
        double[] med = new double[2];
        for (int i = 0; i < 2; i++) {
            Thread.currentThread().setContextClassLoader(loaders[i]);
            finish[i].invoke(drivers[i]);
            close[i].invoke(drivers[i]);
            List<Double> l = ns.get(i);
            Collections.sort(l);
            med[i] = l.get(l.size() / 2);
            mean[i] = cpu[i] / (double) fed[i];
        }
        System.out.printf("%s keys=%d %s%s: A %s mean %.1f median %.1f | B %s mean %.1f median %.1f | B/A mean %.3f median %.3f%n",
                op, keys, sliding ? "sliding" : "tumbling", shuffled ? " shuffled" : "", a[0].replaceAll(".*/", ""), mean[0], med[0],
                a[1].replaceAll(".*/", ""), mean[1], med[1], mean[1] / mean[0], med[1] / med[0]);
    }
}

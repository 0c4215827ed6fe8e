import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two builds of the benchmark jar in one JVM (a class loader each): one JMH benchmark method of
 * each, called directly, alternating round by round (order swapped every round), thread CPU time
 * per operation. args: jarA jarB class method opsPerCall rounds callsPerRound [field=value ...]
 */
public class CpuABJmh {
    public static void main(String[] a) throws Exception {
        String cls = a[2];
        String method = a[3];
        int opsPerCall = Integer.parseInt(a[4]);
        int rounds = Integer.parseInt(a[5]);
        int calls = Integer.parseInt(a[6]);
        Object[] bench = new Object[2];
        Method[] m = new Method[2];
        Object[] bh = new Object[2];
        for (int i = 0; i < 2; i++) {
            ClassLoader l = new URLClassLoader(new URL[] {Path.of(a[i]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = l.loadClass(cls);
            bench[i] = c.getConstructor().newInstance();
            for (int k = 7; k < a.length; k++) {
                String[] kv = a[k].split("=", 2);
                var f = c.getField(kv[0]);
                f.set(bench[i], f.getType() == int.class ? (Object) Integer.parseInt(kv[1]) : kv[1]);
            }
            c.getMethod("setUp").invoke(bench[i]);
            Class<?> bhc = l.loadClass("org.openjdk.jmh.infra.Blackhole");
            bh[i] = bhc.getConstructor(String.class).newInstance("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
            m[i] = c.getMethod(method, bhc);
        }
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<List<Double>> ns = List.of(new ArrayList<>(), new ArrayList<>());
        long[] cpu = new long[2];
        int warm = rounds / 3;
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                int i = (r & 1) == 0 ? j : 1 - j;
                long t0 = tb.getCurrentThreadCpuTime();
                for (int c = 0; c < calls; c++) {
                    m[i].invoke(bench[i], bh[i]);
                }
                long t1 = tb.getCurrentThreadCpuTime();
                if (r >= warm) {
                    ns.get(i).add((t1 - t0) / (double) calls / opsPerCall);
                    cpu[i] += t1 - t0;
                }
            }
        }
        double[] med = new double[2];
        double[] mean = new double[2];
        for (int i = 0; i < 2; i++) {
            List<Double> l = ns.get(i);
            Collections.sort(l);
            med[i] = l.get(l.size() / 2);
            mean[i] = cpu[i] / (double) ((long) (rounds - warm) * calls * opsPerCall);
        }
        System.out.printf("%s.%s %s: A %s mean %.2f median %.2f ns/op | B %s mean %.2f median %.2f | B/A mean %.3f median %.3f%n",
                cls.substring(cls.lastIndexOf('.') + 1), method, String.join(" ", java.util.Arrays.copyOfRange(a, 7, a.length)),
                Path.of(a[0]).getFileName(), mean[0], med[0], Path.of(a[1]).getFileName(), mean[1], med[1], mean[1] / mean[0], med[1] / med[0]);
    }
}

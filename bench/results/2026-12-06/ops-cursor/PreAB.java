import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.lang.reflect.Method;

public class PreAB {
    public static void main(String[] a) throws Exception {
        Object[] d = new Object[2]; Method[] m = new Method[2];
        for (int i = 0; i < 2; i++) {
            ClassLoader l = new URLClassLoader(new URL[] {Path.of(a[i]).toUri().toURL(), Path.of(a[2]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = l.loadClass("PreAggDriver");
            d[i] = c.getConstructor(int.class).newInstance(Integer.parseInt(a[3]));
            m[i] = c.getMethod("block");
        }
        int rounds = Integer.parseInt(a[4]);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] cpu = new long[2]; long[] n = new long[2];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                int i = (r & 1) == 0 ? j : 1 - j;
                long t0 = tb.getCurrentThreadCpuTime();
                long s = 0;
                for (int b = 0; b < 5; b++) s += (Long) m[i].invoke(d[i]);
                long t1 = tb.getCurrentThreadCpuTime();
                if (r >= rounds / 3) { cpu[i] += t1 - t0; n[i] += s; }
            }
        }
        System.out.printf("A %s %.1f ns/sample | B %s %.1f ns/sample | B/A %.3f%n", a[0], cpu[0] / (double) n[0], a[1], cpu[1] / (double) n[1], (cpu[1] / (double) n[1]) / (cpu[0] / (double) n[0]));
    }
}

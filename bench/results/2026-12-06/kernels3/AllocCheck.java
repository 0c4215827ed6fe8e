import io.tsagg.operators.kernels.*;
import java.lang.management.*;
import java.util.*;

/** Per size: thread-allocated bytes per call and CPU ns per value of the vector kernel over many calls. */
public class AllocCheck {
    public static void main(String[] a) {
        var th = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StatsKernels v = StatsKernelsProvider.vector().orElseThrow();
        StatsKernels s = StatsKernelsProvider.scalar();
        int[] sizes = a.length > 0 ? Arrays.stream(a).mapToInt(Integer::parseInt).toArray()
                : new int[] {8, 9, 15, 16, 17, 100, 256, 1000, 1023, 4096, 65536};
        ChunkMoments out = new ChunkMoments();
        for (int n : sizes) {
            double[] x = new double[n];
            SplittableRandom r = new SplittableRandom(42);
            for (int i = 0; i < n; i++) x[i] = 1e6 + r.nextDouble(-50, 50);
            int calls = Math.max(1000, 20_000_000 / n);
            double sink = 0;
            for (int w = 0; w < 3; w++) for (int i = 0; i < calls; i++) sink += v.moments(x, 0, n, out).m2() + s.moments(x, 0, n, out).m2();
            long a0 = th.getCurrentThreadAllocatedBytes();
            long t0 = th.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) sink += v.moments(x, 0, n, out).m2();
            long t1 = th.getCurrentThreadCpuTime();
            long a1 = th.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) sink += s.moments(x, 0, n, out).m2();
            long t2 = th.getCurrentThreadCpuTime();
            System.out.printf("n %6d: vector %.3f ns/value, scalar %.3f ns/value, ratio %.2fx, vector alloc %.3f B/call %s%n",
                    n, (t1 - t0) / (double) calls / n, (t2 - t1) / (double) calls / n, (t2 - t1) / (double) (t1 - t0), (a1 - a0) / (double) calls, sink == 0 ? "!" : "");
        }
    }
}

public class Lat {
  public static void main(String[] a) {
    for (int mb : new int[]{1, 4, 16, 64, 256}) {
      int n = mb * 1024 * 1024 / 64; // one int per 64B line
      int[] next = new int[n * 16];
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) perm[i] = i;
      java.util.Random r = new java.util.Random(1);
      for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      for (int i = 0; i < n; i++) next[perm[i] * 16] = perm[(i + 1) % n] * 16;
      int p = 0; long steps = 20_000_000;
      for (int w = 0; w < 2; w++) { long t0 = System.nanoTime(); for (long s = 0; s < steps; s++) p = next[p]; long t1 = System.nanoTime();
      if (w == 1) System.out.printf("%4d MiB: %.1f ns/load (%d)%n", mb, (t1 - t0) / (double) steps, p); }
    }
  }
}

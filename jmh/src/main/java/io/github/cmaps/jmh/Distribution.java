package io.github.cmaps.jmh;

import java.util.SplittableRandom;

/**
 * How a workload picks which key to touch next.
 *
 * <p>A distribution only produces an array of key indices ahead of time: the measured loop walks
 * that array and never draws a random number itself.
 */
public enum Distribution {

  /** Every key equally likely: the cache-unfriendly case for large maps. */
  UNIFORM {
    @Override
    int[] draw(int keyCount, int length, SplittableRandom random) {
      int[] indices = new int[length];
      for (int i = 0; i < length; i++) {
        indices[i] = random.nextInt(keyCount);
      }
      return indices;
    }
  },

  /**
   * Zipf-distributed popularity with exponent {@value #ZIPF_EXPONENT} (as in YCSB): a few keys take
   * most accesses, as in caches and registries. Popularity ranks are assigned to keys through a
   * random permutation, so the hot keys are spread over the table instead of sitting in
   * neighbouring buckets (which would favour or penalize a particular hash or stripe layout).
   */
  ZIPF {
    @Override
    int[] draw(int keyCount, int length, SplittableRandom random) {
      // Cumulative popularity of ranks 1..keyCount, then one binary search per draw. This costs
      // keyCount doubles once per trial, which is cheap next to populating the map.
      double[] cumulative = new double[keyCount];
      double sum = 0;
      for (int rank = 1; rank <= keyCount; rank++) {
        sum += 1.0 / Math.pow(rank, ZIPF_EXPONENT);
        cumulative[rank - 1] = sum;
      }
      int[] keyOfRank = permutation(keyCount, random);
      int[] indices = new int[length];
      for (int i = 0; i < length; i++) {
        double u = random.nextDouble() * sum;
        int lo = 0;
        int hi = keyCount - 1;
        while (lo < hi) { // smallest rank whose cumulative weight exceeds u
          int mid = (lo + hi) >>> 1;
          if (cumulative[mid] > u) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
        indices[i] = keyOfRank[lo];
      }
      return indices;
    }
  };

  /** Skew of {@link #ZIPF}; 0.99 is the YCSB default. */
  public static final double ZIPF_EXPONENT = 0.99;

  /**
   * Returns {@code length} indices in {@code [0, keyCount)} drawn from this distribution.
   *
   * @param keyCount the number of distinct keys
   * @param length the number of draws, a power of two so that callers can wrap with a mask
   * @param random the source of randomness; seeded by callers so that every map sees the same
   *     sequence
   */
  abstract int[] draw(int keyCount, int length, SplittableRandom random);

  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

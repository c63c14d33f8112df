package io.github.cmaps.jmh;

import java.util.SplittableRandom;

/**
 * Pre-built keys, values and access sequences, so that the measured loops allocate nothing of their
 * own: any allocation a benchmark shows comes from the map.
 */
final class Keys {

  /**
   * Seed of every random choice in the workloads: each map sees the same keys in the same order.
   */
  static final long SEED = 0x5EED_C0DE_2026L;

  /** The shortest access sequence; long enough that its period does not train branch predictors. */
  private static final int MIN_SEQUENCE = 1 << 16;

  private Keys() {}

  /** Returns {@code n} distinct {@link Integer} keys {@code 0..n-1}. */
  static Integer[] integers(int n) {
    Integer[] keys = new Integer[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Integer.valueOf(i);
    }
    return keys;
  }

  /**
   * Returns {@code n} distinct values, different objects from the {@link #integers} keys (except
   * the few small integers that {@code Integer.valueOf} caches), so a map holds two objects per
   * entry as it would in real use.
   */
  static Integer[] values(int n) {
    Integer[] values = new Integer[n];
    for (int i = 0; i < n; i++) {
      values[i] = Integer.valueOf(-i - 1);
    }
    return values;
  }

  /** The length of an access sequence over {@code keyCount} keys: a power of two. */
  static int sequenceLength(int keyCount) {
    int atLeast = Math.max(MIN_SEQUENCE, keyCount);
    return Integer.highestOneBit(atLeast - 1) << 1;
  }

  /** Returns {@code items[indices[i]]} for every {@code i}: the objects in access order. */
  static Object[] inOrder(Object[] items, int[] indices) {
    Object[] ordered = new Object[indices.length];
    for (int i = 0; i < indices.length; i++) {
      ordered[i] = items[indices[i]];
    }
    return ordered;
  }

  static SplittableRandom random() {
    return new SplittableRandom(SEED);
  }

  /**
   * A second fixed-seed source, for building keys ({@link KeyKind}), so that drawing keys does not
   * change the access sequences drawn from {@link #random}.
   */
  static SplittableRandom keyRandom() {
    return new SplittableRandom(~SEED);
  }
}

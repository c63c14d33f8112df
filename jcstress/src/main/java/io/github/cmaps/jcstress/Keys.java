package io.github.cmaps.jcstress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The keys every scenario uses: distinct {@link Integer}s with random-looking bits.
 *
 * <p>Random bits matter for the negative control. {@code HashMap} moves bins to the new table in
 * index order, and small sequential keys sit in the first bins, so they are moved within a few
 * nanoseconds of the resize starting and a racing reader almost never catches them in flight. Keys
 * whose low bits are random land all over the table, so some of them are still waiting to be moved
 * while the race is on. The same keys serve every map, so no map is tested with easier keys.
 *
 * <p>The sequence is fixed (a seeded generator), so a failing outcome can be reproduced with the
 * same keys.
 */
final class Keys {

  /** How many keys {@link #key(int)} can hand out. */
  static final int COUNT = 2048;

  private static final Integer[] KEYS = generate(COUNT, 0x5EED_C0DEL);

  /** Key to index; written only during class initialization, which publishes it to all threads. */
  private static final Map<Integer, Integer> INDEX = new HashMap<>();

  static {
    for (int i = 0; i < COUNT; i++) {
      INDEX.put(KEYS[i], i);
    }
  }

  private Keys() {}

  /** The {@code i}-th key, {@code 0 <= i < COUNT}; the same object on every call. */
  static Integer key(int i) {
    return KEYS[i];
  }

  /** The index {@code i} with {@code key(i).equals(key)}, or -1 for a key not made here. */
  static int indexOf(Object key) {
    Integer index = INDEX.get(key);
    return index == null ? -1 : index;
  }

  private static Integer[] generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> seen = new HashSet<>();
    Integer[] keys = new Integer[count];
    for (int i = 0; i < count; ) {
      // Non-negative, so that a key printed in a result reads naturally; never cached by Integer.
      int candidate = random.nextInt(1 << 20, Integer.MAX_VALUE);
      if (seen.add(candidate)) {
        keys[i++] = candidate;
      }
    }
    return keys;
  }
}

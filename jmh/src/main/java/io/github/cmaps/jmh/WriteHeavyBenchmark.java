package io.github.cmaps.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Write-dominated use: the cost of the write paths (locking, node allocation, counting) and of the
 * atomic read-modify-write methods that callers choose a {@code ConcurrentMap} for.
 *
 * <p>Every benchmark takes {@code @Param KeyKind keyKind} ({@link KeyKind}); except with {@code
 * SEQUENTIAL_INTEGER}, the keys passed to {@code put}, {@code remove}, {@code merge} and {@code
 * computeIfAbsent} are equal copies of the stored keys, allocated apart from them.
 *
 * <ul>
 *   <li>{@link #putRemove}: half {@code put}, half {@code remove}, over a key range twice the map's
 *       size ({@code size} = 1000, 65536, 1000000). A key is present with probability one half at
 *       equilibrium, and the map starts at equilibrium (a random half of the range), so its size
 *       stays near {@code size} and no resize happens: every operation really inserts or unlinks an
 *       entry about half the time. {@code remove} passes a second set of copies, so it never finds
 *       the very object an earlier {@code put} inserted (a {@code put} may find its own copy, when
 *       the previous operation on that key was also a {@code put}). There is no {@code
 *       JUST_PAST_GROWTH} point here: the size wanders a few standard deviations around {@code
 *       size}, so a map set just past its threshold would be measured mostly at the old table or
 *       mostly at the new one by chance.
 *   <li>{@link #mergeHotKey}: {@code merge} on {@value HotCounters#HOT_KEYS} hot counters in a map
 *       of {@code size} entries, the "count events per key" idiom. All threads collide on the same
 *       few entries, so this shows the cost of contended atomic updates. The remapping function
 *       advances a counter through pre-built {@code Integer}s (modulo {@value #COUNTER_VALUES}), so
 *       it allocates nothing.
 *   <li>{@link #computeIfAbsentPresent}: {@code computeIfAbsent} on keys that are all present, the
 *       "get or create" idiom on a warm cache. A map that locks before it looks pays for that on
 *       every call; one that looks first pays almost nothing over {@code get}. It runs over the
 *       parameters of {@link PopulatedMap}, sizes {@code JUST_PAST_GROWTH} included.
 * </ul>
 *
 * <p>Scores are operations per microsecond summed over threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class WriteHeavyBenchmark {

  /** Counter values are {@code COUNTERS[i]} for {@code i} in {@code [0, COUNTER_VALUES)}. */
  static final int COUNTER_VALUES = 1024;

  private static final Integer[] COUNTERS = Keys.integers(COUNTER_VALUES);

  /** {@code merge}'s remapping function: the next counter value, without boxing a new one. */
  private static final BiFunction<Object, Object, Object> INCREMENT =
      (old, one) -> COUNTERS[((Integer) old + 1) & (COUNTER_VALUES - 1)];

  /** Never called by {@link #computeIfAbsentPresent}, whose keys are all present. */
  private static final Function<Object, Object> IDENTITY = key -> key;

  /* ---------------- put / remove churn ---------------- */

  /** A map holding about half of a key range of {@code 2 * size} keys. */
  @State(Scope.Benchmark)
  public static class Churn {
    @Param public MapType map;

    /** The number of entries the map holds on average. */
    @Param({"1000", "65536", "1000000"})
    public int size;

    @Param public Distribution distribution;

    @Param public KeyKind keyKind;

    Map<Object, Object> data;

    /** Keys {@code put} passes, in access order: one set of equal copies of the stored keys. */
    Object[] keys;

    /** Keys {@code remove} passes, in the same order: a second set of copies. */
    Object[] removeKeys;

    Object[] values;
    int mask;

    @Setup(Level.Trial)
    public void populate() {
      int range = 2 * size;
      SplittableRandom keyRandom = Keys.keyRandom();
      Object[] allKeys = keyKind.keys(range, keyRandom);
      Object[] putCopies = keyKind.lookupCopies(allKeys, keyRandom);
      Object[] removeCopies = keyKind.lookupCopies(allKeys, keyRandom);
      Integer[] allValues = Keys.values(range);
      SplittableRandom random = Keys.random();
      data = map.create();
      for (int i = 0; i < range; i++) {
        if (random.nextBoolean()) {
          data.put(allKeys[i], allValues[i]);
        }
      }
      int[] order = distribution.draw(range, Keys.sequenceLength(range), random);
      keys = Keys.inOrder(putCopies, order);
      removeKeys = Keys.inOrder(removeCopies, order);
      values = Keys.inOrder(allValues, order);
      mask = keys.length - 1;
    }
  }

  @Benchmark
  public Object putRemove(Churn m, ThreadCursor c) {
    int n = c.next();
    int i = n & m.mask;
    return (n & 1) == 0 ? m.data.put(m.keys[i], m.values[i]) : m.data.remove(m.removeKeys[i]);
  }

  /* ---------------- merge on hot counters ---------------- */

  /** A map of {@code size} entries, {@value #HOT_KEYS} of which are counters. */
  @State(Scope.Benchmark)
  public static class HotCounters {
    static final int HOT_KEYS = 16;

    @Param public MapType map;

    /** Entries in the map, counters included; only the counters are touched. */
    @Param({"1000", "1000000"})
    public int size;

    @Param public KeyKind keyKind;

    Map<Object, Object> data;

    /**
     * Counter keys in access order, uniformly chosen among the hot keys: equal copies of the stored
     * keys (the stored objects for {@code SEQUENTIAL_INTEGER}).
     */
    Object[] keys;

    int mask;

    @Setup(Level.Trial)
    public void populate() {
      SplittableRandom keyRandom = Keys.keyRandom();
      Object[] allKeys = keyKind.keys(size, keyRandom);
      Object[] copies = keyKind.lookupCopies(allKeys, keyRandom);
      Integer[] allValues = Keys.values(size);
      data = map.create();
      for (int i = 0; i < size; i++) {
        data.put(allKeys[i], allValues[i]);
      }
      SplittableRandom random = Keys.random();
      int[] hot = Distribution.permutation(size, random); // hot[0..HOT_KEYS) is a random choice
      for (int h = 0; h < HOT_KEYS; h++) {
        data.put(allKeys[hot[h]], COUNTERS[0]);
      }
      keys = new Object[Keys.sequenceLength(HOT_KEYS)];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = copies[hot[random.nextInt(HOT_KEYS)]];
      }
      mask = keys.length - 1;
    }
  }

  @Benchmark
  public Object mergeHotKey(HotCounters m, ThreadCursor c) {
    return m.data.merge(m.keys[c.next() & m.mask], COUNTERS[1], INCREMENT);
  }

  /* ---------------- computeIfAbsent on present keys ---------------- */

  @Benchmark
  public Object computeIfAbsentPresent(PopulatedMap m, ThreadCursor c) {
    return m.data.computeIfAbsent(m.keys[c.next() & m.mask], IDENTITY);
  }
}

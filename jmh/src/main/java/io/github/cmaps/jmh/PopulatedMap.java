package io.github.cmaps.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A map filled with {@link #size} entries of one {@link KeyKind}, plus the order in which a
 * workload touches them.
 *
 * <p>The access sequence is pre-resolved to key and value objects ({@link #keys}, {@link #values},
 * same index for the same entry) of power-of-two length, so an operation costs one masked array
 * load per argument before the map is called. The keys in it are the kind's lookup copies (equal
 * to the stored keys, distinct objects; the stored objects themselves for {@code
 * SEQUENTIAL_INTEGER}). Shared by all threads of a trial ({@code Scope.Benchmark}).
 */
@State(Scope.Benchmark)
public class PopulatedMap {

  /** The {@link #size} value resolved per map by {@link MapType#justPastGrowth}. */
  public static final String JUST_PAST_GROWTH = "JUST_PAST_GROWTH";

  /** The map under test; JMH runs every {@link MapType} constant unless told otherwise. */
  @Param public MapType map;

  /**
   * Number of entries. {@code 1000} fits in the L1/L2 caches, {@code 65536} in the last-level
   * cache, {@code 1000000} in none; at a million entries each map sits at its own load factor
   * (cmaps' tables: 2^21 slots, 0.48 full; {@code ConcurrentHashMap} and {@code HashMap}: 2^21
   * bins, 0.48).
   *
   * <p>{@code JUST_PAST_GROWTH} is resolved per map ({@link MapType#justPastGrowth}) to the first
   * entry count after a million at which the map, grown from its default capacity by {@code put}s,
   * has just doubled: the table is at its emptiest (a quarter full for cmaps, 0.375 for the JDK
   * maps) and freshly allocated. cmaps' tables double when an insert would fill half of them, so
   * the 2^20th insert (1,048,576) doubles 2^21 slots to 2^22: for {@code ReadWriteLockMap} the
   * rebuild is complete; for {@code LockFreeReadMap} it has only begun (one chunk of 64 slots
   * migrated), and since only writes migrate, a read-only workload measures reads during an
   * incremental resize for the whole trial, while a workload that writes finishes the migration
   * in its first 2^21 / 64 = 32,768 writes and then measures the fresh table. {@code
   * StripedLockMap}'s stripes double one by one, each when it alone reaches half its table, so
   * its point is 2^20 + 2^15 = 1,081,344 entries: with up to 64 stripes every stripe has then
   * doubled (at least 3 standard deviations above each stripe's threshold; more stripes, on a
   * machine with more than 4 cores, leave a few stripes just short). {@code ConcurrentHashMap}
   * doubles when its count reaches 0.75 of its table (1,572,864 = 0.75 * 2^21), {@code HashMap}
   * (synchronized and behind a read-write lock) one insert later (1,572,865). {@code
   * NonBlockingHashMap} and Eclipse's map grow on probe length and on a collision-time size check,
   * so their points depend on the keys: measured with random {@code Integer} keys, JCTools doubled
   * 2^21 to 2^22 at about 1,051,600 entries and Eclipse at about 1,572,870 (just past 0.75 of
   * 2^21), so their points are 2^20 + 2^13 = 1,056,768 and 1,572,864 + 2^13 = 1,581,056. With {@code SEQUENTIAL_INTEGER} keys
   * those two (which then see no collision) grow only at about 2.1 million entries, so for them
   * this point is an ordinary one at that key kind.
   */
  @Param({"1000", "65536", "1000000", JUST_PAST_GROWTH})
  public String size;

  /** How often each key is picked. */
  @Param public Distribution distribution;

  /** What the keys are, and whether lookups go through equal copies. */
  @Param public KeyKind keyKind;

  /** The populated map. */
  Map<Object, Object> data;

  /** Keys in access order; every one of them is equal to a key present in {@link #data}. */
  Object[] keys;

  /** {@code values[i]} is the value {@link #data} holds for {@code keys[i]}. */
  Object[] values;

  /** {@code keys.length - 1}. */
  int mask;

  /** Returns the number of entries {@code size} stands for with {@code map}. */
  static int entries(String size, MapType map) {
    return JUST_PAST_GROWTH.equals(size) ? map.justPastGrowth() : Integer.parseInt(size);
  }

  @Setup(Level.Trial)
  public void populate() {
    int n = entries(size, map);
    // Keys from their own stream, so the access sequence below is the same for every key kind
    // (and, for SEQUENTIAL_INTEGER, the same as before the key kinds existed).
    SplittableRandom keyRandom = Keys.keyRandom();
    Object[] stored = keyKind.keys(n, keyRandom);
    Object[] lookups = keyKind.lookupCopies(stored, keyRandom);
    Object[] allValues = Keys.values(n);
    data = map.create();
    for (int i = 0; i < n; i++) {
      data.put(stored[i], allValues[i]);
    }
    int[] order = distribution.draw(n, Keys.sequenceLength(n), Keys.random());
    keys = Keys.inOrder(lookups, order);
    values = Keys.inOrder(allValues, order);
    mask = keys.length - 1;
  }
}

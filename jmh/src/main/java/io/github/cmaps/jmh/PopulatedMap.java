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
   * cache, {@code 1000000} in none; at a million entries every map has 2^21 slots or bins, about
   * half full.
   *
   * <p>{@code JUST_PAST_GROWTH} is resolved per map ({@link MapType#justPastGrowth}) to an entry
   * count a little past the point where the map, grown from its default capacity by {@code put}s,
   * doubles from 2^21 to 2^22 slots or bins: the table is freshly allocated and at its emptiest
   * (about 0.31 full for cmaps, a quarter for JCTools, 0.375 for the others). Checked for every
   * map and key kind by reading the table sizes after populating (2 cores, so 32 stripes):
   *
   * <ul>
   *   <li>{@code ReadWriteLockMap}, {@code LockFreeReadMap}: 5 * 2^18 + 2^10 = 1,311,744. Their
   *       tables double when the keys in slots reach five eighths of the table (the load limit of a
   *       table that has seen no removal), 5 * 2^18 = 1,310,720 plus the few keys held in the
   *       overflow tree. {@code ReadWriteLockMap} rebuilt the table in one go. {@code
   *       LockFreeReadMap} has only begun its incremental resize: each write migrates 64 slots, so
   *       about 65,000 of 2^21 are migrated (3%). Only writes migrate, so {@code get} measures reads
   *       during a resize for the whole trial; a workload that writes finishes the migration in its
   *       first ~32,000 writes and then measures the new table.
   *   <li>{@code StripedLockMap}: 5 * 2^18 + 2^15 = 1,343,488. Each stripe doubles on its own
   *       when its keys reach five eighths of its table. With many more stripes (more cores) a few
   *       may still be short of it.
   *   <li>{@code ConcurrentHashMap}: 1,572,864 = 0.75 * 2^21, the insert at which its count
   *       reaches the resize threshold; the inserting thread completes the transfer.
   *   <li>{@code SynchronizedHashMap}, {@code ReentrantRwlHashMap} ({@code HashMap}): 1,572,865,
   *       one insert later ({@code ++size > threshold}).
   *   <li>{@code NonBlockingHashMap}: 2^20 + 2^13 = 1,056,768. It grows on probe length and slot
   *       count, so the point depends on the keys: random keys doubled it at about 1,051,600.
   *   <li>{@code EclipseConcurrentHashMap}: 1,572,864 + 2^13 = 1,581,056. It checks its 0.75 load
   *       factor only when an insert lands in an occupied bucket, which random keys do at once.
   * </ul>
   *
   * <p>With {@code SEQUENTIAL_INTEGER} keys, which collide nowhere, JCTools' and Eclipse's maps
   * grow only at about 2.1 million entries, so for those two maps this point is an ordinary one
   * at that key kind.
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

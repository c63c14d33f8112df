package io.github.cmaps.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A map filled with {@code size} entries, plus the order in which a workload touches them.
 *
 * <p>The access sequence is pre-resolved to key and value objects ({@link #keys}, {@link #values},
 * same index for the same entry) of power-of-two length, so an operation costs one masked array
 * load per argument before the map is called. Subclasses choose the key type; both are shared by
 * all threads of a trial ({@code Scope.Benchmark}).
 */
@State(Scope.Benchmark)
public abstract class PopulatedMap {

  /** The map under test; JMH runs every {@link MapType} constant unless told otherwise. */
  @Param public MapType map;

  /** Number of entries: 1K fits in the L1/L2 caches, 1M does not fit in any cache. */
  @Param({"1000", "1000000"})
  public int size;

  /** How often each key is picked. */
  @Param public Distribution distribution;

  /** The populated map. */
  Map<Object, Object> data;

  /** Keys in access order; every one of them is (equal to a key) present in {@link #data}. */
  Object[] keys;

  /** {@code values[i]} is the value {@link #data} holds for {@code keys[i]}. */
  Object[] values;

  /** {@code keys.length - 1}. */
  int mask;

  /** Returns {@code n} distinct keys. */
  abstract Object[] newKeys(int n);

  /**
   * Returns the key objects the workload passes to the map for {@code stored}, the keys the map was
   * populated with: the same objects by default, so lookups may succeed on reference equality, as
   * in most published map benchmarks.
   */
  Object[] lookupKeys(Object[] stored) {
    return stored;
  }

  @Setup(Level.Trial)
  public void populate() {
    Object[] allKeys = newKeys(size);
    Object[] allValues = Keys.values(size);
    data = map.create();
    for (int i = 0; i < size; i++) {
      data.put(allKeys[i], allValues[i]);
    }
    SplittableRandom random = Keys.random();
    int[] order = distribution.draw(size, Keys.sequenceLength(size), random);
    keys = Keys.inOrder(lookupKeys(allKeys), order);
    values = Keys.inOrder(allValues, order);
    mask = keys.length - 1;
  }
}

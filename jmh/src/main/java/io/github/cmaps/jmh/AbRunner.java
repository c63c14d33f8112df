package io.github.cmaps.jmh;

import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * One map of one build, driven by {@link InterleavedAb}: an instance of this class is loaded by
 * that build's own class loader, so each build's map code gets its own JIT profile, and the tool
 * calls it only through {@link LongUnaryOperator} (a JDK type both loaders share).
 * {@code applyAsLong(n)} runs {@code n} operations and returns the nanoseconds they took.
 */
public final class AbRunner implements LongUnaryOperator {
  private final Map<Object, Object> map;
  private final boolean putRemove;
  private final Object[] keys;
  private final int[] draws;
  private int cursor;

  /** Fields the JIT cannot prove dead; read by nobody. */
  public long sink;

  /**
   * @param mapType a {@link MapType} name
   * @param putRemove false: {@code get(keys[d])}; true: {@code put} then {@code remove}, each of
   *     a drawn key
   * @param stored the keys put into the map before the first operation
   * @param keys what operations pass to the map, by draw
   * @param draws indices into {@code keys}, a power-of-two count, cycled through
   */
  public AbRunner(String mapType, boolean putRemove, Object[] stored, Object[] keys, int[] draws) {
    this.map = MapType.valueOf(mapType).create();
    this.putRemove = putRemove;
    this.keys = keys;
    this.draws = draws;
    for (Object k : stored) {
      map.put(k, k);
    }
  }

  @Override
  public long applyAsLong(long operations) {
    final Map<Object, Object> map = this.map;
    final Object[] keys = this.keys;
    final int[] draws = this.draws;
    final int mask = draws.length - 1;
    int c = cursor;
    long s = 0;
    long start = System.nanoTime();
    if (putRemove) {
      for (long i = 0; i < operations; i++) {
        Object a = keys[draws[c++ & mask]];
        Object b = keys[draws[c++ & mask]];
        s += map.put(a, a) == null ? 1 : 0;
        s += map.remove(b) == null ? 1 : 0;
      }
    } else {
      for (long i = 0; i < operations; i++) {
        s += map.get(keys[draws[c++ & mask]]) == null ? 1 : 0;
      }
    }
    long elapsed = System.nanoTime() - start;
    cursor = c;
    sink += s;
    return elapsed;
  }
}

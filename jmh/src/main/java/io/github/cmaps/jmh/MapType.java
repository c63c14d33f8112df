package io.github.cmaps.jmh;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The maps under test, one constant per map.
 *
 * <p>Every benchmark declares {@code @Param MapType map} without values, and JMH then runs every
 * constant of the enum; the footprint tool and the report walk the same constants. Adding a map to
 * every workload is therefore one line here. On the command line a map is chosen by the constant's
 * name, for example {@code -p map=ConcurrentHashMap,SynchronizedHashMap}.
 *
 * <p>Each constant creates the map with its no-argument constructor, that is with the map's own
 * default capacity; the workloads populate it as they need. Constants are named after the class
 * they create (not in upper case) so that JMH's output and the report read naturally. Each also
 * carries the entry count just past its growth from 2^21 to 2^22 slots or bins ({@link
 * #justPastGrowth}), which {@code size=JUST_PAST_GROWTH} uses.
 */
public enum MapType {

  /* ---------------- cmaps ---------------- */

  /** One read-write lock over one open-addressing table. */
  ReadWriteLockMap(io.github.cmaps.ReadWriteLockMap::new, (5 << 18) + (1 << 10)),

  /** Lock-free reads over an open-addressing table, writes under a lock, incremental resize. */
  LockFreeReadMap(io.github.cmaps.LockFreeReadMap::new, (5 << 18) + (1 << 10)),

  /** Independent stripes, each a StampedLock over its own table; optimistic reads. */
  StripedLockMap(io.github.cmaps.StripedLockMap::new, (5 << 18) + (1 << 15)),

  /* ---------------- Baselines and competitors ---------------- */

  /** The JDK's map; the report states every score as a ratio to it. */
  ConcurrentHashMap(java.util.concurrent.ConcurrentHashMap::new, 3 << 19),

  /** One monitor around a {@link HashMap}: the simplest thread-safe map. */
  SynchronizedHashMap(() -> Collections.synchronizedMap(new HashMap<>()), (3 << 19) + 1),

  /**
   * A {@link HashMap} behind a {@link java.util.concurrent.locks.ReentrantReadWriteLock}
   * (benchmark-only, {@link RwlHashMap}): shows how a pessimistic read lock makes concurrent
   * readers slower than one monitor.
   */
  ReentrantRwlHashMap(RwlHashMap::new, (3 << 19) + 1),

  /** Cliff Click's lock-free open-addressing map, from JCTools. */
  NonBlockingHashMap(org.jctools.maps.NonBlockingHashMap::new, (1 << 20) + (1 << 13)),

  /** Eclipse Collections' concurrent map (striped-lock writes, lock-free reads). */
  EclipseConcurrentHashMap(
      org.eclipse.collections.impl.map.mutable.ConcurrentHashMap::new, (3 << 19) + (1 << 13));

  /** The name of the constant every other map is compared with. */
  public static final String BASELINE = "ConcurrentHashMap";

  private final Supplier<Map<Object, Object>> factory;

  /** See {@link #justPastGrowth}. */
  private final int justPastGrowth;

  MapType(Supplier<Map<Object, Object>> factory, int justPastGrowth) {
    this.factory = factory;
    this.justPastGrowth = justPastGrowth;
  }

  /** Returns a new, empty map with the map's default initial capacity. */
  public Map<Object, Object> create() {
    return factory.get();
  }

  /**
   * The number of entries, a little over a million, at which a map created by {@link #create} and
   * filled by single-threaded {@code put}s has just doubled its table (for {@code
   * LockFreeReadMap}: has just started its incremental resize). Workloads use it for {@code
   * size=JUST_PAST_GROWTH}; see {@link PopulatedMap#size} for how each value was derived.
   */
  public int justPastGrowth() {
    return justPastGrowth;
  }
}

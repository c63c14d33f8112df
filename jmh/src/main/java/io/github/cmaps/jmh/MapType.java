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
 * they create (not in upper case) so that JMH's output and the report read naturally.
 */
public enum MapType {

  /* ---------------- cmaps ---------------- */

  /** One read-write lock over one open-addressing table. */
  ReadWriteLockMap(io.github.cmaps.ReadWriteLockMap::new),

  /** Lock-free reads over an open-addressing table, writes under a lock, incremental resize. */
  LockFreeReadMap(io.github.cmaps.LockFreeReadMap::new),

  /** Independent stripes, each a StampedLock over its own table; optimistic reads. */
  StripedLockMap(io.github.cmaps.StripedLockMap::new),

  /* ---------------- Baselines and competitors ---------------- */

  /** The JDK's map; the report states every score as a ratio to it. */
  ConcurrentHashMap(java.util.concurrent.ConcurrentHashMap::new),

  /** One monitor around a {@link HashMap}: the simplest thread-safe map. */
  SynchronizedHashMap(() -> Collections.synchronizedMap(new HashMap<>())),

  /**
   * A {@link HashMap} behind a {@link java.util.concurrent.locks.ReentrantReadWriteLock}
   * (benchmark-only, {@link RwlHashMap}): shows how a pessimistic read lock makes concurrent
   * readers slower than one monitor.
   */
  ReentrantRwlHashMap(RwlHashMap::new),

  /** Cliff Click's lock-free open-addressing map, from JCTools. */
  NonBlockingHashMap(org.jctools.maps.NonBlockingHashMap::new),

  /** Eclipse Collections' concurrent map (striped-lock writes, lock-free reads). */
  EclipseConcurrentHashMap(org.eclipse.collections.impl.map.mutable.ConcurrentHashMap::new);

  /** The name of the constant every other map is compared with. */
  public static final String BASELINE = "ConcurrentHashMap";

  private final Supplier<Map<Object, Object>> factory;

  MapType(Supplier<Map<Object, Object>> factory) {
    this.factory = factory;
  }

  /** Returns a new, empty map with the map's default initial capacity. */
  public Map<Object, Object> create() {
    return factory.get();
  }
}

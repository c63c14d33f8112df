package io.github.cmaps;

import static io.github.cmaps.Capability.ATOMIC_BULK_OPERATIONS;
import static io.github.cmaps.Capability.SNAPSHOT_ITERATION;
import static io.github.cmaps.Capability.VALIDATING_DESERIALIZATION;
import static io.github.cmaps.Capability.WRITE_FROM_FUNCTION_THROWS;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Every map the contract kit runs against. Adding a map to all kit tests is one constant here:
 * its no-argument constructor, its capacity constructor and the {@link Capability capabilities}
 * where it legitimately differs from the others, for example
 *
 * <pre>{@code
 * STRIPED_LOCK(StripedLockMap::new, StripedLockMap::new, WRITE_FROM_FUNCTION_THROWS),
 * }</pre>
 *
 * <p>guava-testlib's suite also wants a class per map, {@code <MapName>ConformanceTest}, with
 * one line of substance ({@link ConformanceSuites}); {@link MapImplTest} fails until it exists.
 * {@code ConcurrentHashMap} is in the list to prove that the kit expects only what the {@code
 * ConcurrentMap} contract promises.
 */
enum MapImpl {
  READ_WRITE_LOCK(ReadWriteLockMap::new, ReadWriteLockMap::new,
      WRITE_FROM_FUNCTION_THROWS, SNAPSHOT_ITERATION, ATOMIC_BULK_OPERATIONS,
      VALIDATING_DESERIALIZATION),
  LOCK_FREE_READ(LockFreeReadMap::new, LockFreeReadMap::new,
      WRITE_FROM_FUNCTION_THROWS, VALIDATING_DESERIALIZATION),
  STRIPED_LOCK(StripedLockMap::new, StripedLockMap::new,
      WRITE_FROM_FUNCTION_THROWS, VALIDATING_DESERIALIZATION),
  CONCURRENT_HASH_MAP(ConcurrentHashMap::new, ConcurrentHashMap::new);

  private final Supplier<? extends ConcurrentMap<?, ?>> create;
  private final IntFunction<? extends ConcurrentMap<?, ?>> createWithCapacity;
  private final Set<Capability> capabilities;

  MapImpl(
      Supplier<? extends ConcurrentMap<?, ?>> create,
      IntFunction<? extends ConcurrentMap<?, ?>> createWithCapacity,
      Capability... capabilities) {
    this.create = create;
    this.createWithCapacity = createWithCapacity;
    this.capabilities = capabilities.length == 0
        ? EnumSet.noneOf(Capability.class)
        : EnumSet.of(capabilities[0], capabilities);
  }

  /** A new empty map, from the no-argument constructor. */
  @SuppressWarnings("unchecked")
  <K, V> ConcurrentMap<K, V> create() {
    return (ConcurrentMap<K, V>) create.get();
  }

  /** A new empty map, from the constructor taking an initial capacity. */
  @SuppressWarnings("unchecked")
  <K, V> ConcurrentMap<K, V> create(int initialCapacity) {
    return (ConcurrentMap<K, V>) createWithCapacity.apply(initialCapacity);
  }

  boolean has(Capability capability) {
    return capabilities.contains(capability);
  }

  /** The map's class name, for suite and failure messages. */
  String mapName() {
    return create.get().getClass().getSimpleName();
  }
}

/**
 * Concurrent maps that replace a {@link java.util.HashMap} in shared state, each with a different
 * concurrency strategy behind the same {@link java.util.concurrent.ConcurrentMap} contract.
 *
 * <h2>Which map when</h2>
 * The short form of the decision table in <a href="https://github.com/cmaps/cmaps/blob/main/docs/choosing-a-map.md">docs/choosing-a-map.md</a>, which is
 * the one place that states it in full, with the reasons and the measured numbers:
 * <ul>
 *   <li>{@link io.github.cmaps.LockFreeReadMap}: read-mostly shared state (configuration,
 *       registries, caches filled once and read a lot), where reads must never wait, even while
 *       the map grows; writes other than replacing a present key's value take one lock.</li>
 *   <li>{@link io.github.cmaps.ReadWriteLockMap}: several keys that must change together, or
 *       consistent snapshots (atomic {@code read}/{@code write} sections, snapshot iteration,
 *       atomic bulk operations); the simplest design to review, for modest traffic.</li>
 *   <li>{@link io.github.cmaps.StripedLockMap}: writes from several threads to many different
 *       keys at a moderate core count, where writers should not queue behind one lock (as
 *       {@link java.util.concurrent.ConcurrentHashMap} also does); bulk operations are not
 *       atomic.</li>
 *   <li>{@link java.util.concurrent.ConcurrentHashMap}, not a cmaps map: write-heavy or
 *       many-core workloads, hot keys, {@code merge} counters. It remains the default choice
 *       when none of the promises above is needed.</li>
 * </ul>
 * Code moving from {@code ConcurrentHashMap} finds its {@code newKeySet}, {@code keySet(V)} and
 * {@code mappingCount} on every map here; <a
 * href="https://github.com/cmaps/cmaps/blob/main/docs/migrating-from-concurrenthashmap.md">docs/migrating-from-concurrenthashmap.md</a>
 * maps every other {@code ConcurrentHashMap} method to what to use instead.
 *
 * <h2>Memory-ordering vocabulary used in the sources</h2>
 * Implementation code names every shared-memory access by its {@link java.lang.invoke.VarHandle}
 * access mode, so the ordering is visible at the call site:
 * <ul>
 *   <li>{@code getAcquire}/{@code setRelease}: an acquire load sees everything written before the
 *       release store whose value it reads; used to publish table slots and the table itself.</li>
 *   <li>{@code getPlain}/{@code setPlain}: no ordering; used only where a lock already orders the
 *       access (for example writes inside a write-locked region that are published later by a
 *       release store or by the unlock).</li>
 *   <li>{@code getVolatile}/{@code setVolatile}/{@code compareAndSet}: sequentially consistent;
 *       used where a total order is needed.</li>
 *   <li>{@code getOpaque} after {@code VarHandle.acquireFence()}, paired with a {@code
 *       setVolatile} followed by {@code VarHandle.storeStoreFence()}: the recheck of a sequence
 *       lock ({@code FunctionLock}'s {@code functionSeq}), the protocol of {@code
 *       StampedLock.validate}.</li>
 * </ul>
 * Each such access in the sources says in a comment which access it pairs with.
 *
 * <p>None of the maps uses {@code synchronized} or {@code sun.misc.Unsafe}: all blocking goes
 * through {@link java.util.concurrent.locks}, so a virtual thread that waits for a map parks and
 * unmounts from its carrier. The classes the maps need later are loaded and initialized by the
 * static initializer of each map class, because a virtual thread that loads a class, or waits
 * for another thread to initialize one, is pinned on JDK 21 to 25. What JFR recorded, on which
 * JDK, is in <a
 * href="https://github.com/cmaps/cmaps/blob/main/docs/jdk-versions.md">docs/jdk-versions.md</a>,
 * "Virtual threads and pinning"; a function passed to a map that pins by itself still pins.
 */
package io.github.cmaps;

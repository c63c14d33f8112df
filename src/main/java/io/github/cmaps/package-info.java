/**
 * Concurrent maps that replace a {@link java.util.HashMap} in shared state, each with a different
 * concurrency strategy behind the same {@link java.util.concurrent.ConcurrentMap} contract.
 *
 * <h2>Which map when</h2>
 * <ul>
 *   <li>{@link io.github.cmaps.ReadWriteLockMap}: one read-write lock over one hash table, with
 *       optimistic (lock-free unless a writer intervenes) reads; the simplest correct design,
 *       and the only one that offers atomic multi-key sections ({@code read}/{@code write}).</li>
 *   <li>{@link io.github.cmaps.StripedLockMap}: the keys split over independent stripes, each a
 *       lock over its own table; writers of different stripes run in parallel and reads are
 *       optimistic, so it suits write-heavy sharing. Bulk operations are not atomic.</li>
 * </ul>
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
 * through {@link java.util.concurrent.locks}, so virtual threads never pin on a cmaps map.
 */
package io.github.cmaps;

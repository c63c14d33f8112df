package io.github.cmaps;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link ConcurrentMap} guarded by one read-write lock: writers run alone, readers run
 * together, and a plain {@code get} normally takes no lock at all. This is the Java form of "a
 * map plus an {@code RWMutex}", the simplest correct design, and the only cmaps map that offers
 * <em>atomic multi-key sections</em>: {@link #read(Function)} and {@link #write(Function)} run
 * caller code against the whole map under the lock, so a check-then-act over several keys, or a
 * consistent snapshot, is atomic.
 *
 * <p><b>Contract, in {@link java.util.concurrent.ConcurrentHashMap}'s terms.</b>
 * <ul>
 *   <li><em>Happens-before.</em> Every write is done under the write lock. A read either holds
 *       the read lock or reads optimistically and keeps its answer only if no writer took the
 *       write lock meanwhile; either way it returns the state left by the last completed write,
 *       so an update of a key happens-before any read of that key that returns the updated
 *       value, and more strongly every completed write happens-before every read or write that
 *       starts after it: each operation is linearizable.</li>
 *   <li><em>Writers exclude each other; readers never wait for a user function.</em> A writer
 *       waits for the current writer and for the threads inside {@link #read(Function)} (or a
 *       read that slipped in under the read lock, below). {@link #get} (and {@code
 *       getOrDefault}, {@code containsKey}, {@link #size}, {@code isEmpty}, {@code
 *       computeIfAbsent} on a present key, {@link #containsValue}, and the snapshot that every
 *       iteration, {@code forEach}, {@code equals}, {@code hashCode}, {@code toString} and
 *       serialization take) first reads without writing any shared memory, so concurrent readers
 *       neither delay writers nor each other. While a writer runs a function passed to {@code
 *       compute}, {@code computeIfAbsent}, {@code computeIfPresent}, {@code merge} or {@link
 *       #replaceAll}, it leaves the table untouched, and such a read goes ahead and returns the
 *       state before that call (which takes effect only when its function returns): <b>a read
 *       never waits for a user function running on another thread</b>, however long it runs,
 *       so a function of one map may read another map whose own function reads the first
 *       without deadlock. A read only retries (spinning, then yielding, then parking for up to
 *       a millisecond at a time) while a plain write ({@code put}, {@code remove}, a bulk
 *       write) holds the lock, and never queues for the read lock; while a write copies the
 *       table into a larger one (a resize), reads go ahead on the current table, as during a
 *       function. A long function still
 *       stalls every writer and {@code read(...)} section of the map; keep functions short.</li>
 *   <li><em>The exception: {@link #write(Function)} sections.</em> Their readers wait for them,
 *       by design, so that no reader sees a section half done. Two threads each inside a
 *       {@code write} section of one map and reading the other map therefore deadlock (see
 *       {@link #write(Function)}).</li>
 *   <li><em>Atomic bulk operations.</em> {@link #putAll}, {@link #clear}, {@link #replaceAll},
 *       {@code equals}, {@code hashCode}, {@code toString}, serialization and the start of every
 *       iteration each see or change the map in one atomic step.</li>
 *   <li><em>Iteration.</em> An iterator of {@link #keySet}, {@link #values} or {@link #entrySet}
 *       traverses an atomic snapshot taken when the iterator was created; it never throws
 *       {@link java.util.ConcurrentModificationException}, and does not reflect writes made
 *       after its creation. {@code Iterator.remove} and {@code Map.Entry.setValue} write through
 *       to the map. {@link #forEach} runs its action on such a snapshot, outside the lock, so the
 *       action may write to the map.</li>
 *   <li><em>Size.</em> {@link #size} is exact: the number of mappings at one instant.</li>
 *   <li><em>Nulls.</em> Like {@code ConcurrentHashMap}, the map rejects null keys and values with
 *       {@link NullPointerException}, leaving the map unchanged.</li>
 *   <li><em>Functions.</em> Each function passed to the {@code compute}/{@code merge} family
 *       runs at most once per call, under the write lock, and the whole call is atomic. If it
 *       throws, the exception reaches the caller and the map is unchanged. A function may read
 *       the map (reads inside it see the state before the call), but <b>must not write to it</b>:
 *       a write from inside a function throws {@link IllegalStateException} and leaves the map
 *       unchanged, instead of deadlocking or corrupting the table.</li>
 *   <li><em>No upgrades.</em> Writing to the map from inside {@link #read(Function)} would need
 *       the read lock to become a write lock, which deadlocks in a read-write lock; it throws
 *       {@link IllegalStateException} instead.</li>
 *   <li><em>Keys' {@code equals}.</em> An optimistic {@code get} may call {@code equals} on keys
 *       while a writer changes the table, and may do so again when it retries under the lock;
 *       as in every hash map, keys' {@code equals} and {@code hashCode} must be side-effect
 *       free.</li>
 * </ul>
 *
 * <p><b>Note:</b> readers can still be delayed by a plain writer and above all a {@code
 * write(...)} section (as above); for read-mostly state where reads must never wait, use a map
 * whose reads take no lock.
 *
 * <p><b>Serialization</b> writes the mappings, never the lock or table: their number, then each
 * key and value, of one atomic snapshot taken under the read lock, so a map written while other
 * threads write to it is written as it was at one instant. Reading stores the pairs in stream
 * order, so of a key that a crafted stream repeats the later value wins. Subclasses round-trip:
 * their own serializable fields are written after the mappings and restored, and reading stores
 * the mappings without calling overridable methods such as {@code put}. Keys and values that
 * refer to the map come back referring to the deserialized map. A stream with a null key or
 * value, a negative count or fewer mappings than its count is rejected with {@link
 * java.io.InvalidObjectException}. A deserialized map has the default initial capacity.
 *
 * <p>Which map to pick for which workload, {@code ConcurrentHashMap} included: see the {@linkplain
 *     io.github.cmaps package summary}.
 *
 * @param <K> the type of keys maintained by this map
 * @param <V> the type of mapped values
 */
public class ReadWriteLockMap<K, V> extends AbstractMap<K, V>
    implements ConcurrentMap<K, V>, Serializable {

  /*
   * Overview:
   *
   * One OpenTable (open addressing, keys and values interleaved in one array; see its Overview)
   * guarded by one StampedLock. Write operations take the write lock and use the table's owner
   * operations; an insert may reuse a dead slot, which is safe because no read of this map's table
   * counts unless it held a lock or validated. The table is rebuilt (doubled, or cleaned of dead
   * slots) inside the write lock when it reaches its load limit (five eighths full, half once it
   * has seen a removal: OpenTable.maxUsed); the new table is filled before it is
   * published, and the copy is a quiet period for readers (rebuiltQuietly).
   *
   * Read path (get, size): optimistic, as StampedLock intends.
   *
   *   stamp = lock.tryOptimisticRead()    0 if a writer holds the lock -> fall back
   *   t = tableAcquire()                  pairs with setTableRelease under the write lock
   *   v = t.find(key, h)                  racy probe: acquire loads of slots, bounded, no throw
   *   lock.validate(stamp)                acquire fence + state unchanged? -> return v
   *   otherwise: lock.readWithoutWaiting  (FunctionLock; never waits for a user function)
   *     a function is running (functionSeq odd): probe, recheck functionSeq -> return v
   *     a plain writer holds the lock: retry; after SPINS rounds also tryReadLock (never queues)
   *
   * Memory ordering of the optimistic read. tryOptimisticRead is a volatile load of the lock
   * state; it reads the value the last unlockWrite stored (a release), so everything that writer
   * did, its table and slot stores included, is visible. The loads that follow may race with a
   * new writer; each is an acquire (table reference, key slot, value slot, overflow root) that
   * pairs with the writer's release store of the same location, so nothing half-built is ever
   * dereferenced. validate issues an acquire fence and loads the state again: the probe's loads
   * are ordered before that check, and an unchanged write version means no writer took the lock
   * between the two state loads, so the value is the key's value at tryOptimisticRead (the
   * linearization point). Pessimistic readers instead pair their readLock with that unlockWrite
   * and read plain, like the writer itself.
   *
   * An optimistic reader writes no shared memory: the state word stays in every reader's cache
   * in the shared state, so readers on different cores do not serialize on its cache line as
   * they do on a pessimistic read lock, whose acquire and release are both CASes. This is safe
   * only because OpenTable.find, run against a table that the owner is mutating or has just
   * replaced, terminates, never throws, and dereferences only keys and values published by a
   * release store (with slot reuse it may pair a key with another key's value); and because the
   * answer is discarded unless validate() proves that no writer
   * held the lock at any time since tryOptimisticRead, in which case the table (and the slot) it
   * read is exactly the one the last unlockWrite left. A value that did not validate is never
   * returned, and an exception a key's equals threw during a failed attempt is dropped too.
   * Failure: see FunctionLock's Overview. A writer that runs a user function (the compute
   * family, replaceAll) holds the write lock but leaves the table alone while the function
   * runs: remap and computeIfAbsent probe the key before the function and insert (rebuilding
   * the table if needed) after it; replaceAll computes every new value into a side array and
   * stores them only after the last function returned; and the function cannot write
   * (functionOwner). applyOwned publishes the run with functionSeq (odd while it runs), so a
   * reader that finds the lock held reads the table and keeps the answer if functionSeq did not
   * change: the state before the call, which linearizes before it. Against a plain writer (a
   * put is a probe and a store) the reader retries with onSpinWait, then also tries
   * tryReadLock, yields and parks (1 us doubling to 1 ms); it never calls readLock(), whose
   * queue could put it behind a writer that then runs a function, the wait that made two maps
   * whose functions read each other deadlock (issue 14). The one place readers still wait for
   * user code is a write(...) section: a function run inside a section is not published
   * (Lock.sections > 0), since the section's earlier writes must stay unseen, so readers retry
   * until the section ends; the cross-map deadlock through sections is documented on write().
   * A thread that holds the write lock itself (a function or section reading the map) reads
   * directly. size() and snapshot() (iteration, containsValue, equals, hashCode, toString,
   * serialization) read the same way: an optimistic attempt, then readWithoutWaiting.
   *
   * Re-entrancy. StampedLock is not reentrant, so the map tracks what the current thread holds:
   *   - Lock.writeOwner (plain, written by the write-lock holder) lets a function running under the
   *     write lock read the map directly (a read lock would wait for itself), lets a write(...)
   *     section nest, and lets every write refuse to run inside a function (functionOwner),
   *     instead of rebuilding the table under the caller's feet;
   *   - ReadRegions (a thread-local stack of maps) records the regions that hold, or stand in
   *     for, the read lock: read(...) sections, and reads that got the read lock with
   *     tryReadLock or run under this thread's write lock. A write that cannot take the lock at
   *     once checks it and throws instead of waiting for its own read lock; a read region inside
   *     another one does not lock again (a second read lock could queue behind a writer that
   *     waits for the first). Uncontended writes and optimistic reads never look at it.
   *
   * Iteration takes a snapshot: a copy of the table array, validated as a get is (optimistic,
   * during a function's run, or under a read lock taken with tryReadLock), walked without any
   * lock. That makes iteration, forEach, equals, hashCode, toString and
   * serialization atomic, and lets a forEach action or an iteration loop write to the map.
   * Serialization writes the count and pairs of such a snapshot (MapSerialization); readObject
   * stores them through the internal putPairs, never an overridable method.
   *
   * Measured (issue 8; JDK 17, 2 cores shared with other jobs, so errors are wide: compare
   * within a row). ops/us, 2 threads, uniform keys, one JMH run per line set:
   *   java -jar jmh/target/benchmarks.jar 'ReadHeavyBenchmark\.(get|mixed95)$' -t 2 -f 1
   *     -wi 2 -w 1s -i 5 -r 1s -p size=1000,1000000 -p distribution=UNIFORM
   *     -p map=ReadWriteLockMap,SynchronizedHashMap,ConcurrentHashMap,ReentrantRwlHashMap
   *
   *                    RWL before   RWL after   synchronized   CHM    HashMap+RRWL
   *   get      1K          6.6         42.5        26.4        68.6       10.9
   *   get      1M          1.8          7.5         4.4         6.2        1.2
   *   mixed95  1K         25.7         31.6        24.4        44.6       11.4
   *   mixed95  1M          3.1          2.0         2.4         2.3        1.2
   *
   * ("before" is the ReentrantReadWriteLock version, from an earlier run of the same command,
   * whose synchronized column read 46.7 / 4.6 / 29.2 / 6.0.) Reads alone now beat one monitor by
   * 1.6x to 1.7x; under 5% writes in every thread the gain is within this machine's noise
   * (repeated runs ranged from 0.6x to 1.6x of synchronized), as every write still bounces the
   * lock's cache line and makes racing readers retry.
   *
   * File organization: construction, lock helpers, reads, writes, the compute family, bulk
   * operations, views and sections, read regions, table access, serialization, VarHandles.
   */

  private static final long serialVersionUID = 1L;

  /** Mappings the default constructor makes room for without rebuilding. */
  static final int DEFAULT_CAPACITY = 16;

  /**
   * The lock and the write-lock bookkeeping. Its state word is written only by writers and by
   * readers that fall back to the read lock; an optimistic reader only reads it (see Overview).
   */
  private transient Lock lock;

  /**
   * The table. Written only under the write lock, with setRelease (TABLE), because optimistic
   * readers load it with getAcquire while a writer may be replacing it; readers that hold the
   * read or write lock load it plain (the lock orders them).
   */
  private transient OpenTable table; // also accessed through the TABLE VarHandle

  /**
   * Live mappings. Written under the write lock; read under a lock, or plain by an optimistic
   * reader of size() whose validate() decides whether the value counts.
   */
  private transient int size;

  private transient int initialTableCapacity;

  /**
   * True while putPairs puts one pair at a time under the write lock: a rebuild then must not
   * be published as quiet (see rebuiltQuietly). Written and read only by the write-lock holder.
   */
  private transient boolean pairsInProgress;


  /*
   * The fields init sets (lock, table, initialTableCapacity) are not final because
   * readObject sets them too: constructors and field initialisers do not run for a deserialized
   * map. So a map, like any object with non-final fields, must be safely published (a final or
   * volatile field, a concurrent collection, Thread.start) before another thread uses it. Hot
   * paths read them as plain fields, which is what HotSpot makes of final instance fields in
   * ordinary classes anyway.
   */

  private transient Set<K> keySetView;
  private transient Collection<V> valuesView;
  private transient Set<Map.Entry<K, V>> entrySetView;

  /* ---------------- Construction -------------- */

  /** Creates an empty map with room for at least 16 mappings before it first grows. */
  public ReadWriteLockMap() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Creates an empty map with room for {@code initialCapacity} mappings before it first grows.
   *
   * @param initialCapacity the number of mappings to make room for
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public ReadWriteLockMap(int initialCapacity) {
    init(initialCapacity);
  }

  /** Sets up an empty map: the constructors' work, shared with readObject. */
  private void init(int initialCapacity) {
    this.initialTableCapacity = OpenTable.capacityFor(initialCapacity);
    this.lock = new Lock();
    this.table = OpenTable.EMPTY_LOCKED; // replaced before the first insert
  }

  /**
   * Creates a map with the same mappings as {@code m}.
   *
   * @param m the map whose mappings are copied
   * @throws NullPointerException if {@code m} is null or holds a null key or value
   */
  public ReadWriteLockMap(Map<? extends K, ? extends V> m) {
    this(Math.max(DEFAULT_CAPACITY, m.size()));
    putAll(m);
  }

  /* ---------------- Lock helpers -------------- */

  /**
   * Takes the write lock for a public write, refusing the re-entrant cases that would otherwise
   * deadlock (a write while this thread is in a read region of this map: StampedLock cannot
   * upgrade) or corrupt the table (a write from a function). A thread that already holds the
   * write lock (a write section) re-enters it. Pair every call with {@link #unlockWrite()}.
   */
  private void lockForWrite() {
    Thread me = Thread.currentThread();
    if (lock.writeOwner != me) { // plain racy read, see Lock's comment
      long stamp = lock.tryWriteLock();
      if (stamp == 0L) {
        // Someone holds the lock. If it is this thread's own read lock, waiting would never end.
        // Only this contended path pays for the thread-local check.
        if (ReadRegions.inside(this)) {
          throw readLockCannotUpgrade();
        }
        stamp = lock.writeLock();
      }
      lock.writeStamp = stamp;
      lock.writeOwner = me;
      return;
    }
    if (lock.functionOwner == me) {
      throw writeFromFunction();
    }
    if (ReadRegions.inside(this)) { // a read(...) section nested in this thread's write section
      throw readLockCannotUpgrade();
    }
    lock.writeReentries++;
  }

  /** Releases one hold of the write lock taken by {@link #lockForWrite()}. */
  private void unlockWrite() {
    if (lock.writeReentries > 0) {
      lock.writeReentries--;
      return;
    }
    lock.writeOwner = null; // before the unlock, which publishes it with the rest of the writes
    lock.unlockWrite(lock.writeStamp);
  }

  /**
   * Enters a pessimistic read region: takes the read lock unless this thread already holds the
   * write lock or is already in a read region of this map (StampedLock is not reentrant, and a
   * second read lock could queue behind a waiting writer that waits for the first). Records the
   * region so that a write attempted inside it throws instead of deadlocking. Returns the stamp
   * to pass to {@link #endRead}, 0 when no lock was taken.
   */
  private long beginRead() {
    boolean held = lock.writeOwner == Thread.currentThread() || ReadRegions.inside(this);
    long stamp = held ? 0L : lock.readLock();
    ReadRegions.enter(this);
    return stamp;
  }

  /** Leaves the read region entered by {@link #beginRead()}. */
  private void endRead(long stamp) {
    ReadRegions.exit(this);
    if (stamp != 0L) {
      lock.unlockRead(stamp);
    }
  }

  private static IllegalStateException readLockCannotUpgrade() {
    return new IllegalStateException(
        "cannot write to a ReadWriteLockMap while holding its read lock (inside read(...)):"
            + " a read lock cannot be upgraded");
  }

  /** For writes made through a {@link #write(Function)} section, which already holds the lock. */
  private void checkNotInFunction() {
    if (lock.functionOwner == Thread.currentThread()) {
      throw writeFromFunction();
    }
  }

  private static IllegalStateException writeFromFunction() {
    return new IllegalStateException(
        "a function passed to compute/merge/replaceAll must not write to the same map");
  }

  /**
   * Runs a user function as the function owner; the caller holds the write lock and leaves the
   * table alone until the function returns. Outside a write(...) section the run is published as
   * quiet (FunctionLock.beginFunction), so readers read the table meanwhile instead of waiting;
   * inside a section it is not, since the section's earlier writes must stay unseen until the
   * section ends.
   */
  private <T, U, R> R applyOwned(BiFunction<T, U, R> f, T t, U u) {
    boolean quiet = lock.sections == 0;
    lock.functionOwner = Thread.currentThread();
    if (quiet) {
      lock.beginFunction();
    }
    try {
      return f.apply(t, u);
    } finally {
      if (quiet) {
        lock.endFunction();
      }
      lock.functionOwner = null;
    }
  }

  /* ---------------- Reads (optimistic, then read lock) -------------- */

  /** Under either lock: the value of {@code key} or null. */
  @SuppressWarnings("unchecked")
  private V getLocked(Object key) {
    return (V) table.getOwned(key, OpenTable.hash(key));
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code null} if this map contains
   * no mapping for the key. Takes no lock unless writers keep it from validating, and never
   * waits for a function of the {@code compute} family (see the class comment).
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int h = OpenTable.hash(key); // NullPointerException for a null key
    long stamp = lock.tryOptimisticRead(); // volatile load of the state: pairs with the last
    if (stamp != 0L) { //                     unlockWrite, so the table it left is visible
      Object v;
      try {
        // getAcquire pairs with setTableRelease: a table replaced by a racing writer is seen
        // fully constructed. find's own acquire loads pair with the writer's release stores
        // of slots, so even a racing probe dereferences only complete keys and values.
        v = tableAcquire().find(key, h);
      } catch (RuntimeException e) {
        // A key's equals met a racing state: only an answer that validates may escape.
        if (lock.validate(stamp)) {
          throw e;
        }
        v = null; // discarded: validate failed
      }
      // validate: acquire fence, then the state again. Unchanged means no writer took the
      // lock since tryOptimisticRead, so v is the value the key had at that instant.
      if (lock.validate(stamp)) {
        return (V) v;
      }
    }
    if (lock.writeOwner == Thread.currentThread()) {
      return getOwnWrite(key, h); // a function or a write section reading its own map
    }
    return (V) lock.readWithoutWaiting(
        () -> tableAcquire().find(key, h), // racy probe, validated by readWithoutWaiting
        () -> lockedRead(() -> table.getOwned(key, h))); // under a read lock it got at once
  }

  /** get by the thread that holds the write lock: plain, ordered by the lock it holds. */
  @SuppressWarnings("unchecked")
  private V getOwnWrite(Object key, int h) {
    long stamp = beginRead(); // takes no lock: this thread holds the write lock
    try {
      return (V) table.getOwned(key, h);
    } finally {
      endRead(stamp);
    }
  }

  /**
   * Runs {@code read} under the read lock that readWithoutWaiting took with tryReadLock,
   * recorded as a read region so that a write from a key's equals throws instead of waiting for
   * this thread's own read lock.
   */
  private <R> R lockedRead(Supplier<R> read) {
    ReadRegions.enter(this);
    try {
      return read.get();
    } finally {
      ReadRegions.exit(this);
    }
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code defaultValue} if this map
   * contains no mapping for the key.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public V getOrDefault(Object key, V defaultValue) {
    V v = get(key);
    return v != null ? v : defaultValue;
  }

  /**
   * Tests whether the specified object is a key in this map.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /**
   * Returns {@code true} if this map maps one or more keys to the specified value. This scans an
   * atomic snapshot of the table (as iteration does), calling {@code value.equals} without any
   * lock held.
   *
   * @throws NullPointerException if the specified value is null
   */
  @Override
  public boolean containsValue(Object value) {
    Objects.requireNonNull(value);
    OpenTable.Cursor c = snapshot();
    while (c.advance()) {
      if (value.equals(c.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the exact number of mappings (at most {@code Integer.MAX_VALUE}), never waiting for
   * a function of the {@code compute} family.
   */
  @Override
  public int size() {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0L) {
      int n = size; // plain: validate's acquire fence orders this load before its state check
      if (lock.validate(stamp)) {
        return n;
      }
    }
    if (lock.writeOwner == Thread.currentThread()) {
      return size; // this thread holds the write lock
    }
    // Plain loads of size: readWithoutWaiting's fences order them before its checks.
    return lock.readWithoutWaiting(() -> size, () -> size);
  }

  /** Returns {@code true} if this map contains no mappings. */
  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  /* ---------------- Writes (write lock held by the caller) -------------- */

  /** Inserts a mapping for a key that is absent, rebuilding the table first if it is full. */
  private void insertLocked(Object key, int h, Object value) {
    OpenTable t = table;
    if (t.needsRebuildBeforeInsert()) {
      t = t.isPlaceholder() ? newTable(initialTableCapacity) : rebuiltQuietly(t);
      setTableRelease(t);
    }
    t.putOwned(key, h, value, false);
    size++;
  }

  /**
   * Under the write lock, before this hold has written the table: {@code t} rebuilt, with the
   * copy published as a quiet period (FunctionLock.beginFunction), as a user function's run is.
   * The copy only reads {@code t}, and the new table is published after the period ends, so
   * readers read {@code t} meanwhile instead of waiting out the whole copy (issue 16: readers
   * of a map growing to 1M keys ran at 0.09x ConcurrentHashMap, waiting out each rebuild). Not
   * inside a write(...) section, whose earlier writes must stay unseen, nor in putPairs, which
   * may have inserted pairs before it rebuilds. Writes from the keys' hashCode, which the copy
   * calls, throw IllegalStateException as writes from a function do: they would change the table
   * readers are reading.
   */
  private OpenTable rebuiltQuietly(OpenTable t) {
    if (lock.sections != 0 || pairsInProgress) {
      return t.rebuilt(size);
    }
    lock.functionOwner = Thread.currentThread();
    lock.beginFunction();
    try {
      return t.rebuilt(size);
    } finally {
      lock.endFunction();
      lock.functionOwner = null;
    }
  }

  @SuppressWarnings("unchecked")
  private V putLocked(K key, V value, boolean onlyIfAbsent) {
    int h = OpenTable.hash(key);
    OpenTable t = table;
    if (!t.needsRebuildBeforeInsert()) {
      // Room for an insert: one probe finds the key or the slot it goes to.
      Object old = t.putOwned(key, h, value, onlyIfAbsent);
      if (old == null) {
        size++;
      }
      return (V) old;
    }
    // At the load limit: look first, so that a present key does not bring a rebuild.
    Object old = onlyIfAbsent ? t.getOwned(key, h) : t.replaceOwned(key, h, null, value);
    if (old == null) {
      insertLocked(key, h, value);
    }
    return (V) old;
  }

  /** Removes {@code key} if it is mapped (to {@code expected}, when that is not null). */
  @SuppressWarnings("unchecked")
  private V removeLocked(Object key, Object expected) {
    Object old = table.replaceOwned(key, OpenTable.hash(key), expected, null);
    if (old != null) {
      size--;
    }
    return (V) old;
  }

  /** Replaces the value of {@code key} if it is mapped (to {@code expected}, when not null). */
  @SuppressWarnings("unchecked")
  private V replaceLocked(K key, Object expected, V value) {
    return (V) table.replaceOwned(key, OpenTable.hash(key), expected, value);
  }

  /**
   * An empty bounded-probe table that reuses dead slots: every read of it holds a lock or is
   * validated (see the Overview), as a reuse table requires.
   */
  private static OpenTable newTable(int capacity) {
    return new OpenTable(capacity, true, 0, true);
  }

  private void clearLocked() {
    setTableRelease(OpenTable.EMPTY_LOCKED);
    size = 0;
  }

  /**
   * Maps the specified key to the specified value.
   *
   * @return the previous value associated with {@code key}, or {@code null} if there was none
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException if called from a function running inside this map's
   *     {@code compute}/{@code merge} family, or inside {@link #read(Function)}
   */
  @Override
  public V put(K key, V value) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
    lockForWrite();
    try {
      return putLocked(key, value, false);
    } finally {
      unlockWrite();
    }
  }

  /**
   * If the specified key is not already associated with a value, associates it with the given
   * value; atomic.
   *
   * @return the previous value associated with the specified key, or {@code null} if there was
   *     none (and the new value was stored)
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public V putIfAbsent(K key, V value) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
    lockForWrite();
    try {
      return putLocked(key, value, true);
    } finally {
      unlockWrite();
    }
  }

  /**
   * Removes the mapping for a key from this map if it is present.
   *
   * @return the previous value associated with {@code key}, or {@code null} if there was none
   * @throws NullPointerException if the specified key is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public V remove(Object key) {
    Objects.requireNonNull(key);
    lockForWrite();
    try {
      return removeLocked(key, null);
    } finally {
      unlockWrite();
    }
  }

  /**
   * Removes the entry for a key only if currently mapped to a given value; atomic.
   *
   * @return {@code true} if the value was removed; {@code false} also when {@code value} is null
   * @throws NullPointerException if the specified key is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public boolean remove(Object key, Object value) {
    Objects.requireNonNull(key);
    if (value == null) {
      return false;
    }
    lockForWrite();
    try {
      return removeLocked(key, value) != null;
    } finally {
      unlockWrite();
    }
  }

  /**
   * Replaces the entry for a key only if currently mapped to a given value; atomic.
   *
   * @return {@code true} if the value was replaced
   * @throws NullPointerException if any argument is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(oldValue);
    Objects.requireNonNull(newValue);
    lockForWrite();
    try {
      return replaceLocked(key, oldValue, newValue) != null;
    } finally {
      unlockWrite();
    }
  }

  /**
   * Replaces the entry for a key only if currently mapped to some value; atomic.
   *
   * @return the previous value associated with the specified key, or {@code null} if there was
   *     none (and nothing was stored)
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public V replace(K key, V value) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
    lockForWrite();
    try {
      return replaceLocked(key, null, value);
    } finally {
      unlockWrite();
    }
  }

  /* ---------------- The compute family (write lock) -------------- */

  /**
   * If the key is absent, computes its value with {@code mappingFunction} and stores it unless it
   * is null. The whole call is atomic; the function runs at most once, under the write lock, and
   * only when the key is absent (a present key is answered by a read, as {@link #get} reads,
   * without taking the write lock).
   *
   * @return the current (existing or computed) value, or {@code null} if the computed value is
   *     null
   * @throws NullPointerException if the key or function is null
   * @throws IllegalStateException if the function writes to this map, or if this is called from
   *     a function of this map's compute family or inside {@link #read(Function)}
   * @throws RuntimeException or Error if the function does, in which case the map is unchanged
   */
  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(mappingFunction);
    V present = get(key); // a hit never takes the write lock
    if (present != null) {
      return present;
    }
    int h = OpenTable.hash(key);
    lockForWrite();
    try {
      @SuppressWarnings("unchecked")
      V old = (V) table.getOwned(key, h);
      if (old != null) {
        return old;
      }
      V value = applyOwned((k, unused) -> mappingFunction.apply(k), key, null);
      if (value != null) {
        // The function could not write (that throws), so the key is still absent.
        insertLocked(key, h, value);
      }
      return value;
    } finally {
      unlockWrite();
    }
  }

  /**
   * If the key is present, computes a new value from it; a null result removes the mapping.
   * Atomic; the function runs at most once, under the write lock.
   *
   * @return the new value, or {@code null} if none
   * @throws NullPointerException if the key or function is null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(remappingFunction);
    return remap(key, null, false, remappingFunction);
  }

  /**
   * Computes a new value for the key from its current value (or null if absent); a null result
   * removes the mapping (or stores nothing). Atomic; the function runs exactly once, under the
   * write lock.
   *
   * @return the new value, or {@code null} if none
   * @throws NullPointerException if the key or function is null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(remappingFunction);
    return remap(key, null, true, remappingFunction);
  }

  /**
   * Associates the key with {@code value} if absent, otherwise with the result of the function
   * applied to the old value and {@code value}; a null result removes the mapping. Atomic; the
   * function runs at most once, under the write lock, and only when the key is present.
   *
   * @return the new value, or {@code null} if none
   * @throws NullPointerException if the key, value or function is null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(value);
    Objects.requireNonNull(remappingFunction);
    return remap(key, value, true, (k, old) -> remappingFunction.apply(old, value));
  }

  /**
   * The body of compute, computeIfPresent and merge. If {@code key} is absent: stores {@code
   * absentValue} if it is not null (merge), else, when {@code callIfAbsent}, stores the
   * function's result for a null old value (compute), else does nothing (computeIfPresent). If
   * present: stores the function's result, or removes the mapping when it is null.
   */
  @SuppressWarnings("unchecked")
  private V remap(
      K key,
      V absentValue,
      boolean callIfAbsent,
      BiFunction<? super K, ? super V, ? extends V> function) {
    int h = OpenTable.hash(key); // NullPointerException for a null key
    lockForWrite();
    try {
      V old = (V) table.getOwned(key, h);
      if (old == null) {
        V value = absentValue;
        if (value == null && callIfAbsent) {
          value = applyOwned(function, key, null);
        }
        if (value != null) {
          insertLocked(key, h, value);
        }
        return value;
      }
      V value = applyOwned(function, key, old);
      table.replaceOwned(key, h, null, value);
      if (value == null) {
        size--;
      }
      return value;
    } finally {
      unlockWrite();
    }
  }

  /* ---------------- Bulk operations -------------- */

  /**
   * Copies all mappings of {@code m} into this map, atomically: readers see all of them or none.
   * The mappings of {@code m} are read before the lock is taken, so {@code m} may be this map or
   * a view of it. All or nothing: if a key's {@code hashCode} or {@code equals} throws, the
   * exception reaches the caller and the map is unchanged.
   *
   * @throws NullPointerException if {@code m} is null or holds a null key or value, in which
   *     case this map is unchanged
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    Object[] pairs = new Object[Math.max(8, m.size() * 2)];
    int n = 0;
    for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
      if (n == pairs.length) {
        pairs = java.util.Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = Objects.requireNonNull(e.getKey());
      pairs[n++] = Objects.requireNonNull(e.getValue());
    }
    putPairs(pairs, n);
  }

  /**
   * Stores the first {@code n} elements of {@code pairs} (key at 2i, value at 2i + 1, none null)
   * in one write-locked step, in order, so a later pair of a key wins. The body of putAll and
   * readObject; never calls an overridable method.
   */
  private void putPairs(Object[] pairs, int n) {
    if (n == 0) {
      return;
    }
    int count = n >>> 1;
    int[] hashes = new int[count];
    for (int i = 0; i < count; i++) {
      hashes[i] = OpenTable.hash(pairs[2 * i]); // before the lock: a throw changes nothing
    }
    lockForWrite();
    try {
      // Room for every insert first, so no rebuild moves slots half-way: then each write can be
      // taken back by its slot, with no user code (equals) involved, if a later key throws.
      OpenTable t = table;
      if (!t.hasRoomFor(count)) {
        t = t.rebuiltWithRoomFor(size, count); // may throw (a key's equals): nothing published
        setTableRelease(t);
      }
      if (!t.hasRoomFor(count)) { // only near the largest capacity: one put at a time
        pairsInProgress = true; // no quiet rebuild: the pairs put so far must stay unseen
        try {
          for (int i = 0; i < count; i++) {
            @SuppressWarnings("unchecked")
            K k = (K) pairs[2 * i];
            @SuppressWarnings("unchecked")
            V v = (V) pairs[2 * i + 1];
            putLocked(k, v, false);
          }
        } finally {
          pairsInProgress = false;
        }
        return;
      }
      Object rootBefore = t.overflowForUndo();
      int sizeBefore = size;
      int[] slots = new int[count];
      Object[] previous = new Object[count];
      int done = 0;
      try {
        for (; done < count; done++) {
          slots[done] = t.putRecording(
              pairs[2 * done], hashes[done], pairs[2 * done + 1], previous, done);
          if (previous[done] == null) {
            size++;
          }
        }
      } catch (RuntimeException | Error e) {
        for (int i = done - 1; i >= 0; i--) { // newest first: a key put twice gets its first back
          if (slots[i] >= 0) {
            t.undoSlot(slots[i], previous[i]);
          }
        }
        t.restoreOverflow(rootBefore);
        size = sizeBefore;
        throw e;
      }
    } finally {
      unlockWrite();
    }
  }

  /**
   * Removes all mappings, atomically.
   *
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public void clear() {
    lockForWrite();
    try {
      clearLocked();
    } finally {
      unlockWrite();
    }
  }

  /**
   * Replaces each value with the result of the function, atomically: the function is applied to
   * every mapping under the write lock, and only if it succeeds for all of them are the new
   * values stored. If it throws, or returns null, the map is unchanged.
   *
   * @throws NullPointerException if the function is null or returns null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    Objects.requireNonNull(function);
    lockForWrite();
    try {
      Object[] pairs = new Object[Math.max(8, size * 2)];
      int n = 0;
      OpenTable.Cursor c = table.cursor();
      while (c.advance()) {
        @SuppressWarnings("unchecked")
        K k = (K) c.key();
        @SuppressWarnings("unchecked")
        V v = applyOwned(function, k, (V) c.value());
        pairs[n++] = k;
        pairs[n++] = Objects.requireNonNull(v, "replaceAll function returned null");
      }
      OpenTable t = table;
      for (int i = 0; i < n; i += 2) {
        t.replaceOwned(pairs[i], OpenTable.hash(pairs[i]), null, pairs[i + 1]);
      }
    } finally {
      unlockWrite();
    }
  }

  /**
   * Performs the action for each mapping of an atomic snapshot of this map, outside the lock: the
   * action may read or write this map (its writes are not reflected in the ongoing traversal).
   *
   * @throws NullPointerException if the action is null
   */
  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action);
    OpenTable.Cursor c = snapshot();
    while (c.advance()) {
      action.accept((K) c.key(), (V) c.value());
    }
  }

  /**
   * Compares the specified object with this map for equality, as {@link Map#equals} specifies.
   * The comparison reads one atomic snapshot of this map, so it never mixes two states of it;
   * {@code o} is read without any lock of this map.
   *
   * @param o the object to compare with this map
   * @return {@code true} if {@code o} is a map with the same mappings as the snapshot
   */
  @Override
  public boolean equals(Object o) {
    // AbstractMap.equals reads size() and then iterates: two lock acquisitions, between which a
    // writer could make the map look equal to a map it never equalled.
    if (o == this) {
      return true;
    }
    if (!(o instanceof Map)) {
      return false;
    }
    Map<?, ?> m = (Map<?, ?>) o;
    OpenTable.Cursor c = snapshot();
    int n = 0;
    try {
      while (c.advance()) {
        n++;
        if (!c.value().equals(m.get(c.key()))) {
          return false;
        }
      }
    } catch (ClassCastException | NullPointerException unused) {
      return false; // m cannot hold such a key (as in AbstractMap.equals)
    }
    return n == m.size();
  }

  /**
   * Returns the hash code of this map, the sum of the hash codes of the mappings of one atomic
   * snapshot (as {@link Map#hashCode} specifies).
   */
  @Override
  public int hashCode() {
    return super.hashCode(); // AbstractMap iterates entrySet(): one snapshot
  }

  /**
   * A cursor over a copy of the table taken atomically: optimistically and validated, else
   * through readWithoutWaiting (during a function's run, or under a read lock that was free at
   * that instant), never waiting for a function. A thread that holds the lock copies directly.
   */
  private OpenTable.Cursor snapshot() {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0L) {
      OpenTable.Cursor c = tableAcquire().snapshotCursor(); // a racing copy, kept if validated
      if (lock.validate(stamp)) {
        return c;
      }
    }
    if (lock.writeOwner == Thread.currentThread() || ReadRegions.inside(this)) {
      return table.snapshotCursor(); // this thread holds the lock
    }
    return lock.readWithoutWaiting(
        () -> tableAcquire().snapshotCursor(), () -> table.snapshotCursor());
  }

  /* ---------------- Views -------------- */

  /** What the views read and write through: this map and its traversal. */
  private Views.Source<K, V> viewSource() {
    return new Views.Source<>() {
      @Override
      public ConcurrentMap<K, V> map() {
        return ReadWriteLockMap.this;
      }

      @Override
      public Views.Cursor cursor() {
        return snapshot();
      }
    };
  }

  /**
   * Returns a {@link Set} view of the keys. It writes through ({@code remove}, {@code clear},
   * {@code Iterator.remove}) and does not support adding. Its iterators traverse an atomic
   * snapshot and never throw {@link java.util.ConcurrentModificationException}.
   */
  @Override
  public Set<K> keySet() {
    Set<K> ks = keySetView;
    return ks != null ? ks : (keySetView = new Views.KeySet<>(viewSource()));
  }

  /**
   * Returns a {@link Collection} view of the values, with the same properties as {@link
   * #keySet()}.
   */
  @Override
  public Collection<V> values() {
    Collection<V> vs = valuesView;
    return vs != null ? vs : (valuesView = new Views.Values<>(viewSource()));
  }

  /**
   * Returns a {@link Set} view of the mappings, with the same properties as {@link #keySet()};
   * {@code Map.Entry.setValue} on an iterated entry puts the new value into this map.
   */
  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    Set<Map.Entry<K, V>> es = entrySetView;
    return es != null ? es : (entrySetView = new Views.EntrySet<>(viewSource()));
  }

  /* ---------------- Atomic sections -------------- */

  /**
   * Runs {@code reader} against a read-only view of this map while holding the read lock, and
   * returns its result. Other readers may run at the same time; no writer can, so everything
   * the reader sees is one consistent state of the map. For example, a consistent copy:
   *
   * <pre>{@code
   * Map<String, Integer> copy = map.read(HashMap::new);
   * int total = map.read(m -> m.get("a") + m.get("b"));
   * }</pre>
   *
   * <p>The view is valid only inside the call and only on the calling thread: using it after
   * {@code read} returns, or from another thread, throws {@link IllegalStateException}. Its
   * mutators throw {@link UnsupportedOperationException}, and writing to this map itself from
   * inside the section throws {@link IllegalStateException} (a read lock cannot be upgraded).
   *
   * <p>The section takes the read lock, so it waits for the writer that holds the write lock,
   * including one running a {@code compute}-family function, and for writers queued before it.
   * Two {@code compute} functions of two maps that each open a {@code read} section of the other
   * map therefore deadlock; plain reads ({@link #get}, iteration, ...) do not have this problem.
   *
   * @param reader the code to run; it should be short, since it delays every writer
   * @param <R> the result type
   * @return the reader's result
   * @throws NullPointerException if {@code reader} is null
   */
  public <R> R read(Function<? super Map<K, V>, ? extends R> reader) {
    Objects.requireNonNull(reader);
    long stamp = beginRead();
    try {
      SectionView view = new SectionView(false);
      try {
        return reader.apply(view);
      } finally {
        view.close();
      }
    } finally {
      endRead(stamp);
    }
  }

  /**
   * Runs {@code writer} against a mutable view of this map while holding the write lock, and
   * returns its result: a check-then-act over several keys is atomic. For example, a transfer
   * that never shows a state where the amount is in neither account:
   *
   * <pre>{@code
   * map.write(m -> {
   *   if (m.get("from") < 10) return false;
   *   m.merge("from", -10, Integer::sum);
   *   m.merge("to", 10, Integer::sum);
   *   return true;
   * });
   * }</pre>
   *
   * <p>The view writes through to this map; its iterators traverse a snapshot taken when each
   * iterator is created. It is valid only inside the call and only on the calling thread (else
   * {@link IllegalStateException}). If the writer throws, the writes it already made through the
   * view stay in the map: the section is atomic for other threads, not a transaction.
   *
   * <p><b>Readers wait for a write section.</b> It is the one place where this map's readers
   * ({@link #get}, {@link #size}, iteration, ...) wait for user code: they retry until the
   * section ends, so that none sees it half done (a {@code compute} function run outside a
   * section does not make them wait). <b>Pitfall: cross-map deadlock.</b> Two threads, each
   * inside a {@code write} section of one map and reading the other map, wait for each other
   * forever, like two locks taken in opposite orders. Do not read another
   * {@code ReadWriteLockMap} that may be inside its own section from inside a section, or nest
   * sections of several maps in one global order.
   *
   * @param writer the code to run; it stalls every reader and writer until it returns
   * @param <R> the result type
   * @return the writer's result
   * @throws NullPointerException if {@code writer} is null
   * @throws IllegalStateException if called from inside {@link #read(Function)} or from a
   *     function of this map's compute family
   */
  public <R> R write(Function<? super Map<K, V>, ? extends R> writer) {
    Objects.requireNonNull(writer);
    lockForWrite();
    lock.sections++; // functions run inside the section are not published as quiet
    try {
      SectionView view = new SectionView(true);
      try {
        return writer.apply(view);
      } finally {
        view.close();
      }
    } finally {
      lock.sections--;
      unlockWrite();
    }
  }

  /**
   * The map handed to a {@link #read}/{@link #write} section. Every method checks that the
   * section is still open and that the caller is the section's thread (the one holding the
   * lock), then works on the table directly. Compound defaults ({@code compute}, {@code merge},
   * ...) come from {@link Map} and are atomic because the whole section is.
   */
  private final class SectionView extends AbstractMap<K, V> {
    private final boolean writable;
    private final Thread owner = Thread.currentThread();
    private boolean open = true;
    private Set<Map.Entry<K, V>> entries;

    SectionView(boolean writable) {
      this.writable = writable;
    }

    void close() {
      open = false;
    }

    private void check() {
      if (!open || Thread.currentThread() != owner) {
        throw new IllegalStateException(
            "a read/write section's view was used outside its section or thread");
      }
    }

    private void checkWritable() {
      check();
      if (!writable) {
        throw new UnsupportedOperationException("read(...) sections are read-only");
      }
      checkNotInFunction();
    }

    @Override
    public V get(Object key) {
      check();
      return getLocked(Objects.requireNonNull(key));
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      check();
      return size;
    }

    /** A scan, as in AbstractMap, but a null value is rejected as the map itself rejects it. */
    @Override
    public boolean containsValue(Object value) {
      check();
      return super.containsValue(Objects.requireNonNull(value));
    }

    @Override
    public V put(K key, V value) {
      checkWritable();
      return putLocked(Objects.requireNonNull(key), Objects.requireNonNull(value), false);
    }

    @Override
    public V remove(Object key) {
      checkWritable();
      return removeLocked(Objects.requireNonNull(key), null);
    }

    @Override
    public void clear() {
      checkWritable();
      clearLocked();
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
      check();
      Set<Map.Entry<K, V>> es = entries;
      return es != null ? es : (entries = new SectionEntries());
    }

    private final class SectionEntries extends AbstractSet<Map.Entry<K, V>> {
      @Override
      public int size() {
        return SectionView.this.size();
      }

      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        check();
        OpenTable.Cursor c = table.snapshotCursor();
        return new Iterator<>() {
          private boolean ready;
          private K last;

          @Override
          public boolean hasNext() {
            check();
            if (!ready) {
              ready = c.advance();
            }
            return ready;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Map.Entry<K, V> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            ready = false;
            last = (K) c.key();
            K k = last;
            V v = (V) c.value();
            return new SimpleEntry<>(k, v) {
              private static final long serialVersionUID = 1L;

              @Override
              public V setValue(V value) {
                put(k, value);
                return super.setValue(value);
              }
            };
          }

          @Override
          public void remove() {
            if (last == null) {
              throw new IllegalStateException();
            }
            SectionView.this.remove(last);
            last = null;
          }
        };
      }
    }
  }

  /* ---------------- The lock -------------- */

  /**
   * The StampedLock plus what the map must know about its holders, which StampedLock does not
   * track. The fields live in the lock object so that a writer's bookkeeping stores dirty the
   * cache line that its lock and unlock dirty anyway, not the map object that every optimistic
   * reader loads its {@code lock} and {@code table} references from.
   *
   * <p>All fields are plain and written only by the thread holding the write lock. Other threads
   * read {@code writeOwner} racily, but only to compare it with their own thread: a thread finds
   * itself there only if it stored itself there, so a stale value never misleads it (the argument
   * of {@code AbstractOwnableSynchronizer}'s owner field).
   */
  @SuppressWarnings("serial") // never serialized: the map's field is transient
  private static final class Lock extends FunctionLock {
    private static final long serialVersionUID = 1L;

    /** The thread holding the write lock, or null. */
    Thread writeOwner;

    /** The stamp of the write lock held by writeOwner. */
    long writeStamp;

    /** How many times writeOwner re-entered the write lock (nested write sections). */
    int writeReentries;

    /** The thread running a user function under the write lock, or null. */
    Thread functionOwner;

    /** How many write(...) sections writeOwner is inside (they nest). */
    int sections;
  }

  /* ---------------- Read regions -------------- */

  /**
   * The read regions of the current thread: for each map, how deeply the thread is inside a
   * region that holds (or stands in for) its read lock, as a small stack of maps. StampedLock
   * does not know which threads hold its read lock, and the map needs that on two slow paths
   * only: a write that found the lock taken (this thread's own read lock would deadlock it) and a
   * pessimistic read (this thread must not take the read lock twice). Optimistic reads and
   * uncontended writes never touch it.
   */
  private static final class ReadRegions {
    private static final ThreadLocal<ReadRegions> CURRENT =
        ThreadLocal.withInitial(ReadRegions::new);

    private Object[] maps = new Object[4];
    private int depth;

    static boolean inside(Object map) {
      ReadRegions r = CURRENT.get();
      for (int i = r.depth - 1; i >= 0; i--) {
        if (r.maps[i] == map) {
          return true;
        }
      }
      return false;
    }

    static void enter(Object map) {
      ReadRegions r = CURRENT.get();
      if (r.depth == r.maps.length) {
        r.maps = java.util.Arrays.copyOf(r.maps, r.depth * 2);
      }
      r.maps[r.depth++] = map;
    }

    /** Regions nest (try/finally), so the innermost one is on top. */
    static void exit(Object map) {
      ReadRegions r = CURRENT.get();
      r.maps[--r.depth] = null;
    }
  }

  /* ---------------- Table access -------------- */

  /** Optimistic readers: the current table (acquire; pairs with setTableRelease). */
  private OpenTable tableAcquire() {
    return (OpenTable) TABLE.getAcquire(this);
  }

  /**
   * Under the write lock: publishes a new table. Release, because optimistic readers load the
   * field without the lock (tableAcquire); the unlock then publishes it to locked readers.
   */
  private void setTableRelease(OpenTable t) {
    TABLE.setRelease(this, t);
  }

  /* ---------------- Serialization -------------- */

  /**
   * Writes the mappings of an atomic snapshot, taken under the read lock.
   *
   * @param out the stream
   * @throws IOException if the stream fails
   * @serialData the fields of this class (none), then the number of mappings (int), then each
   *     mapping's key and value (Objects)
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    MapSerialization.writeMappings(out, snapshot());
  }

  /**
   * Rebuilds the map from the mappings {@link #writeObject} wrote, with the default capacity; of
   * a repeated key (which only a crafted stream holds), the later value wins.
   *
   * @param in the stream
   * @throws IOException if the stream fails, or holds a negative count, a null key or value, or
   *     fewer mappings than its count ({@link java.io.InvalidObjectException})
   * @throws ClassNotFoundException if the class of a key or value cannot be found
   */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    // Before reading any key or value: one that refers back to this map finds it usable.
    init(DEFAULT_CAPACITY);
    Object[] pairs = MapSerialization.readMappings(in);
    putPairs(pairs, pairs.length);
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle TABLE;

  static {
    try {
      TABLE =
          MethodHandles.lookup().findVarHandle(ReadWriteLockMap.class, "table", OpenTable.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /* ---------------- Migration from ConcurrentHashMap -------------- */

  /*
   * The ConcurrentHashMap methods that are not part of ConcurrentMap but that code moving from
   * it calls; docs/migrating-from-concurrenthashmap.md maps the rest. Kept together at the end
   * of the class.
   */

  /**
   * Creates a new, empty concurrent {@link Set} backed by a {@code ReadWriteLockMap} from the
   * elements to {@link Boolean#TRUE}: the counterpart of {@link
   * java.util.concurrent.ConcurrentHashMap#newKeySet()}. The set is as thread-safe as the map:
   * {@code add} is the map's {@code putIfAbsent}, {@code remove} its {@code remove}, and its
   * iterators traverse an atomic snapshot, as those of {@link #keySet()} do. It rejects null
   * elements with {@link NullPointerException}, and it is serializable (with its map). Unlike
   * {@code ConcurrentHashMap.KeySetView}, its type is plain {@code Set}.
   *
   * @param <K> the element type
   * @return a new, empty set
   */
  public static <K> Set<K> newKeySet() {
    return new Views.AddingKeySet<>(new ReadWriteLockMap<K, Boolean>(), Boolean.TRUE);
  }

  /**
   * Creates a new, empty concurrent {@link Set} as {@link #newKeySet()} does, with room for
   * {@code initialCapacity} elements before its map first grows: the counterpart of {@link
   * java.util.concurrent.ConcurrentHashMap#newKeySet(int)}.
   *
   * @param initialCapacity the number of elements to make room for
   * @param <K> the element type
   * @return a new, empty set
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public static <K> Set<K> newKeySet(int initialCapacity) {
    return new Views.AddingKeySet<>(
        new ReadWriteLockMap<K, Boolean>(initialCapacity), Boolean.TRUE);
  }

  /**
   * Returns a {@link Set} view of the keys that also adds: {@code add(k)} and {@code addAll}
   * map each absent key to {@code mappedValue}, atomically with {@link #putIfAbsent}, and leave
   * a present key's value alone ({@code add} then returns {@code false}). Everything else
   * behaves as {@link #keySet()}. The counterpart of {@link
   * java.util.concurrent.ConcurrentHashMap#keySet(Object)}; the view is a plain {@code Set}.
   *
   * @param mappedValue the value that added keys map to
   * @return the key-set view
   * @throws NullPointerException if {@code mappedValue} is null (and {@code add} of a null key
   *     throws it too)
   */
  public Set<K> keySet(V mappedValue) {
    return new Views.AddingKeySet<>(this, mappedValue);
  }

  /**
   * Returns the number of mappings as a {@code long}, the same number as {@link #size} (exact: the
   * number of mappings at one instant; one table holds fewer than {@code Integer.MAX_VALUE}
   * mappings). The counterpart of {@link java.util.concurrent.ConcurrentHashMap#mappingCount()},
   * for code that moves from it.
   *
   * @return the number of mappings
   */
  public long mappingCount() {
    return size();
  }

  /* ---------------- Class preloading -------------- */

  static {
    // Load and initialize now every class a slow path of this map may need later, so that
    // virtual threads do not load or initialize one while others wait for it (they would pin):
    // see ClassPreloading.
    ClassPreloading.initializeNests(
        ReadWriteLockMap.class, Views.class, OpenTable.class, OverflowTree.class,
        FunctionLock.class, MapSerialization.class);
  }
}

package io.github.cmaps;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link ConcurrentMap} split into independent <em>stripes</em>, each a lock over its own hash
 * table: writes to keys of different stripes run in parallel, and reads take no lock at all
 * unless a writer is busy in their stripe. This is the Java form of a sharded map (JDK 7's
 * segmented {@code ConcurrentHashMap}, or a Go map sharded over several mutexes). The number of
 * stripes is fixed at construction: by default the next power of two at or above 16 times the
 * number of processors (at most 1024). Stripes are created on the first write to them, so an
 * empty map is one small object whatever the stripe count; the first write allocates the stripe
 * array (4 bytes per stripe with compressed references) and each stripe written to costs about
 * 150 bytes plus its table. For many small maps, pass a smaller stripe count.
 *
 * <p><b>Contract, in {@link java.util.concurrent.ConcurrentHashMap}'s terms.</b>
 * <ul>
 *   <li><em>Happens-before.</em> Every single-key operation is linearizable. An update of a key
 *       happens-before any read of that key that returns the updated value; more strongly, every
 *       completed write to a stripe happens-before every operation on that stripe that starts
 *       after it.</li>
 *   <li><em>What blocks what.</em> A write locks exactly one stripe, so it waits only for
 *       another write to, or a locked read of, the <b>same stripe</b>. A read first runs
 *       optimistically without a lock. <b>A read never waits for a user function running on
 *       another thread</b>: while a writer runs a function passed to {@code compute}, {@code
 *       computeIfAbsent}, {@code computeIfPresent}, {@code merge} or {@code replaceAll}, it
 *       leaves its stripe's table untouched, and a read goes ahead and returns the state before
 *       that call (which takes effect only when the function returns). So a function of one map
 *       may read another map whose function reads the first, without deadlock. A read only
 *       retries (spinning, then yielding, then parking up to a millisecond at a time) while a
 *       plain write is in its stripe (not while a write copies the stripe's table into a larger
 *       one: reads go ahead on the current table then, as during a function), and never queues
 *       for the lock. A long function therefore
 *       stalls the writers of its stripe (about {@code 1/stripes} of the keys), never a reader
 *       and never the rest of the map.</li>
 *   <li><em>Bulk operations are not atomic.</em> They visit the stripes one at a time, never
 *       holding two stripe locks at once: {@link #putAll} is a sequence of {@code put}s, {@link
 *       #clear} empties one stripe after the other (a concurrent {@code put} may survive it), and
 *       {@link #replaceAll} is atomic per stripe only. {@code equals}, {@code hashCode}, {@code
 *       toString}, {@link #containsValue} and serialization are traversals, described next.</li>
 *   <li><em>Iteration.</em> Iterators of {@link #keySet}, {@link #values} and {@link #entrySet}
 *       are weakly consistent: they take a snapshot of one stripe at a time, when they reach it,
 *       so they return each mapping that exists throughout the iteration exactly once, may or may
 *       not reflect writes made during it, and never throw {@link
 *       java.util.ConcurrentModificationException}. {@code Iterator.remove} and {@code
 *       Map.Entry.setValue} write through to the map. {@link #forEach} runs its action on the same
 *       traversal, without holding any lock, so the action (like the body of an iteration loop)
 *       may read and write the map.</li>
 *   <li><em>Size.</em> {@link #size} and {@link #isEmpty} add up per-stripe counters in
 *       {@code O(stripes)} time without locking. The result is exact when no write is in flight;
 *       under concurrent writes it is a transient estimate, as for {@code ConcurrentHashMap}.</li>
 *   <li><em>Nulls.</em> Like {@code ConcurrentHashMap}, the map rejects null keys and values with
 *       {@link NullPointerException}, leaving the map unchanged.</li>
 *   <li><em>Functions.</em> Each function passed to the {@code compute}/{@code merge} family runs
 *       at most once per call, under the key's stripe lock, and the whole call is atomic. If it
 *       throws, the exception reaches the caller, the map is unchanged and the lock released.
 *       A function may read the map: reads of its own stripe see the state before the call,
 *       and no read, of this map or of another cmaps map, waits for a function (above). A
 *       function <b>must not write to the map</b>, to any key: such a write
 *       throws {@link IllegalStateException} and changes nothing, instead of deadlocking on its
 *       own stripe or against another thread's function.</li>
 * </ul>
 *
 * <p><b>Serialization</b> writes the stripe count and the mappings, never a lock or table: the
 * number of stripes, the number of mappings, then each key and value, as one traversal (a
 * snapshot of one stripe at a time, described above) returns them, so a map written while other
 * threads write to it is written the way its iterators see it. A deserialized map has the same
 * number of stripes and the default initial capacity. Reading stores the pairs in stream order,
 * so of a key that a crafted stream repeats the later value wins. Subclasses round-trip: their own
 * serializable fields are written after the mappings and restored, and reading stores the
 * mappings without calling overridable methods such as {@code put}. Keys and values that refer to
 * the map come back referring to the deserialized map. A stream with a bad stripe count, a null
 * key or value, a negative count or fewer mappings than its count is rejected with {@link
 * java.io.InvalidObjectException}.
 *
 * <p>Which map to pick for which workload, {@code ConcurrentHashMap} included: see the {@linkplain
 *     io.github.cmaps package summary}.
 *
 * @param <K> the type of keys maintained by this map
 * @param <V> the type of mapped values
 */
public class StripedLockMap<K, V> extends AbstractMap<K, V>
    implements ConcurrentMap<K, V>, Serializable {

  /*
   * Overview:
   *
   *   stripes[]:  [ S0 | S1 | ... | S(n-1) ]        n = a power of two, fixed
   *                  |
   *                  S = FunctionLock (a StampedLock + functionSeq) + OpenTable + count
   *
   *   h = OpenTable.hash(key)      (hashCode * golden ratio: its high bits depend on all bits)
   *   stripe = h >>> (32 - log2 n) (the TOP log2 n bits; masked, so that n = 1 works: a shift
   *                                 by 32 is a no-op in Java)
   *   bucket = top bits of rotateLeft(h, log2 n)   (the bits just BELOW the stripe bits,
   *                                 inside OpenTable: each stripe's tables rotate by log2 n)
   *
   * Each stripe's OpenTable is a bounded-probe one (a window of slots, then an overflow tree),
   * like the other maps', so many keys with one hash code cost a tree search, not a long scan
   * under the stripe lock.
   *
   * Taking the stripe and the bucket from disjoint bits of a well-mixed hash means keys of one
   * stripe still spread over all of its buckets, and a poor hashCode does not pile keys into one
   * stripe and one probe run at the same time.
   *
   * The lock. Each stripe is a StampedLock (the Stripe class extends it, as JDK 7's Segment
   * extended ReentrantLock: one object and one indirection fewer). It was chosen by measurement
   * (StripedLockChoiceBenchmark, see docs/striped-lock-map.md: prototypes differing only in the
   * lock, 2 threads, 64K uniform Integer keys, JDK 17, 2 shared cores, 5 interleaved rounds).
   * Median of the per-round ratios, StampedLock with optimistic reads against
   *
   *                          ReentrantLock      ReentrantReadWriteLock
   *   read-heavy  (90% get)  1.23x (ahead 4/5)  1.14x (ahead 4/5)
   *   write-heavy (50% get)  1.20x (ahead 5/5)  1.65x (ahead 4/5)
   *
   * Its edge: a read writes nothing to shared memory, so readers neither contend with each other
   * nor pull the stripe's cache line away from its writer. It also lets a read from inside a
   * user function avoid waiting (below). Padding the stripes against false sharing measured no
   * better (write-heavy 0.87x, read-heavy 1.05x), so there is none. docs/striped-lock-map.md has
   * the tables and commands.
   *
   * Read path. tryOptimisticRead, then OpenTable.find on the stripe's table (getAcquire of the
   * table reference, then find's own acquire loads), then validate. find is safe racing a
   * writer: it terminates and never throws. If validate fails (a writer came in), the value
   * found is discarded and the read goes on in FunctionLock.readWithoutWaiting (see its
   * Overview): if the holder runs a user function (functionSeq odd; the table is untouched
   * until it returns), the probe is redone and kept if functionSeq did not change; against a
   * plain writer the optimistic read is retried (see Spinning), later also with tryReadLock,
   * which never queues. So a read returns only a validated value, or one read under a read lock
   * it got at once, and never waits for a function or queues behind a writer that may run one.
   *
   * Write path. writeLock on the key's stripe, OpenTable's owner operations (getOwned,
   * putOwned, replaceOwned: plain probes ordered by the lock, slot stores published with
   * release stores for the optimistic readers), the count updated with setRelease, unlockWrite.
   *
   * Spinning. A reader that finds a plain writer in its stripe retries its optimistic read
   * FunctionLock.SPINS times with Thread.onSpinWait before it also tries tryReadLock and backs
   * off (yield, then parkNanos): a stripe is held for a probe or two, and a retry writes nothing
   * shared. A writer does not spin: it calls writeLock at once
   * (StampedLock spins a little by itself before parking). Measured on an idle 2-core machine
   * (WriteHeavyBenchmark.mergeHotKey, 2 threads on 16 hot keys, 2 forks), 64 tryWriteLock
   * attempts first gave 12.6 ops/us against 14.2 without: a spinning writer grabs the stripe the
   * moment it is freed, so two writers of a hot key hand its line back and forth on every
   * operation (putRemove over 64K keys, where stripes are rarely contended, did not change).
   *
   * Resize. When an insert would take a stripe's table to its load limit (live + dead slots: five
   * eighths of it, half once it has seen a removal; OpenTable.maxUsed), the writer
   * builds a new table (OpenTable.rebuilt) under its stripe lock and publishes it with
   * setRelease. Only that stripe's writers wait; the others keep working, and the stripe's
   * readers read its current table during the copy, a quiet period (rebuiltQuietly).
   *
   * Counting. count lives in its stripe, is written only under that stripe's write lock
   * (setRelease) and summed by size() without locks (getAcquire): O(stripes), exact at rest.
   *
   * Functions and re-entrancy. StampedLock is not re-entrant: a function that wrote to its own
   * stripe would deadlock on itself, and one that wrote to another stripe could deadlock against
   * a second thread doing the reverse. So while a thread runs a user function, a per-thread
   * scope (RUNNING, a ThreadLocal chain of the maps whose functions the thread is inside) marks
   * it, and every write checks it first and throws IllegalStateException. Reads need no such
   * check: no read waits for a lock (FunctionLock.readWithoutWaiting). A read cannot simply
   * probe a stripe that a writer holds, because stripe tables reuse dead slots (see
   * OpenTable): a racing probe may pair a key with another key's value. So it validates: an
   * optimistic read where it can get one; else, if the holder is running a user function (the
   * stripe's functionSeq is odd: the table stays untouched until it returns, because putLocked
   * and replaceLocked run only after the function, replaceAll stores its new values only after
   * the stripe's last function, and the function may not write), a read checked against
   * functionSeq, a sequence lock over the function's run; else it retries until the holder, a
   * plain write that waits for nothing, leaves (or a tryReadLock succeeds). A function reading
   * its own stripe is such a case: we hold its lock and run a function. A thread thus never
   * waits for a lock while holding one, and never runs user code while holding two.
   *
   * Iteration. A cursor (StripeCursor) chains one OpenTable cursor per stripe, fetching each
   * when it gets there: a snapshot of the stripe's table (a copy of its array plus its immutable
   * overflow root) taken optimistically and validated, else through readWithoutWaiting, so it
   * holds at most one stripe lock (a read lock got at once), briefly, and calls no user code
   * with it held.
   * forEach, containsValue, equals, hashCode, toString and serialization all use this
   * traversal. Serialization writes the stripe count, then the count and pairs of one traversal
   * (MapSerialization); readObject rebuilds the stripes and stores the pairs through the private
   * put, never an overridable method.
   *
   * File organization: construction, stripes and function scopes, reads, writes, the compute
   * family, bulk operations, traversal and views, Object methods, serialization, VarHandle
   * mechanics.
   */

  private static final long serialVersionUID = 1L;

  /** Mappings the default constructors make room for without rebuilding. */
  static final int DEFAULT_CAPACITY = 16;

  /** The largest stripe count a constructor accepts. */
  public static final int MAX_STRIPES = 1 << 16;

  /** The cap on the default stripe count. */
  static final int MAX_DEFAULT_STRIPES = 1024;

  /** Stripes per processor the default aims at, rounded up to a power of two. */
  static final int DEFAULT_STRIPES_PER_CPU = 16;

  /*
   * The fields init sets (stripes, stripeShift, stripeMask, tableCapacity) are not
   * final because readObject sets them too: constructors and field initialisers do not run for a
   * deserialized map. So a map, like any object with non-final fields, must be safely published
   * (a final or volatile field, a concurrent collection, Thread.start) before another thread
   * uses it. Hot paths read them as plain fields, which is what HotSpot makes of final instance
   * fields in ordinary classes anyway.
   */

  /**
   * The stripes: null until the map's first write, and each element null until the first write
   * to its stripe, whose table is then {@link OpenTable#EMPTY_LOCKED} until its first insert. So
   * an empty map is its own object, whatever the stripe count (issue 16: it was 5.3 KB on 2
   * processors and 168 KB with 64, all of it empty stripes), and a map with a few keys pays for
   * the stripes it uses. Created by compareAndExchange (a volatile write: it publishes the array,
   * and a stripe with its lock and placeholder table, once); read with getAcquire (STRIPES,
   * STRIPE_SLOTS), which pairs with it. A stripe, once created, stays.
   */
  private transient Stripe[] stripes;

  /** 32 - log2(stripes); with one stripe 32, which is harmless because of stripeMask. */
  private transient int stripeShift;

  /** stripes - 1. */
  private transient int stripeMask;

  /** The capacity of a stripe's table when the map is created or cleared. */
  private transient int tableCapacity;


  private transient Set<K> keySetView;
  private transient Collection<V> valuesView;
  private transient Set<Map.Entry<K, V>> entrySetView;

  /* ---------------- Construction -------------- */

  /**
   * Creates an empty map with room for 16 mappings and the default number of stripes (see the
   * class description).
   */
  public StripedLockMap() {
    this(DEFAULT_CAPACITY, defaultStripes());
  }

  /**
   * Creates an empty map with room for about {@code initialCapacity} mappings before a stripe
   * first grows, and the default number of stripes.
   *
   * @param initialCapacity the number of mappings to make room for
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public StripedLockMap(int initialCapacity) {
    this(initialCapacity, defaultStripes());
  }

  /**
   * Creates an empty map with {@code stripes} stripes and room for about {@code initialCapacity}
   * mappings (spread evenly over the stripes) before a stripe first grows. More stripes let more
   * writers run in parallel, at the cost of memory and of {@code O(stripes)} {@link #size}.
   *
   * @param initialCapacity the number of mappings to make room for
   * @param stripes the number of stripes: a power of two from 1 to {@link #MAX_STRIPES}
   * @throws IllegalArgumentException if {@code initialCapacity} is negative, or {@code stripes}
   *     is not a power of two between 1 and {@link #MAX_STRIPES}
   */
  public StripedLockMap(int initialCapacity, int stripes) {
    if (initialCapacity < 0) {
      throw new IllegalArgumentException("negative initial capacity: " + initialCapacity);
    }
    if (!isValidStripeCount(stripes)) {
      throw new IllegalArgumentException(
          "stripes must be a power of two from 1 to " + MAX_STRIPES + ": " + stripes);
    }
    init(initialCapacity, stripes);
  }

  private static boolean isValidStripeCount(int stripes) {
    return stripes >= 1 && stripes <= MAX_STRIPES && Integer.bitCount(stripes) == 1;
  }

  /**
   * Sets up an empty map, given valid arguments: the constructors' work, shared with
   * readObject.
   */
  private void init(int initialCapacity, int stripes) {
    // A quarter more than the even share: stripes fill unevenly.
    long share = ((long) initialCapacity + stripes - 1) / stripes;
    this.tableCapacity = OpenTable.capacityFor((int) Math.min(share + (share >>> 2), 1 << 30));
    this.stripes = null; // created by the first write (stripeAt); readObject may run on a used map
    this.stripeShift = 32 - Integer.numberOfTrailingZeros(stripes);
    this.stripeMask = stripes - 1;
  }

  /**
   * Creates a map with the same mappings as {@code m} and the default number of stripes.
   *
   * @param m the map whose mappings are copied
   * @throws NullPointerException if {@code m} is null or holds a null key or value
   */
  public StripedLockMap(Map<? extends K, ? extends V> m) {
    this(Math.max(DEFAULT_CAPACITY, m.size()), defaultStripes());
    putAll(m);
  }

  /**
   * The next power of two at or above {@link #DEFAULT_STRIPES_PER_CPU} x processors, at most
   * {@link #MAX_DEFAULT_STRIPES}.
   */
  static int defaultStripes() {
    int wanted = DEFAULT_STRIPES_PER_CPU * Runtime.getRuntime().availableProcessors();
    if (wanted >= MAX_DEFAULT_STRIPES) {
      return MAX_DEFAULT_STRIPES;
    }
    return Math.max(1, Integer.highestOneBit(wanted - 1) << 1);
  }

  /**
   * Returns the number of stripes, fixed at construction.
   *
   * @return the number of stripes, a power of two
   */
  public int stripeCount() {
    return stripeMask + 1;
  }

  /* ---------------- Stripes and function scopes -------------- */

  /**
   * One stripe: its lock (the stripe is the lock), its table and its count. Never serialized:
   * the map's stripes field is transient (the map writes its stripe count and mappings), so the
   * fields are transient only to say so.
   */
  static final class Stripe extends FunctionLock {
    private static final long serialVersionUID = 1L;

    /**
     * The stripe's table. Replaced only under the write lock, with setRelease; read plainly
     * under the lock, and with getAcquire by unlocked and optimistic readers.
     */
    transient OpenTable table;

    /**
     * Live mappings. Written under the write lock with setRelease; read by size() with
     * getAcquire.
     */
    transient int count;

    Stripe(OpenTable table) {
      this.table = table; // published with the map (see the note on the fields init sets)
    }

    OpenTable getTableAcquire() {
      return (OpenTable) TABLE.getAcquire(this); // pairs with setTableRelease
    }

    void setTableRelease(OpenTable t) {
      TABLE.setRelease(this, t); // pairs with getTableAcquire
    }

    int getCountAcquire() {
      return (int) COUNT.getAcquire(this); // pairs with setCountRelease
    }

    void setCountRelease(int c) {
      COUNT.setRelease(this, c); // pairs with getCountAcquire
    }

    /** The stripe's write lock, without a spin of our own (see Spinning in the Overview). */
    long lockForWrite() {
      return writeLock();
    }
  }

  /**
   * An empty stripe table whose home slots skip the stripe bits of the hash, and which reuses
   * dead slots: every reader of a stripe validates (optimistic reads, functionSeq) or locks.
   */
  private static OpenTable newTable(int capacity, int stripes) {
    return new OpenTable(capacity, true, Integer.numberOfTrailingZeros(stripes), true);
  }

  /** Writers: the stripe of hash {@code h}, created (with the stripe array) if need be. */
  private Stripe stripeFor(int h) {
    return stripeAt((h >>> stripeShift) & stripeMask);
  }

  /** Readers: the stripe of hash {@code h}, or null if no write has reached it (it is empty). */
  private Stripe stripeIfCreated(int h) {
    Stripe[] all = stripesAcquire();
    return all == null ? null : stripeAcquire(all, (h >>> stripeShift) & stripeMask);
  }

  /** Stripe {@code i}, created (with the stripe array) if it does not exist yet. */
  private Stripe stripeAt(int i) {
    Stripe[] all = stripesAcquire();
    if (all == null) {
      Stripe[] created = new Stripe[stripeMask + 1];
      // Volatile CAS: publishes the array to the getAcquire in stripesAcquire; one creator wins.
      Stripe[] witness = (Stripe[]) STRIPES.compareAndExchange(this, null, created);
      all = witness == null ? created : witness;
    }
    Stripe s = stripeAcquire(all, i);
    if (s == null) {
      Stripe created = new Stripe(OpenTable.EMPTY_LOCKED);
      // Volatile CAS: publishes the stripe (its lock state and table) to stripeAcquire.
      Stripe witness = (Stripe) STRIPE_SLOTS.compareAndExchange(all, i, null, created);
      s = witness == null ? created : witness;
    }
    return s;
  }

  /** Test hook: how many stripes writes have created so far. */
  int createdStripes() {
    Stripe[] all = stripesAcquire();
    int n = 0;
    for (int i = 0; all != null && i < all.length; i++) {
      n += stripeAcquire(all, i) != null ? 1 : 0;
    }
    return n;
  }

  /** The stripe array, or null before the first write (acquire; pairs with stripeAt's CAS). */
  private Stripe[] stripesAcquire() {
    return (Stripe[]) STRIPES.getAcquire(this);
  }

  /** Element {@code i} of a stripe array, or null (acquire; pairs with stripeAt's CAS). */
  private static Stripe stripeAcquire(Stripe[] all, int i) {
    return (Stripe) STRIPE_SLOTS.getAcquire(all, i);
  }

  /** The index of the stripe that holds {@code key}; for tests. */
  int stripeIndexOf(Object key) {
    return (OpenTable.hash(key) >>> stripeShift) & stripeMask;
  }

  /**
   * The capacity of stripe {@code i}'s current table, or of the table its first insert will
   * build while it has none; for tests.
   */
  int tableCapacityOf(int i) {
    Stripe[] all = stripesAcquire();
    Stripe s = all == null ? null : stripeAcquire(all, i);
    OpenTable t = s == null ? OpenTable.EMPTY_LOCKED : s.getTableAcquire();
    return t.isPlaceholder() ? tableCapacity : t.capacity();
  }

  /**
   * The maps whose user functions the current thread is running, innermost first (a function of
   * one map may call another map's compute). Set and restored around every function call.
   */
  private static final ThreadLocal<Scope> RUNNING = new ThreadLocal<>();

  /** One level of {@link #RUNNING}. */
  private static final class Scope {
    final StripedLockMap<?, ?> map;
    final Scope outer;

    Scope(StripedLockMap<?, ?> map, Scope outer) {
      this.map = map;
      this.outer = outer;
    }
  }

  /** True if the current thread is inside a function of this map (holding a stripe lock). */
  private boolean inFunction() {
    for (Scope s = RUNNING.get(); s != null; s = s.outer) {
      if (s.map == this) {
        return true;
      }
    }
    return false;
  }

  /** Every write calls this before it locks. */
  private void checkNotInFunction() {
    if (inFunction()) {
      throw new IllegalStateException(
          "a function passed to compute/merge/replaceAll must not write to the same map");
    }
  }

  /**
   * Runs a user function marked as running in this map, with stripe {@code s} (whose write lock
   * the caller holds) marked quiet for the function's run.
   */
  private <T, U, R> R applyScoped(Stripe s, BiFunction<T, U, R> f, T t, U u) {
    Scope outer = RUNNING.get();
    RUNNING.set(new Scope(this, outer));
    s.beginFunction();
    try {
      return f.apply(t, u);
    } finally {
      s.endFunction();
      RUNNING.set(outer);
    }
  }

  /* ---------------- Reads -------------- */

  /**
   * The value of {@code key}, or null: optimistically without a lock; else (a writer is in the
   * stripe) through {@link FunctionLock#readWithoutWaiting}, which never waits for a user
   * function and never queues for the lock.
   */
  @SuppressWarnings("unchecked")
  private V read(Object key) {
    int h = OpenTable.hash(key);
    Stripe s = stripeIfCreated(h);
    if (s == null) {
      return null; // no write has reached the key's stripe
    }
    long stamp = s.tryOptimisticRead();
    if (stamp != 0L) {
      Object v = s.getTableAcquire().find(key, h);
      if (s.validate(stamp)) {
        return (V) v;
      }
    }
    return (V) s.readWithoutWaiting(
        () -> s.getTableAcquire().find(key, h), // racy probe, validated by readWithoutWaiting
        () -> s.table.getOwned(key, h)); //        under the read lock: plain, ordered by it
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code null} if this map contains
   * no mapping for the key.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public V get(Object key) {
    return read(Objects.requireNonNull(key));
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code defaultValue} if this map
   * contains no mapping for the key.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public V getOrDefault(Object key, V defaultValue) {
    V v = read(Objects.requireNonNull(key));
    return v != null ? v : defaultValue;
  }

  /**
   * Tests whether the specified object is a key in this map.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public boolean containsKey(Object key) {
    return read(Objects.requireNonNull(key)) != null;
  }

  /**
   * Returns {@code true} if this map maps one or more keys to the specified value. This is a
   * weakly consistent traversal of every stripe (see the class description); it calls {@code
   * value.equals} without holding any lock.
   *
   * @throws NullPointerException if the specified value is null
   */
  @Override
  public boolean containsValue(Object value) {
    Objects.requireNonNull(value);
    Views.Cursor c = new StripeCursor();
    while (c.advance()) {
      if (value.equals(c.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the number of mappings (at most {@code Integer.MAX_VALUE}): the sum of the stripes'
   * counters, read without locking in {@code O(stripes)} time. Exact when no write is in flight.
   */
  @Override
  public int size() {
    Stripe[] all = stripesAcquire();
    long n = 0;
    for (int i = 0; all != null && i < all.length; i++) {
      Stripe s = stripeAcquire(all, i);
      if (s != null) {
        n += s.getCountAcquire();
      }
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  /**
   * Returns {@code true} if this map contains no mappings, reading the stripes' counters as
   * {@link #size} does.
   */
  @Override
  public boolean isEmpty() {
    Stripe[] all = stripesAcquire();
    for (int i = 0; all != null && i < all.length; i++) {
      Stripe s = stripeAcquire(all, i);
      if (s != null && s.getCountAcquire() != 0) {
        return false;
      }
    }
    return true;
  }

  /* ---------------- Writes (stripe write lock held by the caller) -------------- */

  /**
   * Under stripe {@code s}'s write lock, before this hold has written its table: {@code t}
   * rebuilt, with the copy published as a quiet period of the stripe (FunctionLock.beginFunction),
   * as a user function's run is, so the stripe's readers read {@code t} meanwhile instead of
   * waiting out the copy; the new table is published after the period. The copy calls the keys'
   * hashCode; a write to this map from there throws IllegalStateException, as from a function.
   */
  private OpenTable rebuiltQuietly(Stripe s, OpenTable t) {
    return applyScoped(s, (unused, count) -> t.rebuilt(count), null, s.count);
  }

  /**
   * Maps {@code key} (unless present and {@code onlyIfAbsent}) and returns the previous value or
   * null. A table at its load limit is rebuilt first, even if the key turns out to be present:
   * one probe per put instead of two, at the price of a rebuild one insert early.
   */
  private Object putLocked(Stripe s, Object key, int h, Object value, boolean onlyIfAbsent) {
    OpenTable t = s.table;
    if (t.needsRebuildBeforeInsert()) {
      t = t.isPlaceholder() ? newTable(tableCapacity, stripeMask + 1) : rebuiltQuietly(s, t);
      s.setTableRelease(t);
    }
    Object old = t.putOwned(key, h, value, onlyIfAbsent);
    if (old == null) {
      s.setCountRelease(s.count + 1);
    }
    return old;
  }

  /**
   * If {@code key} is mapped (to {@code expected}, when not null), maps it to {@code value}, or
   * removes it when {@code value} is null; returns the previous value, or null if nothing
   * changed.
   */
  private static Object replaceLocked(Stripe s, Object key, int h, Object expected,
      Object value) {
    Object old = s.table.replaceOwned(key, h, expected, value);
    if (old != null && value == null) {
      s.setCountRelease(s.count - 1);
    }
    return old;
  }

  @SuppressWarnings("unchecked")
  private V put(K key, V value, boolean onlyIfAbsent) {
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
    checkNotInFunction();
    int h = OpenTable.hash(key);
    Stripe s = stripeFor(h);
    long stamp = s.lockForWrite();
    try {
      return (V) putLocked(s, key, h, value, onlyIfAbsent);
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /** {@link #replaceLocked} under the key's stripe lock. */
  @SuppressWarnings("unchecked")
  private V replaceLocking(Object key, Object expected, V value) {
    checkNotInFunction();
    int h = OpenTable.hash(key);
    Stripe s = stripeIfCreated(h);
    if (s == null) {
      return null; // no write has reached the key's stripe: the key is absent
    }
    long stamp = s.lockForWrite();
    try {
      return (V) replaceLocked(s, key, h, expected, value);
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /**
   * Maps the specified key to the specified value.
   *
   * @return the previous value associated with {@code key}, or {@code null} if there was none
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException if called from a function running inside this map's
   *     {@code compute}/{@code merge} family
   */
  @Override
  public V put(K key, V value) {
    return put(key, value, false);
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
    return put(key, value, true);
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
    return replaceLocking(Objects.requireNonNull(key), null, null);
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
    return value != null && replaceLocking(key, value, null) != null;
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
    return replaceLocking(key, oldValue, newValue) != null;
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
    return replaceLocking(key, null, value);
  }

  /* ---------------- The compute family (stripe write lock) -------------- */

  /**
   * If the key is absent, computes its value with {@code mappingFunction} and stores it unless it
   * is null. The whole call is atomic; the function runs at most once, under the key's stripe
   * lock, and only when the key is absent (a present key is answered by a read, without taking
   * the lock).
   *
   * @return the current (existing or computed) value, or {@code null} if the computed value is
   *     null
   * @throws NullPointerException if the key or function is null
   * @throws IllegalStateException if the function writes to this map, or if this is called from
   *     a function of this map's compute family
   * @throws RuntimeException or Error if the function does, in which case the map is unchanged
   */
  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    Objects.requireNonNull(mappingFunction);
    V present = read(Objects.requireNonNull(key)); // a hit never takes the lock
    if (present != null) {
      return present;
    }
    checkNotInFunction();
    int h = OpenTable.hash(key);
    Stripe s = stripeFor(h);
    long stamp = s.lockForWrite();
    try {
      @SuppressWarnings("unchecked")
      V old = (V) s.table.getOwned(key, h);
      if (old != null) {
        return old; // another thread put it between our read and the lock
      }
      V value = applyScoped(s, (k, unused) -> mappingFunction.apply(k), key, null);
      if (value != null) {
        putLocked(s, key, h, value, false); // the function could not write: still absent
      }
      return value;
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /**
   * If the key is present, computes a new value from it; a null result removes the mapping.
   * Atomic; the function runs at most once, under the key's stripe lock.
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
   * key's stripe lock.
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
   * function runs at most once, under the key's stripe lock, and only when the key is present.
   *
   * @return the new value, or {@code null} if none
   * @throws NullPointerException if the key, value or function is null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(value);
    Objects.requireNonNull(remappingFunction);
    return remap(key, value, false, (k, old) -> remappingFunction.apply(old, value));
  }

  /**
   * compute, computeIfPresent and merge under the key's stripe lock. Absent key: stores {@code
   * absentValue} if not null (merge), else, when {@code callIfAbsent}, the function's result for
   * a null old value unless null (compute), else nothing (computeIfPresent). Present key:
   * stores the function's result, or removes the mapping when it is null. The key is probed
   * again after the function: it cannot have moved, because the function cannot write.
   */
  @SuppressWarnings("unchecked")
  private V remap(K key, V absentValue, boolean callIfAbsent,
      BiFunction<? super K, ? super V, ? extends V> function) {
    Objects.requireNonNull(key);
    checkNotInFunction();
    int h = OpenTable.hash(key);
    Stripe s = stripeFor(h);
    long stamp = s.lockForWrite();
    try {
      V old = (V) s.table.getOwned(key, h);
      if (old == null) {
        V value = absentValue;
        if (value == null && callIfAbsent) {
          value = applyScoped(s, function, key, null);
        }
        if (value != null) {
          putLocked(s, key, h, value, false);
        }
        return value;
      }
      V value = applyScoped(s, function, key, old);
      replaceLocked(s, key, h, null, value);
      return value;
    } finally {
      s.unlockWrite(stamp);
    }
  }

  /* ---------------- Bulk operations -------------- */

  /**
   * Copies all mappings of {@code m} into this map. Not atomic: each mapping is put as by
   * {@link #put}, one stripe lock at a time, so readers may see some of them before others. The
   * mappings of {@code m} are read first, without any lock of this map held, so {@code m} may be
   * this map or a view of it.
   *
   * @throws NullPointerException if {@code m} is null or holds a null key or value, in which
   *     case this map is unchanged
   * @throws IllegalStateException as for {@link #put}, in which case this map is unchanged
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    Object[] pairs = new Object[Math.max(8, m.size() * 2)];
    int n = 0;
    for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
      if (n == pairs.length) {
        pairs = Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = Objects.requireNonNull(e.getKey());
      pairs[n++] = Objects.requireNonNull(e.getValue());
    }
    putPairs(pairs, n);
  }

  /**
   * Puts the first {@code n} elements of {@code pairs} (key at 2i, value at 2i + 1, none null),
   * in order, so a later pair of a key wins. The body of putAll and readObject; never calls an
   * overridable method.
   */
  private void putPairs(Object[] pairs, int n) {
    checkNotInFunction();
    for (int i = 0; i < n; i += 2) {
      @SuppressWarnings("unchecked")
      K k = (K) pairs[i];
      @SuppressWarnings("unchecked")
      V v = (V) pairs[i + 1];
      put(k, v, false);
    }
  }

  /**
   * Removes all mappings, one stripe after another. Not atomic across stripes (as in {@code
   * ConcurrentHashMap}): a mapping put into an already cleared stripe while this runs stays.
   *
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public void clear() {
    checkNotInFunction();
    Stripe[] all = stripesAcquire();
    for (int i = 0; all != null && i < all.length; i++) {
      Stripe s = stripeAcquire(all, i);
      if (s == null) {
        continue; // never written: empty
      }
      long stamp = s.lockForWrite();
      try {
        s.setTableRelease(OpenTable.EMPTY_LOCKED);
        s.setCountRelease(0);
      } finally {
        s.unlockWrite(stamp);
      }
    }
  }

  /**
   * Replaces each value with the result of the function applied to its mapping, one stripe at a
   * time. Atomic per stripe only: within a stripe the function is applied to every mapping under
   * the stripe lock and the new values are stored only if it succeeds for all of them; if it
   * throws, or returns null, that stripe and the ones not reached yet are unchanged, while the
   * stripes already done keep their new values. The function runs once per mapping.
   *
   * @throws NullPointerException if the function is null or returns null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    Objects.requireNonNull(function);
    checkNotInFunction();
    Stripe[] all = stripesAcquire();
    for (int si = 0; all != null && si < all.length; si++) {
      Stripe s = stripeAcquire(all, si);
      if (s == null) {
        continue; // never written: empty
      }
      long stamp = s.lockForWrite();
      try {
        // Our own table under our lock: the live cursor sees exactly the current mappings.
        Object[] pairs = new Object[Math.max(8, s.count * 2)];
        int n = 0;
        OpenTable.Cursor c = s.table.cursor();
        while (c.advance()) {
          @SuppressWarnings("unchecked")
          V v = applyScoped(s, function, (K) c.key(), (V) c.value());
          if (n == pairs.length) {
            pairs = Arrays.copyOf(pairs, n * 2);
          }
          pairs[n++] = c.key();
          pairs[n++] = Objects.requireNonNull(v, "replaceAll function returned null");
        }
        for (int i = 0; i < n; i += 2) {
          s.table.replaceOwned(pairs[i], OpenTable.hash(pairs[i]), null, pairs[i + 1]);
        }
      } finally {
        s.unlockWrite(stamp);
      }
    }
  }

  /**
   * Performs the action for each mapping, in a weakly consistent traversal (see the class
   * description) that holds no lock while the action runs: the action may read or write this
   * map.
   *
   * @throws NullPointerException if the action is null
   */
  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action);
    Views.Cursor c = new StripeCursor();
    while (c.advance()) {
      action.accept((K) c.key(), (V) c.value());
    }
  }

  /* ---------------- Traversal and views -------------- */

  /**
   * A cursor over a snapshot of stripe {@code s}: taken optimistically and validated, else
   * through {@link FunctionLock#readWithoutWaiting} (during a function's run, or under a read
   * lock that was free at that instant), never waiting for a user function.
   */
  private OpenTable.Cursor snapshotOf(Stripe s) {
    long stamp = s.tryOptimisticRead();
    if (stamp != 0L) {
      OpenTable.Cursor c = s.getTableAcquire().snapshotCursor();
      if (s.validate(stamp)) {
        return c;
      }
    }
    return s.readWithoutWaiting(
        () -> s.getTableAcquire().snapshotCursor(), () -> s.table.snapshotCursor());
  }

  /** The traversal: one stripe snapshot after another, each taken when the cursor gets there. */
  private final class StripeCursor implements Views.Cursor {
    private OpenTable.Cursor current;
    private int nextStripe;

    @Override
    public boolean advance() {
      for (; ; ) {
        if (current != null && current.advance()) {
          return true;
        }
        Stripe[] all = stripesAcquire();
        if (all == null || nextStripe == all.length) {
          return false;
        }
        Stripe s = stripeAcquire(all, nextStripe++);
        current = s == null ? null : snapshotOf(s); // a stripe created later was empty here
      }
    }

    @Override
    public Object key() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current.key(); // NoSuchElementException past the end
    }

    @Override
    public Object value() {
      return current == null ? null : current.value();
    }
  }

  /** What the views read and write through: this map and its traversal. */
  private Views.Source<K, V> viewSource() {
    return new Views.Source<>() {
      @Override
      public ConcurrentMap<K, V> map() {
        return StripedLockMap.this;
      }

      @Override
      public Views.Cursor cursor() {
        return new StripeCursor();
      }
    };
  }

  /**
   * Returns a {@link Set} view of the keys. It writes through ({@code remove}, {@code clear},
   * {@code Iterator.remove}) and does not support adding. Its iterators are weakly consistent
   * (see the class description) and never throw {@link
   * java.util.ConcurrentModificationException}.
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

  /* ---------------- Object methods -------------- */

  /**
   * Compares the specified object with this map for equality, as {@link Map#equals} specifies.
   * A weakly consistent traversal: exact only when neither map changes meanwhile. Calls the
   * other map and the keys' and values' {@code equals} without holding any lock.
   */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Map)) {
      return false;
    }
    Map<?, ?> m = (Map<?, ?>) o;
    Views.Cursor c = new StripeCursor();
    int n = 0;
    try {
      while (c.advance()) {
        Object v = m.get(c.key());
        if (v == null || !v.equals(c.value())) {
          return false;
        }
        n++;
      }
    } catch (ClassCastException | NullPointerException e) {
      return false; // m does not accept our keys (as AbstractMap.equals answers)
    }
    return n == m.size();
  }

  /**
   * Returns the hash code of this map, as {@link Map#hashCode} specifies, from a weakly
   * consistent traversal.
   */
  @Override
  public int hashCode() {
    int h = 0;
    Views.Cursor c = new StripeCursor();
    while (c.advance()) {
      h += c.key().hashCode() ^ c.value().hashCode();
    }
    return h;
  }

  /**
   * Returns a string of the mappings, {@code {k1=v1, k2=v2}}, from a weakly consistent
   * traversal; the order is unspecified.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append('{');
    Views.Cursor c = new StripeCursor();
    boolean first = true;
    while (c.advance()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      Object k = c.key();
      Object v = c.value();
      sb.append(k == this ? "(this Map)" : k).append('=').append(v == this ? "(this Map)" : v);
    }
    return sb.append('}').toString();
  }

  /* ---------------- Serialization -------------- */

  /**
   * Writes the stripe count and the mappings of one weakly consistent traversal (a snapshot of
   * one stripe at a time).
   *
   * @param out the stream
   * @throws IOException if the stream fails
   * @serialData the fields of this class (none), the number of stripes (int), then the number of
   *     mappings (int), then each mapping's key and value (Objects)
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    out.writeInt(stripeMask + 1);
    MapSerialization.writeMappings(out, new StripeCursor());
  }

  /**
   * Rebuilds the map from what {@link #writeObject} wrote: the same stripe count, the default
   * capacity, the mappings; of a repeated key (which only a crafted stream holds), the later
   * value wins.
   *
   * @param in the stream
   * @throws IOException if the stream fails, or holds a stripe count that is not a power of two
   *     from 1 to {@link #MAX_STRIPES}, a negative mapping count, a null key or value, or fewer
   *     mappings than its count ({@link InvalidObjectException})
   * @throws ClassNotFoundException if the class of a key or value cannot be found
   */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int stripeCount = in.readInt();
    if (!isValidStripeCount(stripeCount)) {
      throw new InvalidObjectException("bad stripe count: " + stripeCount);
    }
    // Before reading any key or value: one that refers back to this map finds it usable.
    init(DEFAULT_CAPACITY, stripeCount);
    Object[] pairs = MapSerialization.readMappings(in);
    putPairs(pairs, pairs.length);
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle TABLE;
  private static final VarHandle COUNT;
  private static final VarHandle STRIPES;
  private static final VarHandle STRIPE_SLOTS = MethodHandles.arrayElementVarHandle(Stripe[].class);

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STRIPES = l.findVarHandle(StripedLockMap.class, "stripes", Stripe[].class);
      TABLE = l.findVarHandle(Stripe.class, "table", OpenTable.class);
      COUNT = l.findVarHandle(Stripe.class, "count", int.class);
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
   * Creates a new, empty concurrent {@link Set} backed by a {@code StripedLockMap} from the
   * elements to {@link Boolean#TRUE}: the counterpart of {@link
   * java.util.concurrent.ConcurrentHashMap#newKeySet()}. The set is as thread-safe as the map:
   * {@code add} is the map's {@code putIfAbsent}, {@code remove} its {@code remove}, and its
   * iterators traverse weakly consistently, as those of {@link #keySet()} do. It rejects null
   * elements with {@link NullPointerException}, and it is serializable (with its map). Unlike
   * {@code ConcurrentHashMap.KeySetView}, its type is plain {@code Set}.
   *
   * @param <K> the element type
   * @return a new, empty set
   */
  public static <K> Set<K> newKeySet() {
    return new Views.AddingKeySet<>(new StripedLockMap<K, Boolean>(), Boolean.TRUE);
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
    return new Views.AddingKeySet<>(new StripedLockMap<K, Boolean>(initialCapacity), Boolean.TRUE);
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
   * Returns the number of mappings as a {@code long}: the same number as {@link #size}, the sum
   * of the stripes' counters, exact when no write is in flight, and like it capped at {@code
   * Integer.MAX_VALUE}, which only a map of billions of mappings reaches. The counterpart of
   * {@link java.util.concurrent.ConcurrentHashMap#mappingCount()}, for code that moves from it.
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
        StripedLockMap.class, Views.class, OpenTable.class, OverflowTree.class, FunctionLock.class,
        MapSerialization.class);
  }
}

package io.github.cmaps;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link ConcurrentMap} whose reads never lock, never CAS, never write to shared memory and
 * never wait for a writer: {@code get}, {@code containsKey}, {@code getOrDefault}, {@code size},
 * {@code isEmpty} and iteration are a handful of acquire loads over an open-addressing table.
 * {@code put} and {@code replace} of a key that is already present swap its value with one CAS;
 * every other write takes one lock shared by the writers. Built for read-mostly shared state:
 * configuration, caches, registries.
 *
 * <p><b>Contract, in {@link java.util.concurrent.ConcurrentHashMap}'s terms.</b>
 * <ul>
 *   <li><em>Happens-before.</em> An update of a key happens-before every read of that key that
 *       returns the updated value: a read that sees a value also sees everything the writing
 *       thread did before storing it. Single-key operations are linearizable: a read returns the
 *       value of the latest write that completed before it began, or of a concurrent one.</li>
 *   <li><em>No reader ever waits.</em> A writer descheduled at any point, inside a
 *       {@code compute} function or half-way through a resize, delays no reader. Resizing is
 *       incremental: each write moves a bounded slice of the old table into the new one, and a
 *       read that meets a moved slot follows it to the new table, so neither readers nor
 *       writers stop for a whole-table copy. Reads during a resize never miss a key that was
 *       present before the resize began and was not removed.</li>
 *   <li><em>Writers.</em> Inserts, removals, the {@code compute}/{@code merge} family and the
 *       bulk operations share one lock; a {@code put} or {@code replace} that finds its key
 *       present replaces the value with a CAS and takes the lock only if that fails. So a
 *       long-running function passed to {@code compute}, {@code computeIfAbsent}, {@code
 *       computeIfPresent}, {@code merge} or {@code replaceAll} stalls other <b>writers</b> (never
 *       readers) until it returns, except puts that replace the values of other present keys;
 *       a put of the key whose function is running waits for it.</li>
 *   <li><em>Iteration</em> is weakly consistent: iterators of {@link #keySet}, {@link #values}
 *       and {@link #entrySet} never throw {@link java.util.ConcurrentModificationException},
 *       return each mapping that existed when the iterator was created and was not removed at
 *       most once, and may or may not reflect later writes. {@code Iterator.remove} and {@code
 *       Map.Entry.setValue} write through.</li>
 *   <li><em>Size.</em> {@link #size} is read without a lock; it is exact when no write is in
 *       flight, and otherwise the size after some recent write.</li>
 *   <li><em>Nulls.</em> Like {@code ConcurrentHashMap}, the map rejects null keys and values with
 *       {@link NullPointerException}, leaving the map unchanged.</li>
 *   <li><em>Functions.</em> Each function passed to the {@code compute}/{@code merge} family runs
 *       at most once per call, under the writer lock, and the call is atomic. If it throws, the
 *       exception reaches the caller and the map is unchanged. A function may read the map but
 *       <b>must not write to it</b>: such a write throws {@link IllegalStateException} and leaves
 *       the map unchanged, instead of deadlocking or corrupting the table.</li>
 *   <li><em>Hash collisions.</em> Many distinct keys with one hash code do not make the map
 *       quadratic: past a short probe window they go to an immutable balanced tree, ordered by
 *       {@code compareTo} when the key's class {@code C} implements {@code Comparable<C>} itself
 *       (as {@code String}, {@code Long} and {@code UUID} do; the rule {@code
 *       ConcurrentHashMap} follows). Other keys of one hash code are searched with {@code
 *       equals}, so a key's {@code compareTo} is never called where it is not defined, and a key
 *       equal to a stored key of another class finds it. A hash flood costs each later rebuild
 *       nothing: the tree moves to the new table by reference.</li>
 *   <li><em>Removed mappings</em> leave nothing behind: a removed key and its value are no longer
 *       reachable from the map (its slot remembers the key only through a weak reference, so
 *       that an equal key inserted later takes the same slot).</li>
 * </ul>
 *
 * <p><b>Note:</b> {@link #clear} and {@link #replaceAll} are atomic with respect to other writers
 * but not to readers, who may observe them part-way. {@link #putAll} is not atomic: it holds the
 * writer lock, so no other insert, removal or function runs in the middle of it, but a {@code put}
 * or {@code replace} of a key that is already present swaps its value without that lock and may
 * land between two of its stores (readers may see it part-way too), as with {@code
 * ConcurrentHashMap}. A key removed and then inserted again while an iteration is in progress
 * may be returned by that iteration twice (unless it takes its old slot back, it lands in a fresh
 * slot, which may lie ahead of the iteration), with or without a resize.
 *
 * <p><b>Serialization</b> writes the mappings, never a lock or table: their number, then each key
 * and value, as one weakly consistent traversal returns them, so a map written while other
 * threads write to it is written the way its iterators see it. Like an iterator, the traversal
 * may return twice a key that a writer removed and put back meanwhile; reading keeps the later
 * value, so every such stream deserializes. Subclasses round-trip: their own serializable
 * fields are written after the mappings and restored, and reading stores the mappings without
 * calling overridable methods such as {@code put}. Keys and values that refer to the map come back
 * referring to the deserialized map. A stream with a null key or value, a negative count or fewer
 * mappings than its count is rejected with {@link java.io.InvalidObjectException}. A deserialized
 * map has the default initial capacity.
 *
 * <p>Which map to pick for which workload, {@code ConcurrentHashMap} included: see the {@linkplain
 *     io.github.cmaps package summary}.
 *
 * @param <K> the type of keys maintained by this map
 * @param <V> the type of mapped values
 */
public class LockFreeReadMap<K, V> extends AbstractMap<K, V>
    implements ConcurrentMap<K, V>, Serializable {

  /*
   * Overview:
   *
   * Layout. One OpenTable in bounded-probe mode (see OpenTable's Overview): keys and values
   * interleaved in one Object[] (key at 2i, value at 2i + 1), linear probing within a window of
   * OpenTable.WINDOW slots, and an immutable overflow tree for keys whose window is full. A get
   * on a present key typically touches one cache line of the table: there is no node object
   * between the table and the key, which is one dependent cache miss fewer than
   * ConcurrentHashMap, and no per-mapping node (about 19 bytes of table per mapping at 1M
   * entries, fingerprints included, and 24 on average over a doubling from 1M to 2M with the
   * five-eighths growth limit of OpenTable.maxUsed, against about 40 for ConcurrentHashMap).
   *
   * Reads. get() loads the table reference (getAcquire, pairs with the writer's setRelease when
   * it publishes a new table), then probes it with getAcquire loads of key and value slots
   * (pairing with the writer's setRelease of the key when inserting and of the value when
   * updating). Nothing is written, nothing waits: the table only ever changes by single
   * reference stores, each publishing a complete key, value or overflow tree.
   *
   * Writes. One ReentrantLock serializes writers, except the lock-free swaps below. Inside it
   * a writer probes with plain loads of key slots (only lock holders write keys), inserts with
   * setPlain(value) + setRelease(key), updates a value with getAndSet or CAS, removes with a CAS
   * of the value to null then setRelease(key = a Vacant of the key, or DELETED). A slot is never
   * given to another key within a table, so a reader can never read key A and then the value of a
   * key B in the same slot; an insert of a key equal to a removed one takes the removed one's
   * Vacant slot back (key, then value: OpenTable's Overview, "Vacant slots"), which keeps a key
   * put and removed over and over in one slot. Dead slots are dropped by the next resize.
   *
   * Lock-free swaps. put(k, v) and replace(k, v) first look for k in the current table's window
   * (acquire loads, as a reader does) and, if its slot holds a live value, replace it with one
   * CAS (weakCompareAndSetRelease, retried while the value stays live): no lock, and no shared
   * write but the slot itself. Refreshing a present key is what a read-mostly map's writes mostly
   * are (a cache entry, a configuration value), and this keeps them off the lock's cache line
   * (docs/lock-free-read-map.md has the numbers). It is safe because no lock holder ever writes a
   * live value slot with a plain store: each such write is an atomic getAndSet or CAS, so a swap
   * either lands first, and the lock holder sees and returns it, or comes later and fails. A swap
   * fails, and its caller takes the lock, when the slot holds
   *   - null: the mapping is being removed;
   *   - MOVED: a resize copied the mapping (copy, then CAS the old slot to MOVED; if a swap landed
   *     between the two, the CAS fails and the newer value is copied instead). Small tables are
   *     migrated whole the same way, never copied and dropped: a swap could land in a table nobody
   *     reads any more and be lost;
   *   - FROZEN: a user function is computing the slot's next value. compute, computeIfPresent and
   *     merge of a present key freeze its slot (a record {slot, value} on the table, then a CAS of
   *     the value to FROZEN), run the function, then store the result (or remove) and drop the
   *     record; replaceAll freezes every slot the same way before its first call. Readers who meet
   *     FROZEN take the value from the record (OpenTable.frozenValue), so they still never wait;
   *     a put of that key waits on the lock until the function is done, so the function's result
   *     is never computed from a value that a put has replaced meanwhile.
   * clear() publishes an empty table and drops the old ones as they are: a swap that lands in a
   * dropped table belongs to a put that began before the clear, returns a value that was current
   * until then and stores one nobody can read: that is the put taking effect just before the
   * clear. A thread inside one of this map's functions never swaps (its writes must throw), which
   * is why swapPresent checks functionOwner first.
   *
   * Resize (incremental, one writer at a time, readers never wait):
   *
   *    table ──► old [ k v | k MOVED | k v | k MOVED ... ]   overflow: MOVED
   *                 next ──► new [ ... copies of moved mappings, and every write since ... ]
   *
   *  1. When the table reaches its load limit of live and dead slots (five eighths, half once it
   *     has seen a removal: OpenTable.maxUsed), the writer allocates 'new' (double
   *     the capacity if live mappings fill a quarter, else the same, to drop dead slots), links
   *     it as old.next (setRelease), hands it old's overflow tree (by reference: the tree is
   *     immutable) and marks old's overflow MOVED. Small tables (up to SMALL_TABLE slots) are migrated whole at once, by the same
   *     slot-by-slot steps, and published.
   *  2. From then on every write goes to 'new'. Before touching key K, a writer migrates K's
   *     slot of 'old' (copy into new, then CAS MOVED into old's value slot), and it
   *     migrates MIGRATE_CHUNK further slots in index order. A write therefore never copies more
   *     than a chunk: no stop-the-world pause for writers either.
   *  3. When the last slot is migrated, the writer publishes 'new' as the table (setRelease).
   *
   * A reader of 'old' that meets MOVED (in a value slot or as the overflow root) follows
   * old.next, which was set before any MOVED was written; a reader that misses in 'old' also
   * looks in old.next if it is set, because keys inserted during the resize live only there.
   * Either way it sees the mapping as of some instant within the read: present keys are never
   * missed. Chains (a new resize of 'new' while someone still reads 'old') are followed the
   * same way.
   *
   * Iteration walks the table it started from, then its successors. A key found in a later
   * table is skipped if an earlier table of the walk held it (it was handled there, or inserted
   * after the walk passed), so each mapping is returned at most once unless it is removed and
   * re-inserted during the walk.
   *
   * Size is a field written by the writer (setRelease) after each change and read with
   * getAcquire.
   *
   * Serialization writes the count and pairs of one ChainCursor traversal (MapSerialization), so
   * a key removed and put back during it may appear twice; readObject stores the pairs in order,
   * through the internal putPairs, so the later value wins.
   *
   * File organization: construction, reads, the writer lock and table helpers, single-key
   * writes, the compute family, bulk operations, iteration and views, serialization.
   */

  private static final long serialVersionUID = 1L;

  /** Mappings the default constructor makes room for without resizing. */
  static final int DEFAULT_CAPACITY = 16;

  /**
   * Slots of the old table each write migrates during a resize. The writes of a resize are the
   * slowest of a growth cycle (each copy loads a key the table does not hold the hash of, a cache
   * miss at 1M keys), so this sets the put p99 and, without G1's refinement tail (JDK 25, or the
   * Parallel collector), its p99.9: measured (issue 16, groupGrowthLatency, random Integer keys
   * to 1M, one writer and one reader, JDK 25, two rounds) 64 slots gave p99.9 7.4 and 4.3 us,
   * 16 gave 2.4 and 2.7 (ConcurrentHashMap 1.1). A resize then spans four times as many writes;
   * the readers and writer of groupGrowth and putRemove at 1M (JDK 17) showed no change the
   * noise could tell (docs/lock-free-read-map.md).
   */
  static final int MIGRATE_CHUNK = 16;

  /** Tables of at most this capacity are copied whole when they resize. */
  static final int SMALL_TABLE = 1 << 10;

  /**
   * Serializes writers. Plain lock(), with no spinning of our own first: measured on 2 cores
   * (WriteHeavyBenchmark, 1K keys, 2 threads), retrying tryLock 64 times before blocking cut
   * mergeHotKey from 21.7 to 4.8 ops/us and putRemove from 5.8 to 2.9 (checking isLocked before
   * each tryLock did no better). A spinning waiter takes the lock the moment it is released, so
   * the two writers hand it back and forth on every operation; one that parks lets the other run
   * many operations with the lock in its own cache.
   */
  private transient ReentrantLock writeLock;

  /*
   * The fields init sets (writeLock above, and initialTableCapacity, smallTable, migrateChunk,
   * the first table) are not final because readObject sets them too: constructors
   * and field initialisers do not run for a deserialized map. So a map, like any object with
   * non-final fields, must be safely published (a final or volatile field, a concurrent
   * collection, Thread.start) before another thread uses it. Hot paths read them as plain fields,
   * which is what HotSpot makes of final instance fields in ordinary classes anyway.
   */

  /** The current table. Accessed through TABLE: getAcquire by readers, setRelease by writers. */
  @SuppressWarnings("unused")
  private transient OpenTable table;

  /** Live mappings. Accessed through SIZE: getAcquire by readers, setRelease by writers. */
  @SuppressWarnings("unused")
  private transient int size;

  /** The thread running a user function under the writer lock, or null. Guarded by the lock. */
  private transient Thread functionOwner;

  private transient int initialTableCapacity;

  /** Tables of at most this capacity are copied whole: SMALL_TABLE except in tests. */
  private transient int smallTable;

  /** Slots each write migrates during an incremental resize: MIGRATE_CHUNK except in tests. */
  private transient int migrateChunk;


  private transient Set<K> keySetView;
  private transient Collection<V> valuesView;
  private transient Set<Map.Entry<K, V>> entrySetView;

  /* ---------------- Construction -------------- */

  /** Creates an empty map with room for at least 16 mappings before it first resizes. */
  public LockFreeReadMap() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Creates an empty map with room for {@code initialCapacity} mappings before it first resizes.
   *
   * @param initialCapacity the number of mappings to make room for
   * @throws IllegalArgumentException if {@code initialCapacity} is negative
   */
  public LockFreeReadMap(int initialCapacity) {
    this(initialCapacity, SMALL_TABLE, MIGRATE_CHUNK);
  }

  /**
   * Test hook: a map whose resizes copy tables of at most {@code smallTable} slots whole and
   * migrate larger ones {@code migrateChunk} slots per write. With {@code smallTable = 0} and
   * {@code migrateChunk = 1}, a map of a few keys spends most of its short life half-way through
   * an incremental resize, where Lincheck's small histories can reach it.
   */
  LockFreeReadMap(int initialCapacity, int smallTable, int migrateChunk) {
    if (migrateChunk < 1) {
      throw new IllegalArgumentException("migrateChunk must be positive: " + migrateChunk);
    }
    init(initialCapacity, smallTable, migrateChunk);
  }

  /** Sets up an empty map: the constructors' work, shared with readObject. */
  private void init(int initialCapacity, int smallTable, int migrateChunk) {
    this.writeLock = new ReentrantLock();
    this.initialTableCapacity = OpenTable.capacityFor(initialCapacity);
    this.smallTable = smallTable;
    this.migrateChunk = migrateChunk;
    TABLE.setRelease(this, OpenTable.EMPTY_LOCK_FREE); // replaced before the first insert
  }

  /**
   * Creates a map with the same mappings as {@code m}.
   *
   * @param m the map whose mappings are copied
   * @throws NullPointerException if {@code m} is null or holds a null key or value
   */
  public LockFreeReadMap(Map<? extends K, ? extends V> m) {
    this(Math.max(DEFAULT_CAPACITY, m.size()));
    putAll(m);
  }

  /* ---------------- Reads (no lock, no CAS, no shared writes) -------------- */

  /** The current table (getAcquire: pairs with setRelease in publish and init). */
  private OpenTable tableAcquire() {
    return (OpenTable) TABLE.getAcquire(this);
  }

  /** Test hook: true while an incremental resize is in progress (two tables reachable). */
  boolean resizeInProgress() {
    return tableAcquire().nextAcquire() != null;
  }

  /** Test hook: the table readers start from. */
  OpenTable currentTable() {
    return tableAcquire();
  }

  /** Test hook: the mappings in the overflow trees of the current table and its successors. */
  int overflowMappings() {
    int n = 0;
    for (OpenTable t = tableAcquire(); t != null; t = t.nextAcquire()) {
      Object root = t.overflowAcquire(); // MOVED in a table whose successor has its tree
      if (root instanceof OverflowTree.Node) {
        n += OverflowTree.size((OverflowTree.Node) root);
      }
    }
    return n;
  }

  /**
   * Looks {@code key} up starting at table {@code t} and following resize successors: the value,
   * or null.
   */
  static Object lookup(OpenTable t, Object key, int h) {
    while (t != null) {
      Object v = t.find(key, h);
      if (v == OpenTable.MOVED) {
        t = t.nextAcquire(); // set before any MOVED mark was written
      } else if (v != null) {
        return v;
      } else {
        t = t.nextAcquire(); // keys inserted during a resize live only in the successor
      }
    }
    return null;
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code null} if this map contains
   * no mapping for the key. Never blocks.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int h = OpenTable.hash(key); // NullPointerException for a null key
    OpenTable t = tableAcquire();
    Object v = t.find(key, h);
    if (v != null && v != OpenTable.MOVED) {
      return (V) v;
    }
    return (V) lookup(t.nextAcquire(), key, h);
  }

  /**
   * Returns the value to which the specified key is mapped, or {@code defaultValue} if this map
   * contains no mapping for the key. Never blocks.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public V getOrDefault(Object key, V defaultValue) {
    V v = get(key);
    return v != null ? v : defaultValue;
  }

  /**
   * Tests whether the specified object is a key in this map. Never blocks.
   *
   * @throws NullPointerException if the specified key is null
   */
  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /**
   * Returns {@code true} if this map maps one or more keys to the specified value: a weakly
   * consistent traversal, never blocks.
   *
   * @throws NullPointerException if the specified value is null
   */
  @Override
  public boolean containsValue(Object value) {
    Objects.requireNonNull(value);
    ChainCursor c = new ChainCursor(tableAcquire());
    while (c.advance()) {
      if (value.equals(c.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the number of mappings: exact when no write is in flight. Never blocks.
   *
   * @return the number of mappings
   */
  @Override
  public int size() {
    return (int) SIZE.getAcquire(this); // pairs with setRelease in setSize
  }

  /** Returns {@code true} if this map contains no mappings. Never blocks. */
  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  /** Test hook: true while an incremental resize is in progress (a successor table exists). */
  boolean isResizing() {
    return tableAcquire().nextAcquire() != null;
  }

  /* ---------------- Writer lock and table helpers -------------- */

  /** Takes the writer lock, refusing a write from inside one of this map's functions. */
  private void lockForWrite() {
    writeLock.lock();
    if (functionOwner == Thread.currentThread()) {
      writeLock.unlock();
      throw new IllegalStateException(
          "a function passed to compute/merge/replaceAll must not write to the same map");
    }
  }

  /** Runs a user function as the function owner; the caller holds the writer lock. */
  private <T, U, R> R applyOwned(BiFunction<T, U, R> f, T t, U u) {
    functionOwner = Thread.currentThread();
    try {
      return f.apply(t, u);
    } finally {
      functionOwner = null;
    }
  }

  /** Under the lock: size changes (setRelease, pairs with getAcquire in size()). */
  private void addSize(int delta) {
    SIZE.setRelease(this, (int) SIZE.get(this) + delta);
  }

  /**
   * Under the lock, after a removal of {@code key} from the write table: counts it, and if a
   * resize is in progress, drops the key from the table being migrated too. writeTable migrated
   * the key's slot there before the removal (copy, then MOVED in the value slot), but its key
   * slot still held the key, which would stay reachable from the map for as long as the resize
   * lasts, and a resize lasts until enough later writes finish it: forever, if writes stop
   * (issue 14). A reader that meets the DELETED mark probes on and, missing in the old table,
   * looks in its successor, where the key is gone: the same answer it gets after the removal.
   */
  private void removed(Object key, int h) {
    addSize(-1);
    OpenTable current = (OpenTable) TABLE.get(this); // plain: only lock holders store it
    if (current.nextAcquire() != null) {
      current.forgetMigrated(key, h);
    }
  }

  /** Under the lock: makes {@code t} the table readers start from. */
  private void publish(OpenTable t) {
    TABLE.setRelease(this, t); // pairs with getAcquire in tableAcquire
  }

  /**
   * Under the lock: the table writes go to (the current one, or its successor during a resize),
   * after advancing the resize by a chunk and migrating {@code key}'s mapping into it.
   */
  private OpenTable writeTable(Object key, int h) {
    OpenTable t = (OpenTable) TABLE.get(this); // plain: only lock holders store it
    OpenTable n = t.nextAcquire();
    if (n == null) {
      return t;
    }
    if (t.migrateSome(migrateChunk, n)) {
      publish(n);
      return n;
    }
    t.migrateKey(key, h, n);
    return n;
  }

  /**
   * Under the lock: a table with room for one more insert of {@code key}, given that {@code t}
   * is the table writes go to; starts (or finishes, then starts) a resize when {@code t} is full,
   * or when dead slots alone would push the key into the overflow tree (see
   * OpenTable.windowExhaustedByDeadSlots).
   */
  private OpenTable roomFor(OpenTable t, Object key, int h) {
    if (!t.needsRebuildBeforeInsert() && !t.windowExhaustedByDeadSlots(key, h)) {
      return t;
    }
    if (t.isPlaceholder()) { // the first insert; never a successor of it: see EMPTY_LOCK_FREE
      OpenTable first = new OpenTable(initialTableCapacity, true);
      publish(first);
      return first;
    }
    OpenTable current = (OpenTable) TABLE.get(this);
    if (current != t) { // a resize into t is in progress and t is full: finish it first
      current.migrateSome(current.capacity(), t);
      publish(t);
    }
    int live = (int) SIZE.get(this);
    OpenTable n = new OpenTable(t.grownCapacity(live), true);
    t.beginMigration(n);
    // A small table is migrated whole at once. It is still migrated (each slot copied, then
    // marked MOVED by CAS) rather than copied and dropped: a lock-free put may be about to swap
    // a value in t, and only a MOVED mark makes that swap fail instead of landing in a table
    // nobody reads any more.
    if (t.migrateSome(t.capacity() <= smallTable ? t.capacity() : migrateChunk, n)) {
      publish(n);
    }
    return n;
  }

  /**
   * Under the lock: finishes a resize in progress, if any, and returns the table, which then has
   * no successor.
   */
  private OpenTable settledTable() {
    OpenTable t = (OpenTable) TABLE.get(this); // plain: only lock holders store it
    for (OpenTable n = t.nextAcquire(); n != null; n = t.nextAcquire()) {
      t.migrateSome(t.capacity(), n);
      publish(n);
      t = n;
    }
    return t;
  }

  /** Under the lock: inserts a mapping for a key that is absent from write table {@code t}. */
  private void insert(OpenTable t, Object key, int h, Object value) {
    roomFor(t, key, h).putOwned(key, h, value, false);
    addSize(1);
  }

  /* ---------------- Single-key writes -------------- */

  /**
   * Maps the specified key to the specified value.
   *
   * @return the previous value associated with {@code key}, or {@code null} if there was none
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException if called from a function running inside this map's
   *     {@code compute}/{@code merge} family
   */
  @Override
  @SuppressWarnings("unchecked")
  public V put(K key, V value) {
    int h = OpenTable.hash(key);
    Objects.requireNonNull(value);
    Object present = swapPresent(key, h, value);
    if (present != null) {
      return (V) present;
    }
    lockForWrite();
    try {
      return (V) putLocked(writeTable(key, h), key, h, value, false);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The lock-free path of {@link #put} and {@link #replace(Object, Object)}: if {@code key} has a
   * live value in the current table's probe window, swaps in {@code value} by CAS and returns the
   * value replaced. Returns null, having changed nothing, when the key is absent, in the overflow
   * tree, being removed, migrated or frozen for a user function: the caller then takes the lock.
   *
   * <p>This is safe without the lock because every other write to a live value slot is atomic
   * (see OpenTable.swapLiveValue): a swap that lands before a writer's getAndSet, CAS, freeze or
   * MOVED mark is seen by it; one that comes after fails. A thread running one of this map's
   * functions must not write to it, so it always takes the lock path, which throws.
   */
  private Object swapPresent(Object key, int h, Object value) {
    OpenTable t = tableAcquire();
    int s = t.findSlot(key, h);
    // functionOwner is read without the lock: a thread can only ever find itself there if it
    // stored itself (program order); any other thread's value is not the current thread.
    if (s < 0 || functionOwner == Thread.currentThread()) {
      return null;
    }
    return t.swapLiveValue(s, value);
  }

  /**
   * If the specified key is not already associated with a value, associates it with the given
   * value; atomic. A present key is answered without taking the writer lock.
   *
   * @return the previous value associated with the specified key, or {@code null} if there was
   *     none (and the new value was stored)
   * @throws NullPointerException if the specified key or value is null
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  @SuppressWarnings("unchecked")
  public V putIfAbsent(K key, V value) {
    Objects.requireNonNull(value);
    V present = get(key);
    if (present != null) {
      return present;
    }
    int h = OpenTable.hash(key);
    lockForWrite();
    try {
      return (V) putLocked(writeTable(key, h), key, h, value, true);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Under the lock: maps {@code key} in write table {@code t} (unless present and {@code
   * onlyIfAbsent}) and returns the previous value or null. When {@code t} has room for the
   * insert, one probe finds the key or the slot it goes to; when a resize is due, the key is
   * looked up first, so that a present key does not bring one.
   */
  private Object putLocked(OpenTable t, Object key, int h, Object value, boolean onlyIfAbsent) {
    if (!t.needsRebuildBeforeInsert() && !t.windowExhaustedByDeadSlots(key, h)) {
      Object old = t.putOwned(key, h, value, onlyIfAbsent);
      if (old == null) {
        addSize(1);
      }
      return old;
    }
    Object old = onlyIfAbsent ? t.getOwned(key, h) : t.replaceOwned(key, h, null, value);
    if (old == null) {
      insert(t, key, h, value);
    }
    return old;
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
    return replaceOrRemove(key, null, null);
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
    return value != null && replaceOrRemove(key, value, null) != null;
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
    Objects.requireNonNull(oldValue);
    Objects.requireNonNull(newValue);
    return replaceOrRemove(key, oldValue, newValue) != null;
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
  @SuppressWarnings("unchecked")
  public V replace(K key, V value) {
    Objects.requireNonNull(value);
    int h = OpenTable.hash(key);
    Object present = swapPresent(key, h, value);
    if (present != null) {
      return (V) present;
    }
    return replaceOrRemove(key, h, null, value);
  }

  /**
   * If {@code key} is mapped (to {@code expected}, unless null), maps it to {@code value}, or
   * removes it when {@code value} is null. Returns the previous value, or null if nothing changed.
   */
  private V replaceOrRemove(Object key, Object expected, Object value) {
    return replaceOrRemove(key, OpenTable.hash(key), expected, value);
  }

  /** {@link #replaceOrRemove(Object, Object, Object)} for a key whose hash is {@code h}. */
  @SuppressWarnings("unchecked")
  private V replaceOrRemove(Object key, int h, Object expected, Object value) {
    lockForWrite();
    try {
      Object old = writeTable(key, h).replaceOwned(key, h, expected, value);
      if (old != null && value == null) {
        removed(key, h);
      }
      return (V) old;
    } finally {
      writeLock.unlock();
    }
  }

  /* ---------------- The compute family (writer lock) -------------- */

  /**
   * If the key is absent, computes its value with {@code mappingFunction} and stores it unless it
   * is null. Atomic; the function runs at most once, under the writer lock, and only when the
   * key is absent. A present key is answered without taking the lock.
   *
   * @return the current (existing or computed) value, or {@code null} if the computed value is
   *     null
   * @throws NullPointerException if the key or function is null
   * @throws IllegalStateException if the function writes to this map, or if this is called from
   *     a function of this map's compute family
   */
  @Override
  @SuppressWarnings("unchecked")
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    Objects.requireNonNull(mappingFunction);
    V present = get(key);
    if (present != null) {
      return present;
    }
    int h = OpenTable.hash(key);
    lockForWrite();
    try {
      OpenTable t = writeTable(key, h);
      Object old = t.getOwned(key, h);
      if (old != null) {
        return (V) old;
      }
      V value = applyOwned((k, unused) -> mappingFunction.apply(k), key, null);
      if (value != null) {
        // The function could not write (that throws), so t is still the write table.
        insert(t, key, h, value);
      }
      return value;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * If the key is present, computes a new value from it; a null result removes the mapping.
   * Atomic; the function runs at most once, under the writer lock.
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
   * writer lock.
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
   * function runs at most once, under the writer lock, and only when the key is present.
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
    int h = OpenTable.hash(key);
    lockForWrite();
    try {
      OpenTable t = writeTable(key, h);
      int slot = t.probe(key, h);
      if (slot >= 0) {
        // A present key in the window: freeze its slot so that no lock-free put lands between
        // the value the function sees and the one it returns.
        V old = (V) t.freezeAt(slot);
        V value = old; // restored if the function throws
        try {
          value = applyOwned(function, key, old);
        } finally {
          t.thawAt(slot, value);
        }
        if (value == null) {
          removed(key, h);
        }
        return value;
      }
      // Absent from the window, or else perhaps in the overflow tree, which only lock holders
      // write: look there (one load when the table has no tree).
      V old = (V) t.getOverflowOwned(key, h);
      if (old == null) {
        V value = absentValue;
        if (value == null && callIfAbsent) {
          value = applyOwned(function, key, null);
        }
        if (value != null) {
          insert(t, key, h, value);
        }
        return value;
      }
      V value = applyOwned(function, key, old);
      t.replaceOwned(key, h, null, value);
      if (value == null) {
        removed(key, h);
      }
      return value;
    } finally {
      writeLock.unlock();
    }
  }

  /* ---------------- Bulk operations -------------- */

  /**
   * Copies all mappings of {@code m} into this map. Other writers wait until all are stored;
   * readers may see some of them before the call returns. {@code m} is read before the lock is
   * taken, so it may be this map or a view of it.
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
        pairs = Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = Objects.requireNonNull(e.getKey());
      pairs[n++] = Objects.requireNonNull(e.getValue());
    }
    putPairs(pairs, n);
  }

  /**
   * Stores the first {@code n} elements of {@code pairs} (key at 2i, value at 2i + 1, none null)
   * under one hold of the writer lock, in order, so a later pair of a key wins. The body of
   * putAll and readObject; never calls an overridable method.
   */
  private void putPairs(Object[] pairs, int n) {
    if (n == 0) {
      return;
    }
    lockForWrite();
    try {
      for (int i = 0; i < n; i += 2) {
        Object key = pairs[i];
        int h = OpenTable.hash(key);
        OpenTable t = writeTable(key, h);
        if (t.replaceOwned(key, h, null, pairs[i + 1]) == null) {
          insert(t, key, h, pairs[i + 1]);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Removes all mappings: atomic for writers; a concurrent reader sees the map before or after.
   *
   * @throws IllegalStateException as for {@link #put}
   */
  @Override
  public void clear() {
    lockForWrite();
    try {
      // The old tables are dropped as they are. A lock-free put that found its key in one before
      // this publish may still swap a value there afterwards; that is harmless: the put began
      // before the clear, nobody can ever read the dropped table's new value, and the value it
      // returns was current until the clear, so the put takes effect as if just before the clear
      // (which then removed its mapping). A resize, by contrast, keeps the mappings it moves,
      // which is why migration marks slots MOVED by CAS.
      publish(OpenTable.EMPTY_LOCK_FREE);
      SIZE.setRelease(this, 0);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Replaces each value with the result of the function, under the writer lock: the function is
   * first applied to every mapping, and only if it succeeds for all of them are the new values
   * stored (so if it throws, or returns null, the map is unchanged). Readers may observe the
   * stores part-way.
   *
   * @throws NullPointerException if the function is null or returns null
   * @throws IllegalStateException as for {@link #computeIfAbsent}
   */
  @Override
  @SuppressWarnings("unchecked")
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    Objects.requireNonNull(function);
    lockForWrite();
    try {
      OpenTable t = settledTable();
      if (t.isPlaceholder()) {
        return; // empty: nothing to replace, and the shared table must not be frozen
      }
      // Every slot frozen first, so that no lock-free put lands between the values the function
      // sees and the results stored; readers meanwhile get the old values.
      Object[] old = new Object[t.capacity()];
      t.freezeAll(old);
      Object[] stored = old; // thawed back to the old values unless every call succeeds
      Object[] overflow = t.overflowPairs();
      try {
        Object[] results = new Object[old.length];
        for (int s = 0; s < old.length; s++) {
          if (old[s] != null) {
            results[s] = applyReplacing(function, t.keyAt(s), old[s]);
          }
        }
        for (int i = 0; i < overflow.length; i += 2) {
          overflow[i + 1] = applyReplacing(function, overflow[i], overflow[i + 1]);
        }
        stored = results;
      } finally {
        t.thawAll(old, stored);
      }
      for (int i = 0; i < overflow.length; i += 2) {
        t.replaceOwned(overflow[i], OpenTable.hash(overflow[i]), null, overflow[i + 1]);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** One replaceAll call of the function, which must not return null. */
  @SuppressWarnings("unchecked")
  private Object applyReplacing(
      BiFunction<? super K, ? super V, ? extends V> function, Object key, Object value) {
    return Objects.requireNonNull(
        applyOwned(function, (K) key, (V) value), "replaceAll function returned null");
  }

  /**
   * Performs the action for each mapping, in a weakly consistent traversal without any lock: the
   * action may read or write this map.
   *
   * @throws NullPointerException if the action is null
   */
  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action);
    ChainCursor c = new ChainCursor(tableAcquire());
    while (c.advance()) {
      action.accept((K) c.key(), (V) c.value());
    }
  }

  /* ---------------- Iteration and views -------------- */

  /**
   * A lock-free, weakly consistent cursor: walks the table it starts from (main slots, then a
   * snapshot of the overflow tree), then each resize successor, skipping keys an earlier table
   * of the walk already held. Reads only, with getAcquire.
   */
  static final class ChainCursor implements Views.Cursor {
    private static final Object[] NONE = new Object[0];

    /** Tables already walked, and the overflow root each one had when walked. */
    private OpenTable[] walked = new OpenTable[2];

    private Object[] walkedOverflow = new Object[2];
    private int walkedCount;

    private OpenTable current;
    private int slot;
    private Object overflowRoot;
    private Object[] overflow; // flattened snapshot of current's overflow, once main slots end
    private int overflowIndex;
    private Object key;
    private Object value;

    ChainCursor(OpenTable start) {
      this.current = start;
    }

    @Override
    public boolean advance() {
      while (current != null) {
        OpenTable t = current;
        Object[] kv = t.kv;
        while (slot < t.capacity()) {
          int s = slot++;
          int j = s << 1;
          Object k = OpenTable.getAcquire(kv, j); // pairs with setRelease(key)
          // A Vacant's slot may show the value of the insert taking it back: skip it by its key.
          if (k == null || k == OpenTable.DELETED || k instanceof OpenTable.Vacant) {
            continue;
          }
          Object v = OpenTable.getAcquire(kv, j + 1); // pairs with setRelease(value) and CASes
          if (v == OpenTable.FROZEN) {
            v = t.frozenValue(s);
          }
          if (v != null && emit(t, k, v)) {
            return true;
          }
        }
        if (overflow == null) {
          overflowRoot = t.overflowAcquire(); // pairs with setRelease(overflow)
          overflow =
              overflowRoot instanceof OverflowTree.Node
                  ? OverflowTree.toArray((OverflowTree.Node) overflowRoot)
                  : NONE;
        }
        while (overflowIndex < overflow.length) {
          Object k = overflow[overflowIndex];
          Object v = overflow[overflowIndex + 1];
          overflowIndex += 2;
          if (emit(t, k, v)) {
            return true;
          }
        }
        remember(t, overflowRoot);
        current = t.nextAcquire(); // pairs with setRelease in setNextRelease
        slot = 0;
        overflow = null;
        overflowIndex = 0;
      }
      key = value = null;
      return false;
    }

    /** Sets (key, value) unless an earlier table held the key or it has gone; true if set. */
    private boolean emit(OpenTable t, Object k, Object v) {
      if (walkedCount > 0 && heldEarlier(k)) {
        return false;
      }
      if (v == OpenTable.MOVED) {
        v = lookup(t.nextAcquire(), k, OpenTable.hash(k));
        if (v == null) {
          return false;
        }
      }
      key = k;
      value = v;
      return true;
    }

    private boolean heldEarlier(Object k) {
      int h = OpenTable.hash(k);
      for (int i = 0; i < walkedCount; i++) {
        OpenTable e = walked[i];
        // e has a successor, so its slots are frozen except for MOVED marks.
        int s = e.probe(k, h);
        if (s >= 0) {
          return true;
        }
        Object root = walkedOverflow[i];
        if (root instanceof OverflowTree.Node
            && OverflowTree.get((OverflowTree.Node) root, k, h) != null) {
          return true;
        }
      }
      return false;
    }

    private void remember(OpenTable t, Object root) {
      if (walkedCount == walked.length) {
        walked = Arrays.copyOf(walked, walkedCount * 2);
        walkedOverflow = Arrays.copyOf(walkedOverflow, walkedCount * 2);
      }
      walked[walkedCount] = t;
      walkedOverflow[walkedCount++] = root;
    }

    @Override
    public Object key() {
      return key;
    }

    @Override
    public Object value() {
      return value;
    }
  }

  /** What the views read and write through: this map and its traversal. */
  private Views.Source<K, V> viewSource() {
    return new Views.Source<>() {
      @Override
      public ConcurrentMap<K, V> map() {
        return LockFreeReadMap.this;
      }

      @Override
      public Views.Cursor cursor() {
        return new ChainCursor(tableAcquire());
      }
    };
  }

  /**
   * Returns a {@link Set} view of the keys. It writes through ({@code remove}, {@code clear},
   * {@code Iterator.remove}) and does not support adding. Its iterators are weakly consistent,
   * lock-free, and never throw {@link java.util.ConcurrentModificationException}.
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

  /* ---------------- Serialization -------------- */

  /**
   * Writes the mappings of one weakly consistent traversal, taken without any lock.
   *
   * @param out the stream
   * @throws IOException if the stream fails
   * @serialData the fields of this class (none), then the number of mappings (int), then each
   *     mapping's key and value (Objects), as one traversal returned them: a key that a writer
   *     removed and put back while it ran may appear twice, with the later value last
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    MapSerialization.writeMappings(out, new ChainCursor(tableAcquire()));
  }

  /**
   * Rebuilds the map from the mappings {@link #writeObject} wrote, with the default capacity and
   * resize settings; of a repeated key, the later value wins.
   *
   * @param in the stream
   * @throws IOException if the stream fails, or holds a negative count, a null key or value, or
   *     fewer mappings than its count ({@link java.io.InvalidObjectException})
   * @throws ClassNotFoundException if the class of a key or value cannot be found
   */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    // Before reading any key or value: one that refers back to this map finds it usable.
    init(DEFAULT_CAPACITY, SMALL_TABLE, MIGRATE_CHUNK);
    Object[] pairs = MapSerialization.readMappings(in);
    putPairs(pairs, pairs.length);
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle TABLE;
  private static final VarHandle SIZE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TABLE = l.findVarHandle(LockFreeReadMap.class, "table", OpenTable.class);
      SIZE = l.findVarHandle(LockFreeReadMap.class, "size", int.class);
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
   * Creates a new, empty concurrent {@link Set} backed by a {@code LockFreeReadMap} from the
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
    return new Views.AddingKeySet<>(new LockFreeReadMap<K, Boolean>(), Boolean.TRUE);
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
    return new Views.AddingKeySet<>(new LockFreeReadMap<K, Boolean>(initialCapacity), Boolean.TRUE);
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
   * Returns the number of mappings as a {@code long}, the same number as {@link #size} (exact when
   * no write is in flight; one table holds fewer than {@code Integer.MAX_VALUE} mappings). The
   * counterpart of {@link java.util.concurrent.ConcurrentHashMap#mappingCount()}, for code that
   * moves from it.
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
        LockFreeReadMap.class, Views.class, OpenTable.class, OverflowTree.class, FunctionLock.class,
        MapSerialization.class);
  }
}

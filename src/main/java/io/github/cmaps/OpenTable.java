package io.github.cmaps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.NoSuchElementException;

/**
 * The hash table behind the cmaps maps: open addressing with linear probing over one interleaved
 * {@code Object[]} that holds key {@code i} at index {@code 2i} and its value at {@code 2i + 1}.
 *
 * <p>A table is mutated only by a thread that holds the owning map's write lock (or stripe
 * lock); every other method is safe to call from any thread without a lock, racing with that
 * writer: it always terminates, never throws, and returns either the value of a completed write
 * or of one in flight. That lets a lock-based map read under a read lock, and a lock-free reader
 * read with no lock at all, over the very same structure.
 */
final class OpenTable {

  /*
   * Overview:
   *
   *  kv:  [ k0 | v0 | k1 | v1 | ... | k(cap-1) | v(cap-1) ]      cap = a power of two
   *
   * A key is placed at the first free slot of its probe sequence home, home+1, ... (mod cap),
   * where home is the top log2(cap) bits of h = hash(key), the high half of hashCode times 2^64
   * divided by the golden ratio (Fibonacci hashing, Knuth 6.4), after an optional left rotation
   * of h (StripedLockMap keeps its stripe bits there).
   * The top bits of a product depend on every bit of the hashCode, and for keys whose hash codes
   * are close together (small Integers, sequence numbers, enum-like ids) the golden-ratio
   * multiplier places them almost evenly around the table, so they rarely share a home slot:
   * measured on 1,000 Integer keys, a get ran at about twice the speed it did with the low bits
   * of the same product folded with its high bits, which collide like random hashing
   * (docs/lock-free-read-map.md). Keeping key and value next to each other means a
   * successful get touches one cache line of the table: one miss fewer than a table of
   * references to nodes.
   *
   * Slot life cycle. A key slot of a LockFreeReadMap table only ever moves through
   *
   *     null  ->  key  ->  DELETED                  (dead for good)
   *                    ->  Vacant(key)  ->  an equal key  ->  ...   (see "Vacant slots")
   *
   * and is never given to a key unequal to the one it first held; a removed mapping leaves
   * DELETED or a Vacant in the key slot and null in the value slot, and neither keeps the removed
   * key or its value reachable from the map. Because a slot never goes back to null, a probe
   * sequence can only get longer while a reader walks it: a reader that reaches null has passed
   * every slot its key could be in. Dead slots count towards the load limit; when live + dead
   * slots reach it the owner rebuilds the table (doubling it only if live entries fill a quarter
   * of it), which drops the dead slots. The limit is five eighths of the capacity while the table
   * has seen no removal, half of it after one (see maxUsed for why), so every probe meets a null.
   *
   * Vacant slots (tables without reuse). A removal leaves in the key slot a Vacant: a weak
   * reference to the removed key (weak, so the map does not keep the key alive). An insert whose
   * probe meets a Vacant of an equal key (same fingerprint, then equals on the referent) takes
   * that slot back instead of a new one, storing the key (release), then the value (release). So
   * a slot only ever holds keys equal to one another, and a reader who matched one of them and
   * then loads the value gets a value of that key, at some instant of its read. The order of the
   * two stores is what keeps reads linearizable: a reader who loads the new key and then a null
   * value misses the insert, as it would have an instant earlier, and the value store is the
   * insert's linearization point for everyone, including a reader still holding the removed key.
   * Stored the other way round, that reader could return the new value while a later one, still
   * meeting the Vacant, missed the key (LockFreeReadMapRevivedSlotLincheckTest finds that trace).
   * Lookups and walks skip a Vacant by its key slot and never pass it to a user's equals. Why:
   * without it, a key put and removed over and over, as the hot keys of a put/remove workload
   * are, took a new slot of its window every round, filled the window within 32 rounds, then
   * went to the overflow tree or forced a rebuild (see windowExhaustedByDeadSlots); measured on
   * WriteHeavyBenchmark.putRemove's keys (random Integers, Zipf, one thread, InterleavedAb;
   * issue 16), a put + remove pair of LockFreeReadMap took 205 -> 79 ns at 1K keys and
   * 1,187 -> 550 ns at 1M (docs/lock-free-read-map.md). The cost: a 32-byte Vacant per
   * removal, of which a table keeps at most capacity/16, or one (2 bytes per slot; further
   * removals leave DELETED), and a Vacant whose key the collector has cleared is as dead as
   * DELETED.
   *
   * Reuse tables (reuseDeadSlots: the tables of ReadWriteLockMap and StripedLockMap) also let an
   * insert take the first dead slot on its key's probe path, DELETED -> key, instead of the null
   * at its end. Under put/remove churn on a stable key set this keeps dead slots from piling up:
   * probes stay short and rebuilds rare (measured on the bare table, 1,000 live keys churning
   * over a range of 2,000: 41 ns per operation without reuse, 26 with; java.util.HashMap 21-24).
   * The price is that a racing reader of a reuse table can be fooled: it matches key K in a
   * slot, K is removed, another key takes the slot, and the reader loads that key's value. So on
   * a reuse table find is only "safe" (it terminates and never throws), and its answer counts
   * only if the reader then proves no write overlapped it (StampedLock.validate, or a stripe's
   * function sequence in StripedLockMap) or held a lock that excludes the owner. LockFreeReadMap
   * validates nothing, so its tables never give a slot to another key (only to an equal one,
   * through a Vacant: above). A null slot never comes back in either kind of table, so the bound
   * on every probe holds for both.
   *
   * Fingerprints. Beside kv, a byte[] keeps one byte of each slot's hash (the low 8 bits of
   * h), so a probe that passes a slot holding another key compares one byte instead of
   * dereferencing that key and calling its equals: with String, UUID or record keys looked up
   * through equal copies, a passed key cost two dependent loads (the key, then its contents)
   * and a call; now 255 in 256 of them cost a byte compare. A hit still calls equals once, as
   * ConcurrentHashMap's does after its full-hash compare. Measured (issue 16, JMH
   * ReadHeavyBenchmark.get, 1,000 UUID strings looked up through equal copies, Zipf, 2 threads,
   * 3 forks): LockFreeReadMap 87.6 -> 101.3 ops/us, ReadWriteLockMap 84.0 -> 89.0; with Integer
   * and Long keys (a cheap equals) within the noise. The cost is one byte per slot: 2.9 to 3.3
   * more bytes per mapping over a doubling from 1M to 2M entries (docs/benchmarks.md). A full
   * int hash per slot was no faster in the same runs and costs four bytes. Ordering: the owner
   * stores the fingerprint (plain) before the key's release store, and a reader loads it only
   * after its acquire load of that key, so a reader that sees a key sees that key's
   * fingerprint; on a table without reuse a slot's fingerprint is written once, before its key
   * (a Vacant's revival keeps it: equal keys, equal hashes).
   * On a reuse table a racing reader may pair a revived slot's new key with the old byte (or
   * the reverse) and skip it: one more way its answer is wrong, caught by the same validation.
   *
   * Memory ordering (see package-info for the vocabulary). The writer inserts with
   * setPlain(value) then setRelease(key); a reader loads the key with getAcquire, so once it sees
   * the key it also sees the value and everything written before it (the value object's
   * fields). A value update is setRelease(value), paired with the reader's getAcquire(value).
   * A removal is setRelease(value = null) then setRelease(key = DELETED or a Vacant). A reader
   * that matched the key but then loads a null value has raced with that removal and keeps
   * probing: the same key may have been inserted again further along (or may be taking this slot
   * back, see "Vacant slots"), and if not the probe ends at null. Either
   * answer is the state of the map at some instant during the read, so on a table without reuse
   * the read is linearizable. The table array itself is published by the owner (a release store
   * or an unlock) and is immutable in size.
   *
   * The overflow tree (bounded tables). A key lives either in its window (the WINDOW slots from
   * its home) or in the table's overflow tree, never both: an insert takes a free slot of the
   * window if there is one and the key is not in the tree, and goes to the tree only when the
   * window is full. A lookup probes the window and, if it ends without the key, looks in the tree
   * when there is one and a one-word filter of the tree's hashes (overflowHashes) lets the key's
   * hash through (almost every table has no tree, and the few keys a large table's tree holds
   * leave most bits clear: the miss then costs one more load of this object). Keys
   * never move between the two within a table. So a rebuild or resize hands the whole tree to the
   * new table by reference (it is immutable): O(1) however many keys a hash flood put there, and
   * the tree's keys do not count towards the new table's capacity, since they take no slot.
   * Before, a rebuild re-inserted every overflow key, and a table kept under a 64K-key flood
   * stalled single ordinary puts for 100-430 ms (issue 14); HashFloodBenchmark now measures
   * 1.0-2.4 ms for the longest and 0.7x-2.7x ConcurrentHashMap's mean (docs/practice.md).
   *
   * Shared values (LockFreeReadMap's tables, sharedValues). There a thread that does not own the
   * table may swap the value of a live slot by CAS (swapLiveValue: LockFreeReadMap's lock-free
   * put of a present key). So the owner writes a live value slot only atomically: getAndSet or
   * CAS to update or remove, CAS to MOVED when migrating (copying again if a swap got in between
   * its read and its mark), CAS to FROZEN while a user function computes the slot's next value
   * (readers then take the value from the table's Frozen record). A swap fails on null, MOVED
   * and FROZEN, and its caller falls back to the owner's lock. The lock-based maps' tables keep
   * the plain and release stores above: only the owner writes them.
   *
   * File organization: hashing and sizing, lock-free reads, writer operations (owner only),
   * rebuilding, iteration.
   */

  /** Key-slot marker of a removed mapping. Never equal to a user key. */
  static final Object DELETED = new Object() {
    @Override
    public String toString() {
      return "DELETED";
    }
  };

  /**
   * Key-slot marker of a removed mapping in a table without slot reuse (LockFreeReadMap's): dead
   * like {@link #DELETED}, but it remembers the removed key, weakly, so that a later insert of an
   * equal key takes this slot back instead of a new one (see the Overview, "Vacant slots"). Weak,
   * so that a removed key stays collectable: once the collector clears the reference the slot is
   * as dead as a DELETED one.
   */
  static final class Vacant extends WeakReference<Object> {
    Vacant(Object key) {
      super(key);
    }
  }

  /**
   * Value-slot marker (and overflow marker) of a mapping that a {@link LockFreeReadMap} resize
   * has already copied into {@link #next}: look there.
   */
  static final Object MOVED = new Object() {
    @Override
    public String toString() {
      return "MOVED";
    }
  };

  /**
   * Value-slot marker (LockFreeReadMap tables only) of a mapping whose value a lock holder has
   * frozen while a user function computes its replacement: the value it had is in the table's
   * {@link Frozen} record. Lock-free value swaps (see {@link #swapLiveValue}) fail on it, so the
   * function's result cannot overwrite a value stored while it ran.
   */
  static final Object FROZEN = new Object() {
    @Override
    public String toString() {
      return "FROZEN";
    }
  };

  /**
   * The values of frozen slots, for readers who meet {@link #FROZEN}: either one slot and its
   * value (the compute family freezes one mapping at a time) or a value per slot (replaceAll
   * freezes them all). Immutable once published, except that replaceAll fills {@code values[s]}
   * before it freezes slot {@code s}.
   */
  static final class Frozen {
    final int slot;
    final Object value;
    final Object[] values;

    Frozen(int slot, Object value) {
      this.slot = slot;
      this.value = value;
      this.values = null;
    }

    Frozen(Object[] values) {
      this.slot = -1;
      this.value = null;
      this.values = values;
    }

    /**
     * The value slot {@code s} had when frozen under this record, or null if not this record's
     * (or not yet filled in).
     */
    Object valueOf(int s) {
      // values[s]: acquire, pairing with the setRelease in freezeAll. A reader can reach this
      // record without having seen slot s's FROZEN mark from this very freeze (it may have seen
      // the mark of an earlier freeze of s, then loaded this newer record), so the CAS that froze
      // the slot does not order the store of values[s] before this load: this pair does, and
      // with it the value object's fields, which freezeAll read with an acquire load.
      return values != null ? getAcquire(values, s) : s == slot ? value : null;
    }
  }

  /**
   * Probe window of a bounded table: a key lives in one of the WINDOW slots starting at its home
   * slot, or else in the overflow tree (see the Overview). Long enough that a well-spread table
   * almost never overflows at its load limit; short enough that many keys sharing a hash code
   * cost a bounded probe plus an O(log n) tree search instead of a scan of one huge cluster. 64,
   * not 32, since the growth limit became five eighths: filling 1M random Integer keys with a
   * 32-slot window left 261 of them in trees at that load (6 at half load), and a tree's keys stay
   * there through every later resize (the tree is handed over whole), enough to set every bit of
   * the tree's filter; with 64 slots, 6 again.
   */
  static final int WINDOW = 64;

  /**
   * How far from its home an insert into a table with many removals may land before
   * {@link #windowExhaustedByDeadSlots} asks for a rebuild: the old window's 32 slots, so that
   * put/remove churn keeps its probes as short as before the window grew to 64.
   */
  static final int CHURN_REACH = 32;

  /** Largest capacity: the interleaved array then has 2^30 elements. */
  static final int MAX_CAPACITY = 1 << 29;

  /**
   * Mappings a table may be sized for (capacityFor): half of the largest capacity, the limit of a
   * table that has seen removals.
   */
  static final int MAX_ENTRIES = MAX_CAPACITY >>> 1;

  /**
   * The number of live plus dead slots at which a table of {@code capacity} slots is rebuilt:
   * five eighths of it while the table only grows ({@code growing}: no removal since it was
   * built), half of it otherwise (and half of a 2- or 4-slot table). Why two limits: a table
   * filled by puts alone is a plain linear-probing table, where five eighths costs 1.8 slots per
   * hit and 3 per miss on average (1.5 and 2.5 at half) and saves about a sixth of the bytes over
   * a growth cycle (ReadWriteLockMap, 1M..2M entries: 26.3 -> 21.9 bytes per mapping; issue 16);
   * a table with put/remove churn carries dead slots in its clusters, and there five eighths for
   * every table measured 25-50% slower (WriteHeavyBenchmark.putRemove, one-fork runs:
   * LockFreeReadMap at 1K keys, ReadWriteLockMap at 1M), so its first removal brings its limit
   * back to half, and with it the old speed.
   */
  static int maxUsed(int capacity, boolean growing) {
    return growing ? (capacity >>> 1) + (capacity >>> 3) : capacity >>> 1;
  }

  /** Key at 2i, value at 2i + 1. Length 2 * capacity. */
  final Object[] kv;

  /**
   * fingerprints[i] is {@link #fingerprint} of the hash of the key slot i holds (or last held):
   * a probe compares it before it touches a key that is not its own. See the Overview.
   */
  final byte[] fingerprints;

  /** capacity - 1. */
  final int mask;

  /** 32 - log2(capacity): the home slot is the top bits of the (rotated) hash. */
  final int shift;

  /**
   * Left rotation applied to a hash before its top bits are taken: log2(stripes) for a
   * StripedLockMap stripe's tables, whose stripe index is the hash's own top bits, 0 otherwise.
   */
  final int rotation;

  /**
   * True for a bounded-probe table (probe window plus overflow tree, used by LockFreeReadMap),
   * false for plain linear probing over the whole table.
   */
  final boolean bounded;

  /**
   * True if an insert may take a dead slot on its probe path (see the Overview): only for maps
   * whose readers either hold a lock or validate what they read (ReadWriteLockMap,
   * StripedLockMap), never for LockFreeReadMap.
   */
  final boolean reuseDeadSlots;

  /** Live plus dead key slots. Owner-only (plain). */
  private int used;

  /**
   * Removals from this table (from slots or the overflow tree) since it was built: the work that
   * a rebuild would clean up after. Owner-only (plain). See {@link #windowExhaustedByDeadSlots}.
   */
  private int removals;

  /**
   * Tables without reuse only: the slots now holding a {@link Vacant} (collected or not). Bounds
   * how many a removal creates (see {@code dead}). Owner-only (plain).
   */
  private int vacancies;

  /**
   * Bounded tables only: the root of the overflow tree (an {@link OverflowTree.Node}, null when
   * empty), or {@link #MOVED} once a resize copied the overflow into {@link #next}. Written by the
   * owner with setRelease, read by anyone with getAcquire (OVERFLOW).
   */
  @SuppressWarnings("unused") // accessed through the OVERFLOW VarHandle
  private Object overflow;

  /**
   * Bounded tables: one bit, {@link #overflowBit}, for the hash of each key that has entered this
   * table's overflow tree (or the tree it was handed), cleared when the tree empties; a Bloom
   * filter of one word, so that a miss in a table with a tree seldom walks it. Measured (issue 16):
   * a table of 1M random Integers holds 6-8 keys in its tree, and at that size every tree lookup
   * missed the cache node by node: WriteHeavyBenchmark.putRemove, one thread, spent most of its
   * samples in OverflowTree.locate, and the filter took a put + remove pair (InterleavedAb, 1M
   * keys, Zipf) from 476 to 411 ns in LockFreeReadMap and from 427 to 380 in ReadWriteLockMap.
   * Written by the owner with setRelease before the root that needs it, read with getAcquire
   * (OVERFLOW_HASHES).
   */
  @SuppressWarnings("unused") // accessed through the OVERFLOW_HASHES VarHandle
  private long overflowHashes;

  /**
   * LockFreeReadMap only: the table a resize is copying this one into, or null. Set once, by the
   * owner with setRelease before any slot of this table becomes MOVED; read with getAcquire
   * (NEXT).
   */
  @SuppressWarnings("unused") // accessed through the NEXT VarHandle
  private OpenTable next;

  /** LockFreeReadMap only: slots below this index have been migrated to next. Owner-only. */
  int migrated;

  /**
   * LockFreeReadMap only: the {@link Frozen} record of the slots now holding {@link #FROZEN}, or
   * null. Written by the owner with setRelease before it freezes a slot and after it thaws the
   * last one; read with getAcquire (FROZEN_RECORD) by readers who met FROZEN.
   */
  @SuppressWarnings("unused") // accessed through the FROZEN_RECORD VarHandle
  private Frozen frozen;

  /**
   * True for LockFreeReadMap's tables, whose value slots lock-free writers may swap (see {@link
   * #swapLiveValue}): the owner then writes a live value slot only with atomic operations, so
   * that it never overwrites such a swap unseen. The lock-based maps' tables (false) have no
   * writer but the owner and keep plain stores.
   */
  final boolean sharedValues;

  /**
   * The table of every empty lock-based map (ReadWriteLockMap, StripedLockMap) that has not yet
   * stored a mapping, shared by all of them: reads find nothing in it and no owner ever writes
   * it, because its capacity of 2 makes {@link #needsRebuildBeforeInsert} true before the first
   * insert, and the owner then builds a table of its own ({@link #isPlaceholder}). Tables are
   * allocated lazily this way, as ConcurrentHashMap allocates its own, so that an empty map
   * costs its object and its lock only (issue 16: an empty map was 11x ConcurrentHashMap's 64
   * bytes, an empty StripedLockMap hundreds of times).
   */
  static final OpenTable EMPTY_LOCKED = new OpenTable(2, true, 0, true, false);

  /**
   * The shared table of every empty LockFreeReadMap that has not yet stored a mapping: as {@link
   * #EMPTY_LOCKED}, and also never the subject of a resize (the map publishes its first real
   * table instead of migrating this one) or of a freeze (no slot is ever live).
   */
  static final OpenTable EMPTY_LOCK_FREE = new OpenTable(2, true, 0, false, true);

  /** True for the shared empty tables, which their maps replace before the first insert. */
  boolean isPlaceholder() {
    return this == EMPTY_LOCKED || this == EMPTY_LOCK_FREE;
  }

  /** A table without rotation or slot reuse, with shared values: LockFreeReadMap's kind. */
  OpenTable(int capacity, boolean bounded) {
    this(capacity, bounded, 0, false, true);
  }

  /** A table written by its owner alone: the lock-based maps' kind. */
  OpenTable(int capacity, boolean bounded, int rotation, boolean reuseDeadSlots) {
    this(capacity, bounded, rotation, reuseDeadSlots, false);
  }

  private OpenTable(
      int capacity, boolean bounded, int rotation, boolean reuseDeadSlots, boolean sharedValues) {
    this.kv = new Object[capacity << 1];
    this.fingerprints = new byte[capacity];
    this.mask = capacity - 1;
    this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
    this.rotation = rotation;
    this.bounded = bounded;
    this.reuseDeadSlots = reuseDeadSlots;
    this.sharedValues = sharedValues;
  }

  /** The home slot of a key with hash {@code h}: the top bits of the rotated hash. */
  int home(int h) {
    return Integer.rotateLeft(h, rotation) >>> shift;
  }

  /* ---------------- Hashing and sizing -------------- */

  /**
   * Spreads a hash code: the high 32 bits of its 64-bit product with 2^64 / golden ratio. Only
   * the high bits of the result are used as indexes (the stripe of {@code StripedLockMap}, then
   * the home slot, see {@link #home}): a multiply carries every input bit upward, so those depend
   * on all of them. The 64-bit constant matters: with the 32-bit one, 2^20 consecutive Integer
   * keys at quarter load probed 1.24 slots on average instead of 1.00 (the 32-bit approximation
   * of the golden ratio stops spreading such keys evenly past about 2^16 of them).
   */
  static int hash(Object key) {
    return (int) ((key.hashCode() * 0x9E3779B97F4A7C15L) >>> 32);
  }

  /**
   * The one-byte fingerprint of hash {@code h} that a table keeps per slot: its low 8 bits.
   * Home slots and stripes are taken from the high bits (they reach the low byte only when
   * log2(capacity) plus StripedLockMap's stripe bits exceed 24), so two keys that share a home
   * or sit in one cluster still have different fingerprints 255 times in 256.
   */
  static byte fingerprint(int h) {
    return (byte) h;
  }

  /** The capacity of a table that holds {@code entries} mappings without a rebuild. */
  static int capacityFor(int entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("negative capacity: " + entries);
    }
    if (entries >= MAX_ENTRIES) {
      return MAX_CAPACITY;
    }
    // used must stay below the growth limit after 'entries' inserts.
    int cap = 4;
    while (maxUsed(cap, true) <= entries) {
      cap <<= 1;
    }
    return Math.min(cap, MAX_CAPACITY);
  }

  int capacity() {
    return mask + 1;
  }

  /**
   * True when one more insert would take live + dead slots to the load limit: five eighths of
   * the capacity while this table has seen no removal, half of it after one (see maxUsed).
   */
  boolean needsRebuildBeforeInsert() {
    return used + 1 >= maxUsed(capacity(), removals == 0);
  }

  /**
   * Owner-only, bounded tables without slot reuse (LockFreeReadMap's): true when an insert of
   * {@code key} would land {@link #CHURN_REACH} or more slots from its home (or in the overflow
   * tree) with dead slots among those it passes, and this table has seen at least capacity/16
   * removals since it was built; the owner should then rebuild before inserting. Without this, a
   * key put and removed over and over took a new slot of its window each time (before Vacant
   * slots; now still when a removal leaves DELETED: see the Overview), filled the window within
   * 32 rounds and spent the rest of the table's life in the tree: measured on
   * WriteHeavyBenchmark.putRemove, 1K random Integer keys with Zipf access, one thread,
   * LockFreeReadMap ran 2.5 ops/us against ReadWriteLockMap's 35, most of it in tree path
   * copies. The removal count bounds the cost: a rebuild, O(capacity), follows at least
   * capacity/16 removals, so it costs at most 16 slot copies per removal. Removals from the tree
   * count too: a hot key that went to the tree no longer leaves dead slots, and must still bring
   * the rebuild that lets it back into its window. A window full of live keys only (a hash
   * flood) still overflows to the tree: a rebuild would not help it.
   */
  boolean windowExhaustedByDeadSlots(Object key, int h) {
    if (!bounded || removals < (capacity() >>> 4)) {
      return false;
    }
    int s = probe(key, h);
    if (s >= 0) {
      return false; // present: a replace takes no slot
    }
    int reach = s == WINDOW_FULL ? WINDOW : (~s - home(h)) & mask;
    if (reach < CHURN_REACH) {
      return false;
    }
    final Object[] kv = this.kv;
    for (int i = home(h), n = 0; n < reach; i = (i + 1) & mask, n++) {
      Object k = kv[i << 1];
      if (k == DELETED || k instanceof Vacant) { // a Vacant of another key (probe said so)
        return true;
      }
    }
    return false;
  }

  /** Owner-only, or a test's: slots holding a key or a dead marker (never null again). */
  int usedSlots() {
    return used;
  }

  /** Owner-only, or a test's: slots holding a {@link Vacant}. */
  int vacantSlots() {
    return vacancies;
  }

  /* ---------------- Lock-free reads -------------- */

  /**
   * Returns the value mapped to {@code key}, or null. Safe without any lock, racing with the
   * owner's writes: it terminates and never throws. On a table without slot reuse the answer is
   * linearizable; on a reuse table it counts only if validated (see the Overview).
   */
  Object find(Object key, int h) {
    // Fast path: the very key object in its home slot, the common case of a well-spread table
    // whose callers look up the key objects they stored (Integer caches, constants, interned or
    // reused keys). Measured on 1,000 Integer keys, 2 threads: 355-405 ops/us against 255-305
    // for the loop alone (docs/lock-free-read-map.md). Anything else takes the full probe.
    final Object[] kv = this.kv;
    final int home = home(h) << 1;
    if (getAcquire(kv, home) == key) { // pairs with setRelease(key) in insertAt/replaceAt
      Object v = getAcquire(kv, home + 1); // pairs with setRelease(value) and CASes
      if (v != null && v != FROZEN) {
        return v;
      }
    }
    return findByProbing(kv, key, h);
  }

  /** The full probe of {@link #find}. */
  private Object findByProbing(Object[] kv, Object key, int h) {
    final int mask = this.mask;
    // The probe is bounded by the window (bounded tables) or the capacity, never only by the
    // null it will meet: even a racy reader of a stale table cannot loop forever.
    final int limit = bounded ? Math.min(WINDOW - 1, mask) : mask;
    for (int i = home(h), n = 0; n <= limit; i = (i + 1) & mask, n++) {
      Object k = getAcquire(kv, i << 1); // pairs with setRelease(key) in insertAt/replaceAt
      if (k == null) {
        break;
      }
      if (k == key
          || (k != DELETED
              && fingerprints[i] == fingerprint(h)
              && !(k instanceof Vacant) // never pass a marker to a user's equals
              && key.equals(k))) {
        Object v = getAcquire(kv, (i << 1) + 1); // pairs with setRelease(value) and CASes
        if (v == FROZEN) {
          v = frozenValue(i);
        }
        if (v != null) {
          return v;
        }
        // Removed while we looked: a later insert of the same key is further along.
      }
    }
    if (!bounded) {
      return null;
    }
    // Not in the window: the key, if present, is in the overflow tree (see the Overview). Almost
    // every table has no tree, and a table with one rarely holds a key of this hash bit there: a
    // miss then costs one more load of this object, not a walk of tree nodes (see overflowHashes).
    // Acquire, pairing with the release in putOverflow, which stores a key's bit before the root
    // that holds the key: a load that misses the bit comes before that root's publication, so the
    // miss takes effect before the key entered the tree. A caller given null goes on to the
    // successor, if any, as it does for MOVED.
    if (((long) OVERFLOW_HASHES.getAcquire(this) & overflowBit(h)) == 0) {
      return null;
    }
    Object root = overflowAcquire(); // pairs with setRelease in setOverflow
    if (root == null) {
      return null;
    }
    if (root == MOVED) {
      return MOVED;
    }
    return OverflowTree.get((OverflowTree.Node) root, key, h);
  }

  /**
   * Anyone: the value of slot {@code s}, whose value slot was just read as {@link #FROZEN}: the
   * frozen value from the record, or, if the slot has been thawed since, its new value (which
   * may be null). Never waits: it loops only if the owner thawed and froze the slot again in
   * the meantime, that is only while the owner makes progress.
   */
  Object frozenValue(int s) {
    final int j = (s << 1) + 1;
    for (;;) {
      // Acquire, pairing with the owner's setRelease of the record, which it stores before the
      // CAS that froze the slot and clears only after the store that thawed it: a reader who saw
      // FROZEN sees this freeze's record or a later one.
      Frozen r = (Frozen) FROZEN_RECORD.getAcquire(this);
      if (r != null) {
        Object v = r.valueOf(s);
        if (v != null) {
          return v;
        }
      }
      // No record for s: thawed since (and perhaps frozen again); read the slot afresh.
      Object v = getAcquire(kv, j); // pairs with setRelease in thawAt/thawAll
      if (v != FROZEN) {
        return v;
      }
    }
  }

  /**
   * Anyone (LockFreeReadMap's lock-free put): the slot holding {@code key} in this table's probe
   * window, whatever its value's state, or -1 if the key is not there (absent, in the overflow
   * tree, or racing with its insertion).
   */
  int findSlot(Object key, int h) {
    final Object[] kv = this.kv;
    final int mask = this.mask;
    final int limit = bounded ? Math.min(WINDOW - 1, mask) : mask;
    for (int i = home(h), n = 0; n <= limit; i = (i + 1) & mask, n++) {
      Object k = getAcquire(kv, i << 1); // pairs with setRelease(key) in insertAt/replaceAt
      if (k == null) {
        return -1;
      }
      if (k == key
          || (k != DELETED
              && fingerprints[i] == fingerprint(h)
              && !(k instanceof Vacant)
              && key.equals(k))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Anyone, on a shared-values table (LockFreeReadMap's lock-free put of a present key): if slot
   * {@code s} holds a live value, replaces it with {@code value} by CAS and returns it; returns
   * null, changing nothing, if it holds none: removed (null), migrated to the successor (MOVED)
   * or frozen for a user function (FROZEN). Every other write to a live value slot of such a
   * table is atomic too (owner's getAndSet or CAS), so each swap either lands before it and is
   * seen by it, or fails.
   */
  Object swapLiveValue(int s, Object value) {
    final Object[] kv = this.kv;
    final int j = (s << 1) + 1;
    for (;;) {
      Object v = getAcquire(kv, j); // pairs with every release store or CAS of the value
      if (v == null || v == MOVED || v == FROZEN) {
        return null;
      }
      // Release, pairing with the readers' getAcquire(value): they see the value's fields.
      if (SLOTS.weakCompareAndSetRelease(kv, j, v, value)) {
        return v;
      }
    }
  }

  /** The successor table of a LockFreeReadMap resize, or null. */
  OpenTable nextAcquire() {
    return (OpenTable) NEXT.getAcquire(this); // pairs with setRelease in setNextRelease
  }

  /** Owner-only: links the successor table; before any slot of this table becomes MOVED. */
  void setNextRelease(OpenTable n) {
    NEXT.setRelease(this, n); // pairs with getAcquire in nextAcquire
  }

  /* ---------------- Writer operations (owner only) -------------- */

  /** Owner-only: the key in a live slot. */
  Object keyAt(int slot) {
    return kv[slot << 1];
  }

  /**
   * Owner-only: the value in a live slot. Acquire on a shared-values table, where a lock-free
   * put may have just stored it (pairs with its CAS); plain otherwise.
   */
  Object valueAt(int slot) {
    return sharedValues ? getAcquire(kv, (slot << 1) + 1) : kv[(slot << 1) + 1];
  }

  /**
   * Owner-only: puts a new mapping into the free slot {@code slot} returned (as {@code ~slot})
   * by {@link #probe}. The caller has ensured {@code !needsRebuildBeforeInsert()}.
   */
  void insertAt(int slot, Object key, int h, Object value) {
    if (kv[slot << 1] != null) {
      revive(slot, key, value);
      return;
    }
    // Plain stores: ordered before the key's release store below, which publishes them (a
    // reader reads the fingerprint only after its acquire load of this key).
    fingerprints[slot] = fingerprint(h);
    kv[(slot << 1) + 1] = value;
    setRelease(kv, slot << 1, key); // pairs with getAcquire(key) in find and iterators
    used++;
  }

  /**
   * Owner-only: takes back Vacant slot {@code slot}, which {@link #probe} found holding a key
   * equal to {@code key}. The key first, then the value: a reader that loads the new key (acquire)
   * and then a null value keeps probing, and misses, as it would have a moment earlier; the value's
   * release store is the insert's linearization point, which a reader still holding the removed
   * key (equal to this one) may also see, rightly. The fingerprint stays: equal keys have equal
   * hashes. Not counted in {@code used}: the slot already was.
   */
  private void revive(int slot, Object key, Object value) {
    setRelease(kv, slot << 1, key); // pairs with getAcquire(key) in find and iterators
    setRelease(kv, (slot << 1) + 1, value); // pairs with getAcquire(value) in find and iterators
    vacancies--;
  }

  /**
   * Owner-only, reuse tables only: the first dead slot on the probe path of hash {@code h}
   * before the free slot {@code end}, or -1.
   */
  int firstDeadSlot(int h, int end) {
    final Object[] kv = this.kv;
    for (int i = home(h); i != end; i = (i + 1) & mask) {
      if (kv[i << 1] == DELETED) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Owner-only, reuse tables only: puts a new mapping into the dead slot {@code slot}. The same
   * stores as {@link #insertAt}, but the slot was already counted in {@code used}.
   */
  void reviveAt(int slot, Object key, int h, Object value) {
    // A racing reader may pair the old key with the new fingerprint or the reverse, and skip a
    // slot it should have matched: only reuse tables revive, and their readers validate.
    fingerprints[slot] = fingerprint(h);
    kv[(slot << 1) + 1] = value;
    setRelease(kv, slot << 1, key); // pairs with getAcquire(key) in find and iterators
  }

  /**
   * Owner-only: if live slot {@code slot}'s value equals {@code expected} (any value when that is
   * null), replaces it with {@code value}, or removes the mapping when {@code value} is null,
   * leaving a dead slot. Returns the value replaced, or null if it did not equal {@code expected}.
   */
  Object replaceAt(int slot, Object expected, Object value) {
    final Object[] kv = this.kv;
    final int j = (slot << 1) + 1;
    for (;;) {
      Object v = valueAt(slot);
      if (expected != null && !expected.equals(v)) {
        return null;
      }
      if (!sharedValues) {
        setRelease(kv, j, value); // pairs with getAcquire(value) in find and iterators
      } else if (!SLOTS.compareAndSet(kv, j, v, value)) {
        continue; // a lock-free put replaced v since we read it: decide again on its value
      }
      if (value == null) {
        // Value first (above): a reader that matched the key then sees null and keeps probing.
        setRelease(kv, slot << 1, dead(slot)); // pairs with getAcquire(key) in find
        removals++;
      }
      return v;
    }
  }

  /**
   * Owner-only: the marker a removal leaves in live slot {@code slot}'s key slot: DELETED in a
   * reuse table, or once Vacant slots number {@link #maxVacancies}; otherwise a Vacant
   * remembering the slot's key.
   */
  private Object dead(int slot) {
    if (reuseDeadSlots || vacancies >= maxVacancies()) {
      return DELETED;
    }
    vacancies++;
    return new Vacant(kv[slot << 1]);
  }

  /**
   * How many Vacant slots a table keeps at most: a sixteenth of its capacity, which bounds the
   * markers' memory to 2 bytes per slot, and at least one, so that the smallest tables (those of
   * the Lincheck tests among them) take a removed key's slot back too.
   */
  int maxVacancies() {
    return Math.max(1, capacity() >>> 4);
  }

  /* ---------------- Freezing (LockFreeReadMap's user functions; owner only) -------------- */

  /**
   * Owner-only: freezes live slot {@code slot} for the run of a user function and returns the
   * value it froze. Until {@link #thawAt}, readers get that value (through the record) and
   * lock-free puts fail on the slot and fall back to the lock, so nothing is stored into the
   * slot while the function computes its new value.
   */
  Object freezeAt(int slot) {
    final Object[] kv = this.kv;
    final int j = (slot << 1) + 1;
    for (;;) {
      Object v = getAcquire(kv, j); // pairs with a lock-free put's CAS
      // The record first (release): a reader who sees FROZEN (acquire) finds it.
      FROZEN_RECORD.setRelease(this, new Frozen(slot, v));
      if (SLOTS.compareAndSet(kv, j, v, FROZEN)) {
        return v;
      }
    }
  }

  /**
   * Owner-only: ends the freeze of {@code slot}, storing {@code value}, or removing the mapping
   * when it is null; the record is dropped after the store.
   */
  void thawAt(int slot, Object value) {
    setRelease(kv, (slot << 1) + 1, value); // pairs with getAcquire(value) in find, frozenValue
    if (value == null) {
      setRelease(kv, slot << 1, dead(slot)); // pairs with getAcquire(key) in find
      removals++;
    }
    FROZEN_RECORD.setRelease(this, null); // after the store: see frozenValue
  }

  /**
   * Owner-only (replaceAll): freezes every live slot of this table, which has no successor;
   * {@code values[s]} receives the value frozen in slot {@code s} (it stays null for others).
   */
  void freezeAll(Object[] values) {
    final Object[] kv = this.kv;
    FROZEN_RECORD.setRelease(this, new Frozen(values)); // before any FROZEN mark
    for (int s = 0; s < values.length; s++) {
      Object k = kv[s << 1];
      if (k == null || k == DELETED || k instanceof Vacant) {
        continue;
      }
      final int j = (s << 1) + 1;
      for (;;) {
        Object v = getAcquire(kv, j); // pairs with a lock-free put's CAS
        // Release, pairing with the getAcquire in Frozen.valueOf: the record is already
        // published, so a reader may load values[s] at any time from now on (see valueOf).
        setRelease(values, s, v);
        if (SLOTS.compareAndSet(kv, j, v, FROZEN)) {
          break;
        }
      }
    }
  }

  /**
   * Owner-only: ends {@link #freezeAll}, storing {@code values[s]} into each slot {@code s} that
   * {@code frozen[s]} says was frozen, then dropping the record.
   */
  void thawAll(Object[] frozen, Object[] values) {
    for (int s = 0; s < frozen.length; s++) {
      if (frozen[s] != null) {
        setRelease(kv, (s << 1) + 1, values[s]); // pairs with getAcquire in find, frozenValue
      }
    }
    FROZEN_RECORD.setRelease(this, null); // after the stores: see frozenValue
  }

  /* ---------------- Owner operations on whole mappings (bounded or not) -------------- */

  /** Result of {@link #probe} when a bounded table's window is full without the key. */
  static final int WINDOW_FULL = Integer.MIN_VALUE;

  /**
   * Owner-only probe: the slot of {@code key} in the table array; or {@code ~slot} of the free
   * slot where it would go; or {@link #WINDOW_FULL} (bounded tables) when the window has neither.
   * Unless it returns a slot, the key may still be in the overflow tree (see the Overview).
   */
  int probe(Object key, int h) {
    final Object[] kv = this.kv;
    final int mask = this.mask;
    final int limit = bounded ? Math.min(WINDOW - 1, mask) : mask;
    int vacant = -1; // the first Vacant slot of an equal key: where an insert of the key goes
    for (int i = home(h), n = 0; n <= limit; i = (i + 1) & mask, n++) {
      Object k = kv[i << 1];
      if (k == null) {
        return ~(vacant >= 0 ? vacant : i);
      }
      if (k == key) {
        return i;
      }
      if (k != DELETED && fingerprints[i] == fingerprint(h)) {
        if (!(k instanceof Vacant)) {
          if (key.equals(k)) {
            return i;
          }
        } else if (vacant < 0) {
          Object removed = ((Vacant) k).get(); // null once collected: a dead slot for good
          if (removed != null && (removed == key || key.equals(removed))) {
            vacant = i;
          }
        }
      }
    }
    return vacant >= 0 ? ~vacant : WINDOW_FULL;
  }

  /** Owner-only: the overflow root (plain: only the owner writes it). */
  private OverflowTree.Node overflowRoot() {
    Object root = OVERFLOW.get(this);
    return root == MOVED ? null : (OverflowTree.Node) root;
  }

  private void setOverflow(Object root) {
    OVERFLOW.setRelease(this, root); // pairs with getAcquire(overflow) in find and iterators
  }

  /** The bit of {@link #overflowHashes} for hash {@code h}: from bits 8-13, not the fingerprint. */
  static long overflowBit(int h) {
    return 1L << (h >>> 8); // a long shift uses the low 6 bits of the count
  }

  /** Owner-only: whether a key of hash {@code h} may be in the overflow tree. */
  private boolean mayOverflow(int h) {
    return ((long) OVERFLOW_HASHES.get(this) & overflowBit(h)) != 0; // plain: the owner wrote it
  }

  /**
   * Owner-only: publishes {@code root}, the tree after a put of a key of hash {@code h}: the key's
   * bit first (release), then the root (release), so a reader who can reach the key sees its bit.
   */
  private void putOverflow(OverflowTree.Node root, int h) {
    OVERFLOW_HASHES.setRelease(this, (long) OVERFLOW_HASHES.get(this) | overflowBit(h));
    setOverflow(root);
  }

  /** Owner-only: publishes {@code root}, the tree after a removal; the bits go if it is empty. */
  private void removeOverflow(OverflowTree.Node root) {
    setOverflow(root);
    if (root == null) {
      OVERFLOW_HASHES.setRelease(this, 0L); // after the root: a reader seeing 0 sees no tree
    }
  }

  /** Owner-only: the value of {@code key} in the overflow tree {@code root} (may be null). */
  private Object overflowGet(OverflowTree.Node root, Object key, int h) {
    return root == null || !mayOverflow(h) ? null : OverflowTree.get(root, key, h);
  }

  /** Owner-only: hands this table's overflow tree, and its bits, to the new table {@code t}. */
  private void handOverflowTo(OpenTable t) {
    OVERFLOW_HASHES.set(t, (long) OVERFLOW_HASHES.get(this)); // published by the root below
    t.setOverflow(overflowRoot()); // shared: the tree is immutable
  }

  /** Owner-only: the overflow tree's mappings as key, value, key, value... (empty if none). */
  Object[] overflowPairs() {
    OverflowTree.Node root = overflowRoot();
    return root == null ? new Object[0] : OverflowTree.toArray(root);
  }

  /** Owner-only: the value of {@code key}, or null (MOVED if already migrated). */
  Object getOwned(Object key, int h) {
    int s = probe(key, h);
    return s >= 0 ? valueAt(s) : getOverflowOwned(key, h);
  }

  /**
   * Owner-only: the value of {@code key} in the overflow tree, for a key that {@link #probe} did
   * not find in its window; null (MOVED if already migrated).
   */
  Object getOverflowOwned(Object key, int h) {
    Object root = OVERFLOW.get(this); // plain: only the owner writes it
    return root == null
        ? null
        : root == MOVED ? MOVED : overflowGet((OverflowTree.Node) root, key, h);
  }

  /**
   * Owner-only: maps {@code key} to {@code value} (unless present and {@code onlyIfAbsent}) and
   * returns the previous value or null. An insert needs room: the caller has ensured
   * {@code !needsRebuildBeforeInsert()}.
   */
  Object putOwned(Object key, int h, Object value, boolean onlyIfAbsent) {
    int s = probe(key, h);
    if (s >= 0) {
      return onlyIfAbsent ? valueAt(s) : replaceAt(s, null, value);
    }
    OverflowTree.Node root = overflowRoot();
    Object old = overflowGet(root, key, h);
    if (old == null && s != WINDOW_FULL) {
      int dead = reuseDeadSlots ? firstDeadSlot(h, ~s) : -1;
      if (dead >= 0) {
        reviveAt(dead, key, h, value);
      } else {
        insertAt(~s, key, h, value);
      }
      return null;
    }
    if (old == null || !onlyIfAbsent) {
      putOverflow(OverflowTree.put(root, key, h, value), h);
    }
    return old;
  }

  /**
   * Owner-only: if {@code key} is mapped (to {@code expected}, when that is not null), maps it
   * to {@code value}, or removes it when {@code value} is null. Returns the previous value, or
   * null if nothing changed.
   */
  Object replaceOwned(Object key, int h, Object expected, Object value) {
    int s = probe(key, h);
    if (s >= 0) {
      return replaceAt(s, expected, value);
    }
    OverflowTree.Node root = overflowRoot();
    if (root == null) {
      return null;
    }
    Object old = overflowGet(root, key, h);
    if (old == null || (expected != null && !expected.equals(old))) {
      return null;
    }
    if (value == null) {
      removeOverflow(OverflowTree.remove(root, key, h));
      removals++;
    } else {
      putOverflow(OverflowTree.put(root, key, h, value), h);
    }
    return old;
  }

  /* ---------------- Undoable writes (ReadWriteLockMap's all-or-nothing putAll) -------------- */

  /** Owner-only: true if {@code inserts} more inserts fit without a rebuild. */
  boolean hasRoomFor(int inserts) {
    return used + (long) inserts < maxUsed(capacity(), removals == 0);
  }

  /**
   * Owner-only: a copy of this table's mappings in a new table with room for {@code inserts}
   * more without a rebuild (as far as the largest capacity allows); {@code live} mappings now.
   */
  OpenTable rebuiltWithRoomFor(int live, int inserts) {
    int inSlots = live - OverflowTree.size(overflowRoot());
    int cap = Math.max(grownCapacity(live), capacityFor(Math.min(MAX_ENTRIES, inSlots + inserts)));
    OpenTable t = new OpenTable(cap, bounded, rotation, reuseDeadSlots, sharedValues);
    copyLiveInto(t);
    return t;
  }

  /**
   * Owner-only, on a table that has room for the insert (see {@link #hasRoomFor}): maps {@code
   * key} to {@code value} like {@code putOwned}, stores the previous value (null if there was
   * none) in {@code previous[i]}, and returns the slot it wrote, or -1 if it wrote the overflow
   * tree. With those, {@link #undoSlot} and {@link #restoreOverflow} take the write back without
   * calling any key's equals or hashCode again.
   */
  int putRecording(Object key, int h, Object value, Object[] previous, int i) {
    int s = probe(key, h);
    if (s >= 0) {
      previous[i] = replaceAt(s, null, value);
      return s;
    }
    OverflowTree.Node root = overflowRoot();
    Object old = overflowGet(root, key, h);
    previous[i] = old;
    if (old == null && s != WINDOW_FULL) {
      int dead = reuseDeadSlots ? firstDeadSlot(h, ~s) : -1;
      if (dead >= 0) {
        reviveAt(dead, key, h, value);
        return dead;
      }
      insertAt(~s, key, h, value);
      return ~s;
    }
    putOverflow(OverflowTree.put(root, key, h, value), h);
    return -1;
  }

  /** Owner-only: takes back a {@link #putRecording} into slot {@code s}. */
  void undoSlot(int s, Object previous) {
    if (previous != null) {
      setRelease(kv, (s << 1) + 1, previous); // pairs with getAcquire(value) in find
    } else {
      replaceAt(s, null, null); // it inserted the key: leave a dead slot, as a removal does
    }
  }

  /** Owner-only: the overflow root, to hand back to {@link #restoreOverflow}. */
  Object overflowForUndo() {
    return OVERFLOW.get(this);
  }

  /** Owner-only: restores the overflow tree to a root {@link #overflowForUndo} returned. */
  void restoreOverflow(Object root) {
    setOverflow(root);
  }

  /* ---------------- Migration (LockFreeReadMap resizes) -------------- */

  /**
   * Owner-only, first step of a resize: links {@code n} as the successor, then copies the
   * overflow tree into it and marks the overflow MOVED. Order matters: a reader that sees the
   * MOVED mark (acquire) must find next already set.
   */
  void beginMigration(OpenTable n) {
    setNextRelease(n);
    handOverflowTo(n);
    setOverflow(MOVED);
  }

  /**
   * Owner-only: copies the live mapping in {@code slot} (if any, and not yet moved) into the
   * successor {@code n}, then marks it MOVED. The copy is published (release) before the mark
   * (release), so a reader that sees MOVED finds the mapping in {@code n}.
   */
  void migrateSlot(int slot, OpenTable n) {
    final Object[] kv = this.kv;
    Object k = kv[slot << 1];
    if (k == null || k == DELETED) {
      return;
    }
    final int j = (slot << 1) + 1;
    for (;;) {
      Object v = valueAt(slot);
      if (v == null || v == MOVED) {
        return;
      }
      n.putOwned(k, hash(k), v, false);
      if (!sharedValues) {
        setRelease(kv, j, MOVED); // pairs with getAcquire(value) in find and iterators
        return;
      }
      // CAS: a lock-free put that stored a newer value since we read v makes this fail; copy
      // that value instead. Once MOVED, every later lock-free put on this slot fails.
      if (SLOTS.compareAndSet(kv, j, v, MOVED)) {
        return;
      }
    }
  }

  /**
   * Owner-only: migrates up to {@code slots} more slots into the successor; true when every slot
   * has been migrated.
   */
  boolean migrateSome(int slots, OpenTable n) {
    int end = Math.min(capacity(), migrated + slots);
    for (int i = migrated; i < end; i++) {
      migrateSlot(i, n);
    }
    migrated = end;
    return end == capacity();
  }

  /**
   * Owner-only, on a table being migrated: if {@code key}'s slot has been migrated (MOVED), marks
   * its key slot DELETED, so that the table no longer references a key removed from its successor.
   * Readers treat the slot as any dead one; a reader that matched the key just before reads MOVED
   * and follows {@link #next}, where the key is gone too.
   */
  void forgetMigrated(Object key, int h) {
    int s = probe(key, h);
    if (s >= 0 && getAcquire(kv, (s << 1) + 1) == MOVED) {
      setRelease(kv, s << 1, DELETED); // pairs with getAcquire(key) in find and iterators
      removals++;
    }
  }

  /** Owner-only: migrates the slot of {@code key}, if it is in this table's window. */
  void migrateKey(Object key, int h, OpenTable n) {
    int s = probe(key, h);
    if (s >= 0) {
      migrateSlot(s, n);
    }
  }

  /**
   * Owner-only: the capacity of the table a resize should build, given {@code live} mappings:
   * double when they fill a quarter of this one, else the same (to drop dead slots).
   */
  int grownCapacity(int live) {
    live -= OverflowTree.size(overflowRoot()); // the tree's keys take no slot (see Overview)
    int cap = capacity();
    if (live + 1 >= (cap >>> 2)) {
      if (cap >= MAX_CAPACITY) {
        if (live + 1 >= (cap >>> 1)) {
          throw new IllegalStateException("map is full: " + live + " mappings");
        }
        return cap;
      }
      return cap << 1;
    }
    return cap;
  }

  /* ---------------- Rebuilding -------------- */

  /**
   * Owner-only: a new table holding the live mappings of this one and room for at least one
   * more insert. Doubles the capacity when {@code live} fills a quarter of it, otherwise only
   * drops the dead slots. The new table is filled with plain stores; the owner publishes it.
   */
  OpenTable rebuilt(int live) {
    OpenTable t =
        new OpenTable(grownCapacity(live), bounded, rotation, reuseDeadSlots, sharedValues);
    copyLiveInto(t);
    return t;
  }

  /**
   * Owner-only: copies every live mapping into the (unpublished) table {@code t}: the overflow
   * tree by reference, each slot's mapping where {@code t}'s own probe (windowed or not) will look
   * for it.
   */
  void copyLiveInto(OpenTable t) {
    // The overflow tree is immutable, so the new table shares it: O(1), however many keys a
    // hash flood put there (re-inserting them stalled single puts for 100-430 ms, issue 14).
    handOverflowTo(t);
    final Object[] src = this.kv;
    for (int j = 0; j < src.length; j += 2) {
      Object k = src[j];
      Object v = src[j + 1];
      if (k != null && k != DELETED && v != null && v != MOVED) {
        t.insertAbsent(k, hash(k), v);
      }
    }
  }

  /**
   * Owner-only, while copying a table into this new one: inserts a key known to be absent here
   * (no other key of the old table equals it), skipping the overflow lookup that putOwned makes.
   */
  private void insertAbsent(Object key, int h, Object value) {
    int s = probe(key, h);
    if (s != WINDOW_FULL) {
      insertAt(~s, key, h, value); // a new table has no dead slots, and s < 0: the key is absent
    } else {
      putOverflow(OverflowTree.put(overflowRoot(), key, h, value), h);
    }
  }

  /* ---------------- Iteration -------------- */

  /**
   * A cursor over the live mappings of a table array, safe without a lock: each slot is read
   * with getAcquire (pairing with the owner's setRelease), so a mapping seen is fully built. Over
   * a private copy of the array (a snapshot) the acquire loads cost nothing extra on x86.
   */
  static final class Cursor implements Views.Cursor {
    private final Object[] kv;
    private final Object overflowRoot;
    private Object[] overflow; // flattened overflow tree, once the array is done
    private int next; // index of the next key slot (or overflow pair) to examine
    private Object key;
    private Object value;

    /** A cursor over a table array and the overflow root read with it (may be null). */
    Cursor(Object[] kv, Object overflowRoot) {
      this.kv = kv;
      this.overflowRoot = overflowRoot;
    }

    @Override
    public boolean advance() {
      final Object[] kv = this.kv;
      while (next < kv.length) {
        int j = next;
        next += 2;
        Object k = getAcquire(kv, j); // pairs with setRelease(key)
        if (k != null && k != DELETED) { // reuse tables only: they hold no Vacant
          Object v = getAcquire(kv, j + 1); // pairs with setRelease(value)
          if (v != null && v != MOVED) {
            key = k;
            value = v;
            return true;
          }
        }
      }
      if (overflow == null) {
        overflow =
            overflowRoot instanceof OverflowTree.Node
                ? OverflowTree.toArray((OverflowTree.Node) overflowRoot)
                : new Object[0];
      }
      int j = next - kv.length;
      if (j < overflow.length) {
        next += 2;
        key = overflow[j];
        value = overflow[j + 1];
        return true;
      }
      key = value = null;
      return false;
    }

    @Override
    public Object key() {
      if (key == null) {
        throw new NoSuchElementException();
      }
      return key;
    }

    @Override
    public Object value() {
      return value;
    }
  }

  /** A cursor over this table as it is now; racing writes may or may not be seen. */
  Cursor cursor() {
    return new Cursor(kv, overflowAcquire());
  }

  /**
   * A cursor over a private copy of this table: an atomic snapshot if the caller holds a lock
   * that excludes the owner. The overflow tree is immutable, so its root is the snapshot.
   */
  Cursor snapshotCursor() {
    return new Cursor(kv.clone(), overflowAcquire());
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle OVERFLOW;
  private static final VarHandle NEXT;
  private static final VarHandle FROZEN_RECORD;
  private static final VarHandle OVERFLOW_HASHES;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      OVERFLOW = l.findVarHandle(OpenTable.class, "overflow", Object.class);
      NEXT = l.findVarHandle(OpenTable.class, "next", OpenTable.class);
      FROZEN_RECORD = l.findVarHandle(OpenTable.class, "frozen", Frozen.class);
      OVERFLOW_HASHES = l.findVarHandle(OpenTable.class, "overflowHashes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Anyone: the overflow root or MOVED (acquire; pairs with the owner's setRelease). */
  Object overflowAcquire() {
    return OVERFLOW.getAcquire(this);
  }

  static Object getAcquire(Object[] a, int i) {
    return SLOTS.getAcquire(a, i);
  }

  static void setRelease(Object[] a, int i, Object x) {
    SLOTS.setRelease(a, i, x);
  }
}

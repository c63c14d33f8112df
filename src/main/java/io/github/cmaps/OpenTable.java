package io.github.cmaps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
   * A key is placed at the first free slot of its probe sequence h & mask, h+1 & mask, ...
   * where h is hash(key) (a mixed hashCode). Keeping key and value next to each other means a
   * successful get touches one cache line of the table: one miss fewer than a table of
   * references to nodes.
   *
   * Slot life cycle. A key slot only ever moves forward through
   *
   *     null  ->  key  ->  DELETED
   *
   * and is never reused within one table; a removed mapping leaves DELETED in the key slot and
   * null in the value slot, so neither the removed key nor its value stay reachable from the
   * map. Because a slot never goes back to null, a probe sequence can only get longer while a
   * reader walks it: a reader that reaches null has passed every slot its key could be in. Dead
   * slots count towards the load limit; when live + dead slots reach half the capacity the owner
   * rebuilds the table (doubling it only if live entries fill a quarter of it), which drops the
   * dead slots. The table is never more than half full, so every probe meets a null.
   *
   * Memory ordering (see package-info for the vocabulary). The writer inserts with
   * setPlain(value) then setRelease(key); a reader loads the key with getAcquire, so once it sees
   * the key it also sees the value and everything written before it (the value object's
   * fields). A value update is setRelease(value), paired with the reader's getAcquire(value).
   * A removal is setRelease(value = null) then setRelease(key = DELETED). A reader that matched
   * the key but then loads a null value has raced with that removal and keeps probing: the same
   * key may have been inserted again further along, and if not the probe ends at null. Either
   * answer is the state of the map at some instant during the read, so the read is
   * linearizable. The table array itself is published by the owner (a release store or an
   * unlock) and is immutable in size.
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

  /** Largest capacity: the interleaved array then has 2^30 elements. */
  static final int MAX_CAPACITY = 1 << 29;

  /** Mappings a table may hold before the owner must rebuild it: half its capacity. */
  static final int MAX_ENTRIES = MAX_CAPACITY >>> 1;

  /** Key at 2i, value at 2i + 1. Length 2 * capacity. */
  final Object[] kv;

  /** capacity - 1. */
  final int mask;

  /** Live plus dead key slots. Owner-only (plain). */
  private int used;

  OpenTable(int capacity) {
    this.kv = new Object[capacity << 1];
    this.mask = capacity - 1;
  }

  /* ---------------- Hashing and sizing -------------- */

  /**
   * Mixes a hash code so that both its low bits (bucket index) and its high bits (stripe index
   * of {@code StripedLockMap}) depend on all input bits: a multiply by the golden ratio spreads
   * low bits upward, the xor-shift folds high bits down.
   */
  static int hash(Object key) {
    int h = key.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** The capacity of a table that holds {@code entries} mappings without a rebuild. */
  static int capacityFor(int entries) {
    if (entries < 0) {
      throw new IllegalArgumentException("negative capacity: " + entries);
    }
    if (entries >= MAX_ENTRIES) {
      return MAX_CAPACITY;
    }
    // used must stay below capacity / 2 after 'entries' inserts.
    int cap = Integer.highestOneBit(Math.max(4, entries * 2 + 1) - 1) << 1;
    return Math.min(cap, MAX_CAPACITY);
  }

  int capacity() {
    return mask + 1;
  }

  /** True when one more insert would take live + dead slots to half the capacity. */
  boolean needsRebuildBeforeInsert() {
    return used + 1 >= (capacity() >>> 1);
  }

  /* ---------------- Lock-free reads -------------- */

  /**
   * Returns the value mapped to {@code key}, or null. Safe without any lock, racing with the
   * owner's writes; see the Overview for why the answer is linearizable.
   */
  Object find(Object key, int h) {
    final Object[] kv = this.kv;
    final int mask = this.mask;
    // The probe is bounded by the capacity, not only by the null it will meet: even a racy
    // reader of a stale table cannot loop forever.
    for (int i = h & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
      Object k = getAcquire(kv, i << 1); // pairs with setRelease(key) in insertAt/removeAt
      if (k == null) {
        return null;
      }
      if (k == key || (k != DELETED && key.equals(k))) {
        Object v = getAcquire(kv, (i << 1) + 1); // pairs with setRelease(value)
        if (v != null) {
          return v;
        }
        // Removed while we looked: a later insert of the same key is further along.
      }
    }
    return null;
  }

  /* ---------------- Writer operations (owner only) -------------- */

  /**
   * Owner-only probe: returns the slot of {@code key}, or {@code ~slot} of the first free slot
   * where it would be inserted. Plain loads: only the owner writes, and it is this thread.
   */
  int indexOf(Object key, int h) {
    final Object[] kv = this.kv;
    final int mask = this.mask;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Object k = kv[i << 1];
      if (k == null) {
        return ~i;
      }
      if (k == key || (k != DELETED && key.equals(k))) {
        return i;
      }
    }
  }

  /** Owner-only: the value in a live slot. */
  Object valueAt(int slot) {
    return kv[(slot << 1) + 1];
  }

  /** Owner-only: the key in a slot (null, DELETED or a live key). */
  Object keyAt(int slot) {
    return kv[slot << 1];
  }

  /**
   * Owner-only: puts a new mapping into the free slot {@code slot} returned (as {@code ~slot})
   * by {@link #indexOf}. The caller has ensured {@code !needsRebuildBeforeInsert()}.
   */
  void insertAt(int slot, Object key, Object value) {
    // Plain store: ordered before the key's release store below, which publishes both.
    kv[(slot << 1) + 1] = value;
    setRelease(kv, slot << 1, key); // pairs with getAcquire(key) in find and iterators
    used++;
  }

  /** Owner-only: replaces the value of a live slot. */
  void setValueAt(int slot, Object value) {
    setRelease(kv, (slot << 1) + 1, value); // pairs with getAcquire(value) in find and iterators
  }

  /** Owner-only: removes the live mapping in {@code slot}, leaving a dead slot. */
  void removeAt(int slot) {
    // Value first: a reader that matched the key then sees null and keeps probing.
    setRelease(kv, (slot << 1) + 1, null); // pairs with getAcquire(value) in find
    setRelease(kv, slot << 1, DELETED); // pairs with getAcquire(key) in find
  }

  /* ---------------- Rebuilding -------------- */

  /**
   * Owner-only: a new table holding the live mappings of this one and room for at least one
   * more insert. Doubles the capacity when {@code live} fills a quarter of it, otherwise only
   * drops the dead slots. The new table is filled with plain stores; the owner publishes it.
   */
  OpenTable rebuilt(int live) {
    int cap = capacity();
    if (live + 1 >= (cap >>> 2)) {
      if (cap >= MAX_CAPACITY) {
        if (live + 1 >= (cap >>> 1)) {
          throw new IllegalStateException("map is full: " + live + " mappings");
        }
      } else {
        cap <<= 1;
      }
    }
    OpenTable t = new OpenTable(cap);
    copyLiveInto(t);
    return t;
  }

  /** Owner-only: copies every live mapping into the (unpublished) table {@code t}. */
  void copyLiveInto(OpenTable t) {
    final Object[] src = this.kv;
    final Object[] dst = t.kv;
    final int m = t.mask;
    int copied = 0;
    for (int j = 0; j < src.length; j += 2) {
      Object k = src[j];
      Object v = src[j + 1];
      if (k != null && k != DELETED && v != null) {
        int i = hash(k) & m;
        while (dst[i << 1] != null) {
          i = (i + 1) & m;
        }
        dst[i << 1] = k;
        dst[(i << 1) + 1] = v;
        copied++;
      }
    }
    t.used += copied;
  }

  /* ---------------- Iteration -------------- */

  /**
   * A cursor over the live mappings of a table array, safe without a lock: each slot is read
   * with getAcquire (pairing with the owner's setRelease), so a mapping seen is fully built. Over
   * a private copy of the array (a snapshot) the acquire loads cost nothing extra on x86.
   *
   * <p>A map made of several tables (the stripes of {@code StripedLockMap}) chains them by
   * overriding {@link #nextArray}, so that each array is fetched only when the cursor gets there.
   */
  static class Cursor {
    private Object[] kv;
    private int next; // index of the next key slot to examine
    private Object key;
    private Object value;

    Cursor(Object[] kv) {
      this.kv = kv;
    }

    /**
     * The array to walk once the current one is exhausted, or null when there is none; called
     * again after it returned null, so it must keep returning null. A single-array cursor has
     * none.
     */
    Object[] nextArray() {
      return null;
    }

    /** Moves to the next live mapping; false at the end. */
    boolean advance() {
      Object[] kv = this.kv;
      for (; ; ) {
        while (next < kv.length) {
          int j = next;
          next += 2;
          Object k = getAcquire(kv, j); // pairs with setRelease(key)
          if (k != null && k != DELETED) {
            Object v = getAcquire(kv, j + 1); // pairs with setRelease(value)
            if (v != null) {
              key = k;
              value = v;
              return true;
            }
          }
        }
        kv = nextArray();
        if (kv == null) {
          key = value = null;
          return false;
        }
        this.kv = kv;
        next = 0;
      }
    }

    Object key() {
      if (key == null) {
        throw new NoSuchElementException();
      }
      return key;
    }

    Object value() {
      return value;
    }
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

  static Object getAcquire(Object[] a, int i) {
    return SLOTS.getAcquire(a, i);
  }

  static void setRelease(Object[] a, int i, Object x) {
    SLOTS.setRelease(a, i, x);
  }
}

package io.github.cmaps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Minimal striped maps over the library's real {@link OpenTable} (bounded-probe, as the shipped
 * map uses it), one per candidate stripe lock, for {@link StripedLockChoiceBenchmark}. Only
 * {@code get}, {@code put} and {@code remove}: enough to compare the locks, nothing else of the
 * map contract. They live in the library's package (class path only) so that they run on the
 * very table the shipped map uses.
 *
 * <p>Candidates: {@link ReentrantLock} (reads lock too), {@link ReentrantReadWriteLock} (reads
 * share a read lock), {@link StampedLock} (reads are optimistic: an unlocked probe, then {@code
 * validate}, falling back to the read lock). Each comes plain or padded against false sharing
 * between neighbouring stripes, and blocks at once when its lock is busy ({@code spins = 0}: the
 * java.util.concurrent locks park almost immediately) or first retries a non-blocking attempt
 * {@code spins} times with {@link Thread#onSpinWait} (as JDK 7's segments did, and as HotSpot's
 * monitors do on their own).
 */
final class LockChoicePrototypes {

  private LockChoicePrototypes() {}

  /** The operations the benchmark drives. */
  interface Proto {
    Object get(Object key);

    Object put(Object key, Object value);

    Object remove(Object key);
  }

  /** Creates a prototype map for a lock kind name of the benchmark's parameter. */
  static Proto create(
      String lock, int stripes, boolean padded, int spins, int capacityPerStripe) {
    switch (lock) {
      case "reentrant":
        return new ReentrantMap(stripes, padded, spins, capacityPerStripe);
      case "readwrite":
        return new ReadWriteMap(stripes, padded, spins, capacityPerStripe);
      case "stamped":
        return new StampedMap(stripes, padded, spins, capacityPerStripe);
      case "shipped":
        return new Shipped(new StripedLockMap<>(capacityPerStripe / 4 * stripes, stripes));
      default:
        throw new IllegalArgumentException("unknown lock kind: " + lock);
    }
  }

  /**
   * The shipped {@link StripedLockMap} (StampedLock, plus null checks and the guard against
   * writes from user functions), to see what the prototype leaves out.
   */
  static final class Shipped implements Proto {
    private final StripedLockMap<Object, Object> map;

    Shipped(StripedLockMap<Object, Object> map) {
      this.map = map;
    }

    @Override
    public Object get(Object key) {
      return map.get(key);
    }

    @Override
    public Object put(Object key, Object value) {
      return map.put(key, value);
    }

    @Override
    public Object remove(Object key) {
      return map.remove(key);
    }
  }

  /* ---------------- Shared table operations (stripe lock held) -------------- */

  /** A stripe's state, whatever lock guards it. */
  interface Holder {
    OpenTable table();

    /** Publishes a rebuilt table. */
    void table(OpenTable t);

    int count();

    void count(int c);
  }

  static Object getLocked(Holder s, Object key, int h) {
    return s.table().getOwned(key, h);
  }

  static Object putLocked(Holder s, Object key, int h, Object value) {
    OpenTable t = s.table();
    if (t.needsRebuildBeforeInsert()) {
      t = t.rebuilt(s.count());
      s.table(t);
    }
    Object old = t.putOwned(key, h, value, false);
    if (old == null) {
      s.count(s.count() + 1);
    }
    return old;
  }

  static Object removeLocked(Holder s, Object key, int h) {
    Object old = s.table().replaceOwned(key, h, null, null);
    if (old != null) {
      s.count(s.count() - 1);
    }
    return old;
  }

  static int stripeBits(int stripes) {
    return Integer.numberOfTrailingZeros(stripes);
  }

  /* ---------------- ReentrantLock -------------- */

  static class ReentrantStripe extends ReentrantLock implements Holder {
    private static final long serialVersionUID = 1L;
    private transient OpenTable table;
    private int count;

    ReentrantStripe(int capacity) {
      table = new OpenTable(capacity, true);
    }

    @Override
    public OpenTable table() {
      return table;
    }

    @Override
    public void table(OpenTable t) {
      table = t;
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public void count(int c) {
      count = c;
    }
  }

  /** 128 bytes after the stripe's fields: its neighbour's lock word is on another line. */
  static final class PaddedReentrantStripe extends ReentrantStripe {
    private static final long serialVersionUID = 1L;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    PaddedReentrantStripe(int capacity) {
      super(capacity);
    }
  }

  static final class ReentrantMap implements Proto {
    private final ReentrantStripe[] stripes;
    private final int shift;
    private final int mask;
    private final int spins;

    ReentrantMap(int n, boolean padded, int spins, int capacity) {
      this.spins = spins;
      stripes = new ReentrantStripe[n];
      for (int i = 0; i < n; i++) {
        stripes[i] = padded ? new PaddedReentrantStripe(capacity) : new ReentrantStripe(capacity);
      }
      shift = 32 - stripeBits(n);
      mask = n - 1;
    }

    @Override
    public Object get(Object key) {
      int h = OpenTable.hash(key);
      ReentrantStripe s = stripes[(h >>> shift) & mask];
      lock(s);
      try {
        return getLocked(s, key, h);
      } finally {
        s.unlock();
      }
    }

    @Override
    public Object put(Object key, Object value) {
      int h = OpenTable.hash(key);
      ReentrantStripe s = stripes[(h >>> shift) & mask];
      lock(s);
      try {
        return putLocked(s, key, h, value);
      } finally {
        s.unlock();
      }
    }

    @Override
    public Object remove(Object key) {
      int h = OpenTable.hash(key);
      ReentrantStripe s = stripes[(h >>> shift) & mask];
      lock(s);
      try {
        return removeLocked(s, key, h);
      } finally {
        s.unlock();
      }
    }

    private void lock(ReentrantLock s) {
      for (int i = spins; i > 0; i--) {
        if (s.tryLock()) {
          return;
        }
        Thread.onSpinWait();
      }
      s.lock();
    }
  }

  /* ---------------- ReentrantReadWriteLock -------------- */

  static class ReadWriteStripe extends ReentrantReadWriteLock implements Holder {
    private static final long serialVersionUID = 1L;
    final ReentrantReadWriteLock.ReadLock read = readLock();
    final ReentrantReadWriteLock.WriteLock write = writeLock();
    private transient OpenTable table;
    private int count;

    ReadWriteStripe(int capacity) {
      table = new OpenTable(capacity, true);
    }

    @Override
    public OpenTable table() {
      return table;
    }

    @Override
    public void table(OpenTable t) {
      table = t;
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public void count(int c) {
      count = c;
    }
  }

  /** As {@link PaddedReentrantStripe}. */
  static final class PaddedReadWriteStripe extends ReadWriteStripe {
    private static final long serialVersionUID = 1L;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    PaddedReadWriteStripe(int capacity) {
      super(capacity);
    }
  }

  static final class ReadWriteMap implements Proto {
    private final ReadWriteStripe[] stripes;
    private final int shift;
    private final int mask;
    private final int spins;

    ReadWriteMap(int n, boolean padded, int spins, int capacity) {
      this.spins = spins;
      stripes = new ReadWriteStripe[n];
      for (int i = 0; i < n; i++) {
        stripes[i] = padded ? new PaddedReadWriteStripe(capacity) : new ReadWriteStripe(capacity);
      }
      shift = 32 - stripeBits(n);
      mask = n - 1;
    }

    @Override
    public Object get(Object key) {
      int h = OpenTable.hash(key);
      ReadWriteStripe s = stripes[(h >>> shift) & mask];
      lock(s.read);
      try {
        return getLocked(s, key, h);
      } finally {
        s.read.unlock();
      }
    }

    @Override
    public Object put(Object key, Object value) {
      int h = OpenTable.hash(key);
      ReadWriteStripe s = stripes[(h >>> shift) & mask];
      lock(s.write);
      try {
        return putLocked(s, key, h, value);
      } finally {
        s.write.unlock();
      }
    }

    @Override
    public Object remove(Object key) {
      int h = OpenTable.hash(key);
      ReadWriteStripe s = stripes[(h >>> shift) & mask];
      lock(s.write);
      try {
        return removeLocked(s, key, h);
      } finally {
        s.write.unlock();
      }
    }

    private void lock(java.util.concurrent.locks.Lock l) {
      for (int i = spins; i > 0; i--) {
        if (l.tryLock()) {
          return;
        }
        Thread.onSpinWait();
      }
      l.lock();
    }
  }

  /* ---------------- StampedLock with optimistic reads -------------- */

  static class StampedStripe extends StampedLock implements Holder {
    private static final long serialVersionUID = 1L;
    private transient OpenTable table;
    private int count;

    StampedStripe(int capacity) {
      table = new OpenTable(capacity, true);
    }

    /** Unlocked read of the table reference; pairs with the release store in table(t). */
    OpenTable tableAcquire() {
      return (OpenTable) TABLE.getAcquire(this);
    }

    @Override
    public OpenTable table() {
      return table;
    }

    @Override
    public void table(OpenTable t) {
      TABLE.setRelease(this, t); // pairs with getAcquire in tableAcquire
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public void count(int c) {
      count = c;
    }

    private static final VarHandle TABLE;

    static {
      try {
        TABLE =
            MethodHandles.lookup().findVarHandle(StampedStripe.class, "table", OpenTable.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** As {@link PaddedReentrantStripe}. */
  static final class PaddedStampedStripe extends StampedStripe {
    private static final long serialVersionUID = 1L;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    PaddedStampedStripe(int capacity) {
      super(capacity);
    }
  }

  static final class StampedMap implements Proto {
    private final StampedStripe[] stripes;
    private final int shift;
    private final int mask;
    private final int spins;

    StampedMap(int n, boolean padded, int spins, int capacity) {
      this.spins = spins;
      stripes = new StampedStripe[n];
      for (int i = 0; i < n; i++) {
        stripes[i] = padded ? new PaddedStampedStripe(capacity) : new StampedStripe(capacity);
      }
      shift = 32 - stripeBits(n);
      mask = n - 1;
    }

    @Override
    public Object get(Object key) {
      int h = OpenTable.hash(key);
      StampedStripe s = stripes[(h >>> shift) & mask];
      for (int i = spins; ; i--) {
        long stamp = s.tryOptimisticRead();
        if (stamp != 0L) {
          Object v = s.tableAcquire().find(key, h);
          if (s.validate(stamp)) {
            return v;
          }
        }
        if (i <= 0) {
          break;
        }
        Thread.onSpinWait();
      }
      long stamp = s.readLock();
      try {
        return getLocked(s, key, h);
      } finally {
        s.unlockRead(stamp);
      }
    }

    @Override
    public Object put(Object key, Object value) {
      int h = OpenTable.hash(key);
      StampedStripe s = stripes[(h >>> shift) & mask];
      long stamp = writeLock(s);
      try {
        return putLocked(s, key, h, value);
      } finally {
        s.unlockWrite(stamp);
      }
    }

    @Override
    public Object remove(Object key) {
      int h = OpenTable.hash(key);
      StampedStripe s = stripes[(h >>> shift) & mask];
      long stamp = writeLock(s);
      try {
        return removeLocked(s, key, h);
      } finally {
        s.unlockWrite(stamp);
      }
    }

    private long writeLock(StampedLock s) {
      for (int i = spins; i > 0; i--) {
        long stamp = s.tryWriteLock();
        if (stamp != 0L) {
          return stamp;
        }
        Thread.onSpinWait();
      }
      return s.writeLock();
    }
  }
}

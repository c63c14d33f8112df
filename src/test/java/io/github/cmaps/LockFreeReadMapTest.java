package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link LockFreeReadMap} promises beyond the contract kit: readers never wait for a writer
 * (even one stalled half-way through a resize), reads during growth never miss a present key,
 * removed mappings become garbage, and colliding hash codes do not make it quadratic.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockFreeReadMapTest {

  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  /* ---------------- Readers never wait -------------- */

  @Test
  void readersCompleteWhileAComputeFunctionHoldsTheWriterLock() throws Exception {
    LockFreeReadMap<Integer, String> map = new LockFreeReadMap<>();
    for (int i = 0; i < 1_000; i++) {
      map.put(i, "v" + i);
    }
    CountDownLatch inFunction = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> writer = pool.submit(() -> map.compute(7, (k, v) -> {
      inFunction.countDown();
      awaitUninterruptibly(release);
      return "new";
    }));
    assertThat(inFunction.await(10, TimeUnit.SECONDS)).isTrue();

    // The writer is parked inside its function, holding the writer lock.
    Future<Long> reads = pool.submit(() -> readAll(map, 1_000, 200));
    assertThat(reads.get(20, TimeUnit.SECONDS)).isEqualTo(200L * 1_000);
    assertThat(map.get(7)).isEqualTo("v7");
    assertThat(map.size()).isEqualTo(1_000);
    assertThat(map.containsKey(999)).isTrue();
    assertThat(map.keySet()).hasSize(1_000);

    release.countDown();
    assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    assertThat(map.get(7)).isEqualTo("new");
  }

  @Test
  void readersCompleteWhileAWriterIsStalledHalfWayThroughAResize() throws Exception {
    LockFreeReadMap<Integer, String> map = new LockFreeReadMap<>();
    int n = 0;
    // Grow past the small-table limit until an incremental resize is in progress.
    while (!(n > 4 * LockFreeReadMap.SMALL_TABLE && map.isResizing())) {
      map.put(n, "v" + n);
      n++;
      assertThat(n).isLessThan(1_000_000);
    }
    int present = n;
    CountDownLatch inFunction = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> writer = pool.submit(() -> map.computeIfAbsent(-1, k -> {
      inFunction.countDown();
      awaitUninterruptibly(release);
      return "absent";
    }));
    assertThat(inFunction.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(map.isResizing()).as("resize still half-way while the writer is stalled").isTrue();

    Future<Long> reads = pool.submit(() -> readAll(map, present, 20));
    assertThat(reads.get(20, TimeUnit.SECONDS)).isEqualTo(20L * present);
    assertThat(map.size()).isEqualTo(present);
    int iterated = 0;
    for (Integer k : map.keySet()) {
      assertThat(k).isBetween(0, present - 1);
      iterated++;
    }
    assertThat(iterated).isEqualTo(present);

    release.countDown();
    assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("absent");
    assertThat(map.size()).isEqualTo(present + 1);
  }

  /**
   * Negative control for the two tests above: the same stalled writer, in the one place where a
   * map's readers do wait for it (a {@link ReadWriteLockMap#write} section, whose readers wait by
   * design; a stalled {@code compute} function no longer blocks that map's readers), does block
   * them, so those tests would fail if reads waited for writers.
   */
  @Test
  void readersOfAReadWriteLockMapDoWaitForAStalledWriteSection() throws Exception {
    ReadWriteLockMap<Integer, String> map = new ReadWriteLockMap<>();
    for (int i = 0; i < 1_000; i++) {
      map.put(i, "v" + i);
    }
    CountDownLatch inFunction = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> writer = pool.submit(() -> map.write(m -> {
      m.put(7, "new");
      inFunction.countDown();
      awaitUninterruptibly(release);
      return "new";
    }));
    assertThat(inFunction.await(10, TimeUnit.SECONDS)).isTrue();
    Future<String> read = pool.submit(() -> map.get(3));
    Thread.sleep(300);
    assertThat(read.isDone()).as("a reader of the lock-based map waits for the writer").isFalse();
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v3");
    assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo("new");
  }

  /** Reads keys 0..n-1 {@code rounds} times; fails on any miss. Returns the number of hits. */
  private static long readAll(LockFreeReadMap<Integer, String> map, int n, int rounds) {
    long hits = 0;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < n; i++) {
        String v = map.get(i);
        if (v == null || !v.startsWith("v")) {
          throw new AssertionError("missed key " + i + ": " + v);
        }
        hits++;
      }
    }
    return hits;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /* ---------------- Growth with readers -------------- */

  /**
   * Two writers grow a map from 16 to 2M entries while two readers keep reading 20,000 random
   * keys inserted before, and checking they never read as missing, and never read a value that
   * was never written. Millions of operations, bounded by the number of inserts.
   */
  @Test
  void readersNeverMissPresentKeysWhileTheMapGrowsToMillions() throws Exception {
    LockFreeReadMap<Integer, Integer> map = new LockFreeReadMap<>();
    SplittableRandom random = new SplittableRandom(20261126);
    int[] before = new int[20_000];
    for (int i = 0; i < before.length; i++) {
      int k;
      do {
        k = random.nextInt() & ~1; // even: never collides with the writers' odd keys
      } while (map.putIfAbsent(k, k) != null);
      before[i] = k;
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int offset = r * 7919;
      readers.add(pool.submit(() -> {
        long n = 0;
        while (!stop.get()) {
          for (int i = 0; i < before.length; i++) {
            int k = before[(i + offset) % before.length];
            Integer v = map.get(k);
            if (v == null || v != k) {
              throw new AssertionError("key " + k + " read as " + v);
            }
            n++;
          }
        }
        reads.addAndGet(n);
        return null;
      }));
    }
    int perWriter = 1_000_000;
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int base = w * perWriter;
      writers.add(pool.submit(() -> {
        for (int i = 0; i < perWriter; i++) {
          int k = ((base + i) << 1) | 1;
          map.put(k, k);
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : writers) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
    }
    for (Future<?> f : readers) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(map.size()).isEqualTo(before.length + 2 * perWriter);
    for (int i = 0; i < 2 * perWriter; i++) {
      int k = (i << 1) | 1;
      assertThat(map.get(k)).isEqualTo(k);
    }
    assertThat(reads.get()).isGreaterThan(before.length);
  }

  /* ---------------- putAll and lock-free swaps -------------- */

  /** A key equal by name whose equals, called by the thread named, runs a hook once. */
  static final class HookKey {
    final String name;
    volatile Thread hookThread;
    volatile Runnable hook;

    HookKey(String name) {
      this.name = name;
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      Runnable h = hook;
      if (h != null && Thread.currentThread() == hookThread) {
        hook = null;
        h.run();
      }
      return o instanceof HookKey && ((HookKey) o).name.equals(name);
    }
  }

  /**
   * The documented limit of putAll: it holds the writer lock, but a put of a present key swaps
   * without it, so two puts (A then B) by another thread can land between putAll's stores of A
   * and B. Final state A=w, B=p: no order of putAll as one atomic step and the two puts gives
   * it. Staged exactly: the puts run while putAll is looking up B.
   */
  @Test
  void putAllIsNotAtomicWithRespectToLockFreeSwaps() throws Exception {
    LockFreeReadMap<HookKey, String> map = new LockFreeReadMap<>();
    HookKey a = new HookKey("A");
    HookKey b = new HookKey("B");
    map.put(a, "0");
    map.put(b, "0");
    HookKey b2 = new HookKey("B"); // putAll's copy of B: its equals runs the other thread's puts
    b2.hookThread = Thread.currentThread();
    b2.hook = () -> {
      Thread other = new Thread(() -> {
        map.put(a, "w");
        map.put(b, "w");
      });
      other.start();
      try {
        other.join(10_000);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertThat(other.isAlive()).as("lock-free puts do not wait for putAll's lock").isFalse();
    };
    java.util.Map<HookKey, String> batch = new java.util.LinkedHashMap<>();
    batch.put(new HookKey("A"), "p");
    batch.put(b2, "p");
    map.putAll(batch);
    assertThat(map.get(a)).isEqualTo("w");
    assertThat(map.get(b)).isEqualTo("p");
  }

  /* ---------------- Removed mappings are garbage -------------- */

  @Test
  void removedKeysAndValuesBecomeUnreachable() throws Exception {
    LockFreeReadMap<Object, Object> map = new LockFreeReadMap<>();
    for (int i = 0; i < 100; i++) {
      map.put("keep" + i, i);
    }
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Object key = new StringBuilder("gone").append(i).toString();
      Object value = new Object();
      map.put(key, value);
      refs.add(new WeakReference<>(key));
      refs.add(new WeakReference<>(value));
    }
    // Remove in every way the API offers.
    List<Object> keys = new ArrayList<>();
    map.keySet().forEach(k -> {
      if (k.toString().startsWith("gone")) {
        keys.add(k);
      }
    });
    for (int i = 0; i < keys.size(); i++) {
      Object k = keys.get(i);
      switch (i % 4) {
        case 0 -> map.remove(k);
        case 1 -> map.remove(k, map.get(k));
        case 2 -> map.computeIfPresent(k, (kk, v) -> null);
        default -> map.keySet().remove(k);
      }
    }
    keys.clear();
    assertThat(map).hasSize(100);
    assertAllCleared(refs);
  }

  /**
   * When a removal cannot leave a Vacant (the table already holds capacity/16 of them, or the
   * collector cleared one), it leaves DELETED, which no insert takes back, so each re-insert of a
   * key takes the next free slot of its window. Before issue 16, a key put and removed about 32
   * times had then filled its window with its own dead slots and went to the overflow tree for
   * the rest of the table's life (a tree path copy per write: 2.5 ops/us against
   * ReadWriteLockMap's 35 on putRemove, 1K keys, one thread). Now an insert that meets such a
   * window rebuilds the table first once the table has seen capacity/16 removals
   * (OpenTable.windowExhaustedByDeadSlots); the new table's removals leave Vacants again. With
   * 100 other keys in a table made for 1,000 (2,048 slots) and its 128 Vacants used up first,
   * the hot key spent 9,972 of 10,000 rounds in the tree without that rebuild, and none with it.
   */
  @Test
  void aKeyPutAndRemovedOverAndOverMostlyStaysOutOfTheOverflowTree() {
    List<Integer> removed = new ArrayList<>(); // held, so their Vacants stay
    LockFreeReadMap<Integer, Integer> map = churnedMapWithItsVacantsUsedUp(removed);
    assertThat(map.currentTable().vacantSlots()).isEqualTo(map.currentTable().maxVacancies());
    Integer hot = -1;
    int roundsInTree = 0;
    for (int round = 0; round < 10_000; round++) {
      map.put(hot, round);
      roundsInTree += map.overflowMappings();
      assertThat(map.remove(hot)).isEqualTo(round);
    }
    assertThat(roundsInTree).isLessThan(2_500);
    assertThat(map).hasSize(100);
    assertThat(removed).isNotEmpty();
  }

  /**
   * A map made for 1,000 keys (2,048 slots, far from its load limit, so only the churn rebuild
   * frees a window) holding 100 keys, whose table has used up its Vacants on keys put and removed
   * once each (added to {@code removed}, which the caller holds so that the Vacants stay): its
   * next removals leave DELETED.
   */
  private static LockFreeReadMap<Integer, Integer> churnedMapWithItsVacantsUsedUp(
      List<Integer> removed) {
    LockFreeReadMap<Integer, Integer> map = new LockFreeReadMap<>(1_000);
    for (int i = 0; i < 100; i++) {
      map.put(i, i);
    }
    for (int i = 0; i < map.currentTable().maxVacancies(); i++) {
      Integer key = 1_000 + i;
      removed.add(key);
      map.put(key, i);
      map.remove(key);
    }
    return map;
  }

  /**
   * The same churn, seen from the hot key's probe: once its table has seen capacity/16 removals,
   * an insert that would land {@link OpenTable#CHURN_REACH} (32) or more slots from its home past
   * dead slots rebuilds the table first, so the key never sits that far out, although its window
   * is 64 slots. Without that reach (the rebuild only when the whole window is used up) the key
   * walked out to slot 63 of its window, each step a longer probe for every lookup of it.
   */
  @Test
  void aKeyPutAndRemovedOverAndOverNeverLandsFarFromItsHome() {
    List<Integer> removed = new ArrayList<>(); // held, so their Vacants stay
    LockFreeReadMap<Integer, Integer> map = churnedMapWithItsVacantsUsedUp(removed);
    Integer hot = -1;
    int h = OpenTable.hash(hot);
    int farthest = 0;
    for (int round = 0; round < 1_000; round++) {
      map.put(hot, round);
      OpenTable t = map.currentTable();
      int slot = t.findSlot(hot, h);
      if (slot >= 0) {
        farthest = Math.max(farthest, (slot - t.home(h)) & t.mask);
      }
      map.remove(hot);
    }
    // 32, not OpenTable.CHURN_REACH: a test that read the constant could not catch a change of it.
    assertThat(farthest).isGreaterThan(0).isLessThan(32);
    assertThat(removed).isNotEmpty();
  }



  /**
   * A removal leaves a Vacant in the key slot, remembering the key weakly, and an insert of an
   * equal key takes that slot back (OpenTable's Overview, "Vacant slots"). So a key put and
   * removed over and over, through equal copies, keeps one slot: no slot is used up, nothing goes
   * to the overflow tree, no rebuild. Before, each round took a new slot of the key's window:
   * with 100 other keys (a 512-slot table) the key spent 1,868 of 10,000 rounds in the tree, and
   * the table was rebuilt about every 64 rounds.
   */
  @Test
  void aKeyPutAndRemovedOverAndOverTakesBackItsOwnSlot() {
    LockFreeReadMap<Object, Integer> map = new LockFreeReadMap<>();
    for (int i = 0; i < 100; i++) {
      map.put("key" + i, i);
    }
    // Two equal copies, both held here, so that the collector cannot clear the Vacant's referent.
    Object[] hot = {new String("hot"), new String("hot")};
    map.put(hot[1], -1);
    map.remove("hot");
    OpenTable table = map.currentTable();
    int used = table.usedSlots();
    int roundsInTree = 0;
    for (int round = 0; round < 10_000; round++) {
      map.put(hot[round & 1], round);
      roundsInTree += map.overflowMappings();
      assertThat(map.get(new String("hot"))).isEqualTo(round);
      assertThat(map.remove(new String("hot"))).isEqualTo(round);
    }
    map.put(hot[0], 0);
    assertThat(roundsInTree).isZero();
    assertThat(map.currentTable()).as("never rebuilt").isSameAs(table);
    assertThat(table.usedSlots()).isEqualTo(used);
    // The map holds the key object of the last put, as after any insert of an absent key.
    assertThat(map.keySet().stream().filter(k -> k == hot[0]).count()).isEqualTo(1);
    assertThat(map).hasSize(101);
  }

  /** A key whose equals casts its argument, as many hand-written ones do. */
  static final class CastingKey {
    final int id;

    CastingKey(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return id == ((CastingKey) o).id; // ClassCastException for anything but a CastingKey
    }

    @Override
    public int hashCode() {
      return id;
    }
  }

  /**
   * The Vacant a removal leaves is a marker, not a key: lookups and iteration must never pass it
   * to a user's equals (its fingerprint is the removed key's, so a lookup of that key meets it
   * first). With the check removed from the lock-free probe, get throws ClassCastException.
   */
  @Test
  void aVacantSlotIsNeverPassedToAUsersEquals() {
    LockFreeReadMap<CastingKey, Integer> map = new LockFreeReadMap<>();
    CastingKey key = new CastingKey(7);
    map.put(key, 1);
    map.remove(new CastingKey(7));
    assertThat(map.get(new CastingKey(7))).isNull();
    assertThat(map.containsKey(new CastingKey(7))).isFalse();
    assertThat(map.replace(new CastingKey(7), 2)).isNull();
    assertThat(map.put(new CastingKey(7), 3)).isNull();
    assertThat(map.get(new CastingKey(7))).isEqualTo(3);
    assertThat(map.remove(new CastingKey(7))).isEqualTo(3);
    assertThat(map.keySet()).isEmpty();
    assertThat(key).isNotNull(); // the first key object stays reachable for the whole test
  }

  /**
   * Once the collector clears a Vacant's key, the slot is dead for good: an equal key inserted
   * later takes a new slot, and the map behaves as before.
   */
  @Test
  void aVacantSlotWhoseKeyWasCollectedIsNotTakenBack() throws Exception {
    LockFreeReadMap<Object, Integer> map = new LockFreeReadMap<>();
    Object key = new StringBuilder("gone").toString();
    map.put(key, 1);
    List<WeakReference<Object>> refs = new ArrayList<>();
    refs.add(new WeakReference<>(key));
    map.remove(key);
    key = null;
    assertAllCleared(refs);
    int used = map.currentTable().usedSlots();
    assertThat(map.put("gone", 2)).isNull();
    assertThat(map.currentTable().usedSlots()).as("a new slot").isEqualTo(used + 1);
    assertThat(map.get("gone")).isEqualTo(2);
    assertThat(map).containsOnlyKeys("gone");
  }

  /**
   * Vacant markers are objects (about 32 bytes each): a table keeps at most capacity/16 of them,
   * about 2 bytes per slot; later removals leave DELETED until a rebuild clears them all.
   */
  @Test
  void vacantSlotsAreBoundedToASixteenthOfTheTable() {
    LockFreeReadMap<Integer, Integer> map = new LockFreeReadMap<>(10_000);
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add(i);
      map.put(i, i);
    }
    OpenTable table = map.currentTable();
    for (Integer k : keys) {
      map.remove(k);
    }
    assertThat(map.currentTable()).isSameAs(table);
    int vacant = 0;
    for (int j = 0; j < table.kv.length; j += 2) {
      if (table.kv[j] instanceof OpenTable.Vacant) {
        vacant++;
      }
    }
    assertThat(vacant).isEqualTo(table.vacantSlots()).isEqualTo(table.capacity() / 16);
    assertThat(map).isEmpty();
    assertThat(keys).hasSize(10_000); // the keys stay reachable: no Vacant was cleared
  }

  /**
   * A resize that stops half-way (no more writes to finish it) must not keep removed keys alive:
   * before the fix, the table being migrated still held every removed key in its key slot (the
   * value slot said MOVED), reachable from the map until some later write ended the resize.
   */
  @Test
  void removedKeysBecomeUnreachableWhileAResizeIsStuckHalfWay() throws Exception {
    // Incremental resizes of every table, one slot per write: a resize lasts many writes.
    LockFreeReadMap<Object, Object> map = new LockFreeReadMap<>(16, 0, 1);
    List<WeakReference<Object>> refs = new ArrayList<>();
    List<Object> gone = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Object key = new StringBuilder("gone").append(i).toString();
      Object value = new Object();
      map.put(key, value);
      gone.add(key);
      refs.add(new WeakReference<>(key));
      refs.add(new WeakReference<>(value));
    }
    int i = 0;
    while (!map.resizeInProgress()) {
      map.put("keep" + i++, i);
    }
    // Remove in every way the API offers; each write migrates one more slot, not all of them.
    for (int j = 0; j < gone.size(); j++) {
      Object k = gone.get(j);
      switch (j) {
        case 0 -> map.remove(k);
        case 1 -> map.remove(k, map.get(k));
        case 2 -> map.computeIfPresent(k, (kk, v) -> null);
        case 3 -> map.compute(k, (kk, v) -> null);
        case 4 -> map.merge(k, "x", (a, b) -> null);
        case 5 -> map.keySet().remove(k);
        default -> map.entrySet().removeIf(e -> e.getKey() == k);
      }
    }
    gone.clear();
    assertThat(map.resizeInProgress()).as("still half-way through the resize").isTrue();
    assertThat(map).hasSize(i);
    assertAllCleared(refs);
    assertThat(map.resizeInProgress()).isTrue();
  }

  @Test
  void overwrittenValuesBecomeUnreachable() throws Exception {
    LockFreeReadMap<String, Object> map = new LockFreeReadMap<>();
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Object value = new Object();
      map.put("k", value);
      refs.add(new WeakReference<>(value));
    }
    map.put("k", "final");
    assertAllCleared(refs);
  }

  private static void assertAllCleared(List<WeakReference<Object>> refs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (refs.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(refs).allMatch(r -> r.get() == null, "cleared by the garbage collector");
  }

  /* ---------------- Colliding hash codes -------------- */

  /**
   * A key whose hash code is the same for every instance, and which counts how often the map
   * compares it: the cost of a map operation on colliding keys, measured without a clock.
   */
  static final class CollidingKey implements Comparable<CollidingKey> {
    static final AtomicLong comparisons = new AtomicLong();
    final int id;

    CollidingKey(int id) {
      this.id = id;
    }

    @Override
    public int hashCode() {
      return 42;
    }

    @Override
    public boolean equals(Object o) {
      comparisons.incrementAndGet();
      return o instanceof CollidingKey && ((CollidingKey) o).id == id;
    }

    @Override
    public int compareTo(CollidingKey o) {
      comparisons.incrementAndGet();
      return Integer.compare(id, o.id);
    }
  }

  @Test
  void collidingComparableKeysCostLogarithmicComparisonsNotLinear() {
    int n = 50_000;
    LockFreeReadMap<CollidingKey, Integer> map = new LockFreeReadMap<>();
    CollidingKey[] keys = new CollidingKey[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new CollidingKey(i);
    }
    CollidingKey.comparisons.set(0);
    for (int i = 0; i < n; i++) {
      map.put(keys[i], i);
    }
    for (int i = 0; i < n; i++) {
      assertThat(map.get(new CollidingKey(i))).isEqualTo(i);
    }
    long perOperation = CollidingKey.comparisons.get() / (2L * n);
    // A linear scan would average n / 2 = 25,000 comparisons per operation. The probe window
    // (64 slots) plus a balanced tree (about 2 log2 n = 32) plus resizes (each re-inserts the
    // overflow) stay below a small multiple of that logarithmic bound.
    assertThat(perOperation).isLessThan(200);
    assertThat(map).hasSize(n);
  }

  /**
   * Negative control: the same keys in a table without the probe window and overflow tree (plain
   * linear probing) cost a linear number of comparisons, so the bound above can fail.
   */
  @Test
  void collidingKeysCostLinearComparisonsWithoutTheOverflowTree() {
    int n = 5_000;
    OpenTable table = new OpenTable(OpenTable.capacityFor(n), false);
    CollidingKey.comparisons.set(0);
    for (int i = 0; i < n; i++) {
      CollidingKey k = new CollidingKey(i);
      table.putOwned(k, OpenTable.hash(k), i, false);
    }
    long perOperation = CollidingKey.comparisons.get() / n;
    assertThat(perOperation).isGreaterThan(n / 4);
  }

  @Test
  void fiftyThousandCollidingStringsStayCorrect() {
    List<String> keys = collidingStrings(50_000);
    assertThat(keys.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
    LockFreeReadMap<String, Integer> map = new LockFreeReadMap<>();
    for (int i = 0; i < keys.size(); i++) {
      assertThat(map.put(keys.get(i), i)).isNull();
    }
    for (int i = 0; i < keys.size(); i += 2) {
      assertThat(map.remove(keys.get(i))).isEqualTo(i);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(map.get(keys.get(i))).isEqualTo(i % 2 == 0 ? null : i);
    }
    assertThat(map).hasSize(keys.size() / 2);
    assertThat(map.keySet().stream().filter(Objects::nonNull).count()).isEqualTo(keys.size() / 2);
  }

  /** Distinct strings with one hash code: "Aa" and "BB" hash alike, so any sequence does. */
  static List<String> collidingStrings(int n) {
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder(32);
      for (int b = 0; b < 16; b++) {
        sb.append(((i >>> b) & 1) == 0 ? "Aa" : "BB");
      }
      keys.add(sb.toString());
    }
    return keys;
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.cmaps.DeadSlotReuseTest.Key;
import io.github.cmaps.DeadSlotReuseTest.PausingKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LockFreeReadMap's {@code put} and {@code replace} of a present key swap the value by CAS
 * without the writer lock. These tests stage, deterministically, each race that lock-free swap
 * must lose or win cleanly, and give each a control that the same check catches failing:
 *
 * <ul>
 *   <li>a swap paused after finding its key's slot, while the key is removed and re-inserted
 *       (control: {@link HashMap}, whose paused put writes into the unlinked node);
 *   <li>a swap that lands while a conditional {@code remove} compares the value it read
 *       (control: {@link HashMap}, which then removes the value the put stored);
 *   <li>a swap paused while a resize moves the table on, copying the slot (control: a bare table
 *       that copies without marking the old slot MOVED, as the map's small-table rebuild once did:
 *       the swap lands in the dropped table and is lost);
 *   <li>a put of a key whose {@code compute}, {@code computeIfPresent} or {@code merge} function
 *       (or {@code replaceAll} function) is running: the slot is frozen, so the put waits for the
 *       lock instead of landing under the function's feet (control: {@link HashMap}, whose
 *       compute overwrites the put with a result computed from the value the put replaced).
 * </ul>
 *
 * A put is paused by looking up an equal copy of the key whose {@code equals} waits once it has
 * matched: the put has then found the slot and not yet read or swapped its value.
 */
@Timeout(60)
class LockFreeReadMapLockFreePutTest {

  private static final long WAIT_SECONDS = 20;

  private static final Key K = new Key(1, 42);

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch reached").isTrue();
  }

  /**
   * Runs {@code put(pausing copy of K, "new")} in another thread, runs {@code meanwhile} once the
   * put has matched K's slot, then lets the put finish; returns what it returned.
   */
  private Object putPausedAtItsSlot(Map<Key, String> map, Runnable meanwhile) throws Exception {
    PausingKey lookup = new PausingKey(K);
    Future<String> put = pool.submit(() -> map.put(lookup, "new"));
    await(lookup.matched);
    meanwhile.run();
    lookup.resume.countDown();
    return put.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /* ---------------- Removal and re-insertion under a paused swap -------------- */

  /**
   * True if the outcome of a put paused at K's slot while the main thread removed K and then put
   * it back is one that some order of the three operations produces.
   */
  private boolean putPausedAcrossRemoveAndReinsertIsLinearizable(Map<Key, String> map)
      throws Exception {
    map.put(K, "old");
    Object[] main = new Object[2];
    Object paused =
        putPausedAtItsSlot(map, () -> {
          main[0] = map.remove(K);
          main[1] = map.put(K, "again");
        });
    List<Object> outcome = List.of(String.valueOf(paused), String.valueOf(main[0]),
        String.valueOf(main[1]), String.valueOf(map.get(K)));
    // (paused put's result, remove's result, re-put's result, final value) for the paused put
    // taking effect first, between the two, or last:
    return List.of(
            List.of("old", "new", "null", "again"),
            List.of("null", "old", "new", "again"),
            List.of("again", "old", "null", "new"))
        .contains(outcome);
  }

  @Test
  void aSwapPausedWhileItsKeyIsRemovedAndReinsertedFailsAndTakesTheLock() throws Exception {
    assertThat(putPausedAcrossRemoveAndReinsertIsLinearizable(new LockFreeReadMap<>())).isTrue();
  }

  @Test
  void aHashMapPutPausedWhileItsKeyIsRemovedAndReinsertedIsLost() throws Exception {
    assertThat(putPausedAcrossRemoveAndReinsertIsLinearizable(new HashMap<>())).isFalse();
  }

  /** An expected value equal to "old" whose equals, the first time, announces it and waits. */
  static final class PausingExpected {
    final CountDownLatch comparing = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);

    @Override
    public boolean equals(Object o) {
      if (comparing.getCount() > 0) {
        comparing.countDown();
        try {
          await(resume);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return "old".equals(o);
    }

    @Override
    public int hashCode() {
      return "old".hashCode();
    }
  }

  /**
   * True if {@code remove(K, "old")}, paused while it compares the value it read, and a {@code
   * put(K, "new")} that lands meanwhile end in a state one order of the two produces.
   */
  private boolean putDuringConditionalRemoveIsLinearizable(Map<Key, String> map)
      throws Exception {
    map.put(K, "old");
    PausingExpected expected = new PausingExpected();
    Future<Boolean> remove = pool.submit(() -> map.remove(K, expected));
    await(expected.comparing); // the remover has read "old" and not yet removed it
    String put = map.put(K, "new");
    expected.resume.countDown();
    boolean removed = remove.get(WAIT_SECONDS, TimeUnit.SECONDS);
    // remove first: it removes "old" and the put inserts; put first: the remove finds "new".
    return (removed && put == null && "new".equals(map.get(K)))
        || (!removed && "old".equals(put) && "new".equals(map.get(K)));
  }

  @Test
  void aSwapDuringAConditionalRemoveMakesTheRemoveDecideAgain() throws Exception {
    assertThat(putDuringConditionalRemoveIsLinearizable(new LockFreeReadMap<>())).isTrue();
  }

  @Test
  void aHashMapPutDuringAConditionalRemoveIsLost() throws Exception {
    assertThat(putDuringConditionalRemoveIsLinearizable(new HashMap<>())).isFalse();
  }

  /* ---------------- Resizes under a paused swap -------------- */

  /** Stages a raw swap on table {@code t}, paused at K's slot while {@code moveOn} runs. */
  private Object swapPausedAtItsSlot(OpenTable t, Runnable moveOn) throws Exception {
    int h = OpenTable.hash(K);
    t.putOwned(K, h, "old", false);
    PausingKey lookup = new PausingKey(K);
    Future<Object> swap =
        pool.submit(() -> {
          int s = t.findSlot(lookup, h);
          return s < 0 ? null : t.swapLiveValue(s, "new");
        });
    await(lookup.matched);
    moveOn.run();
    lookup.resume.countDown();
    return swap.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void aSwapPausedWhileATableIsCopiedAndDroppedIsLost() throws Exception {
    OpenTable t = new OpenTable(64, true);
    OpenTable[] copy = new OpenTable[1];
    Object swapped = swapPausedAtItsSlot(t, () -> copy[0] = t.rebuilt(1));
    // The swap reported success, but it landed in the table the copy replaced.
    assertThat(swapped).isEqualTo("old");
    assertThat(copy[0].find(K, OpenTable.hash(K))).isEqualTo("old");
  }

  @Test
  void aSwapPausedWhileATableIsMigratedFailsOnTheMovedMark() throws Exception {
    OpenTable t = new OpenTable(64, true);
    OpenTable n = new OpenTable(128, true);
    Object swapped =
        swapPausedAtItsSlot(t, () -> {
          t.beginMigration(n);
          t.migrateSome(t.capacity(), n);
        });
    assertThat(swapped).as("the swap failed, so the map takes the lock").isNull();
    assertThat(t.find(K, OpenTable.hash(K))).isEqualTo(OpenTable.MOVED);
    assertThat(n.find(K, OpenTable.hash(K))).isEqualTo("old");
  }

  /** Ways to make a LockFreeReadMap move K to another table while a put of K is paused. */
  enum Resize {
    /** Default map: small tables (up to 1,024 slots) are migrated whole in one write. */
    WHOLE_TABLE(LockFreeReadMap::new),
    /** Test hook: every table is migrated incrementally, one slot per write. */
    INCREMENTAL(() -> new LockFreeReadMap<>(0, 0, 1));

    final Supplier<LockFreeReadMap<Key, String>> create;

    Resize(Supplier<LockFreeReadMap<Key, String>> create) {
      this.create = create;
    }
  }

  @ParameterizedTest
  @EnumSource(Resize.class)
  void aPutPausedWhileTheMapResizesIsNotLost(Resize resize) throws Exception {
    LockFreeReadMap<Key, String> map = resize.create.get();
    map.put(K, "old");
    boolean[] incremental = {false};
    Object paused =
        putPausedAtItsSlot(map, () -> {
          // 200 inserts into a map built for 16: K's table (16 slots) is replaced several times
          // over, whole or slot by slot.
          for (int i = 2; i < 202; i++) {
            map.put(new Key(i, i * 31), "other");
            incremental[0] |= map.isResizing();
          }
        });
    assertThat(incremental[0]).as("resized incrementally").isEqualTo(resize == Resize.INCREMENTAL);
    assertThat(paused).isEqualTo("old");
    assertThat(map.get(K)).isEqualTo("new");
  }

  /**
   * A key whose {@code hashCode}, called on the armed thread, announces it and waits once. A
   * resize calls it when it copies the key's mapping: after reading the value, before marking
   * the old slot MOVED.
   */
  static final class MigrationPausingKey extends Key {
    final CountDownLatch copying = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    volatile Thread armed;

    MigrationPausingKey(int id, int hash) {
      super(id, hash);
    }

    @Override
    public int hashCode() {
      if (Thread.currentThread() == armed) {
        armed = null;
        copying.countDown();
        try {
          await(resume);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return super.hashCode();
    }
  }

  @ParameterizedTest
  @EnumSource(Resize.class)
  void aSwapBetweenAMigrationsCopyAndItsMovedMarkIsCopiedAgain(Resize resize) throws Exception {
    LockFreeReadMap<Key, String> map = resize.create.get();
    MigrationPausingKey key = new MigrationPausingKey(1, 42);
    map.put(key, "old");
    Future<?> grower =
        pool.submit(() -> {
          key.armed = Thread.currentThread();
          for (int i = 2; i < 202; i++) {
            map.put(new Key(i, i * 31), "other");
          }
          return null;
        });
    await(key.copying); // the grower holds the lock, has read "old" and is copying it
    assertThat(map.put(key, "new")).as("the lock-free swap lands in the old table").isEqualTo("old");
    key.resume.countDown();
    grower.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(map.get(key)).isEqualTo("new");
  }

  /* ---------------- Frozen slots: a put while a function of the same key runs -------------- */

  /** The compute-family calls whose function sees and replaces a present value. */
  enum Remap {
    COMPUTE((m, f) -> m.compute(K, (k, v) -> f.apply(v))),
    COMPUTE_IF_PRESENT((m, f) -> m.computeIfPresent(K, (k, v) -> f.apply(v))),
    MERGE((m, f) -> m.merge(K, "unused", (v, w) -> f.apply(v))),
    REPLACE_ALL((m, f) -> {
      m.replaceAll((k, v) -> k.equals(K) ? f.apply(v) : v);
      return m.get(K);
    });

    final BiFunction<Map<Key, String>, java.util.function.Function<String, String>, String> call;

    Remap(BiFunction<Map<Key, String>, java.util.function.Function<String, String>, String> call) {
      this.call = call;
    }
  }

  /** Waits until {@code t} has finished or is parked or blocked (waiting for a lock). */
  private static void awaitFinishedOrWaiting(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      switch (t.getState()) {
        case TERMINATED:
        case WAITING:
        case TIMED_WAITING:
        case BLOCKED:
          return;
        default:
          Thread.sleep(1);
      }
    }
    fail("the put neither finished nor waited");
  }

  /**
   * True if a {@code put(K, "put")} issued while {@code remap}'s function for K (which appends
   * "+f" to the value) is running ends in a state some order of the two calls produces. The put
   * runs in its own thread, which is given until it either finishes or waits for a lock before
   * the function is let go.
   */
  private boolean putDuringFunctionIsLinearizable(Map<Key, String> map, Remap remap)
      throws Exception {
    map.put(K, "old");
    map.put(new Key(2, 7), "other");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> remapped =
        pool.submit(() -> remap.call.apply(map, v -> {
          running.countDown();
          try {
            await(release);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          return v + "+f";
        }));
    await(running);
    AtomicReference<String> putResult = new AtomicReference<>();
    Thread putter = new Thread(() -> putResult.set(map.put(K, "put")));
    putter.start();
    awaitFinishedOrWaiting(putter);
    release.countDown();
    remapped.get(WAIT_SECONDS, TimeUnit.SECONDS);
    putter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertThat(putter.isAlive()).as("put finished").isFalse();
    String fin = map.get(K);
    // put first: it returns "old" and the function sees "put"; function first: put returns its
    // result and wins.
    return ("old".equals(putResult.get()) && "put+f".equals(fin))
        || ("old+f".equals(putResult.get()) && "put".equals(fin));
  }

  @ParameterizedTest
  @EnumSource(Remap.class)
  void aPutOfAKeyWhoseFunctionIsRunningWaitsAndIsNotLost(Remap remap) throws Exception {
    assertThat(putDuringFunctionIsLinearizable(new LockFreeReadMap<>(), remap)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Remap.class)
  void aPutIntoAHashMapWhileAFunctionOfTheKeyRunsIsLost(Remap remap) throws Exception {
    assertThat(putDuringFunctionIsLinearizable(new HashMap<>(), remap)).isFalse();
  }

  @Test
  void readersSeeTheOldValueOfAFrozenSlotWithoutWaiting() throws Exception {
    ConcurrentMap<Key, String> map = new LockFreeReadMap<>();
    map.put(K, "old");
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> computed =
        pool.submit(() -> map.compute(K, (k, v) -> {
          running.countDown();
          try {
            await(release);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          return "computed";
        }));
    await(running);
    List<Object> seen = new ArrayList<>();
    Future<?> reader =
        pool.submit(() -> {
          seen.add(map.get(K));
          seen.add(map.containsKey(K));
          seen.add(new HashMap<>(map).get(K)); // iteration
          seen.add(map.getOrDefault(K, "absent"));
        });
    reader.get(WAIT_SECONDS, TimeUnit.SECONDS); // completes while the function still runs
    release.countDown();
    assertThat(computed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("computed");
    assertThat(seen).containsExactly("old", true, "old", "old");
    assertThat(map.get(K)).isEqualTo("computed");
  }
}

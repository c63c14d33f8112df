package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dead-slot reuse (OpenTable's Overview): an insert into a reuse table may take the slot of a
 * removed key, so a reader racing it can match the old key and then load the new key's value.
 * These tests stage that race deterministically: the reader's lookup key pauses inside {@code
 * equals}, after the probe matched a slot and before it loads the slot's value, while the test
 * removes the key and inserts another into the same slot. The first test shows the hazard on a
 * bare reuse table; the others show that each map that reuses slots still answers correctly
 * (its readers validate), and that LockFreeReadMap's tables, which cannot validate, never give a
 * slot to another key (only an equal key may take a removed one's slot back).
 */
@Timeout(60)
class DeadSlotReuseTest {

  private static final long WAIT_SECONDS = 20;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  /** A key with a chosen hash code, equal by id. */
  static class Key {
    final int id;
    final int hash;

    Key(int id, int hash) {
      this.id = id;
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).id == id;
    }

    @Override
    public String toString() {
      return "Key" + id;
    }
  }

  /**
   * A lookup copy of a key that, the first time its equals matches, announces it and waits: the
   * reader has then loaded the slot's key and not yet its value.
   */
  static final class PausingKey extends Key {
    final CountDownLatch matched = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    private final AtomicBoolean paused = new AtomicBoolean();

    PausingKey(Key original) {
      super(original.id, original.hash);
    }

    @Override
    public boolean equals(Object o) {
      boolean equal = super.equals(o);
      if (equal && paused.compareAndSet(false, true)) {
        matched.countDown();
        try {
          if (!resume.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("never resumed");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return equal;
    }
  }

  private static final Key K = new Key(1, 42);
  private static final Key K2 = new Key(2, 42); // same hash: same stripe, same home slot

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch reached").isTrue();
  }

  /** Runs a raw find on {@code t} for a pausing copy of K, swapping K for K2 mid-read. */
  private Object findWhileSlotIsReused(OpenTable t) throws Exception {
    int h = OpenTable.hash(K);
    t.putOwned(K, h, "value of K", false);
    int slotOfK = t.probe(K, h);
    PausingKey lookup = new PausingKey(K);
    Future<Object> reader = pool.submit(() -> t.find(lookup, h));
    await(lookup.matched);
    t.replaceOwned(K, h, null, null); // remove K ...
    t.putOwned(K2, h, "value of K2", false); // ... and insert K2 (same home slot)
    boolean reused = t.probe(K2, h) == slotOfK;
    lookup.resume.countDown();
    Object answer = reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(reused).as("K2 took K's slot").isEqualTo(t.reuseDeadSlots);
    return answer;
  }

  @Test
  void anUnvalidatedReadOfAReuseTableCanReturnAnotherKeysValue() throws Exception {
    // The hazard that every reader of a reuse table must validate against.
    assertThat(findWhileSlotIsReused(new OpenTable(64, true, 0, true))).isEqualTo("value of K2");
  }

  @Test
  void lockFreeReadMapTablesNeverReuseASlotSoTheSameRaceAnswersCorrectly() throws Exception {
    // LockFreeReadMap's readers validate nothing: its tables are built without reuse, and the
    // racing reader sees K's slot emptied (null value) and goes on to miss K: it was removed.
    assertThat(findWhileSlotIsReused(new OpenTable(64, true))).isNull();
  }

  /** A get of K through {@code map} that pauses mid-probe while K's slot goes to K2. */
  private String getWhileSlotIsReused(Map<Key, String> map) throws Exception {
    map.put(K, "value of K");
    PausingKey lookup = new PausingKey(K);
    Future<String> reader = pool.submit(() -> map.get(lookup));
    await(lookup.matched);
    map.remove(K);
    map.put(K2, "value of K2");
    lookup.resume.countDown();
    return reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void readWriteLockMapOptimisticReadDiscardsAValueFromAReusedSlot() throws Exception {
    assertThat(getWhileSlotIsReused(new ReadWriteLockMap<>())).isNull();
  }

  @Test
  void stripedLockMapOptimisticReadDiscardsAValueFromAReusedSlot() throws Exception {
    assertThat(getWhileSlotIsReused(new StripedLockMap<>(16, 4))).isNull();
  }

  /**
   * A thread running {@code compute(K, f)} on a map with K and another key x in different
   * stripes, where f waits for {@link #release} and then returns {@code result} (null removes K).
   * While f waits, K's stripe is write-locked by a thread that is inside a function.
   */
  private final class StripeHolder {
    final StripedLockMap<Key, String> map = new StripedLockMap<>(16, 4);
    final Key x = otherStripeKey(map, K);
    final CountDownLatch inside = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Future<String> computed;

    StripeHolder(String result) throws InterruptedException {
      map.put(K, "value of K");
      map.put(x, "value of x");
      computed = pool.submit(() -> map.compute(K, (k, v) -> {
        inside.countDown();
        try {
          await(release);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return result;
      }));
      await(inside);
    }

    /** Reads {@code key} from inside a function on x's stripe, in another thread. */
    Future<String> readFromFunction(Key key) {
      return pool.submit(() -> map.compute(x, (k, v) -> map.get(key)));
    }
  }

  /**
   * The hardest case: a read from inside a function of the map (which must not wait for a lock)
   * of a stripe whose lock another thread holds while its own function runs. The reader reads
   * under that function's quiet period; the holder's function then removes K, K2 takes K's
   * slot, and the reader, resumed, has loaded K2's value: its recheck of the stripe's function
   * sequence must throw that answer away.
   */
  @Test
  void stripedLockMapReadFromAFunctionDiscardsAValueFromAReusedSlot() throws Exception {
    StripeHolder holder = new StripeHolder(null); // its function will remove K
    PausingKey lookup = new PausingKey(K);
    Future<String> reader = holder.readFromFunction(lookup);
    await(lookup.matched); // matched K's slot during the holder's quiet period

    holder.release.countDown();
    assertThat(holder.computed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull(); // K removed
    holder.map.put(K2, "value of K2"); // takes K's dead slot
    lookup.resume.countDown();

    // compute(x) returns (and stores as x's value) what its read of K saw: K was removed.
    assertThat(reader.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
    assertThat(holder.map).doesNotContainKey(holder.x);
  }

  @Test
  void stripedLockMapReadFromAFunctionSeesAStripeHeldByAnotherFunction() throws Exception {
    // The quiet-period read's success case: no write follows, so the answer stands at once.
    StripeHolder holder = new StripeHolder("value of K"); // its function keeps K
    Future<String> reader = holder.readFromFunction(K);
    assertThat(reader.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("value of K");
    holder.release.countDown();
    assertThat(holder.computed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("value of K");
  }

  private static Key otherStripeKey(StripedLockMap<Key, String> map, Key k) {
    for (int h = 0; ; h++) {
      Key x = new Key(1000 + h, h);
      if (map.stripeIndexOf(x) != map.stripeIndexOf(k)) {
        return x;
      }
    }
  }
}

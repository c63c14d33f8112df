package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.ConcurrentModificationException;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Scenario 17: a key that an iteration returned is found by a lookup made after it.
 *
 * <p><b>Hazard.</b> An iterator and a lookup reach a new key by different paths: the iterator
 * walks the slots, the lookup probes from the key's home and must recognize the key on the way.
 * The cmaps tables keep a one-byte fingerprint of each key's hash beside it (issue 16), and a
 * lookup skips a slot whose fingerprint differs from its key's without calling {@code equals}. If
 * a reader could see a new key in its slot but not yet its fingerprint, an iteration would
 * return the key and a lookup right after it would skip it and report it missing, with nothing
 * removed in between. The writer stores the fingerprint before its release store of the key, and
 * a reader loads it only after its acquire load of that key. {@code HashMap} fails this
 * differently: the insert that grows it puts the key into the old table, then publishes a new,
 * empty table and moves the bins, so an iterator of the old table returns the key and a lookup
 * in the new one misses it.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold. The writer inserts
 * one new key (the map grows); the reader iterates over the keys, noting whether the new key
 * came by, and then looks the new key up. The result is {@code (seen, found)}. An iteration over
 * {@code HashMap} may also throw {@link ConcurrentModificationException}; the reader then counts
 * what it saw before.
 *
 * <p>Run alone: {@code jcstress/run.sh quick IteratedKeyFound}
 */
@Description("A key an iteration returned must be found by a later lookup of it.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the insert.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The insert landed after the iterator passed its slot, or between the two.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The insert landed before the iterator reached its slot.")
@Outcome(expect = FORBIDDEN, desc = "The iterator returned the new key and the lookup after it missed it.")
public class IteratedKeyFound {

  private IteratedKeyFound() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final int present;
    private final Integer newKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.present = subject.entriesBeforeGrowth();
      this.newKey = Keys.key(present);
    }

    final void insertNewKey() {
      map.put(newKey, present);
    }

    final void iterateThenLookUp(II_Result r) {
      int seen = 0;
      try {
        for (Integer k : map.keySet()) {
          if (k.equals(newKey)) {
            seen = 1;
          }
        }
      } catch (ConcurrentModificationException e) {
        // HashMap only; what the iterator returned before it threw still counts.
      }
      r.r1 = seen;
      r.r2 = map.get(newKey) != null ? 1 : 0;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IteratedKeyFound.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      iterateThenLookUp(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IteratedKeyFound.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      iterateThenLookUp(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IteratedKeyFound.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      iterateThenLookUp(r);
    }
  }

  /** The reference: must never miss. */
  @JCStressTest
  @JCStressMeta(IteratedKeyFound.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      iterateThenLookUp(r);
    }
  }

  /** The negative control: expected to miss the key it just iterated over during its resize. */
  @JCStressTest
  @JCStressMeta(IteratedKeyFound.class)
  @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the iterator walked the old table, the lookup the new one before the key's bin was moved.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      iterateThenLookUp(r);
    }
  }
}

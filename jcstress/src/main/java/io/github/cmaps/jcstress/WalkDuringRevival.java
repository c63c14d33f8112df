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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Scenario 18: a walk of the entries racing the removal of a key and its re-insertion (through an
 * equal copy) returns only real mappings, never throws, and returns every stable key.
 *
 * <p><b>Hazard.</b> In {@code LockFreeReadMap} a removal leaves a Vacant marker (a weak reference
 * to the key) in the key slot, and the re-insert of an equal key takes that slot back: key first,
 * then value (issue 16; {@code OpenTable}'s Overview, "Vacant slots"). A walk that loads the key
 * slot before the re-insert and the value slot after it holds the marker and a live value: unless
 * it skips the slot by its key, it returns the marker as a key. In the lock-based maps the same
 * writes reuse a dead slot under the lock, which a racing optimistic walk must discard. {@code
 * HashMap}'s fail-fast iterator throws or walks a half-linked bin.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh map with six stable keys and {@code k -> 1}. The
 * writer runs {@code remove(k)} then {@code put(copy of k, 2)}; the reader walks {@code
 * entrySet()} once and reports {@code (foreign, missed, ending)}: entries whose key is not one of
 * the map's keys or whose value is not one written (foreign), stable keys not returned (missed),
 * and how the walk ended (0 normally, 1 {@code ConcurrentModificationException}, 2 another
 * exception, 3 cut off after far more entries than the map ever holds). Whether {@code k} is
 * returned, and with which value, is not graded.
 *
 * <p>Run alone: {@code jcstress/run.sh quick WalkDuringRevival}
 */
@Description("A walk racing remove(k) and put(copy of k): only real mappings, every stable key, no exception.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The walk ended normally with only real mappings and every stable key.")
@Outcome(expect = FORBIDDEN, desc = "The walk returned a marker or a value never written, skipped a stable key, threw, or did not end.")
public class WalkDuringRevival {

  private static final int ENDED = 0;
  private static final int THREW_CME = 1;
  private static final int THREW_OTHER = 2;
  private static final int CUT_OFF = 3;

  private WalkDuringRevival() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private static final int STABLE = 6;
    private static final Integer KEY = Keys.key(STABLE);

    private final Map<Integer, Integer> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      for (int i = 0; i < STABLE; i++) {
        map.put(Keys.key(i), 100 + i);
      }
      map.put(KEY, 1);
    }

    final void removeThenPutBack() {
      map.remove(KEY);
      // An equal copy, not the stored object: Keys hands out Integers above the cache's range.
      map.put(Integer.valueOf(KEY.intValue()), 2);
    }

    final void walk(III_Result r) {
      boolean[] seen = new boolean[STABLE];
      int foreign = 0;
      int budget = 4 * (STABLE + 1);
      int ending = ENDED;
      try {
        for (Map.Entry<Integer, Integer> e : map.entrySet()) {
          if (--budget < 0) {
            ending = CUT_OFF;
            break;
          }
          Object key = e.getKey();
          Object value = e.getValue();
          int index = Keys.indexOf(key);
          if (!(key instanceof Integer) || index < 0 || index > STABLE) {
            foreign++;
          } else if (index < STABLE) {
            seen[index] = true;
            if (!Integer.valueOf(100 + index).equals(value)) {
              foreign++;
            }
          } else if (!Integer.valueOf(1).equals(value) && !Integer.valueOf(2).equals(value)) {
            foreign++;
          }
        }
      } catch (ConcurrentModificationException e) {
        ending = THREW_CME;
      } catch (RuntimeException e) {
        ending = THREW_OTHER;
      }
      int missed = 0;
      for (boolean s : seen) {
        if (!s) {
          missed++;
        }
      }
      r.r1 = foreign;
      r.r2 = missed;
      r.r3 = ending;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(WalkDuringRevival.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      removeThenPutBack();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** cmaps' StripedLockMap (one stripe, see MapUnderTest): held to the same outcomes. */
  @JCStressTest
  @JCStressMeta(WalkDuringRevival.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      removeThenPutBack();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(WalkDuringRevival.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      removeThenPutBack();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** The reference: weakly consistent, never fails. */
  @JCStressTest
  @JCStressMeta(WalkDuringRevival.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      removeThenPutBack();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** The negative control: fail-fast, expected to throw. */
  @JCStressTest
  @JCStressMeta(WalkDuringRevival.class)
  @Outcome(id = "[0-9]+, [0-9]+, 1", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: its fail-fast iterator threw ConcurrentModificationException.")
  @Outcome(id = "[1-9][0-9]*, [0-9]+, [0-3]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk returned an entry that was never a mapping.")
  @Outcome(id = "[0-9]+, [1-9][0-9]*, [0-3]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk skipped a stable key.")
  @Outcome(id = "[0-9]+, [0-9]+, [23]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk failed with another exception or did not end.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      removeThenPutBack();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }
}

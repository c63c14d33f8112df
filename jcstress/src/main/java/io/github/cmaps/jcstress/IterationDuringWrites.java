package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Scenario 8: an iteration racing a put and a remove never throws, and returns every key that was
 * present throughout exactly once.
 *
 * <p><b>Hazard.</b> A concurrent map's iterators are weakly consistent: they may or may not show
 * the keys being added and removed while they run, but they must not fail, and a key that is in
 * the map the whole time must come out exactly once, also when a resize rebuilds the table under
 * the iterator. An iterator that walks a table being rebuilt can skip the part already moved, or
 * see an entry in both tables. {@code HashMap}'s iterator is fail-fast instead: it throws
 * {@code ConcurrentModificationException}, and on a torn table it also skips keys.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold; the last key filled
 * is the victim, the others are stable. The writer puts a new key (which makes the map grow), then
 * removes the victim. The reader walks {@code keySet()} once and reports {@code (missed, repeated,
 * ending)}: how many stable keys it never saw, how many times it saw a stable key again, and how
 * the walk ended (0 normally, 1 with {@code ConcurrentModificationException}, 2 with another
 * exception, 3 cut off because it returned more keys than the map ever held, as a looping iterator
 * would). Whether the new key and the victim show up is not graded. The correct outcome is
 * {@code 0, 0, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick IterationDuringWrites}
 */
@Description("Iteration racing a put (with resize) and a remove: never throws, returns every stable key exactly once.")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "The walk ended normally and returned each stable key once.")
@Outcome(expect = FORBIDDEN, desc = "The walk threw, did not end, skipped a stable key, or returned one twice.")
public class IterationDuringWrites {

  /** How the reader's walk ended: the third number of the outcome. */
  private static final int ENDED = 0;
  private static final int THREW_CME = 1;
  private static final int THREW_OTHER = 2;
  private static final int CUT_OFF = 3;

  private IterationDuringWrites() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final int stable;
    private final Integer victim;
    private final Integer newKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      int present = subject.entriesBeforeGrowth();
      this.stable = present - 1;
      this.victim = Keys.key(present - 1);
      this.newKey = Keys.key(present);
    }

    final void putThenRemove() {
      map.put(newKey, -1);
      map.remove(victim);
    }

    final void walk(III_Result r) {
      int[] seen = new int[stable];
      // The map never holds more than stable + 2 keys; a walk returning far more is looping.
      int budget = 4 * (stable + 2);
      int ending = ENDED;
      try {
        Iterator<Integer> it = map.keySet().iterator();
        while (it.hasNext()) {
          if (--budget < 0) {
            ending = CUT_OFF;
            break;
          }
          int index = Keys.indexOf(it.next());
          if (index >= 0 && index < stable) {
            seen[index]++;
          }
        }
      } catch (ConcurrentModificationException e) {
        ending = THREW_CME;
      } catch (RuntimeException e) {
        ending = THREW_OTHER;
      }
      int missed = 0;
      int repeated = 0;
      for (int count : seen) {
        if (count == 0) {
          missed++;
        } else {
          repeated += count - 1;
        }
      }
      r.r1 = missed;
      r.r2 = repeated;
      r.r3 = ending;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IterationDuringWrites.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      putThenRemove();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IterationDuringWrites.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      putThenRemove();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IterationDuringWrites.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      putThenRemove();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** The reference: weakly consistent, never fails. */
  @JCStressTest
  @JCStressMeta(IterationDuringWrites.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      putThenRemove();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }

  /** The negative control: fail-fast, expected to throw or skip keys. */
  @JCStressTest
  @JCStressMeta(IterationDuringWrites.class)
  @Outcome(id = "[0-9]+, [0-9]+, 1", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: its fail-fast iterator threw ConcurrentModificationException.")
  @Outcome(id = "[1-9][0-9]*, [0-9]+, 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk ended normally but skipped stable keys (bins already moved by the resize).")
  @Outcome(id = "0, [1-9][0-9]*, 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk ended normally but returned stable keys twice (it moved from the old table into the new one).")
  @Outcome(id = "[0-9]+, [0-9]+, [23]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk failed with another exception or did not end.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      putThenRemove();
    }

    @Actor
    public void reader(III_Result r) {
      walk(r);
    }
  }
}

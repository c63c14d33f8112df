package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Scenario 6: counters kept with {@code merge(k, 1, Integer::sum)} count every increment.
 *
 * <p><b>Hazard.</b> {@code merge} is a read-modify-write. If reading the old count and storing the
 * new one are not one atomic step, two increments that overlap both read the same count and one of
 * them is lost. The first increment of a counter is an insert, which can itself be lost to a racing
 * insert or to a resize. {@code HashMap} shows all of it, and may also throw
 * {@code ConcurrentModificationException} when the other thread inserts while its remapping
 * function runs.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold; {@value #COUNTERS}
 * counter keys are absent, so the first increment to arrive inserts the counter (and the first
 * insert makes the map grow). Both actors increment every counter once, in the same order. The
 * arbiter reports {@code (total, thrown)}: the sum of the counters, and how many {@code merge}
 * calls threw. The correct outcome is {@code 8, 0}: every counter at 2.
 *
 * <p>Run alone: {@code jcstress/run.sh quick MergeCounters}
 */
@Description("Two threads increment the same counters with merge(k, 1, Integer::sum): every counter ends at 2.")
@Outcome(id = "8, 0", expect = ACCEPTABLE, desc = "Every one of the 4 counters reached 2: no increment lost.")
@Outcome(expect = FORBIDDEN, desc = "An increment was lost, counted twice, or a merge threw.")
public class MergeCounters {

  /** How many counters each actor increments. */
  static final int COUNTERS = 4;

  private MergeCounters() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final Integer[] counters = new Integer[COUNTERS];
    // Each actor writes only its own slot; the arbiter reads both after the actors finish.
    private int thrownByFirst;
    private int thrownBySecond;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      for (int i = 0; i < COUNTERS; i++) {
        counters[i] = Keys.key(subject.entriesBeforeGrowth() + i);
      }
    }

    final void incrementAllFirst() {
      thrownByFirst = incrementAll();
    }

    final void incrementAllSecond() {
      thrownBySecond = incrementAll();
    }

    private int incrementAll() {
      int thrown = 0;
      for (Integer counter : counters) {
        try {
          map.merge(counter, 1, Integer::sum);
        } catch (RuntimeException e) {
          thrown++;
        }
      }
      return thrown;
    }

    final void check(II_Result r) {
      int total = 0;
      for (Integer counter : counters) {
        Integer count = map.get(counter);
        total += count == null ? 0 : count;
      }
      r.r1 = total;
      r.r2 = thrownByFirst + thrownBySecond;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MergeCounters.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void incrementer1() {
      incrementAllFirst();
    }

    @Actor
    public void incrementer2() {
      incrementAllSecond();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      check(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MergeCounters.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void incrementer1() {
      incrementAllFirst();
    }

    @Actor
    public void incrementer2() {
      incrementAllSecond();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      check(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MergeCounters.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void incrementer1() {
      incrementAllFirst();
    }

    @Actor
    public void incrementer2() {
      incrementAllSecond();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      check(r);
    }
  }

  /** The reference: no lost increments. */
  @JCStressTest
  @JCStressMeta(MergeCounters.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void incrementer1() {
      incrementAllFirst();
    }

    @Actor
    public void incrementer2() {
      incrementAllSecond();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      check(r);
    }
  }

  /** The negative control: expected to lose increments. */
  @JCStressTest
  @JCStressMeta(MergeCounters.class)
  @Outcome(id = "[0-7], 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: increments were lost (both read the same count, or an insert was overwritten).")
  @Outcome(id = "[0-8], [1-8]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: merge threw ConcurrentModificationException on the other thread's insert.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void incrementer1() {
      incrementAllFirst();
    }

    @Actor
    public void incrementer2() {
      incrementAllSecond();
    }

    @Arbiter
    public void arbiter(II_Result r) {
      check(r);
    }
  }
}

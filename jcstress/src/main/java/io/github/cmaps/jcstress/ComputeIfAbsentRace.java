package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Scenario 5: two {@code computeIfAbsent} calls for the same absent key run the function once, and
 * both callers get the value it computed.
 *
 * <p><b>Hazard.</b> The {@code ConcurrentMap} interface alone only promises a consistent result;
 * {@code ConcurrentHashMap} promises more, that the function runs at most once per absent key,
 * atomically with the insert, and this suite holds the cmaps maps to that stronger promise. A map
 * that computes outside its lock runs the function twice and hands the callers different values. {@code HashMap} does that, and also throws
 * {@code ConcurrentModificationException} when it notices that the other thread changed the map
 * while its function ran. The map is full to its growth threshold, so the insert also makes it
 * grow.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold. Both actors call
 * {@code computeIfAbsent(k, f)} where {@code f} counts its runs and returns the run's number (1 for
 * the first run, 2 for the second). Each actor reports the value it got back ({@code -1} if the
 * call threw); the arbiter reports how many times {@code f} ran. The correct outcome is
 * {@code 1, 1, 1}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick ComputeIfAbsentRace}
 */
@Description("Two computeIfAbsent calls race on one absent key: the function runs once and both callers get its value.")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "The function ran once; both callers got its value.")
@Outcome(expect = FORBIDDEN, desc = "The function ran twice, a caller got a different value, or a call threw.")
public class ComputeIfAbsentRace {

  private ComputeIfAbsentRace() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final Integer key;
    private final AtomicInteger runs = new AtomicInteger();
    private final Function<Integer, Integer> countingFunction = k -> runs.incrementAndGet();

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.key = Keys.key(subject.entriesBeforeGrowth());
    }

    /** Returns the value {@code computeIfAbsent} returned, or -1 if it threw. */
    final int computeIfAbsent() {
      try {
        return map.computeIfAbsent(key, countingFunction);
      } catch (RuntimeException e) {
        return -1;
      }
    }

    final int runs() {
      return runs.get();
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ComputeIfAbsentRace.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = computeIfAbsent();
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = computeIfAbsent();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = runs();
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ComputeIfAbsentRace.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = computeIfAbsent();
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = computeIfAbsent();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = runs();
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ComputeIfAbsentRace.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = computeIfAbsent();
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = computeIfAbsent();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = runs();
    }
  }

  /** The reference: one run, one value. */
  @JCStressTest
  @JCStressMeta(ComputeIfAbsentRace.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = computeIfAbsent();
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = computeIfAbsent();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = runs();
    }
  }

  /** The negative control: expected to run the function twice or to throw. */
  @JCStressTest
  @JCStressMeta(ComputeIfAbsentRace.class)
  @Outcome(id = "[12], [12], 2", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both callers saw the key absent and ran the function.")
  @Outcome(id = {"-1, [12], 2", "[12], -1, 2", "-1, -1, 2"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both ran the function, and a caller threw ConcurrentModificationException on seeing the other's insert.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = computeIfAbsent();
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = computeIfAbsent();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = runs();
    }
  }
}

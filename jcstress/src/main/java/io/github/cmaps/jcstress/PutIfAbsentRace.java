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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Scenario 4: two {@code putIfAbsent} calls for the same absent key have exactly one winner, and
 * both callers agree on the winning value.
 *
 * <p><b>Hazard.</b> {@code putIfAbsent} is a check-then-act. If the check and the insert are not
 * one atomic step, both callers see the key absent, both insert, both return {@code null}, and each
 * believes its own value is the map's. {@code HashMap} inherits exactly that. The map is also full
 * to its growth threshold, so the winning insert makes it grow, which widens the window and adds
 * the hazard of the winner's entry being lost in the resize.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold. Actor 1 calls
 * {@code putIfAbsent(k, 1)}, actor 2 calls {@code putIfAbsent(k, 2)}. Each actor reports the value
 * it believes is in the map (its own value if it got {@code null} back, else the returned value);
 * the arbiter reports the value actually there (0 if absent). Correct outcomes are {@code 1, 1, 1}
 * (actor 1 won) and {@code 2, 2, 2} (actor 2 won).
 *
 * <p>Run alone: {@code jcstress/run.sh quick PutIfAbsentRace}
 */
@Description("Two putIfAbsent calls race on one absent key: exactly one wins and both see the winning value.")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Actor 1 won; actor 2 got its value back.")
@Outcome(id = "2, 2, 2", expect = ACCEPTABLE, desc = "Actor 2 won; actor 1 got its value back.")
@Outcome(expect = FORBIDDEN, desc = "Both callers won, the callers disagree on the value, or the winning entry was lost.")
public class PutIfAbsentRace {

  private PutIfAbsentRace() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final Integer key;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.key = Keys.key(subject.entriesBeforeGrowth());
    }

    /** Returns the value the caller believes the map now holds for the key. */
    final int putIfAbsent(int value) {
      Integer previous = map.putIfAbsent(key, value);
      return previous == null ? value : previous;
    }

    final int valueInMap() {
      Integer value = map.get(key);
      return value == null ? 0 : value;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutIfAbsentRace.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = putIfAbsent(1);
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = putIfAbsent(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutIfAbsentRace.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = putIfAbsent(1);
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = putIfAbsent(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutIfAbsentRace.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = putIfAbsent(1);
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = putIfAbsent(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The reference: exactly one winner. */
  @JCStressTest
  @JCStressMeta(PutIfAbsentRace.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = putIfAbsent(1);
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = putIfAbsent(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The negative control: expected to let both callers win. */
  @JCStressTest
  @JCStressMeta(PutIfAbsentRace.class)
  @Outcome(id = "1, 2, [012]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both callers saw the key absent and both believe they won.")
  @Outcome(id = {"1, 1, [02]", "2, 2, [01]"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the callers agree, but the winning entry was lost or overwritten in the resize.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void actor1(III_Result r) {
      r.r1 = putIfAbsent(1);
    }

    @Actor
    public void actor2(III_Result r) {
      r.r2 = putIfAbsent(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = valueInMap();
    }
  }
}

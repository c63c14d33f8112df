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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Scenario 15: {@code put(k, 10)} of a present key racing {@code merge(k, 1, Integer::sum)} on
 * the same key, and a read of {@code k} racing the merge: the two writes happen in one order or
 * the other, and the read sees a value {@code k} really had.
 *
 * <p><b>Hazard.</b> A {@code merge} reads the old value, runs its function, then stores the
 * result. A {@code put} that lands between the read and the store is overwritten by a result
 * computed from the value it replaced: the put returned as if it happened, yet its value is gone.
 * {@code HashMap} does exactly that. {@code LockFreeReadMap} is the map this scenario is for: its
 * {@code put} of a present key swaps the value by CAS without the writer lock, and its {@code
 * merge} freezes the slot (the value becomes a FROZEN marker, the old value moves to a record
 * that readers consult) while the function runs, so the put fails over to the lock and waits.
 * The reader checks that a frozen slot still reads as a value the key had, never as null.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh map with a few unrelated keys and {@code k -> 1}.
 * Actor 1 calls {@code get(k)} (r4, 0 if null), then {@code put(k, 10)} (r1: the value it
 * replaced); actor 2 calls {@code merge(k, 1, Integer::sum)} (r2: the merged value); the arbiter
 * reads the value left under {@code k} (r3). (jcstress runs at most as many actors as there are
 * CPUs, so the reader is actor 1's first step.) Correct outcomes: put first, {@code 1, 11, 11,
 * 1}; merge first, {@code 2, 2, 10} with the read seeing 1 or 2.
 *
 * <p>Run alone: {@code jcstress/run.sh quick PutVersusMerge}
 */
@Description("put(k, v) of a present key races merge(k, 1, sum) and a get(k): one order or the other, the reader sees a value k had.")
@Outcome(id = "1, 11, 11, 1", expect = ACCEPTABLE, desc = "put went first; merge then added 1 to its value.")
@Outcome(id = "2, 2, 10, (1|2)", expect = ACCEPTABLE, desc = "merge went first; put then replaced its result.")
@Outcome(expect = FORBIDDEN, desc = "The put was lost under the merge, a result contradicts the final value, or the reader saw a value k never had.")
public class PutVersusMerge {

  private PutVersusMerge() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private static final int UNRELATED_KEYS = 6;
    private static final Integer KEY = Keys.key(UNRELATED_KEYS);
    private static final Integer OLD = 1;
    private static final Integer PUT = 10;

    private final Map<Integer, Integer> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      for (int i = 0; i < UNRELATED_KEYS; i++) {
        map.put(Keys.key(i), i);
      }
      map.put(KEY, OLD);
    }

    final int put() {
      Integer old = map.put(KEY, PUT);
      return old == null ? 0 : old;
    }

    final int merge() {
      Integer merged = map.merge(KEY, 1, Integer::sum);
      return merged == null ? 0 : merged;
    }

    final int valueInMap() {
      Integer value = map.get(KEY);
      return value == null ? 0 : value;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusMerge.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void putter(IIII_Result r) {
      r.r4 = valueInMap(); // races the merge: may meet the slot frozen
      r.r1 = put();
    }

    @Actor
    public void merger(IIII_Result r) {
      r.r2 = merge();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusMerge.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void putter(IIII_Result r) {
      r.r4 = valueInMap(); // races the merge: may meet the slot frozen
      r.r1 = put();
    }

    @Actor
    public void merger(IIII_Result r) {
      r.r2 = merge();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' LockFreeReadMap, whose put of a present key swaps by CAS without the lock and whose merge freezes the slot: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusMerge.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void putter(IIII_Result r) {
      r.r4 = valueInMap(); // races the merge: may meet the slot frozen
      r.r1 = put();
    }

    @Actor
    public void merger(IIII_Result r) {
      r.r2 = merge();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The reference. */
  @JCStressTest
  @JCStressMeta(PutVersusMerge.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void putter(IIII_Result r) {
      r.r4 = valueInMap(); // races the merge: may meet the slot frozen
      r.r1 = put();
    }

    @Actor
    public void merger(IIII_Result r) {
      r.r2 = merge();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The negative control: expected to lose the put. */
  @JCStressTest
  @JCStressMeta(PutVersusMerge.class)
  @Outcome(id = "1, 2, (2|10), .*", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: put and merge both changed the value 1, so one of them was lost.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void putter(IIII_Result r) {
      r.r4 = valueInMap(); // races the merge: may meet the slot frozen
      r.r1 = put();
    }

    @Actor
    public void merger(IIII_Result r) {
      r.r2 = merge();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
      r.r3 = valueInMap();
    }
  }
}

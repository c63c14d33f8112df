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
 * Scenario: the first two writes to a fresh, empty map, racing. Both mappings must be there.
 *
 * <p><b>Hazard.</b> A map that allocates its storage lazily, on the first write, has a
 * check-then-act at its very start: "no table yet, so make one and store it". Two first writers
 * that both see no table each make one, and the second store throws away the first writer's table
 * with its mapping in it. {@code HashMap} does exactly this ({@code putVal} calls {@code resize()}
 * when its table is null). The cmaps maps allocate lazily too (issue 16: an empty map costs its
 * object and lock only): {@code ReadWriteLockMap} and {@code LockFreeReadMap} replace a shared
 * empty table under their write lock, and {@code StripedLockMap} creates its stripe array and each
 * stripe by compare-and-exchange on first use, so that the loser of a race adopts the winner's.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh empty map. Actor 1 puts {@code key(0) -> 1},
 * actor 2 puts {@code key(1) -> 2}; the arbiter reports the value of each key (0 if absent) and the
 * size. The striped map runs twice: with one stripe (both writers race to create the array and
 * the same stripe) and with the default stripe count (they race to create the array, then usually
 * create different stripes).
 *
 * <p>Run alone: {@code java -jar jcstress/target/jcstress.jar -t FirstWrites}
 */
@Description("The first two puts into a fresh empty map race: both mappings must survive.")
@Outcome(id = "1, 2, 2", expect = ACCEPTABLE, desc = "Both first writes survived.")
@Outcome(expect = FORBIDDEN, desc = "A first write was lost, or the size is wrong.")
public class FirstWrites {

  private FirstWrites() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;

    Scenario(Map<Integer, Integer> map) {
      this.map = map;
    }

    final void put(int i, int value) {
      map.put(Keys.key(i), value);
    }

    final void report(III_Result r) {
      Integer a = map.get(Keys.key(0));
      Integer b = map.get(Keys.key(1));
      r.r1 = a == null ? 0 : a;
      r.r2 = b == null ? 0 : b;
      r.r3 = map.size();
    }
  }

  /** cmaps' ReadWriteLockMap, default constructor. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP.create());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }

  /** cmaps' StripedLockMap with one stripe: both writers create the array and the same stripe. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @State
  public static class StripedLockMapOneStripeTest extends Scenario {
    public StripedLockMapOneStripeTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP.create());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }

  /** cmaps' StripedLockMap with the default stripe count. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP.createDefault());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }

  /** cmaps' LockFreeReadMap, default constructor. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP.create());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }

  /** The reference: ConcurrentHashMap also allocates its table on the first insert, by CAS. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP.create());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }

  /** The negative control: two first puts into an empty HashMap each allocate a table. */
  @JCStressTest
  @JCStressMeta(FirstWrites.class)
  @Outcome(id = {"1, 0, [12]", "0, 2, [12]", "1, 2, 1"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: a first write was lost with the table it allocated, or the size lost a count.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP.create());
    }

    @Actor
    public void actor1() {
      put(0, 1);
    }

    @Actor
    public void actor2() {
      put(1, 2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      report(r);
    }
  }
}

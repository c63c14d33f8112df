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
import org.openjdk.jcstress.infra.results.ZZI_Result;

/**
 * Scenario 7: {@code replace(k, old, new)} racing {@code remove(k, old)}: exactly one succeeds.
 *
 * <p><b>Hazard.</b> Both calls are conditional on the current value being {@code old}, and each
 * invalidates the other's condition. If the value check and the update are not one atomic step,
 * both see {@code old} and both report success: the caller of {@code replace} believes the key maps
 * to {@code new} while the caller of {@code remove} believes it is gone. {@code HashMap} checks and
 * updates in separate steps.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh map with a few unrelated keys and {@code k -> 1}.
 * Actor 1 calls {@code replace(k, 1, 2)}, actor 2 calls {@code remove(k, 1)}; the arbiter reads the
 * value left under {@code k} (0 if absent). Correct outcomes are {@code true, false, 2} and
 * {@code false, true, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick ReplaceVersusRemove}
 */
@Description("replace(k, old, new) races remove(k, old): exactly one of them succeeds, and the map shows its effect.")
@Outcome(id = "true, false, 2", expect = ACCEPTABLE, desc = "replace went first; remove then saw the new value and failed.")
@Outcome(id = "false, true, 0", expect = ACCEPTABLE, desc = "remove went first; replace then found no key and failed.")
@Outcome(expect = FORBIDDEN, desc = "Both succeeded, neither did, or the map contradicts the winner.")
public class ReplaceVersusRemove {

  private ReplaceVersusRemove() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private static final int UNRELATED_KEYS = 6;
    private static final Integer KEY = Keys.key(UNRELATED_KEYS);
    private static final Integer OLD = 1;
    private static final Integer NEW = 2;

    private final Map<Integer, Integer> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      for (int i = 0; i < UNRELATED_KEYS; i++) {
        map.put(Keys.key(i), i);
      }
      map.put(KEY, OLD);
    }

    final boolean replace() {
      return map.replace(KEY, OLD, NEW);
    }

    final boolean remove() {
      return map.remove(KEY, OLD);
    }

    final int valueInMap() {
      Integer value = map.get(KEY);
      return value == null ? 0 : value;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ReplaceVersusRemove.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void replacer(ZZI_Result r) {
      r.r1 = replace();
    }

    @Actor
    public void remover(ZZI_Result r) {
      r.r2 = remove();
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ReplaceVersusRemove.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void replacer(ZZI_Result r) {
      r.r1 = replace();
    }

    @Actor
    public void remover(ZZI_Result r) {
      r.r2 = remove();
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ReplaceVersusRemove.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void replacer(ZZI_Result r) {
      r.r1 = replace();
    }

    @Actor
    public void remover(ZZI_Result r) {
      r.r2 = remove();
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The reference: exactly one succeeds. */
  @JCStressTest
  @JCStressMeta(ReplaceVersusRemove.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void replacer(ZZI_Result r) {
      r.r1 = replace();
    }

    @Actor
    public void remover(ZZI_Result r) {
      r.r2 = remove();
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
      r.r3 = valueInMap();
    }
  }

  /** The negative control: expected to let both succeed. */
  @JCStressTest
  @JCStressMeta(ReplaceVersusRemove.class)
  @Outcome(id = {"true, true, 0", "true, true, 2"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both saw the old value and both report success.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void replacer(ZZI_Result r) {
      r.r1 = replace();
    }

    @Actor
    public void remover(ZZI_Result r) {
      r.r2 = remove();
    }

    @Arbiter
    public void arbiter(ZZI_Result r) {
      r.r3 = valueInMap();
    }
  }
}

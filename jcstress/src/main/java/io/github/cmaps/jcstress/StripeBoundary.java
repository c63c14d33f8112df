package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.github.cmaps.StripedLockMap;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Scenario 12: writers in different stripes, and in the same stripe, racing whole-map reads:
 * {@code StripedLockMap}'s stripe boundary, on its default stripe count.
 *
 * <p><b>Hazard.</b> {@code StripedLockMap} lets writes to different stripes run at the same time
 * under different locks, each stripe growing its own table, while {@code size()} adds up the
 * stripes' counters without a lock and an iterator takes one stripe snapshot after another. A
 * write that escaped its stripe's lock (a key routed to the wrong stripe, or two stripes sharing
 * state), a resize of one stripe that lost a key of the other, a counter updated outside its lock,
 * or an iterator that missed or repeated a stripe would show up here. The threshold scenarios run
 * the map with one stripe ({@link MapUnderTest#STRIPED_LOCK_MAP}); this one runs it as built by
 * {@code new StripedLockMap<>()}.
 *
 * <p><b>Set-up.</b> The keys are chosen once, with the default map's stripe function ({@link
 * #stripeOf}, {@code StripedLockMap}'s own formula; {@code StripeBoundaryTest} checks it against
 * the map): stripes A and B are two different stripes. Each instance fills a fresh map
 * ({@link MapUnderTest#createDefault()}) with {@value #STABLE} stable keys: one in A, one in B,
 * the rest in other stripes. With the default stripe count every stripe starts with a 4-slot
 * table that grows on its second key, so A and B are each at their growth threshold; and
 * {@value #STABLE} keys are {@code HashMap}'s threshold too. Writer 1 puts a new key into A,
 * then reads {@code size()}; writer 2 puts a new key into B and a second new key into A, then
 * walks {@code keySet()} once. The writers run in different stripes at once, then contend for A's
 * lock; both A and B grow during the race; and each whole-map read races the other writer. (Two
 * actors, not a separate reader: jcstress skips a test with more actors than the machine has
 * CPUs, 2 here.)
 *
 * <p><b>Outcome</b> {@code (walk, sizeSeen, new, lost, sizeError)}: {@code walk} counts the keys
 * writer 2's walk got wrong: stable keys missed or returned more than once, its own two keys not
 * returned exactly once (it put them itself), writer 1's key returned twice (-1 if the walk threw
 * {@code ConcurrentModificationException}, -2 another exception, -3 if it returned more keys than
 * the map ever held); {@code sizeSeen} is writer 1's {@code size()} minus {@value #STABLE}, which
 * must be 1 to 3 (its own key counts, and no key is ever removed, so each stripe's count only goes
 * up); after both writers the arbiter reports how many of the 3 new keys are present, how many
 * stable keys are gone, and {@code size()} minus {@value #STABLE} + 3. Correct: {@code 0, s, 3, 0,
 * 0} for s in 1..3.
 *
 * <p>Run alone: {@code jcstress/run.sh quick StripeBoundary}
 */
@Description("Writers in two stripes (then in one) racing iteration and size() on the default-striped map: every key lands once, size() stays in range and ends exact.")
@Outcome(id = "0, 1, 3, 0, 0", expect = ACCEPTABLE, desc = "Walk right; writer 1's size() saw only its own new key; all landed, size exact.")
@Outcome(id = "0, 2, 3, 0, 0", expect = ACCEPTABLE, desc = "Walk right; writer 1's size() saw two new keys; all landed, size exact.")
@Outcome(id = "0, 3, 3, 0, 0", expect = ACCEPTABLE, desc = "Walk right; writer 1's size() saw all three new keys; all landed, size exact.")
@Outcome(expect = FORBIDDEN, desc = "The walk threw, skipped or repeated a key, size() was out of range or ended wrong, or a key was lost.")
public class StripeBoundary {

  /** Keys in the map before the race: HashMap's growth threshold for 16 bins. */
  static final int STABLE = 12;

  /** The stripe count of {@code new StripedLockMap<>()} on this machine. */
  static final int STRIPES = new StripedLockMap<Integer, Integer>().stripeCount();

  /** {@code STABLE} stable keys: [0] in stripe A, [1] in stripe B, the rest in neither. */
  static final Integer[] STABLE_KEYS = new Integer[STABLE];

  /** Writer 1's key, in stripe A. */
  static final Integer NEW_A;

  /** Writer 2's first key, in stripe B. */
  static final Integer NEW_B;

  /** Writer 2's second key, in stripe A. */
  static final Integer NEW_A2;

  static {
    if (STRIPES < 2) {
      throw new IllegalStateException("the default StripedLockMap has one stripe: no boundary");
    }
    Integer oldA = Keys.key(0);
    int a = stripeOf(oldA, STRIPES);
    Integer oldB = null;
    int b = -1;
    List<Integer> fillers = new ArrayList<>();
    Integer newA = null;
    Integer newB = null;
    Integer newA2 = null;
    for (int i = 1; i < Keys.COUNT; i++) {
      Integer k = Keys.key(i);
      int s = stripeOf(k, STRIPES);
      if (oldB == null && s != a) {
        oldB = k;
        b = s;
      } else if (s != a && s != b) {
        if (fillers.size() < STABLE - 2) {
          fillers.add(k);
        }
      } else if (s == a) {
        if (newA == null) {
          newA = k;
        } else if (newA2 == null) {
          newA2 = k;
        }
      } else if (newB == null) {
        newB = k;
      }
    }
    if (oldB == null || newA2 == null || newB == null || fillers.size() < STABLE - 2) {
      throw new IllegalStateException("Keys has too few keys in the stripes needed");
    }
    STABLE_KEYS[0] = oldA;
    STABLE_KEYS[1] = oldB;
    for (int i = 2; i < STABLE; i++) {
      STABLE_KEYS[i] = fillers.get(i - 2);
    }
    NEW_A = newA;
    NEW_B = newB;
    NEW_A2 = newA2;
  }

  private StripeBoundary() {}

  /**
   * The stripe {@code StripedLockMap} with {@code stripes} stripes puts {@code key} in: the high
   * bits of {@code OpenTable.hash(key)} (the high half of the hash code times 2^64 / golden
   * ratio).
   */
  static int stripeOf(Object key, int stripes) {
    int h = (int) ((key.hashCode() * 0x9E3779B97F4A7C15L) >>> 32);
    return (h >>> (32 - Integer.numberOfTrailingZeros(stripes))) & (stripes - 1);
  }

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.createDefault();
      for (int i = 0; i < STABLE; i++) {
        map.put(STABLE_KEYS[i], i);
      }
    }

    /** Writer 1: a new key into stripe A, then {@code size()}. */
    final void writeAThenSize(IIIII_Result r) {
      map.put(NEW_A, -1);
      r.r2 = map.size() - STABLE;
    }

    /** Writer 2: a new key into stripe B, one into stripe A, then a walk of {@code keySet()}. */
    final void writeBAThenWalk(IIIII_Result r) {
      map.put(NEW_B, -2);
      map.put(NEW_A2, -3);
      int[] seen = new int[STABLE];
      int ownB = 0;
      int ownA2 = 0;
      int otherA = 0;
      int budget = 4 * (STABLE + 3); // far more than the map ever holds: a looping walk
      int walk = 0;
      try {
        Iterator<Integer> it = map.keySet().iterator();
        while (it.hasNext()) {
          if (--budget < 0) {
            walk = -3;
            break;
          }
          Integer k = it.next();
          if (NEW_B.equals(k)) {
            ownB++;
          } else if (NEW_A2.equals(k)) {
            ownA2++;
          } else if (NEW_A.equals(k)) {
            otherA++;
          } else {
            for (int i = 0; i < STABLE; i++) {
              if (STABLE_KEYS[i].equals(k)) {
                seen[i]++;
                break;
              }
            }
          }
        }
      } catch (ConcurrentModificationException e) {
        walk = -1;
      } catch (RuntimeException e) {
        walk = -2;
      }
      if (walk == 0) {
        for (int count : seen) {
          if (count != 1) {
            walk++;
          }
        }
        walk += (ownB != 1 ? 1 : 0) + (ownA2 != 1 ? 1 : 0) + (otherA > 1 ? 1 : 0);
      }
      r.r1 = walk;
    }

    final void check(IIIII_Result r) {
      r.r3 = (map.containsKey(NEW_A) ? 1 : 0) + (map.containsKey(NEW_B) ? 1 : 0)
          + (map.containsKey(NEW_A2) ? 1 : 0);
      int lost = 0;
      for (Integer k : STABLE_KEYS) {
        if (!map.containsKey(k)) {
          lost++;
        }
      }
      r.r4 = lost;
      r.r5 = map.size() - (STABLE + 3);
    }
  }

  /** cmaps' ReadWriteLockMap: one lock, no stripes; held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(StripeBoundary.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer1(IIIII_Result r) {
      writeAThenSize(r);
    }

    @Actor
    public void writer2(IIIII_Result r) {
      writeBAThenWalk(r);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
      check(r);
    }
  }

  /** cmaps' LockFreeReadMap: no stripes; held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(StripeBoundary.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer1(IIIII_Result r) {
      writeAThenSize(r);
    }

    @Actor
    public void writer2(IIIII_Result r) {
      writeBAThenWalk(r);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
      check(r);
    }
  }

  /** cmaps' StripedLockMap with its default stripe count: the map this scenario is for. */
  @JCStressTest
  @JCStressMeta(StripeBoundary.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer1(IIIII_Result r) {
      writeAThenSize(r);
    }

    @Actor
    public void writer2(IIIII_Result r) {
      writeBAThenWalk(r);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
      check(r);
    }
  }

  /** The reference: per-bin locks, a weakly consistent iterator and a striped counter. */
  @JCStressTest
  @JCStressMeta(StripeBoundary.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer1(IIIII_Result r) {
      writeAThenSize(r);
    }

    @Actor
    public void writer2(IIIII_Result r) {
      writeBAThenWalk(r);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
      check(r);
    }
  }

  /** The negative control: expected to throw, lose keys or miscount, which shows the race is being exercised. */
  @JCStressTest
  @JCStressMeta(StripeBoundary.class)
  @Outcome(id = "-1, .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: its fail-fast iterator threw ConcurrentModificationException.")
  @Outcome(id = "-[23], .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk failed with another exception or did not end.")
  @Outcome(id = "[1-9][0-9]*, .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the walk skipped or repeated keys (bins moved by the resize).")
  @Outcome(id = "0, [1-3], [012], .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: a new key was lost (put into a bin the resize had already moved).")
  @Outcome(id = "0, [1-3], 3, [1-9][0-9]*, .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: stable keys present before the race were dropped by the resize.")
  @Outcome(id = "0, [1-3], 3, 0, -?[1-9][0-9]*", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: every key landed but the unsynchronized size counter lost an increment.")
  @Outcome(id = "0, (-[0-9]+|0|[4-9]|[1-9][0-9]+), .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: writer 1's size() was out of range (its own insert not counted, or too many).")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer1(IIIII_Result r) {
      writeAThenSize(r);
    }

    @Actor
    public void writer2(IIIII_Result r) {
      writeBAThenWalk(r);
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
      check(r);
    }
  }
}

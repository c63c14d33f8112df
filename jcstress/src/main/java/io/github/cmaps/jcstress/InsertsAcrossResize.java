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
 * Scenario 1: two inserts that race each other across a resize both land, and the size counts
 * both.
 *
 * <p><b>Hazard.</b> The map is full to its growth threshold, so the first of the two inserts makes
 * it grow. An insert that goes into the old table after the resizer has copied that part of it, or
 * into the new table just before the resizer overwrites that slot, is silently lost; two threads
 * that both decide to resize may each build a new table from half-moved contents and drop older
 * keys too; and an unsynchronized size counter loses an increment. {@code HashMap} does all of
 * these.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold; each writer inserts
 * one new key of its own. After both, the arbiter reports {@code (new, lost, sizeError)}: how many
 * of the two new keys are present, how many of the keys present before are gone, and
 * {@code size()} minus the number of entries there should be (the pre-existing ones plus two). The
 * correct outcome is {@code 2, 0, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick InsertsAcrossResize}
 */
@Description("Two writers insert distinct new keys into a map at its growth threshold: no insert is lost and size() is exact.")
@Outcome(id = "2, 0, 0", expect = ACCEPTABLE, desc = "Both new keys present, no old key lost, size() exact.")
@Outcome(expect = FORBIDDEN, desc = "An insert or an old key was lost across the resize, or size() is wrong.")
public class InsertsAcrossResize {

  private InsertsAcrossResize() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final int present;
    private final Integer firstNewKey;
    private final Integer secondNewKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.present = subject.entriesBeforeGrowth();
      this.firstNewKey = Keys.key(present);
      this.secondNewKey = Keys.key(present + 1);
    }

    final void insertFirst() {
      map.put(firstNewKey, present);
    }

    final void insertSecond() {
      map.put(secondNewKey, present + 1);
    }

    final void check(III_Result r) {
      int newKeys = (map.containsKey(firstNewKey) ? 1 : 0) + (map.containsKey(secondNewKey) ? 1 : 0);
      int lost = 0;
      for (int i = 0; i < present; i++) {
        if (!map.containsKey(Keys.key(i))) {
          lost++;
        }
      }
      r.r1 = newKeys;
      r.r2 = lost;
      r.r3 = map.size() - (present + 2);
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(InsertsAcrossResize.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer1() {
      insertFirst();
    }

    @Actor
    public void writer2() {
      insertSecond();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      check(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(InsertsAcrossResize.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer1() {
      insertFirst();
    }

    @Actor
    public void writer2() {
      insertSecond();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      check(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(InsertsAcrossResize.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer1() {
      insertFirst();
    }

    @Actor
    public void writer2() {
      insertSecond();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      check(r);
    }
  }

  /** The reference: must never lose an insert. */
  @JCStressTest
  @JCStressMeta(InsertsAcrossResize.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer1() {
      insertFirst();
    }

    @Actor
    public void writer2() {
      insertSecond();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      check(r);
    }
  }

  /** The negative control: expected to lose inserts, which shows the race is being exercised. */
  @JCStressTest
  @JCStressMeta(InsertsAcrossResize.class)
  @Outcome(id = "[01], 0, .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: a new key was lost (put into a bin the resizer had already moved, or overwritten by it).")
  @Outcome(id = "[012], [1-9][0-9]*, .+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both writers resized at once and keys present before the race were dropped.")
  @Outcome(id = "2, 0, -?[1-9][0-9]*", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: both keys landed but the unsynchronized size counter lost an increment.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer1() {
      insertFirst();
    }

    @Actor
    public void writer2() {
      insertSecond();
    }

    @Arbiter
    public void arbiter(III_Result r) {
      check(r);
    }
  }
}

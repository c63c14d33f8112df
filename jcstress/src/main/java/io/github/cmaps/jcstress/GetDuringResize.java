package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Scenario 2: a lookup that races a resize still finds a key that was present all along.
 *
 * <p><b>Hazard.</b> While an insert grows the table, entries move from the old table to the new
 * one. A reader that searches the new table before its key has arrived, or the old table after the
 * key has left it, reports the key missing although nobody removed it. {@code HashMap} has exactly
 * this bug: its resize publishes the new, empty table first and then moves the bins into it one
 * by one, in index order.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold. The writer inserts
 * one new key, which makes the map grow; the reader looks up every key that was there before. The
 * result is {@code (missed, wrong)}: how many of those lookups returned {@code null}, and how many
 * returned a value other than the one stored. The correct outcome is {@code 0, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick GetDuringResize}
 */
@Description("A lookup racing a resize must find every key that was present before the resize.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader found every pre-existing key with its value.")
@Outcome(expect = FORBIDDEN, desc = "The reader missed a pre-existing key, or read a wrong value, during a resize.")
public class GetDuringResize {

  private GetDuringResize() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final int present;
    private final Integer newKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.present = subject.entriesBeforeGrowth();
      this.newKey = Keys.key(present);
    }

    final void insertNewKey() {
      map.put(newKey, present);
    }

    final void lookUpPresentKeys(II_Result r) {
      int missed = 0;
      int wrong = 0;
      for (int i = 0; i < present; i++) {
        Integer value = map.get(Keys.key(i));
        if (value == null) {
          missed++;
        } else if (value != i) {
          wrong++;
        }
      }
      r.r1 = missed;
      r.r2 = wrong;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(GetDuringResize.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpPresentKeys(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(GetDuringResize.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpPresentKeys(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(GetDuringResize.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpPresentKeys(r);
    }
  }

  /** The reference: must never miss. */
  @JCStressTest
  @JCStressMeta(GetDuringResize.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpPresentKeys(r);
    }
  }

  /** The negative control: expected to miss keys, which shows the race is being exercised. */
  @JCStressTest
  @JCStressMeta(GetDuringResize.class)
  @Outcome(id = "[1-9][0-9]*, 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the reader searched the new table before the key's bin was moved there.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      insertNewKey();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpPresentKeys(r);
    }
  }
}

package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
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
 * Scenario 14: a lookup racing a rebuild that drops dead slots finds every present key and none of
 * the removed ones.
 *
 * <p><b>Hazard.</b> An open-addressing table leaves a marker in the slot of a removed key, and the
 * cmaps maps rebuild the table when live plus dead slots reach its load limit (half of it, once it
 * has seen a removal): at the same capacity
 * when few keys are live, so every live key moves to a different slot of a new table. A reader
 * that takes no lock (an optimistic read of {@code ReadWriteLockMap}) and probes the old table, or
 * the new one before it is filled, must either see a complete table or notice the writer and
 * retry; if it trusts what it found it reports a present key missing. {@link GetDuringResize}
 * races a doubling; this races the rebuild without growth, which moves every key.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold and then removes all
 * but {@value Scenario#LIVE} keys, leaving dead slots behind. The writer inserts one new key, which
 * makes {@code ReadWriteLockMap} and {@code LockFreeReadMap} rebuild their 32-slot table in place;
 * the reader looks up the live keys and as many removed ones. The result is
 * {@code (missed, resurrected)}: live keys reported absent or with a wrong value, and removed keys
 * reported present. The correct outcome is {@code 0, 0}.
 *
 * <p>There is no {@code HashMap} negative control: {@code HashMap} has no dead slots and never
 * rebuilds after removals, so the hazard does not exist there ({@link GetDuringResize} has the
 * control for the growing case).
 *
 * <p>Run alone: {@code jcstress/run.sh quick GetDuringRebuild}
 */
@Description("A lookup racing a rebuild that drops dead slots finds the live keys and not the removed ones.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Every live key found with its value; no removed key found.")
@Outcome(expect = FORBIDDEN, desc = "A live key was missed or had a wrong value, or a removed key came back, during a rebuild.")
public class GetDuringRebuild {

  private GetDuringRebuild() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    /** Live keys left: few enough that the rebuild keeps the capacity and only drops dead slots. */
    static final int LIVE = 4;

    private final Map<Integer, Integer> map;
    private final int filled;
    private final Integer newKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToThreshold();
      this.filled = subject.entriesBeforeGrowth();
      for (int i = 0; i < filled - LIVE; i++) {
        map.remove(Keys.key(i));
      }
      this.newKey = Keys.key(filled);
    }

    final void insertNewKey() {
      map.put(newKey, filled);
    }

    final void lookUp(II_Result r) {
      int missed = 0;
      int resurrected = 0;
      for (int i = filled - LIVE; i < filled; i++) {
        Integer value = map.get(Keys.key(i));
        if (value == null || value != i) {
          missed++;
        }
      }
      for (int i = 0; i < Math.min(LIVE, filled - LIVE); i++) {
        if (map.get(Keys.key(i)) != null) {
          resurrected++;
        }
      }
      r.r1 = missed;
      r.r2 = resurrected;
    }
  }

  /** cmaps' ReadWriteLockMap: the rebuild this scenario is aimed at. */
  @JCStressTest
  @JCStressMeta(GetDuringRebuild.class)
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
      lookUp(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(GetDuringRebuild.class)
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
      lookUp(r);
    }
  }

  /** cmaps' StripedLockMap (one stripe, see MapUnderTest): held to the same outcomes. */
  @JCStressTest
  @JCStressMeta(GetDuringRebuild.class)
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
      lookUp(r);
    }
  }

  /** The reference: no rebuild here, a plain race of lookups with an insert. */
  @JCStressTest
  @JCStressMeta(GetDuringRebuild.class)
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
      lookUp(r);
    }
  }
}

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
 * Scenario 11 (lock-free reads): lookups racing a resize that moves a large table slice by slice
 * never miss a key, and never go back in time.
 *
 * <p><b>Hazard.</b> {@code LockFreeReadMap} resizes a table of more than
 * {@code LockFreeReadMap.SMALL_TABLE} slots incrementally: the first insert past the threshold
 * links a new table to the old one, and every write after it migrates a slice of old slots,
 * leaving {@code MOVED} behind, until the last slice is done and the new table is published.
 * Its readers take no lock, so a reader may be anywhere in the old table while slots move under
 * it, and keys inserted or updated during the resize live only in the new table. A reader that
 * fails to follow a moved slot misses a key; a reader that finds a write in the new table and then
 * reads the old table again sees that write undone. {@code ReadWriteLockMap} and
 * {@code ConcurrentHashMap} (whose transfer also moves bins one by one, behind forwarding nodes)
 * must pass the same checks; {@code HashMap} fails them through its resize.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold at 2048 slots or bins
 * ({@link MapUnderTest#entriesBeforeLargeGrowth()}: about a thousand keys, so this scenario
 * collects fewer samples per second than the others). The writer inserts a new key, which starts
 * the resize, updates one pre-existing key, then inserts {@value #MORE_INSERTS} more keys, which
 * carry an incremental resize through to its end. The reader makes {@value #ROUNDS} rounds over
 * {@value #PROBES} pre-existing keys spread over the table, plus the updated key and the first
 * new key, and reports {@code (missed, regressed)}: lookups of pre-existing keys that returned
 * {@code null} or a wrong value, and reads that went back in time (the updated key read with its
 * new value and later with its old one, or the first new key found and later missing). The
 * correct outcome is {@code 0, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick IncrementalResizeLookup}
 */
@Description("Lookups racing a slice-by-slice resize of a large table: never missing, never going back in time.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Every lookup found its key, and no read went back in time.")
@Outcome(expect = FORBIDDEN, desc = "A lookup missed a key present throughout, or a read undid a write it had already seen.")
public class IncrementalResizeLookup {

  /** Inserts after the first one and the update: enough for a 2048-slot table to finish moving. */
  static final int MORE_INSERTS = 40;

  /** Pre-existing keys the reader looks up in each round. */
  static final int PROBES = 64;

  /** Rounds of lookups, so that the reader's lookups spread over the writer's migration. */
  static final int ROUNDS = 8;

  private static final int UPDATED_VALUE = -1;

  private IncrementalResizeLookup() {}

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Integer, Integer> map;
    private final int present;
    private final int updatedIndex;
    private final Integer updatedKey;
    private final Integer firstNewKey;

    Scenario(MapUnderTest subject) {
      this.map = subject.filledToLargeThreshold();
      this.present = subject.entriesBeforeLargeGrowth();
      // The last pre-existing key: not among the probes, which are spread from index 0 on.
      this.updatedIndex = present - 1;
      this.updatedKey = Keys.key(updatedIndex);
      this.firstNewKey = Keys.key(present);
    }

    final void resize() {
      map.put(firstNewKey, present);
      map.replace(updatedKey, updatedIndex, UPDATED_VALUE);
      for (int i = 1; i <= MORE_INSERTS; i++) {
        map.put(Keys.key(present + i), present + i);
      }
    }

    final void lookUp(II_Result r) {
      int step = (present - 1) / PROBES;
      int missed = 0;
      int regressed = 0;
      boolean sawUpdate = false;
      boolean sawNewKey = false;
      for (int round = 0; round < ROUNDS; round++) {
        for (int p = 0; p < PROBES; p++) {
          int index = p * step;
          Integer value = map.get(Keys.key(index));
          if (value == null || value != index) {
            missed++;
          }
        }
        Integer updated = map.get(updatedKey);
        if (updated == null) {
          missed++;
        } else if (updated == UPDATED_VALUE) {
          sawUpdate = true;
        } else if (sawUpdate) {
          regressed++;
        }
        if (map.get(firstNewKey) != null) {
          sawNewKey = true;
        } else if (sawNewKey) {
          regressed++;
        }
      }
      r.r1 = missed;
      r.r2 = regressed;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IncrementalResizeLookup.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      resize();
    }

    @Actor
    public void reader(II_Result r) {
      lookUp(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(IncrementalResizeLookup.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      resize();
    }

    @Actor
    public void reader(II_Result r) {
      lookUp(r);
    }
  }

  /** cmaps' LockFreeReadMap: the map this scenario is written for. */
  @JCStressTest
  @JCStressMeta(IncrementalResizeLookup.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      resize();
    }

    @Actor
    public void reader(II_Result r) {
      lookUp(r);
    }
  }

  /** The reference: its transfer also moves bins one by one, and readers never miss. */
  @JCStressTest
  @JCStressMeta(IncrementalResizeLookup.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      resize();
    }

    @Actor
    public void reader(II_Result r) {
      lookUp(r);
    }
  }

  /** The negative control: expected to miss keys while its resize moves them. */
  @JCStressTest
  @JCStressMeta(IncrementalResizeLookup.class)
  @Outcome(id = "[1-9][0-9]*, [0-9]+", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: lookups searched the new table before their bins were moved there.")
  @Outcome(id = "0, [1-9][0-9]*", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: a read undid a write it had already seen.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      resize();
    }

    @Actor
    public void reader(II_Result r) {
      lookUp(r);
    }
  }
}

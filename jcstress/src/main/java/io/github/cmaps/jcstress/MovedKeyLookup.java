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
 * Scenario 10 (open addressing): a key that a rebuild moves to a new slot stays findable, also
 * when the key ahead of it in its collision chain was just removed.
 *
 * <p><b>Hazard.</b> In an open-addressing table such as the cmaps {@code OpenTable}, keys whose
 * hashes collide sit one after another along a probe sequence. Removing the head of such a chain
 * leaves a dead slot in front of the others; the lookup of a follower must probe past it. A
 * rebuild then drops the dead slot and places every key at a new position. A lookup that races
 * these steps, or reads a half-built table, reports a follower missing. {@code ReadWriteLockMap}'s
 * optimistic readers may probe a table being rebuilt, and are safe because they discard any answer
 * that their lock's validation does not confirm; {@code LockFreeReadMap}'s readers take no lock and
 * rely on the table's own ordering (at this size it copies the table whole and
 * publishes the copy; {@link IncrementalResizeLookup} covers its slice-by-slice resize).
 * {@code HashMap} fails here through its resize, as in {@link GetDuringResize}.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold: first a chain of four
 * {@link CollidingKey}s with one shared hash code, then {@code Integer} fillers. The writer removes
 * the head of the chain and inserts two new keys; on every map here that makes the table grow (a
 * removal frees a slot in a chained table, so it takes the second insert; the open-addressing
 * table keeps the dead slot, so it rebuilds on the first). The reader looks up every key present
 * throughout and reports {@code (followers, fillers)}: how many of the three chain followers and
 * how many fillers it missed. The correct outcome is {@code 0, 0}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick MovedKeyLookup}
 */
@Description("Lookups racing the removal of a collision chain's head and a rebuild that moves every key: never missing.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader found every key present throughout.")
@Outcome(expect = FORBIDDEN, desc = "The reader missed a chain follower or a filler that was present throughout.")
public class MovedKeyLookup {

  /** Keys in the collision chain, head included. */
  static final int CHAIN = 4;

  private MovedKeyLookup() {}

  /** A key whose hash code is the same for every instance, so all instances share one chain. */
  static final class CollidingKey {
    private static final int SHARED_HASH = 0x6B43_A9B5;

    private final int id;

    CollidingKey(int id) {
      this.id = id;
    }

    @Override
    public int hashCode() {
      return SHARED_HASH;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CollidingKey && ((CollidingKey) o).id == id;
    }

    @Override
    public String toString() {
      return "CollidingKey" + id;
    }
  }

  private static final CollidingKey[] CHAIN_KEYS = new CollidingKey[CHAIN];

  static {
    for (int i = 0; i < CHAIN; i++) {
      CHAIN_KEYS[i] = new CollidingKey(i);
    }
  }

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private final Map<Object, Integer> map;
    private final int fillers;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      this.fillers = subject.entriesBeforeGrowth() - CHAIN;
      // The chain first, so that its head takes the first slot of the shared probe sequence.
      for (int i = 0; i < CHAIN; i++) {
        map.put(CHAIN_KEYS[i], -i);
      }
      for (int i = 0; i < fillers; i++) {
        map.put(Keys.key(i), i);
      }
    }

    final void removeHeadThenGrow() {
      map.remove(CHAIN_KEYS[0]);
      map.put(Keys.key(fillers), fillers);
      map.put(Keys.key(fillers + 1), fillers + 1);
    }

    final void lookUpSurvivors(II_Result r) {
      int missedFollowers = 0;
      for (int i = 1; i < CHAIN; i++) {
        if (map.get(CHAIN_KEYS[i]) == null) {
          missedFollowers++;
        }
      }
      int missedFillers = 0;
      for (int i = 0; i < fillers; i++) {
        if (map.get(Keys.key(i)) == null) {
          missedFillers++;
        }
      }
      r.r1 = missedFollowers;
      r.r2 = missedFillers;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MovedKeyLookup.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      removeHeadThenGrow();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpSurvivors(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MovedKeyLookup.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      removeHeadThenGrow();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpSurvivors(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(MovedKeyLookup.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      removeHeadThenGrow();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpSurvivors(r);
    }
  }

  /** The reference: never misses. */
  @JCStressTest
  @JCStressMeta(MovedKeyLookup.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      removeHeadThenGrow();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpSurvivors(r);
    }
  }

  /** The negative control: expected to miss keys while its resize moves them. */
  @JCStressTest
  @JCStressMeta(MovedKeyLookup.class)
  @Outcome(id = {"[1-9], [0-9]+", "0, [1-9][0-9]*"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the reader searched the new table before the key's bin was moved there.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      removeHeadThenGrow();
    }

    @Actor
    public void reader(II_Result r) {
      lookUpSurvivors(r);
    }
  }
}

package io.github.cmaps.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Iterator;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IZI_Result;

/**
 * Scenario 9: a {@code put} racing {@code clear()} leaves a map whose {@code size()},
 * {@code isEmpty()} and contents agree, in one of the two orders.
 *
 * <p><b>Hazard.</b> {@code clear()} empties the table and resets the count; {@code put} adds an
 * entry and bumps the count, and here also grows the table. If the two interleave, the count can
 * disagree with the entries (an entry survives a count reset to zero, or the count keeps an entry
 * that was wiped), and a clear that empties the old table while a resize copies it into a new one
 * leaves old entries alive. {@code HashMap} shows these.
 *
 * <p><b>Set-up.</b> Each instance fills a fresh map to its growth threshold. Actor 1 puts a new key
 * (which makes the map grow); actor 2 calls {@code clear()}. After both, the arbiter reports
 * {@code (size, isEmpty, counted)}: {@code size()}, {@code isEmpty()}, and the number of entries an
 * iteration finds ({@code -1} if the iteration returned more entries than the map ever held). The
 * correct outcomes are {@code 0, true, 0} (put, then clear) and {@code 1, false, 1} (clear, then
 * put).
 *
 * <p>Run alone: {@code jcstress/run.sh quick PutVersusClear}
 */
@Description("put racing clear(): afterwards size(), isEmpty() and the entries agree, as if one ran before the other.")
@Outcome(id = "0, true, 0", expect = ACCEPTABLE, desc = "put ran first, then clear() removed everything.")
@Outcome(id = "1, false, 1", expect = ACCEPTABLE, desc = "clear() ran first, then put added the one entry.")
@Outcome(expect = FORBIDDEN, desc = "size(), isEmpty() and the entries disagree, or old entries survived clear().")
public class PutVersusClear {

  private PutVersusClear() {}

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

    final void put() {
      map.put(newKey, present);
    }

    final void clear() {
      map.clear();
    }

    final void check(IZI_Result r) {
      r.r1 = map.size();
      r.r2 = map.isEmpty();
      r.r3 = countEntries();
    }

    private int countEntries() {
      // The map never holds more than present + 1 entries; an iteration returning far more loops.
      int budget = 4 * (present + 1);
      int counted = 0;
      for (Iterator<Integer> it = map.keySet().iterator(); it.hasNext(); it.next()) {
        if (++counted > budget) {
          return -1;
        }
      }
      return counted;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusClear.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void putter() {
      put();
    }

    @Actor
    public void clearer() {
      clear();
    }

    @Arbiter
    public void arbiter(IZI_Result r) {
      check(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusClear.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void putter() {
      put();
    }

    @Actor
    public void clearer() {
      clear();
    }

    @Arbiter
    public void arbiter(IZI_Result r) {
      check(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(PutVersusClear.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void putter() {
      put();
    }

    @Actor
    public void clearer() {
      clear();
    }

    @Arbiter
    public void arbiter(IZI_Result r) {
      check(r);
    }
  }

  /** The reference: one order or the other. */
  @JCStressTest
  @JCStressMeta(PutVersusClear.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void putter() {
      put();
    }

    @Actor
    public void clearer() {
      clear();
    }

    @Arbiter
    public void arbiter(IZI_Result r) {
      check(r);
    }
  }

  /** The negative control: expected to end inconsistent. */
  @JCStressTest
  @JCStressMeta(PutVersusClear.class)
  @Outcome(id = "0, true, [1-9][0-9]*", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: size() says empty but entries survived (put landed after clear() reset the count).")
  @Outcome(id = "[1-9][0-9]*, false, 0", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: size() counts an entry that clear() wiped.")
  @Outcome(id = {"([2-9]|[1-9][0-9]+), false, [1-9][0-9]*", "1, false, ([2-9]|[1-9][0-9]+)"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: entries from before clear() survived (clear() wiped the old table while the resize copied it).")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void putter() {
      put();
    }

    @Actor
    public void clearer() {
      clear();
    }

    @Arbiter
    public void arbiter(IZI_Result r) {
      check(r);
    }
  }
}

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
 * Scenario 13: a lookup racing writes to the same key returns only values that were written, in
 * the order they were written, and never a half-built one.
 *
 * <p><b>Hazard.</b> A reader that takes no lock (an optimistic read of {@code ReadWriteLockMap},
 * every read of {@code LockFreeReadMap}) probes the slot while the writer replaces the value,
 * removes the mapping and inserts it again. If it returns what it found without checking that no
 * writer intervened, or loads a value without acquire ordering, it can return a value object whose
 * constructor's writes it does not see, a removed mapping after a later state, or a mix of two
 * states. {@code HashMap} publishes nodes and values with plain stores.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh map with a few unrelated keys and {@code k -> 1}
 * (values are {@link Box}es whose number is set by a plain store in the constructor). The writer
 * runs {@code put(k, 2)}, {@code remove(k)}, {@code put(k, 3)}; the reader calls
 * {@code get(k)} twice. Each read reports the box's number, 0 when absent, and -1 for a box whose
 * number is not visible. The states are 1, 2, 0, 3 in that order: the second read may not show an
 * earlier state than the first.
 *
 * <p>Run alone: {@code jcstress/run.sh quick ReadRacingUpdates}
 */
@Description("get racing put, remove and put again of the same key: only written values, in write order.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Read the first value, then the first value.")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Read the first value, then the replacing value.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Read the first value, then absent (removed).")
@Outcome(id = "1, 3", expect = ACCEPTABLE, desc = "Read the first value, then the re-inserted value.")
@Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "Read the replacing value, then the replacing value.")
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "Read the replacing value, then absent (removed).")
@Outcome(id = "2, 3", expect = ACCEPTABLE, desc = "Read the replacing value, then the re-inserted value.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Read absent (removed), then absent (removed).")
@Outcome(id = "0, 3", expect = ACCEPTABLE, desc = "Read absent (removed), then the re-inserted value.")
@Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "Read the re-inserted value, then the re-inserted value.")
@Outcome(expect = FORBIDDEN, desc = "A value never written (or half-built), or a state older than one already seen.")
public class ReadRacingUpdates {

  private ReadRacingUpdates() {}

  /** A value object whose field is set by a plain store: a racy publication can show it as 0. */
  static final class Box {
    int number;

    Box(int number) {
      this.number = number;
    }
  }

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private static final int UNRELATED_KEYS = 6;
    private static final Integer KEY = Keys.key(UNRELATED_KEYS);

    private final Map<Integer, Box> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      for (int i = 0; i < UNRELATED_KEYS; i++) {
        map.put(Keys.key(i), new Box(100 + i));
      }
      map.put(KEY, new Box(1));
    }

    final void writeSequence() {
      map.put(KEY, new Box(2));
      map.remove(KEY);
      map.put(KEY, new Box(3));
    }

    final void readTwice(II_Result r) {
      r.r1 = read();
      r.r2 = read();
    }

    private int read() {
      Box box = map.get(KEY);
      if (box == null) {
        return 0;
      }
      int n = box.number;
      return n == 0 ? -1 : n;
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ReadRacingUpdates.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      writeSequence();
    }

    @Actor
    public void reader(II_Result r) {
      readTwice(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(ReadRacingUpdates.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      writeSequence();
    }

    @Actor
    public void reader(II_Result r) {
      readTwice(r);
    }
  }

  /** cmaps' StripedLockMap (one stripe, see MapUnderTest): held to the same outcomes. */
  @JCStressTest
  @JCStressMeta(ReadRacingUpdates.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      writeSequence();
    }

    @Actor
    public void reader(II_Result r) {
      readTwice(r);
    }
  }

  /** The reference. */
  @JCStressTest
  @JCStressMeta(ReadRacingUpdates.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      writeSequence();
    }

    @Actor
    public void reader(II_Result r) {
      readTwice(r);
    }
  }

  /** The negative control: a half-built box or an out-of-order pair shows the race reached (rare on x86). */
  @JCStressTest
  @JCStressMeta(ReadRacingUpdates.class)
  @Outcome(id = {"-1, .*", ".*, -1"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the reader saw a value object before its constructor's write.")
  @Outcome(id = {"2, 1", "0, 1", "0, 2", "3, 1", "3, 2", "3, 0"}, expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: the second read saw an older state than the first.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      writeSequence();
    }

    @Actor
    public void reader(II_Result r) {
      readTwice(r);
    }
  }
}

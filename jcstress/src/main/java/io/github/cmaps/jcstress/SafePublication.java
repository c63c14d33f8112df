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
 * Scenario 3: a value handed over through the map is seen fully built (safe publication).
 *
 * <p><b>Hazard.</b> The writer builds an object with plain, non-final fields and puts it into the
 * map; a reader gets it out on another thread. The {@code ConcurrentMap} contract promises that the
 * put happens-before a get that returns the value, so the reader must see every field initialized.
 * Without that edge the stores to the fields may become visible after the store that publishes the
 * object, and the reader sees default values. {@code HashMap} gives no such edge.
 *
 * <p><b>Note:</b> on x86 this test can hardly catch a map that forgets the edge. x86 keeps stores
 * in program order and loads in program order (TSO), so a missing edge shows only if the JIT itself
 * moves a field store after the store that publishes the object, which this suite has not seen
 * HotSpot do. A clean run on x86 therefore proves little; the test earns its keep on weakly
 * ordered hardware (AArch64, POWER). Expect the {@code HashMap} control to show no interesting
 * outcome on x86.
 *
 * <p><b>Set-up.</b> Each instance makes a fresh map holding a few unrelated keys. The writer puts a
 * new {@link Payload} under a new key; the reader gets that key and reports {@code (seen,
 * initialized)}: 1 if it got the object (0 if not yet there), and how many of the object's four
 * fields held their constructed values. Correct outcomes are {@code 0, 0} and {@code 1, 4}.
 *
 * <p>Run alone: {@code jcstress/run.sh quick SafePublication}
 */
@Description("A reader that gets an object the writer put must see the object's plain fields initialized.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader ran before the put: nothing to see yet.")
@Outcome(id = "1, 4", expect = ACCEPTABLE, desc = "The reader got the object with every field initialized.")
@Outcome(expect = FORBIDDEN, desc = "The reader got the object but saw default values in its fields: unsafe publication.")
public class SafePublication {

  private SafePublication() {}

  /** A value with plain fields of several kinds, so a torn view shows in at least one of them. */
  static final class Payload {
    int small;
    long wide;
    double real;
    String text;

    Payload() {
      small = 42;
      wide = 0x1234_5678_9ABC_DEF0L;
      real = Math.PI;
      text = "payload";
    }

    int initializedFields() {
      return (small == 42 ? 1 : 0)
          + (wide == 0x1234_5678_9ABC_DEF0L ? 1 : 0)
          + (real == Math.PI ? 1 : 0)
          + ("payload".equals(text) ? 1 : 0);
    }
  }

  /** The scenario on one map; each nested test is this against a different map. */
  abstract static class Scenario {
    private static final int UNRELATED_KEYS = 4;
    private static final Integer KEY = Keys.key(UNRELATED_KEYS);

    private final Map<Integer, Payload> map;

    Scenario(MapUnderTest subject) {
      this.map = subject.create();
      for (int i = 0; i < UNRELATED_KEYS; i++) {
        map.put(Keys.key(i), new Payload());
      }
    }

    final void publish() {
      map.put(KEY, new Payload());
    }

    final void consume(II_Result r) {
      Payload p = map.get(KEY);
      if (p == null) {
        r.r1 = 0;
        r.r2 = 0;
      } else {
        r.r1 = 1;
        r.r2 = p.initializedFields();
      }
    }
  }

  /** cmaps' ReadWriteLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(SafePublication.class)
  @State
  public static class ReadWriteLockMapTest extends Scenario {
    public ReadWriteLockMapTest() {
      super(MapUnderTest.READ_WRITE_LOCK_MAP);
    }

    @Actor
    public void writer() {
      publish();
    }

    @Actor
    public void reader(II_Result r) {
      consume(r);
    }
  }

  /** cmaps' StripedLockMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(SafePublication.class)
  @State
  public static class StripedLockMapTest extends Scenario {
    public StripedLockMapTest() {
      super(MapUnderTest.STRIPED_LOCK_MAP);
    }

    @Actor
    public void writer() {
      publish();
    }

    @Actor
    public void reader(II_Result r) {
      consume(r);
    }
  }

  /** cmaps' LockFreeReadMap: held to the same outcomes as the reference. */
  @JCStressTest
  @JCStressMeta(SafePublication.class)
  @State
  public static class LockFreeReadMapTest extends Scenario {
    public LockFreeReadMapTest() {
      super(MapUnderTest.LOCK_FREE_READ_MAP);
    }

    @Actor
    public void writer() {
      publish();
    }

    @Actor
    public void reader(II_Result r) {
      consume(r);
    }
  }

  /** The reference: a get that returns the value sees it fully built. */
  @JCStressTest
  @JCStressMeta(SafePublication.class)
  @State
  public static class ConcurrentHashMapTest extends Scenario {
    public ConcurrentHashMapTest() {
      super(MapUnderTest.CONCURRENT_HASH_MAP);
    }

    @Actor
    public void writer() {
      publish();
    }

    @Actor
    public void reader(II_Result r) {
      consume(r);
    }
  }

  /** The negative control: unsafe in principle, though x86 hides it (see the class Javadoc). */
  @JCStressTest
  @JCStressMeta(SafePublication.class)
  @Outcome(id = "1, [0-3]", expect = ACCEPTABLE_INTERESTING,
      desc = "HashMap broken as expected: no happens-before from put to get, the reader saw default field values.")
  @State
  public static class HashMapControl extends Scenario {
    public HashMapControl() {
      super(MapUnderTest.HASH_MAP);
    }

    @Actor
    public void writer() {
      publish();
    }

    @Actor
    public void reader(II_Result r) {
      consume(r);
    }
  }
}

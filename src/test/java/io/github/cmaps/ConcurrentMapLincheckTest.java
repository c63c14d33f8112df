package io.github.cmaps;

import java.util.concurrent.ConcurrentMap;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Checks with Lincheck that a map's operations ({@link LincheckMapOperations}) are linearizable
 * against a {@link java.util.HashMap}, in both of Lincheck's modes. One subclass per map, whose
 * constructor passes a fresh map built with {@link #TINY_CAPACITY}; see {@code docs/lincheck.md}.
 *
 * <p>Run one map alone with {@code mvn test -Dtest=LockFreeReadMapLincheckTest}, or one mode
 * with {@code -Dtest='LockFreeReadMapLincheckTest#modelCheckedHistoriesAreLinearizable'}.
 */
public abstract class ConcurrentMapLincheckTest extends LincheckMapOperations {

  /* Bounds. Each history: one operation alone, then two threads of three operations, then one
   * more alone. Each mode runs 100 random histories 100 times each (stress: 100 runs on real
   * threads; model checking: 100 distinct interleavings). Many short histories rather than few
   * long runs: with seeded bugs in LockFreeReadMap, 100 x 100 caught every one that 10 x 1,000
   * missed, at the same cost (docs/lincheck.md). The HashMap control fails in both modes with
   * these bounds, and the whole Lincheck run takes a few minutes on two cores. */

  static final int THREADS = 2;
  static final int ACTORS_PER_THREAD = 3;
  static final int ACTORS_BEFORE = 1;
  static final int ACTORS_AFTER = 1;

  static final int STRESS_ITERATIONS = 100;
  static final int STRESS_INVOCATIONS = 100;
  static final int MODEL_CHECKING_ITERATIONS = 100;
  static final int MODEL_CHECKING_INVOCATIONS = 100;

  /**
   * Runs the operations against {@code map}.
   *
   * @param map a new, empty map, created for this history only
   */
  protected ConcurrentMapLincheckTest(ConcurrentMap<Integer, Integer> map) {
    super(map);
  }

  /** Stress mode: real threads, many runs of each history on the real memory model. */
  static StressOptions stressOptions() {
    return new StressOptions()
        .iterations(STRESS_ITERATIONS)
        .invocationsPerIteration(STRESS_INVOCATIONS)
        .threads(THREADS)
        .actorsPerThread(ACTORS_PER_THREAD)
        .actorsBefore(ACTORS_BEFORE)
        .actorsAfter(ACTORS_AFTER)
        .sequentialSpecification(SequentialHashMap.class);
  }

  /**
   * Model checking: one thread at a time, switching at shared-memory accesses and lock
   * operations, over many distinct interleavings of each history (sequentially consistent).
   */
  static ModelCheckingOptions modelCheckingOptions() {
    return new ModelCheckingOptions()
        .iterations(MODEL_CHECKING_ITERATIONS)
        .invocationsPerIteration(MODEL_CHECKING_INVOCATIONS)
        .threads(THREADS)
        .actorsPerThread(ACTORS_PER_THREAD)
        .actorsBefore(ACTORS_BEFORE)
        .actorsAfter(ACTORS_AFTER)
        .sequentialSpecification(SequentialHashMap.class);
  }

  @Test
  void stressedHistoriesAreLinearizable() {
    stressOptions().check(getClass());
  }

  @Test
  void modelCheckedHistoriesAreLinearizable() {
    modelCheckingOptions().check(getClass());
  }
}

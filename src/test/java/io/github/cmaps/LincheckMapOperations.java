package io.github.cmaps;

import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;

/**
 * The operations Lincheck runs against a map: one {@link Operation} per single-key method of
 * {@link java.util.concurrent.ConcurrentMap}, over a few keys and values so that operations
 * collide on the same keys and the map grows, shrinks and resizes inside each history.
 * {@code size} and {@code isEmpty} are operations only in {@link LinearizableSizeLincheckTest},
 * for maps that promise a linearizable size; for every map, {@link #sizeMatchesContentsAtRest}
 * checks them once the threads have stopped.
 *
 * <p>Lincheck instantiates the class once per history through its public no-argument
 * constructor, so each map is a subclass whose constructor passes a fresh, tiny map. The same
 * operations over a plain {@link HashMap} ({@link SequentialHashMap}) are the sequential
 * specification: a concurrent history is accepted when some ordering of its operations that
 * respects real time gives the same results on a {@code HashMap}.
 *
 * <p>The functions given to the compute family are fixed, so a failure report can be replayed by
 * hand: {@code computeIfAbsent} maps an absent key to {@code value}, and {@code computeIfPresent},
 * {@code compute} and {@code merge} use {@link #remap}: the old value plus {@code value}, or
 * removal when the old value equals {@code value} (so every removal path runs too).
 */
@Param(name = "key", gen = IntGen.class, conf = "1:" + LincheckMapOperations.KEYS)
@Param(name = "value", gen = IntGen.class, conf = "1:" + LincheckMapOperations.VALUES)
public abstract class LincheckMapOperations {

  /**
   * Distinct keys. In a map built for one mapping, the cmaps tables (4 slots) are rebuilt on the
   * second insert, and again when inserts plus the dead slots left by removals reach three;
   * ConcurrentHashMap (2 bins) resizes on its second mapping. Three keys rather than four:
   * operations meet on the same key more often, and stress mode then caught a seeded resize bug
   * that it missed with four (see docs/lincheck.md).
   */
  static final int KEYS = 3;

  /** Distinct values given as arguments: few, so that replace(k, old, new) and remove(k, v) hit. */
  static final int VALUES = 3;

  /** The initial capacity each map is built with: one mapping, for the smallest tables. */
  protected static final int TINY_CAPACITY = 1;

  private final Map<Integer, Integer> map;

  /**
   * Runs the operations against {@code map}.
   *
   * @param map a new, empty map, created for this history only
   */
  protected LincheckMapOperations(Map<Integer, Integer> map) {
    this.map = map;
  }

  /** The remapping function of compute, computeIfPresent and merge; see the class comment. */
  static Integer remap(Integer old, int value) {
    return old == value ? null : old + value;
  }

  @Operation
  public Integer get(@Param(name = "key") int key) {
    return map.get(key);
  }

  @Operation
  public boolean containsKey(@Param(name = "key") int key) {
    return map.containsKey(key);
  }

  @Operation
  public Integer put(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.put(key, value);
  }

  @Operation
  public Integer putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.putIfAbsent(key, value);
  }

  @Operation
  public Integer remove(@Param(name = "key") int key) {
    return map.remove(key);
  }

  @Operation
  public boolean remove(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.remove(key, value);
  }

  @Operation
  public Integer replace(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.replace(key, value);
  }

  @Operation
  public boolean replace(
      @Param(name = "key") int key,
      @Param(name = "value") int oldValue,
      @Param(name = "value") int newValue) {
    return map.replace(key, oldValue, newValue);
  }

  @Operation
  public Integer computeIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.computeIfAbsent(key, k -> value);
  }

  @Operation
  public Integer computeIfPresent(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.computeIfPresent(key, (k, old) -> remap(old, value));
  }

  @Operation
  public Integer compute(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.compute(key, (k, old) -> old == null ? Integer.valueOf(value) : remap(old, value));
  }

  @Operation
  public Integer merge(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.merge(key, value, (old, given) -> remap(old, given));
  }

  /** An operation only in {@link LinearizableSizeLincheckTest}; see the class comment. */
  public int size() {
    return map.size();
  }

  /** An operation only in {@link LinearizableSizeLincheckTest}; see the class comment. */
  public boolean isEmpty() {
    return map.isEmpty();
  }

  /**
   * Run by Lincheck after each history, when no operation is in flight: then even a map whose
   * size is not linearizable must count exactly what it holds.
   */
  @Validate
  public void sizeMatchesContentsAtRest() {
    int present = 0;
    for (int key = 1; key <= KEYS; key++) {
      if (map.containsKey(key)) {
        present++;
      }
    }
    if (map.size() != present || map.isEmpty() != (present == 0)) {
      throw new IllegalStateException(
          "at rest: containsKey finds " + present + " of the " + KEYS + " keys, but size() = "
              + map.size() + " and isEmpty() = " + map.isEmpty());
    }
  }

  /**
   * The operations over a plain {@link HashMap}: the sequential specification of every test, and
   * (run concurrently) the negative control that shows Lincheck catching a map that is not
   * thread-safe.
   */
  public static final class SequentialHashMap extends LincheckMapOperations {
    public SequentialHashMap() {
      super(new HashMap<>(TINY_CAPACITY));
    }
  }
}

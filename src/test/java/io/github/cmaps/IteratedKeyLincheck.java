package io.github.cmaps;

import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * Lincheck, model checking only, over an insert-only history of {@code put}, {@code get} and a
 * lookup by iteration ({@link #iteratedContains}): the operations that would disagree if a reader
 * could see a key in its slot before that slot's fingerprint (issue 16; {@code OpenTable}'s
 * Overview). An iteration reaches a key by walking the slots and never reads fingerprints; a
 * {@code get} probes and skips a slot whose fingerprint differs from its key's. Without removals,
 * a lookup by iteration is linearizable (a key present when the iteration starts is returned; a
 * key returned was present at some point during it), so a {@code get} that misses a key an
 * iteration already returned is a linearizability failure. Lincheck's model checker switches
 * threads at every shared-memory access, so it does interleave a reader between the writer's two
 * stores, which a run on x86 hardware almost never does.
 *
 * <p>Subclasses pass a fresh map built for one mapping, so the histories also resize.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public abstract class IteratedKeyLincheck {

  /**
   * A key made anew for every call, so that a lookup never meets the very object it stored and
   * takes the probe that compares fingerprints (the identity fast path would skip it).
   */
  record Key(int id) {}

  private final Map<Key, Integer> map;

  protected IteratedKeyLincheck(Map<Key, Integer> map) {
    this.map = map;
  }

  @Operation
  public Integer put(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.put(new Key(key), value);
  }

  @Operation
  public Integer get(@Param(name = "key") int key) {
    return map.get(new Key(key));
  }

  /** Whether an iteration over the keys returns {@code key}. */
  @Operation
  public boolean iteratedContains(@Param(name = "key") int key) {
    for (Key k : map.keySet()) {
      if (k.id() == key) {
        return true;
      }
    }
    return false;
  }

  /** {@link ConcurrentMapLincheckTest}'s model checking bounds, against {@link Sequential}. */
  static ModelCheckingOptions options() {
    return ConcurrentMapLincheckTest.modelCheckingOptions().sequentialSpecification(Sequential.class);
  }

  /** The sequential specification: the same operations over a {@link HashMap}. */
  public static final class Sequential extends IteratedKeyLincheck {
    public Sequential() {
      super(new HashMap<>());
    }
  }
}

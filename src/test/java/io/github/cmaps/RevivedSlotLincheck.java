package io.github.cmaps;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * Lincheck, model checking only, over {@code put}, {@code remove}, {@code get} and a walk of the
 * entries, on a map like {@link LockFreeReadMap}, whose removals leave Vacant slots that a later
 * insert of an equal key takes back (issue 16; {@code OpenTable}'s Overview, "Vacant slots").
 * Two keys only, so nearly every insert revives a slot. The hazards: a revival that stores the
 * value before the key (a reader still holding the removed key returns the new value, and a
 * later reader, who sees the Vacant, misses it); a walk that reads a Vacant key slot and then the
 * revived value (it returns the marker as a key); a revival into a slot another key left.
 *
 * <p>Puts store one of two equal instances of each key, both held by this class, so the collector
 * never clears a Vacant's key mid-test (the model checker needs repeatable runs) and revivals
 * swap the key object; lookups and removals pass copies made per call, so they probe (the
 * identity fast path would skip the fingerprint and marker checks).
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:4")
public abstract class RevivedSlotLincheck {

  /**
   * A key with a hand-written equals and hashCode (a record's, generated through invokedynamic,
   * hashed the instances made before the run differently from those made in it under Lincheck).
   */
  static final class Key {
    final int id;

    Key(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).id == id;
    }

    @Override
    public int hashCode() {
      return id * 31 + 7;
    }

    @Override
    public String toString() {
      return "Key" + id;
    }
  }

  private static final Key[][] STORED = {
    {new Key(0), new Key(1), new Key(2)}, {new Key(0), new Key(1), new Key(2)}
  };

  private final Map<Key, Integer> map;

  protected RevivedSlotLincheck(Map<Key, Integer> map) {
    this.map = map;
  }

  @Operation
  public Integer put(@Param(name = "key") int key, @Param(name = "value") int value) {
    return map.put(STORED[value & 1][key], value);
  }

  @Operation
  public Integer remove(@Param(name = "key") int key) {
    return map.remove(new Key(key));
  }

  @Operation
  public Integer get(@Param(name = "key") int key) {
    return map.get(new Key(key));
  }

  /**
   * Whether a walk of the entries returns only real mappings: a {@link Key} with a value. Always
   * true of a correct map, whatever it runs against.
   */
  @Operation
  public boolean entriesAreMappings() {
    for (Map.Entry<Key, Integer> e : map.entrySet()) {
      Object k = e.getKey();
      if (!(k instanceof Key) || e.getValue() == null) {
        return false;
      }
    }
    return true;
  }

  /**
   * The race a revival's store order decides, as a fixed scenario (random ones rarely hold it):
   * key 1 mapped; one thread removes it and puts it back while the other looks it up twice. Were
   * the value stored before the key, the first lookup, still holding the removed key's slot, could
   * return the new value and the second, meeting the Vacant, miss it.
   */
  static ExecutionScenario revivalRace() {
    return new ExecutionScenario(
        List.of(actor("put", 1, 1)),
        List.of(
            List.of(actor("get", 1), actor("get", 1)),
            List.of(actor("remove", 1), actor("put", 1, 2))),
        List.of(),
        null);
  }

  private static Actor actor(String name, Object... args) {
    for (Method m : RevivedSlotLincheck.class.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        return new Actor(m, List.of(args), false, false, false, false, false);
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** The sequential specification: the same operations over a {@link HashMap}. */
  public static final class Sequential extends RevivedSlotLincheck {
    public Sequential() {
      super(new HashMap<>());
    }
  }
}

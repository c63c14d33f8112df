package io.github.cmaps;

import static io.github.cmaps.Capability.ATOMIC_BULK_OPERATIONS;
import static io.github.cmaps.Capability.SNAPSHOT_ITERATION;
import static io.github.cmaps.Capability.VALIDATING_DESERIALIZATION;
import static io.github.cmaps.Capability.WRITE_FROM_FUNCTION_THROWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mistakes users make with a concurrent map, and what every {@link MapImpl} must do about
 * them: throwing functions, functions and loops that write back into the map, nulls, illegal
 * capacities, and hostile serialized streams. Anything that could deadlock runs on a daemon
 * thread with a deadline ({@link Race}).
 */
class MapPitfallsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** a=1, b=2, c=3: small enough that no write in these tests makes a map grow. */
  private static ConcurrentMap<String, Integer> abc(MapImpl impl) {
    ConcurrentMap<String, Integer> map = impl.create();
    map.put("a", 1);
    map.put("b", 2);
    map.put("c", 3);
    return map;
  }

  /**
   * Checks that the map agrees with itself: its size, its iteration (each key once, each value
   * non-null and equal to what {@code get} returns) and its views. Only for a quiescent map.
   */
  static void assertConsistent(Map<?, ?> map) {
    List<Map.Entry<?, ?>> entries = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      entries.add(Map.entry(e.getKey(), e.getValue())); // rejects a null key or value
    }
    Set<Object> keys = new HashSet<>();
    for (Map.Entry<?, ?> e : entries) {
      assertThat(keys.add(e.getKey())).as("key %s iterated twice", e.getKey()).isTrue();
      assertThat(map.get(e.getKey())).as("get(%s)", e.getKey()).isEqualTo(e.getValue());
      assertThat(map.containsKey(e.getKey())).isTrue();
    }
    assertThat(map.size()).as("size() against iteration").isEqualTo(entries.size());
    assertThat(map.isEmpty()).isEqualTo(entries.isEmpty());
    assertThat(new HashSet<Object>(map.keySet())).isEqualTo(keys);
    assertThat(map.keySet()).hasSize(entries.size());
    assertThat(map.values()).hasSize(entries.size());
  }

  /** Writes a key from another thread, and fails if it cannot do so in time (a lock leaked). */
  private static void assertAnotherThreadCanWrite(ConcurrentMap<String, Integer> map) {
    Race.runClean(TIMEOUT, () -> {
      map.put("other-thread", 42);
      map.remove("other-thread");
    });
  }

  /* ---------------- Throwing functions -------------- */

  /** A user function, passed to one of the compute family, that throws {@code failure}. */
  enum ThrowingCall {
    COMPUTE_ON_PRESENT_KEY {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.compute("a", (k, v) -> raise(failure));
      }
    },
    COMPUTE_ON_ABSENT_KEY {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.compute("z", (k, v) -> raise(failure));
      }
    },
    COMPUTE_IF_ABSENT {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.computeIfAbsent("z", k -> raise(failure));
      }
    },
    COMPUTE_IF_PRESENT {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.computeIfPresent("a", (k, v) -> raise(failure));
      }
    },
    MERGE {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.merge("a", 10, (v, w) -> raise(failure));
      }
    },
    REPLACE_ALL {
      @Override
      void call(ConcurrentMap<String, Integer> map, Throwable failure) {
        map.replaceAll((k, v) -> raise(failure));
      }
    };

    abstract void call(ConcurrentMap<String, Integer> map, Throwable failure);
  }

  /** Throws an unchecked throwable from a lambda that must return a value. */
  static <T> T raise(Throwable failure) {
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    throw (Error) failure;
  }

  static List<Arguments> mapsAndThrowingCalls() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (ThrowingCall call : ThrowingCall.values()) {
        args.add(Arguments.of(impl, call, "RuntimeException"));
        args.add(Arguments.of(impl, call, "Error"));
      }
    }
    return args;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("mapsAndThrowingCalls")
  void throwingFunctionReachesCallerAndLeavesMapUnchangedAndUnlocked(
      MapImpl impl, ThrowingCall call, String kind) {
    ConcurrentMap<String, Integer> map = abc(impl);
    Map<String, Integer> before = new HashMap<>(map);
    Throwable failure = kind.equals("Error")
        ? new AssertionError("user function failed")
        : new IllegalArgumentException("user function failed");

    assertThat(catchThrowable(() -> call.call(map, failure))).isSameAs(failure);

    assertThat(map).isEqualTo(before);
    assertConsistent(map);
    assertAnotherThreadCanWrite(map);
    map.put("d", 4); // and this thread too: no function is still marked as running
    assertThat(map).containsEntry("d", 4);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void replaceAllThrowingHalfWayLeavesEveryValueOldOrNewAndIsAtomicWhereDeclared(MapImpl impl) {
    ConcurrentMap<String, Integer> map = impl.create();
    for (int i = 0; i < 100; i++) {
      map.put("k" + i, i);
    }
    RuntimeException failure = new IllegalStateException("fails on the 50th mapping");
    int[] calls = {0};

    assertThat(catchThrowable(() -> map.replaceAll((k, v) -> {
      if (++calls[0] == 50) {
        throw failure;
      }
      return v + 1000;
    }))).isSameAs(failure);

    assertConsistent(map);
    assertThat(map).hasSize(100);
    for (int i = 0; i < 100; i++) {
      if (impl.has(ATOMIC_BULK_OPERATIONS)) {
        assertThat(map.get("k" + i)).isEqualTo(i);
      } else {
        assertThat(map.get("k" + i)).isIn(i, i + 1000);
      }
    }
    assertAnotherThreadCanWrite(map);
  }

  /* ---------------- Functions that write back into the map -------------- */

  /**
   * A function that calls back into the map it was passed to. {@code expectedIfCompleted} is the
   * state a map that lets the call complete must end in (from a=1, b=2, c=3), or null where the
   * contract leaves it open.
   */
  enum Reentry {
    COMPUTE_IF_ABSENT_PUTS_ANOTHER_KEY(Map.of("a", 1, "b", 2, "c", 3, "x", 2, "y", 1)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfAbsent("x", k -> {
          map.put("y", 1);
          return 2;
        });
      }
    },
    COMPUTE_IF_ABSENT_PUTS_ITS_OWN_KEY(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfAbsent("x", k -> {
          map.put("x", 1);
          return 2;
        });
      }
    },
    COMPUTE_IF_ABSENT_NESTED_ON_ANOTHER_KEY(Map.of("a", 1, "b", 2, "c", 3, "x", 2, "y", 1)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfAbsent("x", k -> map.computeIfAbsent("y", k2 -> 1) + 1);
      }
    },
    COMPUTE_IF_ABSENT_NESTED_ON_ITS_OWN_KEY(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfAbsent("x", k -> map.computeIfAbsent("x", k2 -> 1) + 1);
      }
    },
    COMPUTE_IF_ABSENT_CLEARS_THE_MAP(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfAbsent("x", k -> {
          map.clear();
          return 1;
        });
      }
    },
    COMPUTE_REMOVES_ANOTHER_KEY(Map.of("a", 2, "c", 3)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.compute("a", (k, v) -> {
          map.remove("b");
          return v + 1;
        });
      }
    },
    COMPUTE_IF_PRESENT_PUTS_ANOTHER_KEY(Map.of("a", 2, "b", 2, "c", 3, "y", 1)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfPresent("a", (k, v) -> {
          map.put("y", 1);
          return v + 1;
        });
      }
    },
    MERGE_PUTS_ANOTHER_KEY(Map.of("a", 11, "b", 2, "c", 3, "y", 1)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.merge("a", 10, (v, w) -> {
          map.put("y", 1);
          return v + w;
        });
      }
    },
    COMPUTE_PUTS_ANOTHER_PRESENT_KEY(Map.of("a", 2, "b", 20, "c", 3)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.compute("a", (k, v) -> {
          map.put("b", 20); // a present key: LockFreeReadMap's lock-free put path
          return v + 1;
        });
      }
    },
    MERGE_REPLACES_ANOTHER_PRESENT_KEY(Map.of("a", 11, "b", 20, "c", 3)) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.merge("a", 10, (v, w) -> {
          map.replace("b", 20);
          return v + w;
        });
      }
    },
    COMPUTE_IF_PRESENT_PUTS_ITS_OWN_KEY(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.computeIfPresent("a", (k, v) -> {
          map.put("a", 20);
          return v + 1;
        });
      }
    },
    REPLACE_ALL_PUTS_A_PRESENT_KEY(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.replaceAll((k, v) -> {
          map.put("c", 30);
          return v + 1;
        });
      }
    },
    REPLACE_ALL_REMOVES_A_KEY(null) {
      @Override
      void run(ConcurrentMap<String, Integer> map) {
        map.replaceAll((k, v) -> {
          map.remove("b");
          return v + 1;
        });
      }
    };

    final Map<String, Integer> expectedIfCompleted;

    Reentry(Map<String, Integer> expectedIfCompleted) {
      this.expectedIfCompleted = expectedIfCompleted;
    }

    abstract void run(ConcurrentMap<String, Integer> map);
  }

  static List<Arguments> mapsAndReentries() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (Reentry reentry : Reentry.values()) {
        args.add(Arguments.of(impl, reentry));
      }
    }
    return args;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mapsAndReentries")
  void functionWritingToItsOwnMapNeitherDeadlocksNorCorruptsIt(MapImpl impl, Reentry reentry) {
    ConcurrentMap<String, Integer> map = abc(impl);
    Map<String, Integer> before = new HashMap<>(map);
    AtomicReference<IllegalStateException> refused = new AtomicReference<>();

    // Completes or throws IllegalStateException; anything else, or no end, fails the race.
    Race.runClean(TIMEOUT, () -> {
      try {
        reentry.run(map);
      } catch (IllegalStateException e) {
        refused.set(e);
      }
    });

    assertConsistent(map);
    if (impl.has(WRITE_FROM_FUNCTION_THROWS)) {
      assertThat(refused.get()).as("the write from the function was refused").isNotNull();
      assertThat(map).isEqualTo(before);
    } else if (refused.get() == null && reentry.expectedIfCompleted != null) {
      assertThat(map).isEqualTo(reentry.expectedIfCompleted);
    }
    assertAnotherThreadCanWrite(map);
    map.put("d", 4);
    assertConsistent(map);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void functionMayReadItsOwnMap(MapImpl impl) {
    ConcurrentMap<String, Integer> map = abc(impl);
    Race.runClean(TIMEOUT, () -> {
      map.computeIfAbsent("x", k -> map.get("a") + map.size() + (map.containsKey("x") ? 100 : 0));
      map.compute("b", (k, v) -> v + map.getOrDefault("c", 0));
      map.merge("c", 1, (v, w) -> v + map.get("a"));
      map.replaceAll((k, v) -> v + (map.containsKey(k) ? 0 : 100));
    });
    assertThat(map).isEqualTo(Map.of("a", 1, "b", 5, "c", 4, "x", 4));
    assertConsistent(map);
  }

  /* ---------------- Loops that write to the map they traverse -------------- */

  /**
   * The effect of the two traversals below on a map of k0..k99 mapped to 0..99: keys whose value
   * is a multiple of 3 removed, the others increased by 1000, and a new key added for each.
   */
  static Map<String, Integer> expectedAfterTraversalWrites() {
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      if (i % 3 != 0) {
        expected.put("k" + i, i + 1000);
      }
      expected.put("new-k" + i, -1);
    }
    return expected;
  }

  private static ConcurrentMap<String, Integer> hundred(MapImpl impl) {
    ConcurrentMap<String, Integer> map = impl.create();
    for (int i = 0; i < 100; i++) {
      map.put("k" + i, i);
    }
    return map;
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void forEachActionMayWriteToTheMapItTraverses(MapImpl impl) {
    ConcurrentMap<String, Integer> map = hundred(impl);
    Set<String> original = new HashSet<>(map.keySet());
    Set<String> visited = ConcurrentHashMap.newKeySet();

    Race.runClean(TIMEOUT, () -> map.forEach((k, v) -> {
      visited.add(k);
      if (k.startsWith("new-")) {
        return;
      }
      if (v % 3 == 0) {
        map.remove(k);
      } else {
        map.put(k, v + 1000);
      }
      map.put("new-" + k, -1);
    }));

    assertThat(map).isEqualTo(expectedAfterTraversalWrites());
    assertConsistent(map);
    if (impl.has(SNAPSHOT_ITERATION)) {
      assertThat(visited).isEqualTo(original);
    } else {
      assertThat(visited).containsAll(original);
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void iterationLoopMayWriteToTheMapItTraverses(MapImpl impl) {
    ConcurrentMap<String, Integer> map = hundred(impl);
    Set<String> original = new HashSet<>(map.keySet());
    Set<String> visited = ConcurrentHashMap.newKeySet();

    Race.runClean(TIMEOUT, () -> {
      for (Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Integer> e = it.next();
        visited.add(e.getKey());
        if (e.getKey().startsWith("new-")) {
          continue;
        }
        if (e.getValue() % 3 == 0) {
          it.remove();
        } else {
          e.setValue(e.getValue() + 1000);
        }
        map.put("new-" + e.getKey(), -1);
      }
    });

    assertThat(map).isEqualTo(expectedAfterTraversalWrites());
    assertConsistent(map);
    if (impl.has(SNAPSHOT_ITERATION)) {
      assertThat(visited).isEqualTo(original);
    } else {
      assertThat(visited).containsAll(original);
    }
  }

  /* ---------------- Nulls -------------- */

  /** A call with a null argument that the map must reject with NullPointerException. */
  record NullCall(String name, Consumer<ConcurrentMap<String, Integer>> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<NullCall> nullCalls() {
    Map<String, Integer> nullKey = Collections.singletonMap(null, 1);
    Map<String, Integer> nullValue = Collections.singletonMap("z", null);
    return List.of(
        new NullCall("get(null)", m -> m.get(null)),
        new NullCall("getOrDefault(null, v)", m -> m.getOrDefault(null, 1)),
        new NullCall("containsKey(null)", m -> m.containsKey(null)),
        new NullCall("containsValue(null)", m -> m.containsValue(null)),
        new NullCall("put(null, v)", m -> m.put(null, 1)),
        new NullCall("put(present, null)", m -> m.put("a", null)),
        new NullCall("put(absent, null)", m -> m.put("z", null)),
        new NullCall("putIfAbsent(null, v)", m -> m.putIfAbsent(null, 1)),
        new NullCall("putIfAbsent(present, null)", m -> m.putIfAbsent("a", null)),
        new NullCall("putIfAbsent(absent, null)", m -> m.putIfAbsent("z", null)),
        new NullCall("remove(null)", m -> m.remove(null)),
        new NullCall("remove(null, v)", m -> m.remove(null, 1)),
        new NullCall("replace(null, v)", m -> m.replace(null, 1)),
        new NullCall("replace(present, null)", m -> m.replace("a", null)),
        new NullCall("replace(absent, null)", m -> m.replace("z", null)),
        new NullCall("replace(null, old, new)", m -> m.replace(null, 1, 2)),
        new NullCall("replace(present, null, new)", m -> m.replace("a", null, 2)),
        new NullCall("replace(present, old, null)", m -> m.replace("a", 1, null)),
        new NullCall("computeIfAbsent(null, f)", m -> m.computeIfAbsent(null, k -> 1)),
        new NullCall("computeIfAbsent(absent, null)", m -> m.computeIfAbsent("z", null)),
        new NullCall("computeIfAbsent(present, null)", m -> m.computeIfAbsent("a", null)),
        new NullCall("computeIfPresent(null, f)", m -> m.computeIfPresent(null, (k, v) -> 1)),
        new NullCall("computeIfPresent(present, null)", m -> m.computeIfPresent("a", null)),
        new NullCall("compute(null, f)", m -> m.compute(null, (k, v) -> 1)),
        new NullCall("compute(present, null)", m -> m.compute("a", null)),
        new NullCall("merge(null, v, f)", m -> m.merge(null, 1, Integer::sum)),
        new NullCall("merge(present, null, f)", m -> m.merge("a", null, Integer::sum)),
        new NullCall("merge(absent, null, f)", m -> m.merge("z", null, Integer::sum)),
        new NullCall("merge(present, v, null)", m -> m.merge("a", 1, null)),
        new NullCall("putAll(null)", m -> m.putAll(null)),
        new NullCall("putAll({null=v})", m -> m.putAll(nullKey)),
        new NullCall("putAll({k=null})", m -> m.putAll(nullValue)),
        new NullCall("replaceAll(null)", m -> m.replaceAll(null)),
        new NullCall("replaceAll(f returning null)", m -> m.replaceAll((k, v) -> null)),
        new NullCall("forEach(null)", m -> m.forEach(null)));
  }

  static List<Arguments> mapsAndNullCalls() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (NullCall call : nullCalls()) {
        args.add(Arguments.of(impl, call));
      }
    }
    return args;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mapsAndNullCalls")
  void nullArgumentIsRejectedWithNullPointerExceptionAndMapUnchanged(MapImpl impl, NullCall call) {
    ConcurrentMap<String, Integer> map = abc(impl);
    Map<String, Integer> before = new HashMap<>(map);

    assertThatThrownBy(() -> call.call().accept(map)).isInstanceOf(NullPointerException.class);

    assertThat(map).isEqualTo(before);
    assertConsistent(map);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void putAllMeetingANullStoresNoNullAndIsAllOrNothingWhereDeclared(MapImpl impl) {
    ConcurrentMap<String, Integer> map = abc(impl);
    Map<String, Integer> before = new HashMap<>(map);
    Map<String, Integer> source = new LinkedHashMap<>();
    source.put("x", 24);
    source.put("a", 100);
    source.put("y", null);
    source.put("z", 26);

    assertThatThrownBy(() -> map.putAll(source)).isInstanceOf(NullPointerException.class);

    assertConsistent(map); // in particular, no null was stored
    if (impl.has(ATOMIC_BULK_OPERATIONS)) {
      assertThat(map).isEqualTo(before);
    }
  }

  /* ---------------- Capacities -------------- */

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void negativeInitialCapacityIsRejected(MapImpl impl) {
    assertThatThrownBy(() -> impl.create(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> impl.create(Integer.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void smallInitialCapacitiesGrowAsNeeded(MapImpl impl) {
    for (int capacity : new int[] {0, 1, 2, 3, 100}) {
      ConcurrentMap<Integer, Integer> map = impl.create(capacity);
      for (int i = 0; i < 1_000; i++) {
        map.put(i, -i);
      }
      for (int i = 0; i < 1_000; i += 2) {
        map.remove(i);
      }
      assertThat(map).hasSize(500);
      assertConsistent(map);
    }
  }

  /* ---------------- Serialization -------------- */

  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void serializationRoundTripsTheMappingsIntoAnIndependentMap(MapImpl impl) throws Exception {
    for (int size : new int[] {0, 1, 1_000}) {
      ConcurrentMap<Integer, String> map = impl.create();
      for (int i = 0; i < size; i++) {
        map.put(i, "v" + i);
      }

      @SuppressWarnings("unchecked")
      ConcurrentMap<Integer, String> copy =
          (ConcurrentMap<Integer, String>) deserialize(serialize(map));

      assertThat(copy).isInstanceOf(map.getClass()).isEqualTo(map);
      assertConsistent(copy);
      copy.put(-1, "only in the copy");
      copy.remove(0);
      assertThat(map).hasSize(size).doesNotContainKey(-1);
      assertConsistent(copy);
    }
  }

  /** Stands for a key or value that {@link NullingStream} writes as null. */
  record Poison(String role) implements Serializable {}

  /** Writes every {@link Poison} as null: a crafted stream, the way an attacker would make it. */
  static final class NullingStream extends ObjectOutputStream {
    NullingStream(OutputStream out) throws IOException {
      super(out);
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      return obj instanceof Poison ? null : obj;
    }
  }

  static List<Arguments> mapsAndPoisonedRoles() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      args.add(Arguments.of(impl, "key"));
      args.add(Arguments.of(impl, "value"));
    }
    return args;
  }

  @ParameterizedTest(name = "{0} null {1}")
  @MethodSource("mapsAndPoisonedRoles")
  void deserializingAStreamWithANullIsRejectedOrYieldsNoNull(MapImpl impl, String role)
      throws Exception {
    ConcurrentMap<Object, Object> map = impl.create();
    for (int i = 0; i < 10; i++) {
      map.put("k" + i, i);
    }
    if (role.equals("key")) {
      map.put(new Poison(role), 10);
    } else {
      map.put("k10", new Poison(role));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new NullingStream(bytes)) {
      out.writeObject(map);
    }

    if (impl.has(VALIDATING_DESERIALIZATION)) {
      assertThatThrownBy(() -> deserialize(bytes.toByteArray()))
          .isInstanceOf(InvalidObjectException.class);
    } else {
      // ConcurrentHashMap reads a null as its end marker and drops the mappings after it.
      Map<?, ?> copy = (Map<?, ?>) deserialize(bytes.toByteArray());
      assertConsistent(copy);
      assertThat(new HashSet<Object>(map.entrySet())).containsAll(copy.entrySet());
    }
  }
}

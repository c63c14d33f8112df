package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mistakes of {@link MapPitfallsTest} (the same {@code ThrowingCall}, {@code Reentry} and
 * {@code NullCall} cases) against Hazelcast's {@code IMap} on a two-member cluster ({@link
 * ImapCluster}), plus the two surprises of a map that stores serialized copies. Map contents are
 * compared through a {@code HashMap} copy: an {@code IMap} never equals a plain map ({@link
 * ImapDeviations#OBJECT_METHODS}). The capacity tests do not apply (an {@code IMap} has no
 * capacity constructor), nor do the Java serialization ones ({@code IMap} is not serializable).
 *
 * <p>Run alone: {@code ./mvnw verify -P hazelcast -Dtest=ImapPitfallsTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ImapPitfallsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static ConcurrentMap<String, Integer> abc() {
    ConcurrentMap<String, Integer> map = ImapCluster.newMap();
    map.put("a", 1);
    map.put("b", 2);
    map.put("c", 3);
    return map;
  }

  private static ConcurrentMap<String, Integer> hundred() {
    ConcurrentMap<String, Integer> map = ImapCluster.newMap();
    for (int i = 0; i < 100; i++) {
      map.put("k" + i, i);
    }
    return map;
  }

  /* ---------------- Throwing functions -------------- */

  static List<Arguments> throwingCalls() {
    List<Arguments> args = new java.util.ArrayList<>();
    for (MapPitfallsTest.ThrowingCall call : MapPitfallsTest.ThrowingCall.values()) {
      args.add(Arguments.of(call, "RuntimeException"));
      args.add(Arguments.of(call, "Error"));
    }
    return args;
  }

  /** As on the cmaps maps: the function runs in the caller, its throwable reaches the caller. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("throwingCalls")
  void throwingFunctionReachesCallerAndLeavesMapUnchangedOnIMap(
      MapPitfallsTest.ThrowingCall call, String kind) {
    ConcurrentMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    Throwable failure = kind.equals("Error")
        ? new AssertionError("user function failed")
        : new IllegalArgumentException("user function failed");

    assertThat(catchThrowable(() -> call.call(map, failure))).isSameAs(failure);

    assertThat(new HashMap<>(map)).isEqualTo(before);
    Race.runClean(TIMEOUT, () -> map.put("other-thread", 42));
    assertThat(map.get("other-thread")).isEqualTo(42);
  }

  /* ---------------- Functions that write back into the map -------------- */

  /**
   * {@code IMap} never refuses a write from inside a function (the cmaps maps do, with {@code
   * IllegalStateException}): a function that is not serializable runs in the caller, outside any
   * lock, and the map's conditional write after it retries if the function changed the key. Every
   * case completes, and where the kit defines the result ({@code expectedIfCompleted}), the map
   * ends in it.
   */
  @ParameterizedTest
  @EnumSource(MapPitfallsTest.Reentry.class)
  void functionWritingToItsOwnMapCompletesWithoutRefusalOnIMap(MapPitfallsTest.Reentry reentry) {
    ConcurrentMap<String, Integer> map = abc();
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Race.runClean(TIMEOUT, () -> {
      try {
        reentry.run(map);
      } catch (RuntimeException e) {
        thrown.set(e);
      }
    });

    assertThat(thrown.get()).as("exception from the call").isNull();
    if (reentry.expectedIfCompleted != null) {
      assertThat(new HashMap<>(map)).isEqualTo(reentry.expectedIfCompleted);
    }
    map.put("d", 4);
    assertThat(map.get("d")).isEqualTo(4);
  }

  /**
   * Two of the cases the kit leaves open, pinned down: a {@code computeIfAbsent} whose function
   * puts its own key keeps the function's put (the insert after it finds the key taken), and a
   * {@code computeIfPresent} whose function puts its own key runs the function twice (its
   * conditional replace fails once, it retries on the new value).
   */
  @Test
  void functionPuttingItsOwnKeyLosesToItsPutOrRunsAgainOnIMap() {
    ConcurrentMap<String, Integer> absent = abc();
    MapPitfallsTest.Reentry.COMPUTE_IF_ABSENT_PUTS_ITS_OWN_KEY.run(absent);
    assertThat(absent.get("x")).isEqualTo(1);

    ConcurrentMap<String, Integer> present = abc();
    MapPitfallsTest.Reentry.COMPUTE_IF_PRESENT_PUTS_ITS_OWN_KEY.run(present);
    assertThat(present.get("a")).as("20 put by the second run, plus 1").isEqualTo(21);
  }

  /* ---------------- Loops that write to the map they traverse -------------- */

  /** As on the cmaps maps, and each key is visited once: forEach works on a snapshot. */
  @Test
  void forEachActionMayWriteToTheMapItTraversesOnIMap() {
    ConcurrentMap<String, Integer> map = hundred();
    Set<String> original = new HashSet<>(map.keySet());
    Set<String> visited = ConcurrentHashMap.newKeySet();

    Race.runClean(TIMEOUT, () -> map.forEach((k, v) -> {
      visited.add(k);
      if (v % 3 == 0) {
        map.remove(k);
      } else {
        map.put(k, v + 1000);
      }
      map.put("new-" + k, -1);
    }));

    assertThat(new HashMap<>(map)).isEqualTo(MapPitfallsTest.expectedAfterTraversalWrites());
    assertThat(visited).isEqualTo(original);
  }

  /**
   * The kit's loop removes through the iterator and sets values through the entries; on an
   * {@code IMap} both throw {@code UnsupportedOperationException} ({@link
   * ImapDeviations#VIEW_REMOVAL}, {@link ImapDeviations#ENTRY_SET_VALUE}). Writing through the
   * map instead works.
   */
  @Test
  void iterationLoopMustWriteThroughTheMapNotTheIteratorOnIMap() {
    ConcurrentMap<String, Integer> map = hundred();
    Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator();
    Map.Entry<String, Integer> first = it.next();
    assertThat(catchThrowable(it::remove)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(catchThrowable(() -> first.setValue(0)))
        .isInstanceOf(UnsupportedOperationException.class);

    Race.runClean(TIMEOUT, () -> {
      for (Map.Entry<String, Integer> e : map.entrySet()) {
        if (e.getValue() % 3 == 0) {
          map.remove(e.getKey());
        } else {
          map.put(e.getKey(), e.getValue() + 1000);
        }
        map.put("new-" + e.getKey(), -1);
      }
    });
    assertThat(new HashMap<>(map)).isEqualTo(MapPitfallsTest.expectedAfterTraversalWrites());
  }

  /* ---------------- Nulls -------------- */

  static List<MapPitfallsTest.NullCall> nullCalls() {
    return MapPitfallsTest.nullCalls();
  }

  /** As on the cmaps maps: every null argument gets {@code NullPointerException}. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("nullCalls")
  void nullArgumentIsRejectedWithNullPointerExceptionAndMapUnchangedOnIMap(
      MapPitfallsTest.NullCall call) {
    ConcurrentMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);

    assertThat(catchThrowable(() -> call.call().accept(map)))
        .isInstanceOf(NullPointerException.class);

    assertThat(new HashMap<>(map)).isEqualTo(before);
  }

  /* ---------------- Copies and serialized equality -------------- */

  /**
   * A key whose {@code equals} and {@code hashCode} ignore its {@code note}: two keys that differ
   * only in the note are equal for every Java map.
   */
  record NotedKey(int id, String note) implements Serializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof NotedKey && ((NotedKey) o).id == id;
    }

    @Override
    public int hashCode() {
      return Integer.hashCode(id);
    }
  }

  /**
   * An {@code IMap} finds a key by its serialized bytes, not by {@code equals}: a key equal to
   * the stored one but serialized differently is not found (a {@code ConcurrentHashMap} finds
   * it). Keys must be serializable, and their serialized form must be canonical.
   */
  @Test
  void keysAreMatchedBySerializedFormNotByEqualsOnIMap() {
    ConcurrentMap<NotedKey, Integer> map = ImapCluster.newMap();
    map.put(new NotedKey(1, "first"), 1);
    NotedKey equalKey = new NotedKey(1, "second");

    assertThat(new ConcurrentHashMap<>(Map.of(new NotedKey(1, "first"), 1)).get(equalKey))
        .isEqualTo(1);
    assertThat(map.get(equalKey)).isNull();
    assertThat(map.putIfAbsent(equalKey, 2)).isNull();
    assertThat(map.size()).as("two entries for equal keys").isEqualTo(2);
  }

  /**
   * Conditional writes compare the expected value by its serialized bytes too: a value equal to
   * the stored one but serialized differently neither replaces nor removes it.
   */
  @Test
  void conditionalWritesCompareValuesBySerializedFormOnIMap() {
    ConcurrentMap<String, NotedKey> map = ImapCluster.newMap();
    map.put("k", new NotedKey(1, "stored"));
    NotedKey equalValue = new NotedKey(1, "other");

    assertThat(map.replace("k", equalValue, new NotedKey(2, "new"))).isFalse();
    assertThat(map.remove("k", equalValue)).isFalse();
    assertThat(map.get("k")).isEqualTo(equalValue); // equals says yes; the map said no
    assertThat(map.remove("k", new NotedKey(1, "stored"))).isTrue();
  }

  /** Every read returns a fresh copy: changing it changes nothing in the map. */
  @Test
  void getReturnsACopyOnIMap() {
    ConcurrentMap<String, StringBuilder> map = ImapCluster.newMap();
    StringBuilder stored = new StringBuilder("a");
    map.put("k", stored);

    StringBuilder read = map.get("k");
    assertThat(read).isNotSameAs(stored).isNotSameAs(map.get("k"));
    read.append("b");
    stored.append("c");
    assertThat(map.get("k").toString()).isEqualTo("a");
    assertThat(Objects.requireNonNull(map.get("k"))).isNotNull();
  }
}

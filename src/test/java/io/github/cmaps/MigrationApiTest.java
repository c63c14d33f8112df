package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code ConcurrentHashMap} methods outside {@code ConcurrentMap} that each map offers for
 * code moving from it: {@code newKeySet()}, {@code newKeySet(int)}, {@code keySet(V)} and {@code
 * mappingCount()}, checked against {@code ConcurrentHashMap} itself as the reference. The {@code
 * Set} contract of these sets is guava-testlib's ({@link KeySetSuites}); this class checks what
 * that suite cannot see: the values that adding puts into the map.
 */
class MigrationApiTest {

  /** Each map's migration methods, by method reference, so each call is the real one. */
  enum Migration {
    READ_WRITE_LOCK(ReadWriteLockMap::new, ReadWriteLockMap::newKeySet,
        ReadWriteLockMap::newKeySet, (m, v) -> ((ReadWriteLockMap<String, Integer>) m).keySet(v),
        m -> ((ReadWriteLockMap<?, ?>) m).mappingCount()),
    LOCK_FREE_READ(LockFreeReadMap::new, LockFreeReadMap::newKeySet,
        LockFreeReadMap::newKeySet, (m, v) -> ((LockFreeReadMap<String, Integer>) m).keySet(v),
        m -> ((LockFreeReadMap<?, ?>) m).mappingCount()),
    STRIPED_LOCK(StripedLockMap::new, StripedLockMap::newKeySet,
        StripedLockMap::newKeySet, (m, v) -> ((StripedLockMap<String, Integer>) m).keySet(v),
        m -> ((StripedLockMap<?, ?>) m).mappingCount()),
    CONCURRENT_HASH_MAP(ConcurrentHashMap::new, ConcurrentHashMap::newKeySet,
        ConcurrentHashMap::newKeySet,
        (m, v) -> ((ConcurrentHashMap<String, Integer>) m).keySet(v),
        m -> ((ConcurrentHashMap<?, ?>) m).mappingCount());

    final Supplier<ConcurrentMap<String, Integer>> newMap;
    final Supplier<Set<String>> newKeySet;
    final IntFunction<Set<String>> newKeySetWithCapacity;
    final BiFunction<ConcurrentMap<String, Integer>, Integer, Set<String>> keySetWithValue;
    final ToLongFunction<ConcurrentMap<?, ?>> mappingCount;

    Migration(
        Supplier<ConcurrentMap<String, Integer>> newMap,
        Supplier<Set<String>> newKeySet,
        IntFunction<Set<String>> newKeySetWithCapacity,
        BiFunction<ConcurrentMap<String, Integer>, Integer, Set<String>> keySetWithValue,
        ToLongFunction<ConcurrentMap<?, ?>> mappingCount) {
      this.newMap = newMap;
      this.newKeySet = newKeySet;
      this.newKeySetWithCapacity = newKeySetWithCapacity;
      this.keySetWithValue = keySetWithValue;
      this.mappingCount = mappingCount;
    }
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void addThroughKeySetWithValueMapsTheNewKeyToThatValue(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    Set<String> keys = impl.keySetWithValue.apply(map, 7);

    assertThat(keys.add("a")).isTrue();

    assertThat(map).containsExactlyEntriesOf(java.util.Map.of("a", 7));
    assertThat(keys).containsExactly("a");
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void addOfAPresentKeyReturnsFalseAndKeepsItsValue(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    map.put("a", 1);
    Set<String> keys = impl.keySetWithValue.apply(map, 7);

    assertThat(keys.add("a")).isFalse();

    assertThat(map.get("a")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void addAllMapsOnlyTheAbsentKeysAndSaysWhetherAnyWasAdded(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    map.put("a", 1);
    Set<String> keys = impl.keySetWithValue.apply(map, 7);

    assertThat(keys.addAll(List.of("a"))).isFalse();
    assertThat(keys.addAll(List.of("a", "b", "c"))).isTrue();

    assertThat(map).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a", 1, "b", 7, "c", 7));
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void keySetViewWritesThroughAndSeesTheMapsWrites(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    Set<String> keys = impl.keySetWithValue.apply(map, 7);
    map.put("x", 1);

    assertThat(keys).containsExactly("x");
    assertThat(keys.remove("x")).isTrue();
    assertThat(map).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void keySetWithValueRejectsANullValueAndNullElements(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    assertThatThrownBy(() -> impl.keySetWithValue.apply(map, null))
        .isInstanceOf(NullPointerException.class);

    Set<String> keys = impl.keySetWithValue.apply(map, 7);
    assertThatThrownBy(() -> keys.add(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> keys.addAll(java.util.Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void newKeySetIsAnEmptyConcurrentSetThatRejectsNull(Migration impl) {
    Set<String> set = impl.newKeySet.get();
    assertThat(set).isEmpty();

    assertThat(set.add("a")).isTrue();
    assertThat(set.add("a")).isFalse();
    assertThat(set).containsExactly("a");
    assertThatThrownBy(() -> set.add(null)).isInstanceOf(NullPointerException.class);
    assertThat(impl.newKeySet.get()).as("each call makes a new set").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void newKeySetWithCapacityHoldsMoreThanItAndRejectsANegativeOne(Migration impl) {
    Set<String> set = impl.newKeySetWithCapacity.apply(2);
    for (int i = 0; i < 100; i++) {
      set.add("k" + i);
    }
    assertThat(set).hasSize(100);
    assertThatThrownBy(() -> impl.newKeySetWithCapacity.apply(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void newKeySetSurvivesSerializationAndStillAdds(Migration impl) throws Exception {
    Set<String> set = impl.newKeySet.get();
    set.add("a");
    set.add("b");

    Set<String> copy = SerializationRoundTripTest.roundTrip(set);

    assertThat(copy).containsExactlyInAnyOrder("a", "b");
    assertThat(copy.add("c")).isTrue();
    assertThat(copy.add("a")).isFalse();
    assertThat(set).as("the original is independent of the copy").doesNotContain("c");
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void keySetWithValueSurvivesSerializationWithItsMapAndValue(Migration impl) throws Exception {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    map.put("a", 1);
    Set<String> copy = SerializationRoundTripTest.roundTrip(impl.keySetWithValue.apply(map, 7));

    assertThat(copy.add("b")).isTrue();
    assertThat(copy).containsExactlyInAnyOrder("a", "b");
    assertThat(map).as("the copy writes to a copy of the map").doesNotContainKey("b");
  }

  @ParameterizedTest
  @EnumSource(Migration.class)
  void mappingCountIsTheNumberOfMappings(Migration impl) {
    ConcurrentMap<String, Integer> map = impl.newMap.get();
    assertThat(impl.mappingCount.applyAsLong(map)).isZero();
    for (int i = 0; i < 1000; i++) {
      map.put("k" + i, i);
    }
    map.remove("k0");
    assertThat(impl.mappingCount.applyAsLong(map)).isEqualTo(999L).isEqualTo(map.size());
  }
}

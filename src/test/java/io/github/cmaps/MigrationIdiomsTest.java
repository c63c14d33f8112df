package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/**
 * The idioms that {@code docs/migrating-from-concurrenthashmap.md} gives in place of {@code
 * ConcurrentHashMap}'s parallel bulk operations and legacy methods compute what those did: each
 * test runs the {@code ConcurrentHashMap} method on one map and the idiom, as the page writes
 * it, on a cmaps map holding the same mappings.
 */
class MigrationIdiomsTest {

  private static final BiFunction<Integer, Integer, Integer> EVEN_KEY_TIMES_VALUE =
      (k, v) -> k % 2 == 0 ? k * v : null;

  private static ConcurrentHashMap<Integer, Integer> reference() {
    ConcurrentHashMap<Integer, Integer> chm = new ConcurrentHashMap<>();
    for (int i = 0; i < 5_000; i++) {
      chm.put(i, i % 7);
    }
    return chm;
  }

  private static ConcurrentMap<Integer, Integer> copyInto(MapImpl impl, Map<Integer, Integer> m) {
    ConcurrentMap<Integer, Integer> map = impl.create();
    map.putAll(m);
    return map;
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = Mode.EXCLUDE)
  void transformThenActVisitsWhatForEachWithATransformerVisits(MapImpl impl) {
    ConcurrentHashMap<Integer, Integer> chm = reference();
    ConcurrentMap<Integer, Integer> map = copyInto(impl, chm);
    Set<Integer> expected = ConcurrentHashMap.newKeySet();
    Set<Integer> actual = ConcurrentHashMap.newKeySet();

    chm.forEach(1, EVEN_KEY_TIMES_VALUE, expected::add);
    map.entrySet().parallelStream()
        .map(e -> EVEN_KEY_TIMES_VALUE.apply(e.getKey(), e.getValue()))
        .filter(Objects::nonNull)
        .forEach(actual::add);

    assertThat(actual).isEqualTo(expected).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = Mode.EXCLUDE)
  void transformThenReduceComputesWhatReduceComputes(MapImpl impl) {
    ConcurrentHashMap<Integer, Integer> chm = reference();
    ConcurrentMap<Integer, Integer> map = copyInto(impl, chm);
    BiFunction<Integer, Integer, Integer> reducer = Integer::sum;

    Integer expected = chm.reduce(1, EVEN_KEY_TIMES_VALUE, reducer);
    Integer actual = map.entrySet().parallelStream()
        .map(e -> EVEN_KEY_TIMES_VALUE.apply(e.getKey(), e.getValue()))
        .filter(Objects::nonNull)
        .reduce(reducer::apply).orElse(null);

    assertThat(actual).isEqualTo(expected);
    assertThat(map.keySet().parallelStream().map(k -> (Integer) null).filter(Objects::nonNull)
        .reduce(reducer::apply).orElse(null))
        .as("nothing left: null, as reduceKeys returns")
        .isEqualTo(chm.reduceKeys(1, k -> null, reducer));
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = Mode.EXCLUDE)
  void reduceToAPrimitiveComputesWhatReduceValuesToLongComputes(MapImpl impl) {
    ConcurrentHashMap<Integer, Integer> chm = reference();
    ConcurrentMap<Integer, Integer> map = copyInto(impl, chm);

    long expected = chm.reduceValuesToLong(1, v -> v * 3L, 0L, Long::sum);
    long actual = map.values().parallelStream().mapToLong(v -> v * 3L).reduce(0L, Long::sum);

    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = Mode.EXCLUDE)
  void searchFindsWhatSearchKeysFindsAndNullWhenNothingMatches(MapImpl impl) {
    ConcurrentHashMap<Integer, Integer> chm = reference();
    ConcurrentMap<Integer, Integer> map = copyInto(impl, chm);

    String expected = chm.searchKeys(1, k -> k == 4242 ? "found " + k : null);
    String actual = map.keySet().parallelStream().map(k -> k == 4242 ? "found " + k : null)
        .filter(Objects::nonNull).findAny().orElse(null);
    String none = map.keySet().parallelStream().map(k -> k < 0 ? "negative" : null)
        .filter(Objects::nonNull).findAny().orElse(null);

    assertThat(actual).isEqualTo(expected).isEqualTo("found 4242");
    assertThat(none).isEqualTo(chm.searchKeys(1, k -> k < 0 ? "negative" : null)).isNull();
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = Mode.EXCLUDE)
  void legacyKeysElementsAndContainsHaveTheirCounterparts(MapImpl impl) {
    ConcurrentHashMap<Integer, Integer> chm = reference();
    ConcurrentMap<Integer, Integer> map = copyInto(impl, chm);

    assertThat(new HashSet<>(Collections.list(Collections.enumeration(map.keySet()))))
        .isEqualTo(new HashSet<>(Collections.list(chm.keys())));
    assertThat(Collections.list(Collections.enumeration(map.values())))
        .containsExactlyInAnyOrderElementsOf(Collections.list(chm.elements()));
    assertThat(map.containsValue(6)).isEqualTo(chm.contains(6)).isTrue();
    assertThat(map.containsValue(7)).isEqualTo(chm.contains(7)).isFalse();
  }
}

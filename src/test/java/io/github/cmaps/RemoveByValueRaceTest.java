package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A view operation that removes mappings because of their values must not remove a mapping whose
 * value another thread replaced after the test saw it: the new value was never tested, and
 * removing it loses that update (JDK-8078645 fixed this in {@code ConcurrentHashMap.removeIf}).
 *
 * <p>Each test stages the race deterministically: the "other thread's" write runs exactly
 * between the moment the view has read a value and the moment it removes the mapping (inside the
 * predicate, the collection's {@code contains}, or between {@code next} and {@code remove}).
 * Before the fix every one of these lost the update for all three maps.
 */
class RemoveByValueRaceTest {

  /** The keys: "a" is replaced mid-operation and must stay; "b" is untouched and must go. */
  private static ConcurrentMap<String, Integer> ab(MapImpl impl) {
    ConcurrentMap<String, Integer> map = impl.create();
    map.put("a", 0);
    map.put("b", 0);
    return map;
  }

  /** After the operation: "a" kept its new value, "b" (still 0 when tested) was removed. */
  private static void assertUpdateKept(ConcurrentMap<String, Integer> map) {
    assertThat(map).containsExactly(Map.entry("a", 99));
  }

  /**
   * A collection of the value 0 (and of entries with value 0) that replaces "a" with 99 the first
   * time it is asked: a weakly consistent traversal may then meet a=99, which is not in it.
   */
  private static Collection<Object> zeroReplacingA(ConcurrentMap<String, Integer> map) {
    return new AbstractCollection<>() {
      boolean replaced;

      @Override
      public boolean contains(Object o) {
        if (!replaced) {
          replaced = true;
          map.put("a", 99);
        }
        Object v = o instanceof Map.Entry ? ((Map.Entry<?, ?>) o).getValue() : o;
        return Integer.valueOf(0).equals(v);
      }

      @Override
      public Iterator<Object> iterator() {
        return Collections.emptyIterator();
      }

      @Override
      public int size() {
        return 0;
      }
    };
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class) // ConcurrentHashMap too: the reference this must match
  void entrySetRemoveIfKeepsAValueReplacedAfterItWasTested(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    boolean removed = map.entrySet().removeIf(e -> {
      if (e.getKey().equals("a")) {
        map.put("a", 99);
      }
      return e.getValue() == 0;
    });
    assertThat(removed).isTrue();
    assertUpdateKept(map);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void valuesRemoveIfKeepsAValueReplacedAfterItWasTested(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    boolean[] first = {true};
    map.values().removeIf(v -> {
      if (first[0]) {
        first[0] = false;
        map.put("a", 99);
        map.put("b", 0); // whichever came first, "b" stays 0
      }
      return v == 0;
    });
    assertUpdateKept(map);
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void valuesRemoveAllAndRetainAllKeepAReplacedValue(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    map.values().removeAll(zeroReplacingA(map));
    assertUpdateKept(map);

    ConcurrentMap<String, Integer> map2 = ab(impl);
    Collection<Object> all = zeroReplacingA(map2);
    map2.values().retainAll(new AbstractCollection<>() {
      @Override
      public boolean contains(Object o) {
        return !all.contains(o);
      }

      @Override
      public Iterator<Object> iterator() {
        return Collections.emptyIterator();
      }

      @Override
      public int size() {
        return 0;
      }
    });
    assertUpdateKept(map2);
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void entrySetRemoveAllKeepsAReplacedValue(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    map.entrySet().removeAll(zeroReplacingA(map));
    assertUpdateKept(map);
  }

  /** next() reads a value; another thread replaces it; remove() must leave the new value. */
  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void valueAndEntryIteratorRemoveKeepAReplacedValue(MapImpl impl) {
    for (Consumer<ConcurrentMap<String, Integer>> walk :
        java.util.List.<Consumer<ConcurrentMap<String, Integer>>>of(
            map -> removeEachThroughIterator(map.values().iterator(), map),
            map -> removeEachThroughIterator(map.entrySet().iterator(), map))) {
      ConcurrentMap<String, Integer> map = ab(impl);
      walk.accept(map);
      assertUpdateKept(map);
    }
  }

  /**
   * Walks the iterator, removing each element that held 0 when next() returned it; "a" is
   * replaced just after the first next().
   */
  private static void removeEachThroughIterator(
      Iterator<?> it, ConcurrentMap<String, Integer> map) {
    boolean replaced = false;
    while (it.hasNext()) {
      Object e = it.next();
      Object v = e instanceof Map.Entry ? ((Map.Entry<?, ?>) e).getValue() : e;
      if (!replaced) {
        replaced = true;
        map.put("a", 99);
        map.put("b", 0);
      }
      if (Integer.valueOf(0).equals(v)) {
        it.remove();
      }
    }
  }

  /** Entry.setValue then Iterator.remove: the mapping the entry now stands for is removed. */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void entryIteratorRemovesAfterSetValue(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    for (Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
      it.next().setValue(5);
      it.remove();
    }
    assertThat(map).isEmpty();
  }

  /** values().remove(o) removes one mapping to o, and never a mapping replaced meanwhile. */
  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void valuesRemoveRemovesOneMappingStillHoldingTheValue(MapImpl impl) {
    ConcurrentMap<String, Integer> map = ab(impl);
    assertThat(map.values().remove(0)).isTrue();
    assertThat(map).hasSize(1);
    assertThat(map.values().remove(0)).isTrue();
    assertThat(map.values().remove(0)).isFalse();
    assertThat(map).isEmpty();
  }

  /** The key set tests keys only, so its removals stay unconditional. */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void keySetRemovalsIgnoreValues(MapImpl impl) {
    BiConsumer<ConcurrentMap<String, Integer>, Runnable> check = (map, op) -> {
      op.run();
      assertThat(map).isEmpty();
    };
    ConcurrentMap<String, Integer> m1 = ab(impl);
    check.accept(m1, () -> m1.keySet().removeIf(k -> {
      m1.put(k, 99);
      return true;
    }));
    ConcurrentMap<String, Integer> m2 = ab(impl);
    check.accept(m2, () -> m2.keySet().removeAll(java.util.List.of("a", "b")));
  }
}

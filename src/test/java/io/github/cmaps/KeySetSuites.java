package io.github.cmaps;

import com.google.common.collect.testing.SetTestSuiteBuilder;
import com.google.common.collect.testing.TestStringSetGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import junit.framework.TestSuite;

/**
 * guava-testlib's {@code Set} suite for the two sets a map offers code that moves from {@code
 * ConcurrentHashMap}: the set of its static {@code newKeySet()}, and the {@code keySet(V)} view
 * of a map, which adds. Each is run with add, remove, iterator removal and serialization, at
 * every size, and without any null-permitting feature (both reject null elements and queries, as
 * {@code ConcurrentHashMap}'s do). One class per map calls {@link #of} ({@code
 * ReadWriteLockMapKeySetConformanceTest}), {@code ConcurrentHashMap} included as the reference
 * that shows the suite expects nothing more than its behaviour.
 */
final class KeySetSuites {

  private KeySetSuites() {}

  /**
   * The suites of {@code newKeySet} and of {@code keySet(V)} views of maps from {@code newMap}.
   *
   * @param keySetWithValue the map's {@code keySet(V)}
   */
  static TestSuite of(
      String mapName,
      Supplier<Set<String>> newKeySet,
      Supplier<ConcurrentMap<String, String>> newMap,
      BiFunction<ConcurrentMap<String, String>, String, Set<String>> keySetWithValue) {
    TestSuite flat = new TestSuite(mapName + " key sets");
    // Flattened, as ConformanceSuites does, so that surefire counts and names every test.
    ConformanceSuites.addLeaves(suite(mapName + " newKeySet", newKeySet), flat);
    ConformanceSuites.addLeaves(
        suite(mapName + " keySet[V]", () -> keySetWithValue.apply(newMap.get(), "v")), flat);
    return flat;
  }

  private static TestSuite suite(String name, Supplier<Set<String>> create) {
    return SetTestSuiteBuilder.using(
            new TestStringSetGenerator() {
              @Override
              protected Set<String> create(String[] elements) {
                Set<String> set = create.get();
                Collections.addAll(set, elements);
                return set;
              }
            })
        .named(name)
        .withFeatures(
            CollectionFeature.GENERAL_PURPOSE, // add, remove, iterator remove
            CollectionFeature.SERIALIZABLE,
            CollectionSize.ANY)
        .createTestSuite();
  }
}

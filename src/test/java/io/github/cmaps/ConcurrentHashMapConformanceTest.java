package io.github.cmaps;

import static io.github.cmaps.ConformanceSuites.tester;

import com.google.common.collect.testing.testers.CollectionAddAllTester;
import com.google.common.collect.testing.testers.CollectionAddTester;
import junit.framework.Test;

/**
 * guava-testlib's {@code ConcurrentMap} conformance suite for {@link
 * java.util.concurrent.ConcurrentHashMap}: proves the kit declares only features the reference
 * implementation has.
 */
public class ConcurrentHashMapConformanceTest {
  private ConcurrentHashMapConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    // ConcurrentHashMap's entrySet() supports add and addAll (they put into the map); the suite
    // derives the view's features from the map's and expects UnsupportedOperationException.
    return ConformanceSuites.of(MapImpl.CONCURRENT_HASH_MAP,
        tester(CollectionAddTester.class, "testAdd_unsupportedNotPresent"),
        tester(CollectionAddAllTester.class, "testAddAll_unsupportedNonePresent"),
        tester(CollectionAddAllTester.class, "testAddAll_unsupportedSomePresent"));
  }
}

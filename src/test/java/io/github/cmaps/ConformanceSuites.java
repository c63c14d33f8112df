package io.github.cmaps;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.Feature;
import com.google.common.collect.testing.features.MapFeature;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import junit.extensions.TestDecorator;
import junit.framework.AssertionFailedError;
import junit.framework.Test;
import junit.framework.TestResult;
import junit.framework.TestSuite;

/**
 * Builds guava-testlib's {@code ConcurrentMap} conformance suite (with the suites of the map's
 * {@code keySet}, {@code values} and {@code entrySet} views, and of its reserialized copy) for
 * one {@link MapImpl}: about 1,750 tests. Surefire names its reports after the test class, so
 * each map has a tiny class of its own that calls {@link #of}, named for the map ({@code
 * ReadWriteLockMapConformanceTest}); {@link MapImplTest} checks that every map has one. A
 * failure's message starts with the generated test's full name, which says the map, the view
 * and the size, for example {@code testAdd_unsupportedNotPresent[ConcurrentHashMap entrySet
 * [collection size: one]]}.
 *
 * <p>The features are everything a cmaps map promises: put and remove, removal through view
 * iterators, serialization, any size. No null-permitting feature is declared: the maps reject
 * null keys and values (and null queries) as {@code ConcurrentHashMap} does.
 */
final class ConformanceSuites {

  private ConformanceSuites() {}

  /**
   * The conformance suite of {@code impl}.
   *
   * @param suppressed generated tests to skip; the caller says in a comment why each does not
   *     apply to its map
   */
  static Test of(MapImpl impl, Method... suppressed) {
    return of(impl.mapName(), impl::create, CMAPS_FEATURES, suppressed);
  }

  /** Everything a cmaps map promises: the features {@link #of(MapImpl, Method...)} declares. */
  static final List<Feature<?>> CMAPS_FEATURES = List.of(
      MapFeature.GENERAL_PURPOSE,
      CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
      CollectionFeature.SERIALIZABLE,
      CollectionSize.ANY);

  /**
   * The conformance suite of a map that is not a {@link MapImpl} (a map whose library the default
   * build does not have, such as Hazelcast's {@code IMap}), with the features it declares.
   */
  static Test of(String name, Supplier<? extends ConcurrentMap<String, String>> create,
      List<Feature<?>> features, Method... suppressed) {
    TestSuite generated = ConcurrentMapTestSuiteBuilder.using(
            new TestStringMapGenerator() {
              @Override
              protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                ConcurrentMap<String, String> map = create.get();
                for (Map.Entry<String, String> e : entries) {
                  map.put(e.getKey(), e.getValue());
                }
                return map;
              }
            })
        .named(name)
        .withFeatures(features)
        .suppressing(suppressed)
        .createTestSuite();
    TestSuite flat = new TestSuite(generated.getName());
    addLeaves(generated, flat);
    return flat;
  }

  /**
   * Copies the tests of a suite tree into one flat suite. Surefire treats every nested suite as a
   * test set of its own and sends the fork's system properties with each one; the generated tree
   * has hundreds of them, which made the run ten times slower than the tests themselves. The
   * nesting said which view and size a test exercised, so each test is wrapped to put that into
   * its failure message instead.
   */
  static void addLeaves(Test test, TestSuite into) {
    if (test instanceof TestSuite) {
      TestSuite suite = (TestSuite) test;
      for (int i = 0; i < suite.testCount(); i++) {
        addLeaves(suite.testAt(i), into);
      }
    } else {
      into.addTest(new FullyNamed(test));
    }
  }

  /**
   * Runs a generated test and prefixes a failure with the test's full name, for example {@code
   * testAdd_unsupportedNotPresent[ConcurrentHashMap entrySet [collection size: one]]}.
   */
  private static final class FullyNamed extends TestDecorator {
    FullyNamed(Test test) {
      super(test);
    }

    @Override
    public void run(TestResult outer) {
      Test named = getTest();
      getTest().run(new TestResult() {
        @Override
        public void startTest(Test t) {
          outer.startTest(t);
        }

        @Override
        public void endTest(Test t) {
          outer.endTest(t);
        }

        @Override
        public boolean shouldStop() {
          return outer.shouldStop();
        }

        @Override
        public void addFailure(Test t, AssertionFailedError e) {
          addError(t, e);
        }

        @Override
        public void addError(Test t, Throwable e) {
          // JUnit 4 reports failures and errors alike; guava-testlib's assertions are plain
          // AssertionErrors, which JUnit 3 counts as errors anyway.
          AssertionError renamed;
          if (e instanceof AssertionError) {
            renamed = new AssertionError(named + ": " + e.getMessage(), e.getCause());
            renamed.setStackTrace(e.getStackTrace());
          } else {
            renamed = new AssertionError(named + " threw " + e, e);
          }
          outer.addError(t, renamed);
        }
      });
    }
  }

  /** A generated test to pass to {@link #of}, by tester class and method name. */
  static Method tester(Class<?> testerClass, String testName) {
    try {
      return testerClass.getMethod(testName);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("guava-testlib has no test " + testName, e);
    }
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentMap;
import junit.framework.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps the list of maps under test honest. */
class MapImplTest {

  /**
   * guava-testlib's suite runs from one class per map (surefire reports are named after the
   * class), so a new {@link MapImpl} constant needs its {@code <MapName>ConformanceTest} too: this
   * test fails until it exists and builds the suite of that very map.
   */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void everyMapHasItsConformanceSuiteClass(MapImpl impl) throws Exception {
    String className = MapImplTest.class.getPackageName() + "." + impl.mapName()
        + "ConformanceTest";
    Class<?> conformance = Class.forName(className);
    Method suite = conformance.getMethod("suite");

    Test test = (Test) suite.invoke(null);

    assertThat(test.toString()).isEqualTo(impl.mapName());
    assertThat(test.countTestCases()).isGreaterThan(1_000);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void factoriesMakeNewEmptyMapsOfTheSameClass(MapImpl impl) {
    ConcurrentMap<Object, Object> first = impl.create();
    ConcurrentMap<Object, Object> second = impl.create();
    ConcurrentMap<Object, Object> sized = impl.create(100);
    assertThat(first).isEmpty();
    assertThat(sized).isEmpty();
    assertThat(first).isNotSameAs(second);
    assertThat(sized).hasSameClassAs(first);
  }
}

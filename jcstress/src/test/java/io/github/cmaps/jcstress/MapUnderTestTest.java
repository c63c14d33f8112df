package io.github.cmaps.jcstress;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks the one sizing fact each {@link MapUnderTest} states: that a map filled with
 * {@code entriesBeforeGrowth()} keys has not grown on the last of them, and grows on the next.
 * If a map's sizing changes, this fails, instead of the resize scenarios silently racing nothing.
 *
 * <p>"Grows" is observed as the map's {@code table} field pointing at a new object. Every map
 * the suite knows keeps its table in a field of that name.
 */
class MapUnderTestTest {

  @ParameterizedTest
  @EnumSource(MapUnderTest.class)
  void filledMapGrowsOnTheNextInsertAndNotBefore(MapUnderTest subject) {
    int n = subject.entriesBeforeGrowth();
    Map<Integer, Integer> map = subject.create();
    for (int i = 0; i < n - 1; i++) {
      map.put(Keys.key(i), i);
    }
    Object beforeLast = table(map);
    map.put(Keys.key(n - 1), n - 1);
    Object atThreshold = table(map);
    map.put(Keys.key(n), n);
    Object afterNext = table(map);

    assertNotNull(beforeLast, "table not allocated after " + (n - 1) + " inserts");
    // Identity checks, so that a failure does not print whole tables.
    assertTrue(beforeLast == atThreshold,
        subject + " grew on insert " + n + ": entriesBeforeGrowth() is too large");
    assertTrue(atThreshold != afterNext,
        subject + " did not grow on insert " + (n + 1) + ": entriesBeforeGrowth() is too small");
  }

  /** {@link MovedKeyLookup} relies on this: one removal, then two inserts, make the map grow. */
  @ParameterizedTest
  @EnumSource(MapUnderTest.class)
  void removalThenTwoInsertsGrow(MapUnderTest subject) {
    int n = subject.entriesBeforeGrowth();
    Map<Integer, Integer> map = subject.filledToThreshold();
    map.remove(Keys.key(0));
    Object afterRemoval = table(map);
    map.put(Keys.key(n), n);
    map.put(Keys.key(n + 1), n + 1);
    assertTrue(afterRemoval != table(map),
        subject + " did not grow on a removal followed by two inserts");
  }

  @ParameterizedTest
  @EnumSource(MapUnderTest.class)
  void filledToThresholdHoldsTheFirstKeys(MapUnderTest subject) {
    Map<Integer, Integer> map = subject.filledToThreshold();
    for (int i = 0; i < subject.entriesBeforeGrowth(); i++) {
      if (!Integer.valueOf(i).equals(map.get(Keys.key(i)))) {
        fail(subject + " lacks key " + i);
      }
    }
  }

  private static Object table(Map<?, ?> map) {
    for (Class<?> c = map.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField("table");
        f.setAccessible(true);
        return f.get(map);
      } catch (NoSuchFieldException e) {
        // keep looking in the superclass
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError(map.getClass().getName()
        + " has no field named 'table': teach MapUnderTestTest where this map keeps its table");
  }
}

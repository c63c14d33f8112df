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
 * <p>"Grows" is observed as the map's {@code table} field pointing at a new object, or, for a
 * table that resizes incrementally, as its {@code next} field (the table being filled) becoming
 * set. Every map the suite knows keeps its table in a field named {@code table}; a striped map
 * ({@code StripedLockMap}) keeps one per stripe, in its {@code stripes} array, and is tested with
 * one stripe.
 */
class MapUnderTestTest {

  @ParameterizedTest
  @EnumSource(MapUnderTest.class)
  void filledMapGrowsOnTheNextInsertAndNotBefore(MapUnderTest subject) {
    assertGrowsAfter(subject, subject.entriesBeforeGrowth(), "entriesBeforeGrowth()");
  }

  @ParameterizedTest
  @EnumSource(MapUnderTest.class)
  void largeFilledMapGrowsOnTheNextInsertAndNotBefore(MapUnderTest subject) {
    assertGrowsAfter(subject, subject.entriesBeforeLargeGrowth(), "entriesBeforeLargeGrowth()");
  }

  private static void assertGrowsAfter(MapUnderTest subject, int n, String what) {
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
        subject + " grew on insert " + n + ": " + what + " is too large");
    assertTrue(atThreshold != afterNext,
        subject + " did not grow on insert " + (n + 1) + ": " + what + " is too small");
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

  /** Returned by {@link #field} for a field that does not exist. */
  private static final Object NO_FIELD = new Object();

  /** The table the map's writes go to: its table, or the table an incremental resize fills. */
  private static Object table(Map<?, ?> map) {
    Object stripes = field(map, "stripes");
    if (stripes != NO_FIELD) {
      // A striped map (StripedLockMap): one table per stripe. The constant builds it with one
      // stripe, so that stripe's table is the table the scenarios' keys fill.
      Object[] all = (Object[]) stripes;
      if (all.length != 1) {
        throw new AssertionError(map.getClass().getName() + " has " + all.length
            + " stripes: the threshold scenarios need one, so that one table takes every key");
      }
      return tableOf(all[0]);
    }
    return tableOf(map);
  }

  /** The table of {@code owner} (a map, or one stripe of a striped map), or the one it fills. */
  private static Object tableOf(Object owner) {
    Object table = field(owner, "table");
    if (table == NO_FIELD) {
      throw new AssertionError(owner.getClass().getName()
          + " has no field named 'table': teach MapUnderTestTest where this map keeps its table");
    }
    Object next = table == null ? NO_FIELD : field(table, "next");
    return next != NO_FIELD && next != null ? next : table;
  }

  /** The named field of {@code o}, declared anywhere in its class chain, or {@link #NO_FIELD}. */
  private static Object field(Object o, String name) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // keep looking in the superclass
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
    }
    return NO_FIELD;
  }
}

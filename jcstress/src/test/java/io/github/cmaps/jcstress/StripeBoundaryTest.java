package io.github.cmaps.jcstress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cmaps.StripedLockMap;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Checks the facts {@link StripeBoundary} rests on: its copy of the stripe function agrees with
 * {@code StripedLockMap}'s own, its keys sit in the stripes it says, and on the default map both
 * stripe A and stripe B grow during the race (each is at its growth threshold).
 */
class StripeBoundaryTest {

  private static int stripeIndexOf(StripedLockMap<?, ?> map, Object key) throws Exception {
    Method m = StripedLockMap.class.getDeclaredMethod("stripeIndexOf", Object.class);
    m.setAccessible(true);
    return (int) m.invoke(map, key);
  }

  private static int tableCapacityOf(StripedLockMap<?, ?> map, int stripe) throws Exception {
    Method m = StripedLockMap.class.getDeclaredMethod("tableCapacityOf", int.class);
    m.setAccessible(true);
    return (int) m.invoke(map, stripe);
  }

  @Test
  void stripeFunctionMatchesTheMap() throws Exception {
    for (int stripes = 1; stripes <= 1024; stripes <<= 1) {
      StripedLockMap<Integer, Integer> map = new StripedLockMap<>(16, stripes);
      for (int i = 0; i < Keys.COUNT; i++) {
        assertEquals(stripeIndexOf(map, Keys.key(i)), StripeBoundary.stripeOf(Keys.key(i), stripes),
            "stripe of key " + i + " with " + stripes + " stripes");
      }
    }
  }

  @Test
  void keysSitInTheStripesTheScenarioSays() throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>();
    assertEquals(StripeBoundary.STRIPES, map.stripeCount());
    int a = stripeIndexOf(map, StripeBoundary.STABLE_KEYS[0]);
    int b = stripeIndexOf(map, StripeBoundary.STABLE_KEYS[1]);
    assertNotEquals(a, b);
    assertEquals(a, stripeIndexOf(map, StripeBoundary.NEW_A));
    assertEquals(a, stripeIndexOf(map, StripeBoundary.NEW_A2));
    assertEquals(b, stripeIndexOf(map, StripeBoundary.NEW_B));
    for (int i = 2; i < StripeBoundary.STABLE; i++) {
      int s = stripeIndexOf(map, StripeBoundary.STABLE_KEYS[i]);
      assertTrue(s != a && s != b, "filler " + i + " in stripe A or B");
    }
  }

  @Test
  void bothStripesGrowDuringTheRace() throws Exception {
    StripedLockMap<Integer, Integer> map =
        (StripedLockMap<Integer, Integer>) MapUnderTest.STRIPED_LOCK_MAP.<Integer, Integer>createDefault();
    for (int i = 0; i < StripeBoundary.STABLE; i++) {
      map.put(StripeBoundary.STABLE_KEYS[i], i);
    }
    int a = stripeIndexOf(map, StripeBoundary.NEW_A);
    int b = stripeIndexOf(map, StripeBoundary.NEW_B);
    int capA = tableCapacityOf(map, a);
    int capB = tableCapacityOf(map, b);
    map.put(StripeBoundary.NEW_A, -1);
    assertTrue(tableCapacityOf(map, a) > capA, "stripe A did not grow on writer 1's key");
    map.put(StripeBoundary.NEW_B, -2);
    assertTrue(tableCapacityOf(map, b) > capB, "stripe B did not grow on writer 2's key");
  }
}

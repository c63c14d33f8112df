package io.github.cmaps;

import junit.framework.Test;

/**
 * guava-testlib's {@code Set} suite for {@link LockFreeReadMap#newKeySet()} and {@link LockFreeReadMap#keySet(Object)}
 * views ({@link KeySetSuites}).
 */
public class LockFreeReadMapKeySetConformanceTest {
  private LockFreeReadMapKeySetConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return KeySetSuites.of(
        "LockFreeReadMap", LockFreeReadMap::newKeySet, LockFreeReadMap::new, (m, v) -> ((LockFreeReadMap<String, String>) m).keySet(v));
  }
}

package io.github.cmaps;

import junit.framework.Test;

/**
 * guava-testlib's {@code Set} suite for {@link StripedLockMap#newKeySet()} and {@link StripedLockMap#keySet(Object)}
 * views ({@link KeySetSuites}).
 */
public class StripedLockMapKeySetConformanceTest {
  private StripedLockMapKeySetConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return KeySetSuites.of(
        "StripedLockMap", StripedLockMap::newKeySet, StripedLockMap::new, (m, v) -> ((StripedLockMap<String, String>) m).keySet(v));
  }
}

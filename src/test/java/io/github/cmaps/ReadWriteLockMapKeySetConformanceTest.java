package io.github.cmaps;

import junit.framework.Test;

/**
 * guava-testlib's {@code Set} suite for {@link ReadWriteLockMap#newKeySet()} and {@link ReadWriteLockMap#keySet(Object)}
 * views ({@link KeySetSuites}).
 */
public class ReadWriteLockMapKeySetConformanceTest {
  private ReadWriteLockMapKeySetConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return KeySetSuites.of(
        "ReadWriteLockMap", ReadWriteLockMap::newKeySet, ReadWriteLockMap::new, (m, v) -> ((ReadWriteLockMap<String, String>) m).keySet(v));
  }
}

package io.github.cmaps;

import java.util.concurrent.ConcurrentHashMap;
import junit.framework.Test;

/**
 * guava-testlib's {@code Set} suite for {@link ConcurrentHashMap#newKeySet()} and {@link ConcurrentHashMap#keySet(Object)}
 * views ({@link KeySetSuites}).
 */
public class ConcurrentHashMapKeySetConformanceTest {
  private ConcurrentHashMapKeySetConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return KeySetSuites.of(
        "ConcurrentHashMap", ConcurrentHashMap::newKeySet, ConcurrentHashMap::new, (m, v) -> ((ConcurrentHashMap<String, String>) m).keySet(v));
  }
}

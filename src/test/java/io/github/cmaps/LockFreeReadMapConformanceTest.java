package io.github.cmaps;

import junit.framework.Test;

/** guava-testlib's {@code ConcurrentMap} conformance suite for {@link LockFreeReadMap}. */
public class LockFreeReadMapConformanceTest {
  private LockFreeReadMapConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return ConformanceSuites.of(MapImpl.LOCK_FREE_READ);
  }
}

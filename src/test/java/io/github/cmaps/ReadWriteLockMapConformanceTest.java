package io.github.cmaps;

import junit.framework.Test;

/** guava-testlib's {@code ConcurrentMap} conformance suite for {@link ReadWriteLockMap}. */
public class ReadWriteLockMapConformanceTest {
  private ReadWriteLockMapConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return ConformanceSuites.of(MapImpl.READ_WRITE_LOCK);
  }
}

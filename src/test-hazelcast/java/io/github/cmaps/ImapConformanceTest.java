package io.github.cmaps;

import junit.framework.Test;

/**
 * guava-testlib's {@code ConcurrentMap} conformance suite, the one every cmaps map passes, for
 * Hazelcast's {@code IMap} on a two-member cluster ({@link ImapCluster}); the features it lacks
 * and the generated tests it fails are declared, with the reasons, in {@link ImapDeviations}.
 */
public class ImapConformanceTest {
  private ImapConformanceTest() {}

  @SuppressWarnings("exports") // tests are compiled into the module; junit is not a module
  public static Test suite() {
    return ConformanceSuites.of("IMap", ImapCluster::newMap, ImapDeviations.FEATURES,
        ImapDeviations.SUPPRESSED_CONFORMANCE_TESTS);
  }
}

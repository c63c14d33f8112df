package io.github.cmaps;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Lincheck over {@link ConcurrentHashMap}, the reference the cmaps maps are measured against: see
 * {@link ConcurrentMapLincheckTest}.
 */
public class ConcurrentHashMapLincheckTest extends ConcurrentMapLincheckTest {
  public ConcurrentHashMapLincheckTest() {
    super(new ConcurrentHashMap<>(TINY_CAPACITY));
  }
}

package io.github.cmaps;

/**
 * Lincheck over {@link StripedLockMap}, with two stripes so that the three keys share a stripe as
 * well as spread over both: see {@link ConcurrentMapLincheckTest}.
 */
public class StripedLockMapLincheckTest extends ConcurrentMapLincheckTest {
  public StripedLockMapLincheckTest() {
    super(new StripedLockMap<>(TINY_CAPACITY, 2));
  }
}

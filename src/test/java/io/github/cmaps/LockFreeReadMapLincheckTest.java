package io.github.cmaps;

/** Lincheck over {@link LockFreeReadMap}: see {@link ConcurrentMapLincheckTest}. */
public class LockFreeReadMapLincheckTest extends ConcurrentMapLincheckTest {
  public LockFreeReadMapLincheckTest() {
    super(new LockFreeReadMap<>(TINY_CAPACITY));
  }
}

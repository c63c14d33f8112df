package io.github.cmaps;

/** Lincheck over {@link ReadWriteLockMap}: see {@link LinearizableSizeLincheckTest}. */
public class ReadWriteLockMapLincheckTest extends LinearizableSizeLincheckTest {
  public ReadWriteLockMapLincheckTest() {
    super(new ReadWriteLockMap<>(TINY_CAPACITY));
  }
}

package io.github.cmaps;

import org.junit.jupiter.api.Test;

/**
 * {@link IteratedKeyLincheck} over a {@link LockFreeReadMap}, whose readers validate nothing:
 * a key an iteration returned is found by a later {@code get}.
 */
public class LockFreeReadMapIteratedKeyLincheckTest extends IteratedKeyLincheck {
  public LockFreeReadMapIteratedKeyLincheckTest() {
    super(new LockFreeReadMap<>(LincheckMapOperations.TINY_CAPACITY));
  }

  @Test
  void aKeyAnIterationReturnedIsFoundByALaterGet() {
    options().check(getClass());
  }
}

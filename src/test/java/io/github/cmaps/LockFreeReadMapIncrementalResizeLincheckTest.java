package io.github.cmaps;

/**
 * Lincheck over a {@link LockFreeReadMap} that resizes incrementally from its first table on
 * (every table counts as large, and each write migrates one slot), so that the histories, which
 * touch only a few keys, run half-way through a resize most of the time: reads that follow
 * {@code next} and MOVED marks, writes that migrate their key first, resizes that begin while
 * another is still migrating. With the default settings a map this small copies its table whole
 * and Lincheck never sees an incremental resize. See {@link ConcurrentMapLincheckTest}.
 */
public class LockFreeReadMapIncrementalResizeLincheckTest extends ConcurrentMapLincheckTest {
  public LockFreeReadMapIncrementalResizeLincheckTest() {
    super(new LockFreeReadMap<>(TINY_CAPACITY, 0, 1));
  }
}

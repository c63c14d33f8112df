package io.github.cmaps;

import java.util.concurrent.ConcurrentMap;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * {@link ConcurrentMapLincheckTest} with {@code size} and {@code isEmpty} among the operations:
 * for maps whose size is linearizable, that is, never disagrees with a concurrent single-key
 * read. {@link java.util.concurrent.ConcurrentHashMap}, {@link LockFreeReadMap} and {@link
 * StripedLockMap} do not promise that (they update the count after the table, and a reader that
 * takes no lock may see the one without the other), so they extend {@link
 * ConcurrentMapLincheckTest} directly; see docs/lincheck.md for the histories.
 */
public abstract class LinearizableSizeLincheckTest extends ConcurrentMapLincheckTest {

  /**
   * Runs the operations against {@code map}.
   *
   * @param map a new, empty map, created for this history only
   */
  protected LinearizableSizeLincheckTest(ConcurrentMap<Integer, Integer> map) {
    super(map);
  }

  @Operation
  @Override
  public int size() {
    return super.size();
  }

  @Operation
  @Override
  public boolean isEmpty() {
    return super.isEmpty();
  }
}

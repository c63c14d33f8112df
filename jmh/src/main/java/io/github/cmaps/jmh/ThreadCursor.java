package io.github.cmaps.jmh;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A benchmark thread's position in a shared, pre-computed access sequence.
 *
 * <p>Threads share the (read-only) sequence but each walks it from its own random start, so two
 * threads do not touch the same keys in lockstep; the cursor lives in the thread's own state, so
 * advancing it writes no shared memory.
 */
@State(Scope.Thread)
public class ThreadCursor {

  private int position;
  private int untilWrite;

  @Setup
  public void start() {
    position = ThreadLocalRandom.current().nextInt();
    untilWrite = 1 + ThreadLocalRandom.current().nextInt(100);
  }

  /** Returns the next position; callers mask it with their sequence's length minus one. */
  public int next() {
    return position++;
  }

  /**
   * Returns {@code true} once every {@code period} calls, so a thread that asks before each
   * operation writes a fixed share {@code 1/period} of the time with no random draw.
   */
  public boolean writeTurn(int period) {
    if (--untilWrite <= 0) {
      untilWrite = period;
      return true;
    }
    return false;
  }
}

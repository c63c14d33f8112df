package io.github.cmaps;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Forces two threads into the same race window. User code that a map calls between reading a
 * key's state and writing it (a remapping function, a key's or value's {@code equals}) calls
 * {@link #enter}; a holding entry waits there until another thread enters for the same key, or
 * a short timeout passes. On a map that runs that code without exclusion (a plain {@code
 * HashMap}) both threads are then inside the window at once and one update is lost, whatever the
 * scheduler does: a busy machine that runs racing threads one after another no longer hides the
 * race. A correct map lets nobody else in for that key, so the hold simply times out: slower, but
 * still correct, which is exactly what the kit asserts.
 */
final class Rendezvous {

  private final AtomicIntegerArray entries;
  private final long holdNanos;

  Rendezvous(int keys, Duration hold) {
    this.entries = new AtomicIntegerArray(keys);
    this.holdNanos = hold.toNanos();
  }

  /**
   * Records an entry into {@code key}'s window; if {@code hold}, waits until another entry for
   * {@code key} follows it, or the hold time passes.
   */
  void enter(int key, boolean hold) {
    int mine = entries.incrementAndGet(key);
    if (hold) {
      waitForNext(key, mine);
    }
  }

  /**
   * Records an entry into {@code key}'s window; the first entry ever for {@code key} waits until
   * another follows it. For keys contested once: on a correct map only the first thread pays the
   * hold.
   */
  void enterFirstHolds(int key) {
    int mine = entries.incrementAndGet(key);
    if (mine == 1) {
      waitForNext(key, mine);
    }
  }

  private void waitForNext(int key, int mine) {
    long until = System.nanoTime() + holdNanos;
    while (entries.get(key) == mine && System.nanoTime() < until) {
      Thread.yield(); // the other party may need this core
    }
  }
}

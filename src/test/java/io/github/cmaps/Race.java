package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on threads released at the same instant and waits for them a bounded time. The
 * threads are daemons, so a task stuck for good (a deadlocked map, or a {@code HashMap} looping
 * in a corrupted bin) cannot keep the test JVM alive; it is counted as hung instead.
 */
final class Race {

  private Race() {}

  /** How a race ended: what the tasks threw, and how many were still running at the deadline. */
  record Outcome(List<Throwable> errors, int hung) {
    boolean clean() {
      return errors.isEmpty() && hung == 0;
    }

    @Override
    public String toString() {
      return hung + " hung, errors " + errors;
    }
  }

  /** Runs each task on a daemon thread of its own, all released at once, for {@code timeout}. */
  static Outcome run(Duration timeout, List<? extends Runnable> tasks) {
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      Runnable task = tasks.get(i);
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          task.run();
        } catch (Throwable e) {
          errors.add(e);
        }
      }, "race-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int hung = 0;
    try {
      ready.await();
      go.countDown();
      for (Thread t : threads) {
        TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
        if (t.isAlive()) {
          hung++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the race", e);
    }
    return new Outcome(List.copyOf(errors), hung);
  }

  static Outcome run(Duration timeout, Runnable... tasks) {
    return run(timeout, List.of(tasks));
  }

  /** Runs the tasks and fails unless every one of them ended in time without throwing. */
  static void runClean(Duration timeout, List<? extends Runnable> tasks) {
    assertClean(run(timeout, tasks));
  }

  static void runClean(Duration timeout, Runnable... tasks) {
    runClean(timeout, List.of(tasks));
  }

  static void assertClean(Outcome outcome) {
    if (!outcome.errors().isEmpty()) {
      AssertionError failure = new AssertionError("a racing task threw: " + outcome.errors());
      outcome.errors().forEach(failure::addSuppressed);
      throw failure;
    }
    assertThat(outcome.hung()).as("tasks still running at the deadline (deadlock?)").isZero();
  }

  /** Thrown to a party of a {@link SpinBarrier} when another party failed. */
  static final class BrokenBarrier extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    BrokenBarrier() {
      super("barrier broken: another party failed");
    }
  }

  /**
   * A reusable barrier that spins instead of parking, so that the parties leave it within
   * nanoseconds of each other and then really race on the same key; a parking barrier wakes them
   * tens of microseconds apart, long enough for one to finish a whole block alone. It gives up
   * after a deadline (a party may be stuck), and yields while it waits, since the machine may have
   * fewer cores than parties.
   */
  static final class SpinBarrier {
    private final int parties;
    private final long deadline;
    private final AtomicInteger arrivals = new AtomicInteger();
    private volatile boolean broken;

    SpinBarrier(int parties, Duration timeout) {
      this.parties = parties;
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    void await() {
      // Arrival number n belongs to round (n - 1) / parties, which is complete once every party
      // arrived; a party cannot arrive twice in one round because it waits here for the round.
      int n = arrivals.incrementAndGet();
      int roundEnd = ((n - 1) / parties + 1) * parties;
      for (int spins = 0; arrivals.get() < roundEnd; spins++) {
        if (broken) {
          throw new BrokenBarrier();
        }
        if ((spins & 0xFF) == 0xFF) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("barrier timed out: a party is stuck");
          }
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      }
    }

    /**
     * Runs {@code body} for {@code 0 <= i < n} in blocks, waiting at this barrier before each
     * block, so that all parties start every block together.
     */
    void inLockstep(int n, int block, java.util.function.IntConsumer body) {
      for (int start = 0; start < n; start += block) {
        await();
        for (int i = start, end = Math.min(n, start + block); i < end; i++) {
          body.accept(i);
        }
      }
    }

    /**
     * Wraps a party's task so that if it throws, the barrier breaks and the other parties stop
     * waiting for it (instead of spinning until the deadline).
     */
    Runnable party(Runnable task) {
      return () -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          broken = true;
          throw e;
        }
      };
    }
  }
}

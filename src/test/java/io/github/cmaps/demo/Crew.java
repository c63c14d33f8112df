package io.github.cmaps.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A group of daemon threads that start together and are watched until they end or get stuck.
 *
 * <p>An unsynchronized map can be corrupted into a state where an operation never returns, so
 * the demo never simply joins its threads: every thread reports its progress, and a thread that
 * has made none for a while is declared <em>stuck</em> and left behind. The threads are daemon
 * threads, so a stuck one cannot keep the JVM (or {@code mvn exec:java}) from exiting.
 */
final class Crew {

  /** The work of one thread. It reports progress through {@link Progress#tick}. */
  interface Job {
    void run(Progress progress) throws Exception;
  }

  /** One thread's operation count, published every {@value #EVERY} operations. */
  static final class Progress {
    static final int EVERY = 1 << 10;

    /** Written by the worker, read by the watching thread. */
    private volatile long published;

    /** Watcher-side: the last value seen and when it changed. */
    private long seen = -1;
    private long seenAt;

    /** Call after each operation with the number of operations done so far. */
    void tick(long done) {
      if ((done & (EVERY - 1)) == 0) {
        published = done;
      }
    }
  }

  /** Exceptions thrown by the map under test, counted by type. Thread-safe. */
  static final class Errors {
    private final Map<String, Long> byType = new TreeMap<>();

    synchronized void record(Throwable t) {
      byType.merge(t.getClass().getSimpleName(), 1L, Long::sum);
    }

    synchronized long total() {
      return byType.values().stream().mapToLong(Long::longValue).sum();
    }

    /** For example {@code "2 ConcurrentModificationException, 1 ClassCastException"}. */
    synchronized String describe() {
      List<String> parts = new ArrayList<>();
      byType.forEach((type, n) -> parts.add(Text.count(n) + " " + type));
      return String.join(", ", parts);
    }
  }

  private final String name;
  private final Errors errors;
  private final CountDownLatch go = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final List<Progress> progress = new ArrayList<>();
  private final List<Thread> stuck = new ArrayList<>();

  Crew(String name, Errors errors) {
    this.name = name;
    this.errors = errors;
  }

  /** Adds a thread; it waits for {@link #start()} before running {@code job}. */
  Crew add(Job job) {
    Progress p = new Progress();
    Thread t = new Thread(() -> {
      try {
        go.await();
        job.run(p);
      } catch (Throwable e) {
        // Jobs catch what the map throws per operation; this is anything that escaped them.
        errors.record(e);
      }
    }, "demo-" + name + "-" + threads.size());
    t.setDaemon(true);
    threads.add(t);
    progress.add(p);
    return this;
  }

  /** Starts every thread at once (as nearly as a latch allows). */
  Crew start() {
    threads.forEach(Thread::start);
    go.countDown();
    return this;
  }

  /**
   * Waits until every thread has ended, or until the live ones have all either ended or made no
   * progress for {@code stallMillis}.
   *
   * @return true if every thread ended; false if some are stuck (see {@link #stuck()})
   */
  boolean await(long stallMillis) throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      boolean waiting = false;
      stuck.clear();
      for (int i = 0; i < threads.size(); i++) {
        Thread t = threads.get(i);
        if (!t.isAlive()) {
          continue;
        }
        Progress p = progress.get(i);
        long done = p.published;
        if (done != p.seen) {
          p.seen = done;
          p.seenAt = now;
        }
        if (now - p.seenAt < stallMillis * 1_000_000L) {
          waiting = true;
        } else {
          stuck.add(t);
        }
      }
      if (!waiting) {
        return stuck.isEmpty();
      }
      for (Thread t : threads) {
        if (t.isAlive()) {
          t.join(10);
          break;
        }
      }
    }
  }

  /**
   * Runs {@code job} on one watched daemon thread and waits for it.
   *
   * @return the empty list if the job ended, else the stuck thread
   */
  static List<Thread> runAlone(String name, Errors errors, long stallMillis, Job job)
      throws InterruptedException {
    Crew crew = new Crew(name, errors).add(job).start();
    crew.await(stallMillis);
    return crew.stuck();
  }

  /** The threads found stuck by the last {@link #await}: they may never end. */
  List<Thread> stuck() {
    return List.copyOf(stuck);
  }
}

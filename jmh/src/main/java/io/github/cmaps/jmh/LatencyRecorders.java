package io.github.cmaps.jmh;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The per-thread latency recorders of the running trial, labelled by operation, for {@link
 * LatencyProfiler} to collect after each iteration.
 *
 * <p>Each benchmark thread records into its own {@link SingleWriterRecorder}, so recording costs no
 * shared write; the profiler swaps each recorder's interval histogram, which is safe while the
 * writer keeps recording.
 */
public final class LatencyRecorders {

  /** The longest latency a recorder tracks; longer ones are recorded as this value. */
  static final long MAX_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static final int SIGNIFICANT_DIGITS = 3;

  private static final ConcurrentLinkedQueue<Labelled> ACTIVE = new ConcurrentLinkedQueue<>();

  private LatencyRecorders() {}

  /**
   * A recorder for one thread's operations named {@code operation}; close it at tear-down.
   *
   * <p>JMH tears a trial's state down at the end of the last iteration, before profilers collect
   * that iteration, so closing only marks the recorder: it is dropped once collected.
   */
  public static final class Labelled implements AutoCloseable {
    final String operation;
    final SingleWriterRecorder recorder =
        new SingleWriterRecorder(1, MAX_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    volatile boolean closed;

    private Labelled(String operation) {
      this.operation = operation;
    }

    /** Records one operation that took {@code nanos}; call from the owning thread only. */
    public void record(long nanos) {
      recorder.recordValue(Math.min(nanos, MAX_TRACKABLE_NANOS));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Registers and returns a recorder for the calling thread's {@code operation}. */
  public static Labelled open(String operation) {
    Labelled labelled = new Labelled(operation);
    ACTIVE.add(labelled);
    return labelled;
  }

  /** Drops everything recorded so far (for example during the previous iteration). */
  static void discard() {
    ACTIVE.removeIf(labelled -> labelled.closed);
    for (Labelled labelled : ACTIVE) {
      labelled.recorder.reset();
    }
  }

  /** Returns what was recorded since the last call, merged per operation, sorted by operation. */
  static Map<String, Histogram> collect() {
    Map<String, Histogram> byOperation = new TreeMap<>();
    for (Labelled labelled : ACTIVE) {
      Histogram interval = labelled.recorder.getIntervalHistogram();
      byOperation
          .computeIfAbsent(
              labelled.operation, op -> new Histogram(1, MAX_TRACKABLE_NANOS, SIGNIFICANT_DIGITS))
          .add(interval);
    }
    ACTIVE.removeIf(labelled -> labelled.closed);
    return byOperation;
  }
}

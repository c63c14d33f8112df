package io.github.cmaps.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The three classic ways to misuse a {@link java.util.HashMap} from several threads. Each run
 * builds a fresh map from a factory, so every map meets exactly the same work.
 *
 * <p>Every value stored is its own key (the same {@code Integer} object), so a read is correct
 * only if it returns that very object.
 */
enum Scenario {

  /**
   * Readers look up keys that are in the map from start to end while one writer grows the map
   * from its default capacity, resizing it many times.
   */
  READERS_WHILE_GROWING("A", Size.READERS + " readers look up " + Text.count(Size.PRESENT)
      + " keys that stay in the map, while 1 writer grows it from the\n"
      + "default capacity to " + Text.count(Size.PRESENT + Size.GROWTH) + " entries") {
    @Override
    Outcome run(Supplier<Map<Integer, Integer>> factory, long stallMillis)
        throws InterruptedException {
      Map<Integer, Integer> map = factory.get();
      Crew.Errors errors = new Crew.Errors();
      Outcome o = new Outcome(this, errors);
      List<Thread> stuck = Crew.runAlone("fill", errors, stallMillis, progress -> {
        long n = 0;
        for (Integer k : KEYS.present) {
          map.put(k, k);
          progress.tick(++n);
        }
      });
      if (!stuck.isEmpty()) {
        return o.hung(stuck, "filling the map with its first keys never finished");
      }

      LongAdder reads = new LongAdder();
      LongAdder missed = new LongAdder();
      StopFlag writerDone = new StopFlag();
      Crew readers = new Crew("reader", errors);
      for (int r = 0; r < Size.READERS; r++) {
        // Each reader starts at its own place in the (random) key order.
        int start = r * KEYS.present.length / Size.READERS;
        readers.add(progress -> {
          Integer[] keys = KEYS.present;
          int i = start;
          long n = 0;
          long misses = 0;
          while (!writerDone.raised()) {
            Integer k = keys[i];
            try {
              if (map.get(k) != k) {
                misses++;
              }
            } catch (RuntimeException e) {
              errors.record(e);
            }
            i = (i + 1 == keys.length) ? 0 : i + 1;
            progress.tick(++n);
          }
          reads.add(n);
          missed.add(misses);
        });
      }
      Crew writer = new Crew("writer", errors).add(progress -> {
        long n = 0;
        for (Integer k : KEYS.growth) {
          try {
            map.put(k, k);
          } catch (RuntimeException e) {
            errors.record(e);
          }
          progress.tick(++n);
        }
      });

      readers.start();
      long t0 = System.nanoTime();
      writer.start();
      boolean writerEnded = writer.await(stallMillis);
      o.nanos = System.nanoTime() - t0;
      writerDone.raise();
      boolean readersEnded = readers.await(stallMillis);
      if (!writerEnded || !readersEnded) {
        List<Thread> all = new ArrayList<>(writer.stuck());
        all.addAll(readers.stuck());
        return o.hung(all, all.size() + " thread(s) stopped making progress");
      }
      o.reads = reads.sum();
      o.missedReads = missed.sum();
      o.details = Text.count(o.missedReads) + " of " + Text.count(o.reads) + " lookups ("
          + Text.percent(o.missedReads, o.reads) + ") found no value for a key that was there";
      return o;
    }
  },

  /** Writers insert disjoint sets of keys into one map; every key should end up in it. */
  WRITERS_DISJOINT_KEYS("B", Size.WRITERS + " writers insert " + Text.count(Size.PER_WRITER)
      + " distinct keys each (" + Text.count((long) Size.WRITERS * Size.PER_WRITER)
      + " in all) into one empty map") {
    @Override
    Outcome run(Supplier<Map<Integer, Integer>> factory, long stallMillis)
        throws InterruptedException {
      Map<Integer, Integer> map = factory.get();
      Crew.Errors errors = new Crew.Errors();
      Outcome o = new Outcome(this, errors);
      Crew writers = new Crew("writer", errors);
      for (Integer[] slice : KEYS.disjoint) {
        writers.add(progress -> {
          long n = 0;
          for (Integer k : slice) {
            try {
              map.put(k, k);
            } catch (RuntimeException e) {
              errors.record(e);
            }
            progress.tick(++n);
          }
        });
      }
      long t0 = System.nanoTime();
      writers.start();
      boolean ended = writers.await(stallMillis);
      o.nanos = System.nanoTime() - t0;
      if (!ended) {
        return o.hung(writers.stuck(),
            writers.stuck().size() + " writer(s) stopped making progress");
      }
      o.writes = (long) Size.WRITERS * Size.PER_WRITER;

      // Even a lookup can loop forever in a corrupted map: the main thread never calls the map.
      LongAdder missing = new LongAdder();
      LongAdder size = new LongAdder();
      List<Thread> stuck = Crew.runAlone("check", errors, stallMillis, progress -> {
        long n = 0;
        for (Integer[] slice : KEYS.disjoint) {
          for (Integer k : slice) {
            if (map.get(k) != k) {
              missing.increment();
            }
            progress.tick(++n);
          }
        }
        size.add(map.size());
      });
      if (!stuck.isEmpty()) {
        return o.hung(stuck, "looking up the inserted keys never finished");
      }
      o.lostInserts = missing.sum();
      o.sizeWrong = size.sum() != o.writes;
      o.details = Text.count(o.lostInserts) + " of " + Text.count(o.writes)
          + " inserted keys are missing; size() says " + Text.count(size.sum());
      return o;
    }
  },

  /** Threads count events per key with {@code merge(key, 1, Integer::sum)}. */
  MERGE_COUNTERS("C", Size.COUNTERS + " threads count events with merge(key, 1, Integer::sum) on "
      + Size.COUNTER_KEYS + " keys for " + Size.COUNTING_MILLIS + " ms") {
    @Override
    Outcome run(Supplier<Map<Integer, Integer>> factory, long stallMillis)
        throws InterruptedException {
      Map<Integer, Integer> map = factory.get();
      Crew.Errors errors = new Crew.Errors();
      Outcome o = new Outcome(this, errors);
      LongAdder increments = new LongAdder();
      Crew counters = new Crew("counter", errors);
      for (int c = 0; c < Size.COUNTERS; c++) {
        // Timed rather than a fixed count: a short fixed job can finish within one time slice,
        // before the other threads even run, and then nothing overlaps.
        counters.add(progress -> {
          Integer[] keys = KEYS.counters;
          ThreadLocalRandom random = ThreadLocalRandom.current();
          long end = System.nanoTime() + Size.COUNTING_MILLIS * 1_000_000L;
          long made = 0;
          long tried = 0;
          while (System.nanoTime() < end) {
            try {
              map.merge(keys[random.nextInt(keys.length)], 1, Integer::sum);
              made++; // a merge that threw is not counted as made
            } catch (RuntimeException e) {
              errors.record(e);
            }
            progress.tick(++tried);
          }
          increments.add(made);
        });
      }
      long t0 = System.nanoTime();
      counters.start();
      boolean ended = counters.await(stallMillis);
      o.nanos = System.nanoTime() - t0;
      if (!ended) {
        return o.hung(counters.stuck(),
            counters.stuck().size() + " counter thread(s) stopped making progress");
      }

      LongAdder counted = new LongAdder();
      LongAdder size = new LongAdder();
      List<Thread> stuck = Crew.runAlone("check", errors, stallMillis, progress -> {
        for (Integer k : KEYS.counters) {
          Integer v = map.get(k);
          counted.add(v == null ? 0 : v);
        }
        size.add(map.size());
      });
      if (!stuck.isEmpty()) {
        return o.hung(stuck, "reading the counters never finished");
      }
      long made = increments.sum();
      o.lostIncrements = made - counted.sum();
      o.sizeWrong = size.sum() != Size.COUNTER_KEYS;
      o.details = "the counters add up to " + Text.count(counted.sum()) + " instead of "
          + Text.count(made) + " increments made (" + Text.count(o.lostIncrements) + " lost)"
          + (o.sizeWrong ? "; size() says " + size.sum() + " for " + Size.COUNTER_KEYS + " keys"
              : "");
      return o;
    }
  };

  /** Built once: every run of every map uses the same keys. */
  private static final Keys KEYS = new Keys();

  /** The scenario's letter in the printed report. */
  final String letter;

  /** What the scenario does, in one or two lines (separated by a newline). */
  final String description;

  Scenario(String letter, String description) {
    this.letter = letter;
    this.description = description;
  }

  /**
   * Runs the scenario once on a fresh map.
   *
   * @param stallMillis how long a thread may make no progress before it is declared stuck
   */
  abstract Outcome run(Supplier<Map<Integer, Integer>> factory, long stallMillis)
      throws InterruptedException;

  /** What one run observed. Zero in every anomaly field means the map behaved. */
  static final class Outcome {
    final Scenario scenario;
    final Crew.Errors errors;
    long nanos;
    long reads;
    long writes;
    long missedReads;
    long lostInserts;
    long lostIncrements;
    boolean sizeWrong;
    List<Thread> stuck = List.of();
    String details = "";

    Outcome(Scenario scenario, Crew.Errors errors) {
      this.scenario = scenario;
      this.errors = errors;
    }

    /** Records that the run could not finish: some threads are stuck. */
    Outcome hung(List<Thread> stuckThreads, String what) {
      stuck = List.copyOf(stuckThreads);
      details = "hung: " + what;
      return this;
    }

    boolean anomalous() {
      return missedReads != 0 || lostInserts != 0 || lostIncrements != 0 || sizeWrong
          || errors.total() != 0 || !stuck.isEmpty();
    }
  }

  /** The size of the work: threads, keys and operations per scenario. */
  static final class Size {
    static final int READERS = 3;
    static final int PRESENT = 2_000;
    static final int GROWTH = 100_000;

    static final int WRITERS = 4;
    static final int PER_WRITER = 50_000;

    static final int COUNTERS = 4;
    static final int COUNTING_MILLIS = 250;
    static final int COUNTER_KEYS = 4;

    private Size() {}
  }

  /** A one-way flag: the writer raises it when done, readers poll it on every lookup. */
  private static final class StopFlag {
    private volatile boolean raised;

    void raise() {
      raised = true;
    }

    boolean raised() {
      return raised;
    }
  }

  /**
   * The keys: distinct random {@code Integer}s, boxed once so that no run measures boxing.
   * Random keys spread over the whole table; small sequential keys would sit in the first bins,
   * which a HashMap resize moves first, and be missed far less often.
   */
  private static final class Keys {
    final Integer[] present = new Integer[Size.PRESENT];
    final Integer[] growth = new Integer[Size.GROWTH];
    final Integer[][] disjoint = new Integer[Size.WRITERS][Size.PER_WRITER];
    final Integer[] counters = new Integer[Size.COUNTER_KEYS];

    Keys() {
      SplittableRandom random = new SplittableRandom(20_26);
      Set<Integer> used = new HashSet<>();
      fill(present, random, used);
      fill(growth, random, used);
      for (Integer[] slice : disjoint) {
        fill(slice, random, used);
      }
      fill(counters, random, used);
    }

    private static void fill(Integer[] keys, SplittableRandom random, Set<Integer> used) {
      for (int i = 0; i < keys.length; i++) {
        Integer k;
        do {
          k = random.nextInt();
        } while (!used.add(k));
        keys[i] = k;
      }
    }
  }
}

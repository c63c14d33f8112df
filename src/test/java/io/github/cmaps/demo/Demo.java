package io.github.cmaps.demo;

import io.github.cmaps.LockFreeReadMap;
import io.github.cmaps.ReadWriteLockMap;
import io.github.cmaps.StripedLockMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The cmaps demo: shows a {@link HashMap} going wrong when threads share it, then runs the same
 * work on every cmaps map and on the JDK's thread-safe maps, which stay correct.
 *
 * <p>Run it from the project root with {@code mvn -q test-compile exec:java}. It takes well under
 * a minute on two cores, prints a report, and exits with status 0; status 1 means a thread-safe
 * map showed an anomaly, which would be a bug. A {@code HashMap} that happens to behave in a run
 * is reported as such: races are probabilistic.
 *
 * <p>The demo lives in the test sources so that the library jar carries none of it. It is an
 * illustration, not a test or a benchmark: the tests ({@code mvn verify}) check the maps, and
 * the {@code jmh} module measures them.
 */
public final class Demo {

  /**
   * Every thread-safe map the demo runs, in report order. A new map is one more line here: it
   * then runs every scenario and gets its own row in the table.
   */
  private static final List<Subject> THREAD_SAFE_MAPS = List.of(
      // The cmaps maps.
      new Subject("ReadWriteLockMap", ReadWriteLockMap::new),
      new Subject("LockFreeReadMap", LockFreeReadMap::new),
      new Subject("StripedLockMap", StripedLockMap::new),
      // Baselines from the JDK.
      new Subject("ConcurrentHashMap", ConcurrentHashMap::new),
      new Subject("synchronizedMap(HashMap)", () -> Collections.synchronizedMap(new HashMap<>())));

  /** Rounds per scenario on HashMap: repeated until something goes wrong, at most this many. */
  private static final int HASHMAP_MAX_ROUNDS = 5;

  /** Rounds per scenario on each thread-safe map; the table shows the best throughput. */
  private static final int ROUNDS = 3;

  /**
   * No new round starts once the demo has run this long, so that it stays well under a minute
   * on a slow or busy machine (every map always gets at least one round).
   */
  private static final long TIME_BUDGET_NANOS = 25_000_000_000L;

  /** A HashMap thread with no progress for this long is stuck in a corrupted map. */
  private static final long HASHMAP_STALL_MILLIS = 2_000;

  /** Generous, so that a busy machine is not mistaken for a hung thread-safe map. */
  private static final long THREAD_SAFE_STALL_MILLIS = 15_000;

  /** A map under test: a name for the report and a factory for a fresh, empty instance. */
  private record Subject(String name, Supplier<Map<Integer, Integer>> factory) {}

  private Demo() {}

  public static void main(String[] args) throws InterruptedException {
    long start = System.nanoTime();
    intro();

    Tally hashMap = new Tally("HashMap (no locking)");
    runHashMap(hashMap);

    Map<Subject, Tally> tallies = new LinkedHashMap<>();
    THREAD_SAFE_MAPS.forEach(s -> tallies.put(s, new Tally(s.name())));
    int rounds = runThreadSafeMaps(tallies, start);

    report(hashMap, tallies.values(), rounds);
    boolean bug = tallies.values().stream().anyMatch(Tally::anomalous);
    say("");
    say("(%.1f s)", (System.nanoTime() - start) / 1e9);
    if (bug) {
      System.out.flush();
      System.exit(1);
    }
    // Otherwise main just returns: every demo thread is a daemon thread, and any still running
    // is stuck in a corrupted HashMap, so it must not (and does not) keep the JVM alive.
  }

  /* ---------------- The three parts of the report -------------- */

  private static void intro() {
    say("cmaps demo: what goes wrong when threads share a java.util.HashMap");
    say("==================================================================");
    say("HashMap is not thread-safe, and not only for the threads that write. While one thread");
    say("writes, threads that only read can miss keys that are in the map: to grow, HashMap");
    say("installs a new, empty table and only then moves the entries into it. Writers lose each");
    say("other's inserts, and a corrupted map can even make a call loop forever. Locking only the");
    say("writers does not help the readers: every access needs the map's own protection.");
    say("");
    say("The same three scenarios run on HashMap, then on every cmaps map, with");
    say("ConcurrentHashMap and Collections.synchronizedMap(new HashMap<>()) as baselines:");
    for (Scenario s : Scenario.values()) {
      say("  %s  %s", s.letter, s.description.replace("\n", "\n     "));
    }
    say("(%d CPUs, Java %s, %s)", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"));
    say("");
  }

  private static void runHashMap(Tally tally) throws InterruptedException {
    say("1. java.util.HashMap, unsynchronized: each scenario repeats until something goes wrong");
    say("   (at most %d rounds)", HASHMAP_MAX_ROUNDS);
    for (Scenario s : Scenario.values()) {
      boolean seen = false;
      for (int round = 1; round <= HASHMAP_MAX_ROUNDS && !seen; round++) {
        Scenario.Outcome o = s.run(HashMap::new, HASHMAP_STALL_MILLIS);
        tally.add(o);
        seen = o.anomalous();
        say("  %s  round %d: %s%s", s.letter, round, o.details, exceptions(o));
      }
      if (!seen) {
        say("  %s  no anomaly this run; races are probabilistic, run the demo again", s.letter);
      }
    }
    if (tally.stuckThreads > 0) {
      say("  !  %d HashMap thread(s) made no progress for %d s: they loop forever inside the",
          tally.stuckThreads, HASHMAP_STALL_MILLIS / 1000);
      say("     corrupted map, keeping a CPU busy until the JVM exits, so the figures below are");
      say("     lower than usual.");
    }
    say("");
  }

  /** Returns the number of rounds run. */
  private static int runThreadSafeMaps(Map<Subject, Tally> tallies, long demoStart)
      throws InterruptedException {
    say("2. The same scenarios on the thread-safe maps, %d rounds each", ROUNDS);
    for (int round = 1; round <= ROUNDS; round++) {
      if (round > 1 && System.nanoTime() - demoStart > TIME_BUDGET_NANOS) {
        say("  stopping after %d round(s): the demo's time budget is spent (busy machine?)",
            round - 1);
        return round - 1;
      }
      long t0 = System.nanoTime();
      // Rounds are interleaved across the maps so that JIT warm-up and noise from other
      // processes do not favour whichever map happens to run last.
      for (Map.Entry<Subject, Tally> e : tallies.entrySet()) {
        for (Scenario s : Scenario.values()) {
          Scenario.Outcome o = s.run(e.getKey().factory(), THREAD_SAFE_STALL_MILLIS);
          e.getValue().add(o);
          if (o.anomalous()) {
            say("  BUG  %s, scenario %s, round %d: %s%s", e.getKey().name(), s.letter, round,
                o.details, exceptions(o));
          }
        }
      }
      say("  round %d of %d done (%.1f s)", round, ROUNDS, (System.nanoTime() - t0) / 1e9);
    }
    return ROUNDS;
  }

  private static void report(Tally hashMap, Iterable<Tally> threadSafe, int rounds) {
    say("");
    Text.Table table = new Text.Table("map", "missed reads", "lost inserts", "lost increments",
        "exceptions", "reads/ms", "writes/ms");
    table.row(hashMap.cells(false));
    for (Tally t : threadSafe) {
      table.row(t.cells(true));
    }
    table.lines().forEach(line -> say("  %s", line));
    for (Tally t : all(hashMap, threadSafe)) {
      if (t.stuckThreads > 0) {
        say("  %s hung in %s: %d thread(s) stopped making progress", t.name,
            t.hungScenarios(), t.stuckThreads);
      }
    }
    say("");

    List<String> broken = new ArrayList<>();
    for (Tally t : threadSafe) {
      if (t.anomalous()) {
        broken.add(t.name);
      }
    }
    say(hashMap.anomalous()
        ? "HashMap went wrong, as expected; its figures add up the rounds shown in part 1."
        : "HashMap happened to behave this run (races are probabilistic); it is still unsafe.");
    say(broken.isEmpty()
        ? "Every thread-safe map: no anomaly in any round."
        : "BUG: " + String.join(", ", broken) + " showed anomalies (see the BUG lines above).");
    say("");
    say("reads/ms: lookups per ms by the readers of A while its writer grows the map; writes/ms:");
    say("inserts per ms by the writers of B; best of %d round(s). HashMap gets no figures: speed",
        rounds);
    say("does not count when the answers are wrong. Figures from a demo on a shared machine are");
    say("indicative only: the benchmarks live in jmh/.");
    say("Correctness is established by the tests, not by this demo: run `mvn verify`, and see");
    say("README.md and the Javadoc of each map for its guarantees.");
  }

  /* ---------------- Helpers -------------- */

  /** Anomalies and best throughput of one map across its rounds. */
  private static final class Tally {
    final String name;
    long missedReads;
    long lostInserts;
    long lostIncrements;
    long exceptions;
    long stuckThreads;
    boolean sizeWrong;
    /** Scenarios with at least one round that ran to the end, and scenarios that hung. */
    final Set<Scenario> finished = EnumSet.noneOf(Scenario.class);
    final Set<Scenario> hung = EnumSet.noneOf(Scenario.class);
    double bestReadsPerMilli;
    double bestWritesPerMilli;

    Tally(String name) {
      this.name = name;
    }

    void add(Scenario.Outcome o) {
      missedReads += o.missedReads;
      lostInserts += o.lostInserts;
      lostIncrements += o.lostIncrements;
      exceptions += o.errors.total();
      stuckThreads += o.stuck.size();
      sizeWrong |= o.sizeWrong;
      (o.stuck.isEmpty() ? finished : hung).add(o.scenario);
      if (o.stuck.isEmpty() && o.nanos > 0) {
        bestReadsPerMilli = Math.max(bestReadsPerMilli, o.reads * 1e6 / o.nanos);
        bestWritesPerMilli = Math.max(bestWritesPerMilli, o.writes * 1e6 / o.nanos);
      }
    }

    boolean anomalous() {
      return missedReads != 0 || lostInserts != 0 || lostIncrements != 0 || exceptions != 0
          || stuckThreads != 0 || sizeWrong;
    }

    /** A table row; throughput is left out for a map that gives wrong answers. */
    String[] cells(boolean withThroughput) {
      return new String[] {
          name,
          count(Scenario.READERS_WHILE_GROWING, missedReads),
          count(Scenario.WRITERS_DISJOINT_KEYS, lostInserts),
          count(Scenario.MERGE_COUNTERS, lostIncrements),
          Text.count(exceptions),
          withThroughput ? rate(bestReadsPerMilli) : "-",
          withThroughput ? rate(bestWritesPerMilli) : "-",
      };
    }

    /** A scenario's count, or "hung" if no round of it ran to the end. */
    private String count(Scenario s, long n) {
      return finished.contains(s) ? Text.count(n) : hung.contains(s) ? "hung" : "-";
    }

    /** For example {@code "B, C"}. */
    String hungScenarios() {
      return String.join(", ", hung.stream().map(s -> s.letter).toList());
    }
  }

  /** Operations per ms, or "-" when no round finished. */
  private static String rate(double perMilli) {
    return perMilli > 0 ? Text.count(Math.round(perMilli)) : "-";
  }

  private static List<Tally> all(Tally first, Iterable<Tally> rest) {
    List<Tally> all = new ArrayList<>(List.of(first));
    rest.forEach(all::add);
    return all;
  }

  private static String exceptions(Scenario.Outcome o) {
    return o.errors.total() == 0 ? "" : "; thrown: " + o.errors.describe();
  }

  private static void say(String format, Object... args) {
    System.out.println(args.length == 0 ? format : String.format(java.util.Locale.ROOT, format,
        args));
  }
}

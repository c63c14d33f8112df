package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The concurrency contract every {@link MapImpl} must keep: atomic read-modify-write, functions
 * that run once, growth that loses nothing, iteration that tolerates writers, exactly one winner
 * per conditional write.
 *
 * <p>Each scenario does a fixed amount of work on daemon threads with a deadline ({@link Race}),
 * so it ends in seconds whatever the map does, and asserts an exact outcome: counts, not
 * timings. The assertions hold for every schedule of a correct map, so a failure is always a
 * bug, never bad luck.
 *
 * <p>The opposite risk is a scenario whose race never happens, which passes on a broken map. So
 * every scenario also runs against a plain {@link HashMap} in a negative control ({@code
 * *OnHashMap}) that asserts the anomaly <em>is</em> observed: lost or missed entries, repeated
 * functions, several winners, exceptions, hangs. A control retries up to {@value
 * #CONTROL_ROUNDS} rounds and stops at the first anomaly; in practice the first round shows it,
 * even on a busy two-core machine, because the scenarios use a {@link Rendezvous} to hold a
 * thread inside the race window until a second thread enters it.
 */
@Timeout(120) // a backstop only: every scenario bounds itself with Race's deadline
class MapConcurrencyTest {

  /** Deadline of every race; generous, because other processes may share the CPU. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Racing threads; more than the cores of a small machine, so preemption interleaves too. */
  private static final int THREADS = 4;

  /** Rounds a negative control may take to observe its anomaly. */
  private static final int CONTROL_ROUNDS = 10;

  /* ---------------- Counters -------------- */

  private static final int HOT_KEYS = 8;
  private static final int INCREMENTS_PER_THREAD = 10_000;

  /** How long a {@link Rendezvous} holds a thread inside a race window. */
  private static final Duration HOLD = Duration.ofMillis(2);

  /** One increment in this many holds its thread inside the function ({@link Rendezvous}). */
  private static final int HOLD_EVERY = 2048;

  /** One key in this many holds its first thread inside the race window ({@link Rendezvous}). */
  private static final int HOLD_EVERY_KEY = 64;

  /**
   * An increment through one of the map's read-modify-write methods. The function is {@code
   * Integer::sum} (or {@code v + 1}) plus a {@link Rendezvous}: now and then it waits, between the
   * map reading the old count and storing the new one, for another thread to read the same key.
   * A map that does not run the function atomically then loses an increment for sure.
   */
  enum Increment {
    MERGE {
      @Override
      void apply(Map<Integer, Integer> map, Integer key, Rendezvous window, boolean hold) {
        map.merge(key, 1, (a, b) -> {
          window.enter(key, hold);
          return Integer.sum(a, b);
        });
      }
    },
    COMPUTE {
      @Override
      void apply(Map<Integer, Integer> map, Integer key, Rendezvous window, boolean hold) {
        map.compute(key, (k, v) -> {
          window.enter(key, hold);
          return v == null ? 1 : v + 1;
        });
      }
    };

    abstract void apply(Map<Integer, Integer> map, Integer key, Rendezvous window, boolean hold);
  }

  /** Final counts of a counter race, or empty if the map could not even be read back. */
  record Counts(Optional<Map<Integer, Integer>> counts, Race.Outcome race) {
    boolean exact() {
      Map<Integer, Integer> expected = new HashMap<>();
      for (int k = 0; k < HOT_KEYS; k++) {
        expected.put(k, THREADS * INCREMENTS_PER_THREAD / HOT_KEYS);
      }
      return race.clean() && counts.equals(Optional.of(expected));
    }
  }

  /** {@value #THREADS} threads each increment {@value #HOT_KEYS} hot keys round robin. */
  static Counts countConcurrently(Map<Integer, Integer> map, Increment increment) {
    Rendezvous window = new Rendezvous(HOT_KEYS, HOLD);
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int offset = t;
      tasks.add(() -> {
        for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
          increment.apply(map, (i + offset) % HOT_KEYS, window, i % HOLD_EVERY == offset);
        }
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    return new Counts(race.clean() ? bounded(() -> new HashMap<>(map)) : Optional.empty(), race);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mapsAndIncrements")
  void concurrentIncrementsOnHotKeysAreNeverLost(MapImpl impl, Increment increment) {
    Counts counts = countConcurrently(impl.create(), increment);
    Race.assertClean(counts.race());
    assertThat(counts.exact()).as("counts %s", counts.counts()).isTrue();
  }

  static List<Arguments> mapsAndIncrements() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (Increment increment : Increment.values()) {
        args.add(Arguments.of(impl, increment));
      }
    }
    return args;
  }

  @Test
  void counterScenarioCatchesLostIncrementsOnHashMap() {
    Counts counts = untilAnomaly(
        () -> countConcurrently(new HashMap<>(), Increment.MERGE), c -> !c.exact(), Counts::race);
    assertThat(counts.exact())
        .as("HashMap.merge lost no increment in %d rounds: the scenario cannot fail",
            CONTROL_ROUNDS)
        .isFalse();
  }

  /* ---------------- computeIfAbsent -------------- */

  private static final int CIA_KEYS = 4_000;
  private static final int BLOCK = 64;

  /** Keys whose function ran other than once, keys whose callers saw different values. */
  record ComputeOnce(int keysNotComputedOnce, int keysWithDivergentValues, Race.Outcome race) {
    boolean exact() {
      return race.clean() && keysNotComputedOnce == 0 && keysWithDivergentValues == 0;
    }
  }

  /**
   * Every thread calls {@code computeIfAbsent} on the same keys in the same order. A thread that
   * falls behind finds the keys already there, catches up at full speed and collides with the
   * leader on the key the leader is computing. On one key in {@value #HOLD_EVERY_KEY} the first
   * function call also waits in a {@link Rendezvous} for a second one, which only a map that
   * lets two callers compute the same key can provide. The function counts its calls and returns
   * a fresh object, so every caller of a key must get that one object back.
   */
  static ComputeOnce computeIfAbsentConcurrently(Map<Integer, Object> map) {
    AtomicIntegerArray calls = new AtomicIntegerArray(CIA_KEYS);
    Rendezvous window = new Rendezvous(CIA_KEYS, HOLD);
    Object[][] seen = new Object[THREADS][CIA_KEYS];
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Object[] mine = seen[t];
      tasks.add(() -> {
        for (int k = 0; k < CIA_KEYS; k++) {
          int key = k;
          mine[k] = map.computeIfAbsent(key, unused -> {
            calls.incrementAndGet(key);
            if (key % HOLD_EVERY_KEY == 0) {
              window.enterFirstHolds(key);
            }
            return new Object();
          });
        }
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    if (!race.clean()) {
      return new ComputeOnce(-1, -1, race);
    }
    int notOnce = 0;
    int divergent = 0;
    for (int k = 0; k < CIA_KEYS; k++) {
      if (calls.get(k) != 1) {
        notOnce++;
      }
      for (int t = 1; t < THREADS; t++) {
        if (seen[t][k] != seen[0][k]) {
          divergent++;
          break;
        }
      }
    }
    return new ComputeOnce(notOnce, divergent, race);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void computeIfAbsentRunsFunctionOncePerKey(MapImpl impl) {
    Map<Integer, Object> map = impl.create();
    ComputeOnce outcome = computeIfAbsentConcurrently(map);
    Race.assertClean(outcome.race());
    assertThat(outcome.keysNotComputedOnce()).as("keys whose function ran other than once")
        .isZero();
    assertThat(outcome.keysWithDivergentValues()).as("keys whose callers saw different values")
        .isZero();
    assertThat(map).hasSize(CIA_KEYS);
  }

  @Test
  void computeIfAbsentScenarioCatchesRepeatedFunctionsOnHashMap() {
    // Sized for all keys: a HashMap resizing under racing writers may corrupt a bin into a
    // cycle and spin forever, and this control is about functions, not growth.
    ComputeOnce outcome = untilAnomaly(() -> computeIfAbsentConcurrently(
        new HashMap<>(2 * CIA_KEYS)), o -> !o.exact(), ComputeOnce::race);
    assertThat(outcome.exact())
        .as("HashMap.computeIfAbsent ran every function once in %d rounds: the scenario cannot"
            + " fail", CONTROL_ROUNDS)
        .isFalse();
  }

  /* ---------------- Growth -------------- */

  private static final int GROWTH_TOTAL = 100_000;
  private static final int GROWTH_PRESENT = 5_000;
  private static final int GROWTH_WRITERS = 2;
  private static final int GROWTH_READERS = 2;

  /** Reads made and missed, inserts lost and final size (-1 if the map could not be read). */
  record Growth(long reads, long missedReads, int lostInserts, int size, Race.Outcome race) {
    boolean anomalous() {
      return !race.clean() || missedReads > 0 || lostInserts != 0 || size != GROWTH_TOTAL;
    }
  }

  /**
   * Writers insert disjoint keys into a map created with capacity 1 until it holds {@value
   * #GROWTH_TOTAL} mappings, while readers keep looking up the {@value #GROWTH_PRESENT} keys
   * inserted before the race. The keys are random, so the keys present from the start lie all
   * over the table: a table that moves its bins one after another while readers already see the
   * new table (as HashMap does) then hides some of them from readers. Small sequential keys
   * would all sit in the first bins, be moved first, and let the test pass on a broken map.
   */
  static Growth growConcurrently(IntFunction<Map<Integer, Integer>> withCapacity, long seed) {
    Map<Integer, Integer> map = withCapacity.apply(1);
    int[] keys = distinctRandomKeys(GROWTH_TOTAL, seed);
    for (int i = 0; i < GROWTH_PRESENT; i++) {
      map.put(keys[i], ~keys[i]);
    }
    AtomicInteger writersLeft = new AtomicInteger(GROWTH_WRITERS);
    LongAdder reads = new LongAdder();
    LongAdder missed = new LongAdder();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<Runnable> tasks = new ArrayList<>();
    for (int w = 0; w < GROWTH_WRITERS; w++) {
      int first = GROWTH_PRESENT + w;
      tasks.add(() -> {
        try {
          for (int i = first; i < GROWTH_TOTAL; i += GROWTH_WRITERS) {
            map.put(keys[i], ~keys[i]);
          }
        } finally {
          writersLeft.decrementAndGet();
        }
      });
    }
    for (int r = 0; r < GROWTH_READERS; r++) {
      int start = r * (GROWTH_PRESENT / GROWTH_READERS);
      tasks.add(() -> {
        long n = 0;
        long miss = 0;
        try {
          do { // at least one full pass, then until the writers are done
            for (int j = 0; j < GROWTH_PRESENT; j++) {
              int key = keys[(start + j) % GROWTH_PRESENT];
              Integer value = map.get(key);
              n++;
              if (value == null || value != ~key) {
                miss++;
              }
            }
          } while (writersLeft.get() > 0 && System.nanoTime() < deadline);
        } finally {
          reads.add(n);
          missed.add(miss);
        }
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    int[] lostAndSize = {-1, -1};
    if (race.clean()) {
      lostAndSize = bounded(() -> {
        int lost = 0;
        for (int key : keys) {
          Integer value = map.get(key);
          if (value == null || value != ~key) {
            lost++;
          }
        }
        return new int[] {lost, map.size()};
      }).orElse(lostAndSize);
    }
    return new Growth(reads.sum(), missed.sum(), lostAndSize[0], lostAndSize[1], race);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void growthFromCapacityOneLosesNoInsertAndHidesNoKeyFromReaders(MapImpl impl) {
    Growth growth = growConcurrently(impl::create, 42);
    Race.assertClean(growth.race());
    assertThat(growth.missedReads()).as("reads of a key present all along that missed it, of %d",
        growth.reads()).isZero();
    assertThat(growth.lostInserts()).as("inserted keys missing at the end").isZero();
    assertThat(growth.size()).isEqualTo(GROWTH_TOTAL);
    assertThat(growth.reads()).isGreaterThanOrEqualTo(GROWTH_PRESENT * GROWTH_READERS);
  }

  @Test
  void growthScenarioCatchesMissedReadsOrLostInsertsOnHashMap() {
    AtomicInteger round = new AtomicInteger();
    Growth growth = untilAnomaly(
        () -> growConcurrently(HashMap::new, round.incrementAndGet()), Growth::anomalous,
        Growth::race);
    assertThat(growth.anomalous())
        .as("HashMap grew under readers without an anomaly in %d rounds: the scenario cannot"
            + " fail", CONTROL_ROUNDS)
        .isTrue();
  }

  /* ---------------- Iteration during writes -------------- */

  private static final int STABLE_KEYS = 2_000;
  private static final int CHURN_KEYS_PER_WRITER = 10_000;
  private static final int CHURN_ROUNDS = 3;
  private static final int CHURN_BASE = 1_000_000;

  /** Iterations made, iterations that broke the contract, and how the race ended. */
  record Iteration(int iterations, int badIterations, List<String> firstProblems,
      Race.Outcome race) {
    boolean anomalous() {
      return !race.clean() || badIterations > 0;
    }
  }

  /** The ways a map can be traversed; each must behave the same under concurrent writes. */
  enum Traversal {
    KEY_SET_ITERATOR {
      @Override
      void forEachKey(Map<Integer, Integer> map, KeyVisitor visitor) {
        for (Iterator<Integer> it = map.keySet().iterator(); it.hasNext(); ) {
          visitor.visit(it.next(), KEY_ONLY);
        }
      }
    },
    ENTRY_SET_ITERATOR {
      @Override
      void forEachKey(Map<Integer, Integer> map, KeyVisitor visitor) {
        for (Map.Entry<Integer, Integer> e : map.entrySet()) {
          visitor.visit(e.getKey(), e.getValue());
        }
      }
    },
    FOR_EACH {
      @Override
      void forEachKey(Map<Integer, Integer> map, KeyVisitor visitor) {
        map.forEach(visitor::visit);
      }
    },
    KEY_SET_STREAM {
      @Override
      void forEachKey(Map<Integer, Integer> map, KeyVisitor visitor) {
        map.keySet().stream().forEach(k -> visitor.visit(k, KEY_ONLY));
      }
    };

    abstract void forEachKey(Map<Integer, Integer> map, KeyVisitor visitor);
  }

  interface KeyVisitor {
    /** {@code value} is {@link #KEY_ONLY} when the traversal yields keys only. */
    void visit(Integer key, Integer value);
  }

  /** The value a key-only traversal reports: one the writers never store. */
  private static final Integer KEY_ONLY = Integer.MIN_VALUE;

  /**
   * Writers insert and remove their own churn keys (growing and shrinking the table) and update
   * the values of the stable keys, which stay present throughout. Iterating threads traverse the
   * map in every way again and again while the writers run; each traversal must not throw, must
   * yield every stable key exactly once, never a key that was never inserted, and never a null.
   * With {@code snapshots} it must also yield no key twice (a weakly consistent iterator may
   * show a key removed and inserted again twice).
   */
  static Iteration iterateDuringWrites(Supplier<Map<Integer, Integer>> create, boolean snapshots) {
    return iterateDuringWrites(create, snapshots, CHURN_KEYS_PER_WRITER);
  }

  /**
   * {@link #iterateDuringWrites(Supplier, boolean)} with {@code churnKeysPerWriter} churn keys per
   * writer instead of {@value #CHURN_KEYS_PER_WRITER}: for a map whose every write is a network
   * round trip (Hazelcast's {@code IMap}), where the full scenario takes most of its deadline.
   */
  static Iteration iterateDuringWrites(Supplier<Map<Integer, Integer>> create, boolean snapshots,
      int churnKeysPerWriter) {
    Map<Integer, Integer> map = create.get();
    for (int k = 0; k < STABLE_KEYS; k++) {
      map.put(k, k);
    }
    AtomicInteger writersLeft = new AtomicInteger(2);
    AtomicInteger iterations = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<Runnable> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int base = CHURN_BASE + w * churnKeysPerWriter;
      tasks.add(() -> {
        try {
          for (int round = 1; round <= CHURN_ROUNDS; round++) {
            for (int i = 0; i < churnKeysPerWriter; i++) {
              map.put(base + i, i);
              if ((i & 7) == 0) {
                map.put(i % STABLE_KEYS, i % STABLE_KEYS + STABLE_KEYS * round);
              }
            }
            for (int i = 0; i < churnKeysPerWriter; i++) {
              map.remove(base + i);
            }
          }
        } finally {
          writersLeft.decrementAndGet();
        }
      });
    }
    for (int r = 0; r < 2; r++) {
      int first = r;
      tasks.add(() -> {
        Traversal[] traversals = Traversal.values();
        int i = first;
        do {
          int[] seen = new int[STABLE_KEYS];
          Set<Integer> churnSeen = new HashSet<>();
          List<String> wrong = new ArrayList<>();
          Traversal traversal = traversals[i++ % traversals.length];
          traversal.forEachKey(map, (key, value) -> {
            if (key == null || value == null) {
              wrong.add("null key or value: " + key + "=" + value);
            } else if (key >= 0 && key < STABLE_KEYS) {
              seen[key]++;
              if (!value.equals(KEY_ONLY) && value % STABLE_KEYS != key) {
                wrong.add("value " + value + " never stored for " + key);
              }
            } else if (key < CHURN_BASE || key >= CHURN_BASE + 2 * churnKeysPerWriter) {
              wrong.add("key never inserted: " + key);
            } else if (!churnSeen.add(key) && snapshots) {
              wrong.add("key " + key + " seen twice");
            }
          });
          for (int k = 0; k < STABLE_KEYS; k++) {
            if (seen[k] != 1) {
              wrong.add("stable key " + k + " seen " + seen[k] + " times");
            }
          }
          iterations.incrementAndGet();
          if (!wrong.isEmpty()) {
            bad.incrementAndGet();
            if (problems.size() < 5) {
              problems.add(traversal + ": " + wrong.subList(0, Math.min(3, wrong.size())));
            }
          }
        } while (writersLeft.get() > 0 && System.nanoTime() < deadline);
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    return new Iteration(iterations.get(), bad.get(), List.copyOf(problems), race);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void iterationDuringWritesYieldsEveryStableKeyExactlyOnce(MapImpl impl) {
    Iteration iteration =
        iterateDuringWrites(impl::create, impl.has(Capability.SNAPSHOT_ITERATION));
    Race.assertClean(iteration.race());
    assertThat(iteration.badIterations()).as("traversals that broke the contract: %s",
        iteration.firstProblems()).isZero();
    assertThat(iteration.iterations()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void iterationScenarioCatchesFailuresOnHashMap() {
    // Sized for every key, so that the racing writers never resize it: a HashMap resized by two
    // threads at once can link a bin into a cycle and spin a thread forever.
    int allKeys = STABLE_KEYS + 2 * CHURN_KEYS_PER_WRITER;
    Iteration iteration = untilAnomaly(() -> iterateDuringWrites(
        () -> new HashMap<>(2 * allKeys), false), Iteration::anomalous, Iteration::race);
    assertThat(iteration.anomalous())
        .as("HashMap iterated under writers without an anomaly in %d rounds: the scenario"
            + " cannot fail", CONTROL_ROUNDS)
        .isTrue();
  }

  /* ---------------- Conditional writes: exactly one winner -------------- */

  private static final int CONTESTED_KEYS = 4_000;

  /**
   * A key or value of the contest. Equal tokens have equal ids; the hash is the contested key's
   * number. A token made with a {@link Rendezvous} enters it from {@code equals}, which a
   * conditional write calls between reading the current value and writing the new one: two
   * threads meeting there on a map without exclusion both see the old value and both win. Only
   * the first thread to enter a key's window holds there, and only on one key in {@value
   * #HOLD_EVERY_KEY}.
   */
  static final class Token {
    final int id;
    final int key;
    final Rendezvous window;

    Token(int id, int key, Rendezvous window) {
      this.id = id;
      this.key = key;
      this.window = window;
    }

    @Override
    public boolean equals(Object o) {
      if (window != null) {
        if (key % HOLD_EVERY_KEY == 0) {
          window.enterFirstHolds(key);
        } else {
          window.enter(key, false);
        }
      }
      return o instanceof Token && ((Token) o).id == id;
    }

    @Override
    public int hashCode() {
      return key;
    }

    @Override
    public String toString() {
      return "Token" + id;
    }
  }

  /** A conditional write that exactly one of several racing threads may win, per key. */
  enum ConditionalWrite {
    PUT_IF_ABSENT {
      @Override
      void prepare(Map<Token, Token> map, Contestants key) {}

      @Override
      boolean attempt(Map<Token, Token> map, Contestants key, int thread) {
        return map.putIfAbsent(key.key(), key.value(thread, false)) == null;
      }

      @Override
      boolean endsAsWon(Map<Token, Token> map, Contestants key, int winner) {
        return key.value(winner, false).equals(map.get(key.key()));
      }
    },
    REPLACE {
      @Override
      void prepare(Map<Token, Token> map, Contestants key) {
        map.put(key.key(), key.value(-1, true));
      }

      @Override
      boolean attempt(Map<Token, Token> map, Contestants key, int thread) {
        return map.replace(key.key(), key.value(-1, true), key.value(thread, false));
      }

      @Override
      boolean endsAsWon(Map<Token, Token> map, Contestants key, int winner) {
        return key.value(winner, false).equals(map.get(key.key()));
      }
    },
    REMOVE {
      @Override
      void prepare(Map<Token, Token> map, Contestants key) {
        map.put(key.key(), key.value(-1, true));
      }

      @Override
      boolean attempt(Map<Token, Token> map, Contestants key, int thread) {
        return map.remove(key.key(), key.value(-1, true));
      }

      @Override
      boolean endsAsWon(Map<Token, Token> map, Contestants key, int winner) {
        return !map.containsKey(key.key());
      }
    };

    abstract void prepare(Map<Token, Token> map, Contestants key);

    abstract boolean attempt(Map<Token, Token> map, Contestants key, int thread);

    /** Whether the key's final state is the one its single winner left. */
    abstract boolean endsAsWon(Map<Token, Token> map, Contestants key, int winner);
  }

  /** The tokens of contested key number {@code k}. */
  record Contestants(int k, Rendezvous window) {
    Token key() {
      return new Token(k, k, null);
    }

    /** A value; {@code inWindow} if the write compares it (the expected value). */
    Token value(int id, boolean inWindow) {
      return new Token(id, k, inWindow ? window : null);
    }
  }

  /** Keys not won exactly once, keys whose final state is not the winner's, the race. */
  record Contest(int keysWithoutOneWinner, int keysNotLeftByWinner, Race.Outcome race) {
    boolean exact() {
      return race.clean() && keysWithoutOneWinner == 0 && keysNotLeftByWinner == 0;
    }
  }

  /** All threads attempt the write on every key, block by block through a spin barrier. */
  static Contest contest(Map<Token, Token> map, ConditionalWrite write) {
    Rendezvous window = new Rendezvous(CONTESTED_KEYS, HOLD);
    Contestants[] keys = new Contestants[CONTESTED_KEYS];
    for (int k = 0; k < CONTESTED_KEYS; k++) {
      keys[k] = new Contestants(k, window);
      write.prepare(map, keys[k]);
    }
    boolean[][] won = new boolean[THREADS][CONTESTED_KEYS];
    Race.SpinBarrier barrier = new Race.SpinBarrier(THREADS, TIMEOUT);
    List<Runnable> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      tasks.add(barrier.party(() -> barrier.inLockstep(CONTESTED_KEYS, BLOCK,
          k -> won[thread][k] = write.attempt(map, keys[k], thread))));
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    if (!race.clean()) {
      return new Contest(-1, -1, race);
    }
    int notOne = 0;
    int[] winners = new int[CONTESTED_KEYS];
    for (int k = 0; k < CONTESTED_KEYS; k++) {
      int count = 0;
      for (int t = 0; t < THREADS; t++) {
        if (won[t][k]) {
          count++;
          winners[k] = t;
        }
      }
      if (count != 1) {
        notOne++;
        winners[k] = -1;
      }
    }
    int notLeft = bounded(() -> {
      int count = 0;
      for (int k = 0; k < CONTESTED_KEYS; k++) {
        if (winners[k] >= 0 && !write.endsAsWon(map, keys[k], winners[k])) {
          count++;
        }
      }
      return count;
    }).orElse(-1);
    return new Contest(notOne, notLeft, race);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mapsAndConditionalWrites")
  void exactlyOneThreadWinsEachConditionalWrite(MapImpl impl, ConditionalWrite write) {
    Contest contest = contest(impl.create(), write);
    Race.assertClean(contest.race());
    assertThat(contest.keysWithoutOneWinner()).as("keys won by zero or several threads").isZero();
    assertThat(contest.keysNotLeftByWinner()).as("keys not left as their winner wrote them")
        .isZero();
  }

  static List<Arguments> mapsAndConditionalWrites() {
    List<Arguments> args = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (ConditionalWrite write : ConditionalWrite.values()) {
        args.add(Arguments.of(impl, write));
      }
    }
    return args;
  }

  /**
   * No control for {@code putIfAbsent}: HashMap's calls no user code between finding the bin
   * empty and linking the new node, so no {@link Rendezvous} can hold a thread inside that
   * nanosecond window, and on a busy machine the race shows too rarely for a reliable control.
   * The two controls below run the same contest and counting code.
   */
  @ParameterizedTest
  @EnumSource(value = ConditionalWrite.class, names = {"REPLACE", "REMOVE"})
  void conditionalWriteScenarioCatchesSeveralWinnersOnHashMap(ConditionalWrite write) {
    Contest contest = untilAnomaly(
        () -> contest(new HashMap<>(2 * CONTESTED_KEYS), write), c -> !c.exact(), Contest::race);
    assertThat(contest.exact())
        .as("HashMap had exactly one winner per key in %d rounds: the scenario cannot fail",
            CONTROL_ROUNDS)
        .isFalse();
  }

  /* ---------------- Helpers -------------- */

  /**
   * Runs a negative-control scenario until it reports an anomaly, at most {@value
   * #CONTROL_ROUNDS} times. An exception counts as an anomaly only if the map threw it: one
   * thrown by the scenario's own code is a bug in the test, not a proof.
   */
  static <R> R untilAnomaly(Supplier<R> scenario, Predicate<R> anomalous,
      Function<R, Race.Outcome> race) {
    for (int round = 1; ; round++) {
      R outcome = scenario.get();
      for (Throwable e : race.apply(outcome).errors()) {
        boolean thrownByTheMap = e instanceof Race.BrokenBarrier
            || (e.getStackTrace().length > 0
                && e.getStackTrace()[0].getClassName().startsWith("java.util."));
        if (!thrownByTheMap) {
          throw new AssertionError("the scenario itself failed", e);
        }
      }
      if (anomalous.test(outcome) || round == CONTROL_ROUNDS) {
        return outcome;
      }
    }
  }

  /**
   * Calls {@code call} on a daemon thread and waits a bounded time: reading back a HashMap that
   * a race corrupted can loop forever. Empty if it threw or did not return in time.
   */
  static <T> Optional<T> bounded(Callable<T> call) {
    AtomicBoolean done = new AtomicBoolean();
    Object[] result = new Object[1];
    Race.Outcome outcome = Race.run(TIMEOUT, () -> {
      try {
        result[0] = call.call();
        done.set(true);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return outcome.clean() && done.get() ? Optional.ofNullable(value) : Optional.empty();
  }

  /** {@code n} distinct pseudo-random ints from {@code seed}, in the order drawn. */
  static int[] distinctRandomKeys(int n, long seed) {
    Random random = new Random(seed);
    Set<Integer> keys = new LinkedHashSet<>();
    while (keys.size() < n) {
      keys.add(random.nextInt());
    }
    return keys.stream().mapToInt(Integer::intValue).toArray();
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 4: reads never wait for a user function running on another thread, so two
 * threads that each run a function in one map and read the other map from it cannot deadlock.
 * Thread 1 runs {@code a.compute(k, f)} where {@code f} reads {@code b}; thread 2 runs {@code
 * b.compute(k, g)} where {@code g} reads {@code a}; each function first waits (bounded) until the
 * other thread is inside its own function, so both locks are held when the reads happen. Every
 * ordered pair of {@link MapImpl}s (same-type pairs included) and every outer operation that runs
 * a function is tried. The threads are daemons run through {@link Race}, so a deadlocked pair is
 * counted as hung and abandoned, never hangs the build.
 *
 * <p>The one exception, {@link ReadWriteLockMap#write}, whose readers wait by design, is shown
 * deadlocking here too, as a bounded test that frees itself.
 */
class CrossMapDeadlockTest {

  /** How long a pair may take; a healthy pair takes milliseconds. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Present in every map before the race: keys 0..9, value "v" + key. */
  private static final int PRESENT = 5;

  /** Absent from every map before the race (computeIfAbsent's key). */
  private static final int ABSENT = 100;

  /** The operations that run a user function under the map's lock, as the outer call. */
  enum Outer {
    COMPUTE(PRESENT) {
      @Override
      void run(ConcurrentMap<Integer, String> m, Runnable inside) {
        m.compute(PRESENT, (k, v) -> {
          inside.run();
          return v + "!";
        });
      }
    },
    COMPUTE_IF_ABSENT(ABSENT) {
      @Override
      void run(ConcurrentMap<Integer, String> m, Runnable inside) {
        m.computeIfAbsent(ABSENT, k -> {
          inside.run();
          return "new";
        });
      }
    },
    COMPUTE_IF_PRESENT(PRESENT) {
      @Override
      void run(ConcurrentMap<Integer, String> m, Runnable inside) {
        m.computeIfPresent(PRESENT, (k, v) -> {
          inside.run();
          return v + "!";
        });
      }
    },
    MERGE(PRESENT) {
      @Override
      void run(ConcurrentMap<Integer, String> m, Runnable inside) {
        m.merge(PRESENT, "!", (old, x) -> {
          inside.run();
          return old + x;
        });
      }
    },
    REPLACE_ALL(PRESENT) {
      @Override
      void run(ConcurrentMap<Integer, String> m, Runnable inside) {
        AtomicBoolean first = new AtomicBoolean(true);
        m.replaceAll((k, v) -> {
          if (first.getAndSet(false)) {
            inside.run();
          }
          return v + "!";
        });
      }
    };

    /** The key whose function runs. */
    final int key;

    Outer(int key) {
      this.key = key;
    }

    /** Runs the operation on {@code m}; its function calls {@code inside} once. */
    abstract void run(ConcurrentMap<Integer, String> m, Runnable inside);
  }

  /**
   * The reads a function makes of the other map, each checked against the state before that
   * map's own function (which has not returned yet, so has not taken effect).
   */
  enum Read {
    GET(m -> assertThat(m.get(PRESENT)).isEqualTo("v" + PRESENT)),
    CONTAINS_KEY(m -> assertThat(m.containsKey(PRESENT)).isTrue()),
    GET_OR_DEFAULT(m -> assertThat(m.getOrDefault(ABSENT, "none")).isEqualTo("none")),
    SIZE(m -> assertThat(m.size()).isEqualTo(10)),
    IS_EMPTY(m -> assertThat(m.isEmpty()).isFalse()),
    CONTAINS_VALUE(m -> assertThat(m.containsValue("v" + PRESENT)).isTrue()),
    KEY_SET_ITERATION(m -> assertThat(new ArrayList<>(m.keySet())).hasSize(10)),
    VALUES_ITERATION(m -> assertThat(new ArrayList<>(m.values())).contains("v" + PRESENT)),
    ENTRY_SET_ITERATION(m -> assertThat(new HashMap<>(m)).isEqualTo(filled())),
    FOR_EACH(m -> {
      List<Integer> keys = new ArrayList<>();
      m.forEach((k, v) -> keys.add(k));
      assertThat(keys).hasSize(10);
    }),
    EQUALS_HASH_CODE_TO_STRING(m -> {
      assertThat(m.equals(filled())).isTrue();
      assertThat(m.hashCode()).isEqualTo(filled().hashCode());
      assertThat(m.toString()).contains(PRESENT + "=v" + PRESENT);
    });

    final java.util.function.Consumer<ConcurrentMap<Integer, String>> check;

    Read(java.util.function.Consumer<ConcurrentMap<Integer, String>> check) {
      this.check = check;
    }
  }

  private static Map<Integer, String> filled() {
    Map<Integer, String> m = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      m.put(i, "v" + i);
    }
    return m;
  }

  private static ConcurrentMap<Integer, String> filled(MapImpl impl) {
    ConcurrentMap<Integer, String> m = impl.create();
    m.putAll(filled());
    return m;
  }

  static Stream<Arguments> pairsAndOuterOperations() {
    List<Arguments> all = new ArrayList<>();
    for (MapImpl a : MapImpl.values()) {
      for (MapImpl b : MapImpl.values()) {
        for (Outer op : Outer.values()) {
          all.add(Arguments.of(a, b, op));
        }
      }
    }
    return all.stream();
  }

  static Stream<Arguments> pairsAndReads() {
    List<Arguments> all = new ArrayList<>();
    for (MapImpl a : MapImpl.values()) {
      for (MapImpl b : MapImpl.values()) {
        for (Read read : Read.values()) {
          all.add(Arguments.of(a, b, read));
        }
      }
    }
    return all.stream();
  }

  /** The outer operation in both maps, each function making every read of the other map. */
  @ParameterizedTest(name = "{0} x {1}, {2}")
  @MethodSource("pairsAndOuterOperations")
  void functionsReadingEachOthersMapDoNotDeadlock(MapImpl implA, MapImpl implB, Outer op) {
    crossRead(implA, implB, op, List.of(Read.values()));
  }

  /** compute in both maps, each function making one kind of read of the other map. */
  @ParameterizedTest(name = "{0} x {1}, {2}")
  @MethodSource("pairsAndReads")
  void computeFunctionsMakingOneReadOfEachOthersMapDoNotDeadlock(
      MapImpl implA, MapImpl implB, Read read) {
    crossRead(implA, implB, Outer.COMPUTE, List.of(read));
  }

  private static void crossRead(MapImpl implA, MapImpl implB, Outer op, List<Read> reads) {
    ConcurrentMap<Integer, String> a = filled(implA);
    ConcurrentMap<Integer, String> b = filled(implB);
    CountDownLatch aInside = new CountDownLatch(1);
    CountDownLatch bInside = new CountDownLatch(1);
    CountDownLatch aRead = new CountDownLatch(1);
    CountDownLatch bRead = new CountDownLatch(1);
    // Each function stays inside until the other one has read too, so every read meets the
    // other map's function still running: it must return the state before that function.
    Race.Outcome outcome = Race.run(TIMEOUT,
        () -> op.run(a, () -> {
          aInside.countDown();
          awaitBounded(bInside); // both functions running: both maps' locks are held
          try {
            reads.forEach(r -> r.check.accept(b));
          } finally {
            aRead.countDown();
          }
          awaitBounded(bRead);
        }),
        () -> op.run(b, () -> {
          bInside.countDown();
          awaitBounded(aInside);
          try {
            reads.forEach(r -> r.check.accept(a));
          } finally {
            bRead.countDown();
          }
          awaitBounded(aRead);
        }));
    assertThat(outcome.clean())
        .as("%s.%s reading %s and %s.%s reading %s: %s", implA, op, implB, implB, op, implA,
            outcome)
        .isTrue();
    assertThat(a.get(op.key)).isIn(op == Outer.COMPUTE_IF_ABSENT ? "new" : "v" + PRESENT + "!");
    assertThat(b.get(op.key)).isIn(op == Outer.COMPUTE_IF_ABSENT ? "new" : "v" + PRESENT + "!");
  }

  /** Waits for the other party, but never for long: a map that serializes them must not hang. */
  private static void awaitBounded(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /* ---------------- A reader of a map whose function is blocked -------------- */

  static Stream<Arguments> mapsAndReads() {
    List<Arguments> all = new ArrayList<>();
    for (MapImpl impl : MapImpl.values()) {
      for (Read read : Read.values()) {
        all.add(Arguments.of(impl, read));
      }
    }
    return all.stream();
  }

  /**
   * While a compute function of the map is blocked (on a latch), a reader on another thread
   * returns promptly, with the state before the compute.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mapsAndReads")
  void readerOfAMapWhoseFunctionIsBlockedReturnsPromptlyWithThePreComputeState(
      MapImpl impl, Read read) throws Exception {
    ConcurrentMap<Integer, String> map = filled(impl);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = daemon(() -> map.compute(PRESENT, (k, v) -> {
      inside.countDown();
      awaitBounded(release, Duration.ofSeconds(30));
      return "new";
    }));
    try {
      assertThat(inside.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      FutureTask<Void> reader = new FutureTask<>(() -> read.check.accept(map), null);
      daemon(reader);
      try {
        reader.get(2, TimeUnit.SECONDS); // fails with TimeoutException if the read waits
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError(e.getCause());
      }
    } finally {
      release.countDown();
    }
    writer.join(TIMEOUT.toMillis());
    assertThat(map.get(PRESENT)).isEqualTo("new");
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "cross-map");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitBounded(CountDownLatch latch, Duration d) {
    try {
      latch.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /* ---------------- The exception: write(...) sections -------------- */

  /**
   * The pitfall that stays: two {@link ReadWriteLockMap#write} sections, each reading the other
   * map, deadlock, because a section's readers wait for it by design. Thread 1 makes its read of
   * {@code b} on a helper thread and gives up after a bound; the test asserts that the read did
   * not finish and that thread 2 was stuck too (the deadlock), and then that giving up (leaving
   * the section) frees everyone.
   */
  @Test
  void writeSectionsReadingEachOthersMapDeadlockUntilOneGivesUp() throws Exception {
    ReadWriteLockMap<Integer, String> a = new ReadWriteLockMap<>(filled());
    ReadWriteLockMap<Integer, String> b = new ReadWriteLockMap<>(filled());
    CountDownLatch aInside = new CountDownLatch(1);
    CountDownLatch bInside = new CountDownLatch(1);
    AtomicBoolean secondReadDone = new AtomicBoolean();
    AtomicBoolean deadlockSeen = new AtomicBoolean();
    AtomicReference<FutureTask<String>> helperRead = new AtomicReference<>();
    Race.Outcome outcome = Race.run(Duration.ofSeconds(20),
        () -> a.write(m -> {
          m.put(PRESENT, "a-section");
          aInside.countDown();
          awaitBounded(bInside);
          FutureTask<String> read = new FutureTask<>(() -> b.get(PRESENT));
          helperRead.set(read);
          daemon(read);
          try {
            read.get(1, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            // Our read of b waits for b's section, whose thread waits for ours: a deadlock.
            deadlockSeen.set(!secondReadDone.get());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return null; // give up: leaving the section lets the other thread's read finish
        }),
        () -> b.write(m -> {
          m.put(PRESENT, "b-section");
          bInside.countDown();
          awaitBounded(aInside);
          String seen = a.get(PRESENT); // waits for a's section, which waits for us
          secondReadDone.set(true);
          assertThat(seen).isEqualTo("a-section");
          return null;
        }));
    assertThat(outcome.clean()).as("%s", outcome).isTrue();
    assertThat(deadlockSeen).as("both sections were stuck on each other's map").isTrue();
    assertThat(helperRead.get().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("the abandoned read finishes once b's section ends").isEqualTo("b-section");
  }

  /* ---------------- Readers racing functions see no torn or wrong value -------------- */

  /** A value that names its key and a version; a reader checks both. */
  record Val(int key, int version) {}

  /**
   * A key whose {@code equals} is slow: a probe that matched a slot then loads its value a
   * while later, which widens the window in which an unvalidated probe of a table that reuses
   * dead slots would pair the key with another key's value (see DeadSlotReuseTest). Readers look
   * keys up with fresh instances, so that the probe calls {@code equals} rather than matching
   * by identity.
   */
  static final class SlowKey {
    final int id;

    SlowKey(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      for (int spin = 0; spin < 20; spin++) {
        Thread.onSpinWait();
      }
      return o instanceof SlowKey && ((SlowKey) o).id == id;
    }

    /** Eight keys share each hash code, so a removed key's slot is reused by its neighbours. */
    @Override
    public int hashCode() {
      return id >> 3;
    }

    @Override
    public String toString() {
      return "k" + id;
    }
  }

  private static final int TRACKED = 64;

  /** Churn keys: CHURN_FROM .. CHURN_FROM + CHURN - 1, never tracked. */
  private static final int CHURN_FROM = 1_000;
  private static final int CHURN = 1_000;

  /**
   * One round: writer threads run slow compute functions on the tracked keys (each writer its
   * own keys, bumping a version), another removes churn keys and inserts their hash-code twins
   * in the slots they leave, through functions too (computeIfPresent returning null to remove,
   * compute to insert: dead slots reused at once), while readers check that every tracked key
   * is present with its own key and a version that never goes back, and that a churn key is
   * absent or maps to its own value. Returns what the readers saw wrong. A FunctionLock that
   * returned its probe without validating it while a writer held the lock failed this check
   * ("churn key 1635 read as Val[key=1634, version=-1]" on ReadWriteLockMap).
   */
  private static Race.Outcome functionRace(Map<SlowKey, Val> map, Duration duration) {
    SlowKey[] keys = new SlowKey[CHURN_FROM + CHURN];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = new SlowKey(k);
    }
    for (int k = 0; k < TRACKED; k++) {
      map.put(keys[k], new Val(k, 0));
    }
    long end = System.nanoTime() + duration.toNanos();
    List<Runnable> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int first = w;
      tasks.add(() -> {
        while (System.nanoTime() < end) {
          for (int k = first; k < TRACKED; k += 2) {
            map.compute(keys[k], (key, v) -> {
              for (int spin = 0; spin < 50; spin++) {
                Thread.onSpinWait(); // a function slow enough for readers to meet it
              }
              return new Val(key.id, v.version() + 1);
            });
          }
        }
      });
    }
    tasks.add(() -> {
      // Pairs of churn keys (2j, 2j + 1) share a hash code: removing one and inserting the
      // other at once puts the new key into the slot the removed one just left.
      for (int k = CHURN_FROM; k < CHURN_FROM + CHURN; k += 2) {
        map.compute(keys[k], (key, v) -> new Val(key.id, -1));
      }
      for (int round = 0; System.nanoTime() < end; round++) {
        int from = round & 1;
        for (int k = CHURN_FROM; k < CHURN_FROM + CHURN; k += 2) {
          map.computeIfPresent(keys[k + from], (key, v) -> null);
          map.compute(keys[k + 1 - from], (key, v) -> new Val(key.id, -1));
        }
      }
    });
    for (int r = 0; r < 2; r++) {
      int offset = r * 397;
      tasks.add(() -> {
        int[] last = new int[TRACKED];
        while (System.nanoTime() < end) {
          for (int k = 0; k < TRACKED; k++) {
            Val v = map.get(new SlowKey(k));
            if (v == null || v.key() != k || v.version() < last[k]) {
              throw new AssertionError("key " + k + " read as " + v + " after version " + last[k]);
            }
            last[k] = v.version();
          }
          for (int i = 0; i < CHURN; i += 7) {
            int k = CHURN_FROM + (i + offset) % CHURN;
            Val v = map.get(new SlowKey(k));
            if (v != null && v.key() != k) {
              throw new AssertionError("churn key " + k + " read as " + v);
            }
          }
        }
      });
    }
    return Race.run(duration.plusSeconds(10), tasks);
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void readersRacingWritersThatRunFunctionsNeverSeeATornOrWrongValue(MapImpl impl) {
    Race.Outcome outcome = functionRace(impl.create(), Duration.ofSeconds(2));
    assertThat(outcome.clean()).as("%s", outcome).isTrue();
  }

  /**
   * Negative control: the same check against {@link HashMap}, a fresh one per round so that it
   * keeps resizing, fails (a reader misses a present key or sees a wrong value, or a thread gets
   * stuck in a corrupted bin).
   */
  @Test
  void theFunctionRaceCheckCatchesAHashMap() {
    Race.Outcome outcome = null;
    for (int round = 0; round < 20; round++) {
      outcome = functionRace(new HashMap<>(), Duration.ofMillis(500));
      if (!outcome.clean()) {
        break;
      }
    }
    assertThat(outcome.clean()).as("HashMap never failed the check").isFalse();
  }

  /* ---------------- Readers are not starved by writers that never pause -------------- */

  /**
   * Readers never queue for the lock, so they must still get through when writers keep it busy:
   * two writers hammer one hot key (plain puts and compute functions, never pausing) while a
   * reader makes gets of that key (same lock, or same stripe), exact sizes and whole
   * iterations. The reader must finish in bounded time, not livelock behind the writers.
   */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void readersFinishWhileWritersHammerTheSameLock(MapImpl impl) {
    ConcurrentMap<Integer, String> map = impl.create();
    map.putAll(filled());
    for (int i = 10; i < 1_000; i++) {
      map.put(i, "v" + i);
    }
    AtomicBoolean stop = new AtomicBoolean();
    Runnable writer = () -> {
      for (int i = 0; !stop.get(); i++) {
        if ((i & 1) == 0) {
          map.put(PRESENT, "p" + i);
        } else {
          map.compute(PRESENT, (k, v) -> "c" + v.length());
        }
      }
    };
    Runnable reader = () -> {
      try {
        for (int i = 0; i < 20_000; i++) {
          assertThat(map.get(PRESENT)).isNotNull();
        }
        for (int i = 0; i < 200; i++) {
          assertThat(map.size()).isEqualTo(1_000);
        }
        for (int i = 0; i < 50; i++) {
          assertThat(new ArrayList<>(map.keySet())).hasSize(1_000);
        }
      } finally {
        stop.set(true);
      }
    };
    Race.Outcome outcome = Race.run(Duration.ofSeconds(30), writer, writer, reader);
    stop.set(true);
    assertThat(outcome.clean()).as("%s", outcome).isTrue();
  }
}

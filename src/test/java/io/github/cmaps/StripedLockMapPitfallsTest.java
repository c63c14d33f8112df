package io.github.cmaps;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The hazards of a lock-per-stripe map: user functions that throw, that call back into the map
 * (same key, same stripe, other stripe), that run in two threads reading each other's stripes,
 * and forEach actions or iteration loops that write. None may deadlock, corrupt the map or leave
 * a lock held. Every test is bounded: a deadlock fails it instead of hanging the build.
 */
class StripedLockMapPitfallsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final int STRIPES = 16;
  static final int PRESENT = 7;
  static final int ABSENT = 1_000;

  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "pitfalls-test");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  static StripedLockMap<Integer, String> filledMap() {
    StripedLockMap<Integer, String> map = new StripedLockMap<>(0, STRIPES);
    for (int i = 0; i < 100; i++) {
      map.put(i, "v" + i);
    }
    return map;
  }

  static int keyInSameStripe(StripedLockMap<Integer, ?> map, int key) {
    return StripedLockMapStripingTest.firstKey(
        k -> k != key && map.stripeIndexOf(k) == map.stripeIndexOf(key));
  }

  static int keyInOtherStripe(StripedLockMap<Integer, ?> map, int key) {
    return StripedLockMapStripingTest.firstKey(k -> map.stripeIndexOf(k) != map.stripeIndexOf(key));
  }

  /** A call of the compute family whose function first runs {@code body}. */
  record Call(String name, Consumer<StripedLockMap<Integer, String>> body) {}

  /** Each compute-family call, with a function that runs {@code inside} and then succeeds. */
  static List<Call> calls(Consumer<StripedLockMap<Integer, String>> inside) {
    List<Call> calls = new ArrayList<>();
    calls.add(new Call("compute", m -> m.compute(PRESENT, (k, v) -> {
      inside.accept(m);
      return "new";
    })));
    calls.add(new Call("compute(absent)", m -> m.compute(ABSENT, (k, v) -> {
      inside.accept(m);
      return "new";
    })));
    calls.add(new Call("computeIfAbsent", m -> m.computeIfAbsent(ABSENT, k -> {
      inside.accept(m);
      return "new";
    })));
    calls.add(new Call("computeIfPresent", m -> m.computeIfPresent(PRESENT, (k, v) -> {
      inside.accept(m);
      return "new";
    })));
    calls.add(new Call("merge", m -> m.merge(PRESENT, "x", (a, b) -> {
      inside.accept(m);
      return a + b;
    })));
    calls.add(new Call("replaceAll", m -> m.replaceAll((k, v) -> {
      inside.accept(m);
      return "new";
    })));
    return calls;
  }

  /** Writes a function might attempt, each named. */
  static Map<String, Consumer<StripedLockMap<Integer, String>>> writes() {
    Map<String, Consumer<StripedLockMap<Integer, String>>> writes = new HashMap<>();
    writes.put("put(same key)", m -> m.put(PRESENT, "w"));
    writes.put("put(key of the same stripe)", m -> m.put(keyInSameStripe(m, PRESENT), "w"));
    writes.put("put(key of another stripe)", m -> m.put(keyInOtherStripe(m, PRESENT), "w"));
    writes.put("remove(key of another stripe)", m -> m.remove(keyInOtherStripe(m, PRESENT)));
    writes.put("putIfAbsent(new key)", m -> m.putIfAbsent(ABSENT + 1, "w"));
    writes.put("computeIfAbsent(new key)", m -> m.computeIfAbsent(ABSENT + 1, k -> "w"));
    writes.put("merge(other key)", m -> m.merge(0, "w", String::concat));
    writes.put("clear()", m -> m.clear());
    writes.put("putAll(...)", m -> m.putAll(Map.of(ABSENT + 2, "w")));
    writes.put("keySet().remove(...)", m -> m.keySet().remove(0));
    writes.put("entry.setValue(...)", m -> m.entrySet().iterator().next().setValue("w"));
    return writes;
  }

  /** The lock of every stripe is free: another thread, then this one, can write each key. */
  void assertAllStripesUnlocked(StripedLockMap<Integer, String> map) throws Exception {
    Future<?> other = pool.submit(() -> {
      for (int i = 0; i < 5 * STRIPES; i++) {
        map.merge(i, "", String::concat);
      }
    });
    other.get(TIMEOUT.toSeconds(), SECONDS);
    for (int i = 0; i < 5 * STRIPES; i++) {
      map.merge(i, "", String::concat);
    }
  }

  @TestFactory
  Stream<DynamicTest> aFunctionThatWritesToItsMapGetsIllegalStateAndChangesNothing() {
    List<DynamicTest> tests = new ArrayList<>();
    writes().forEach((writeName, write) -> {
      for (Call call : calls(write)) {
        tests.add(DynamicTest.dynamicTest(call.name() + " whose function does " + writeName,
            () -> assertTimeoutPreemptively(TIMEOUT, () -> {
              StripedLockMap<Integer, String> map = filledMap();
              Map<Integer, String> before = new HashMap<>(map);
              assertThatThrownBy(() -> call.body().accept(map))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("must not write");
              assertThat(map).isEqualTo(before);
              assertAllStripesUnlocked(map);
            })));
      }
    });
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> aThrowingFunctionLeavesTheMapUnchangedAndTheLockReleased() {
    RuntimeException boom = new IllegalArgumentException("boom");
    return calls(m -> {
          throw boom;
        })
        .stream()
        .map(call -> DynamicTest.dynamicTest(call.name(),
            () -> assertTimeoutPreemptively(TIMEOUT, () -> {
              StripedLockMap<Integer, String> map = filledMap();
              Map<Integer, String> before = new HashMap<>(map);
              assertThat(catchThrowable(() -> call.body().accept(map))).isSameAs(boom);
              assertThat(map).isEqualTo(before);
              assertAllStripesUnlocked(map);
            })));
  }

  @Test
  void replaceAllThatThrowsMidwayLeavesEachStripeWhollyOldOrWhollyNew() {
    assertEachStripeWhollyOldOrWhollyNewAfter(calls -> {
      if (calls == 50) {
        throw new IllegalArgumentException("boom");
      }
      return "new";
    }, IllegalArgumentException.class);
  }

  @Test
  void replaceAllWhoseFunctionReturnsNullMidwayLeavesEachStripeWhollyOldOrWhollyNew() {
    assertEachStripeWhollyOldOrWhollyNewAfter(
        calls -> calls == 50 ? null : "new", NullPointerException.class);
  }

  void assertEachStripeWhollyOldOrWhollyNewAfter(
      java.util.function.IntFunction<String> function, Class<? extends Throwable> thrown) {
    StripedLockMap<Integer, String> map = filledMap();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> map.replaceAll((k, v) -> function.apply(calls.incrementAndGet())))
        .isInstanceOf(thrown);
    Map<Integer, Boolean> stripeReplaced = new HashMap<>();
    map.forEach((k, v) -> {
      boolean replaced = v.equals("new");
      Boolean other = stripeReplaced.putIfAbsent(map.stripeIndexOf(k), replaced);
      assertThat(other == null || other == replaced).as("stripe of key %d is half done", k).isTrue();
    });
    assertThat(stripeReplaced).containsValue(true).containsValue(false);
  }

  @Test
  void aFunctionReadsTheMapWithoutErrorsAndSeesTheStateBeforeTheCall() {
    assertTimeoutPreemptively(TIMEOUT, () -> {
      StripedLockMap<Integer, String> map = filledMap();
      int same = keyInSameStripe(map, PRESENT);
      int other = keyInOtherStripe(map, PRESENT);
      Map<Integer, String> before = new HashMap<>(map);
      map.compute(PRESENT, (k, v) -> {
        assertThat(map.get(PRESENT)).isEqualTo(v).isEqualTo("v" + PRESENT);
        assertThat(map.get(same)).isEqualTo("v" + same);
        assertThat(map.get(other)).isEqualTo("v" + other);
        assertThat(map.containsKey(ABSENT)).isFalse();
        assertThat(map.getOrDefault(ABSENT, "d")).isEqualTo("d");
        assertThat(map.computeIfAbsent(other, x -> "never")).isEqualTo("v" + other);
        assertThat(map.size()).isEqualTo(100);
        assertThat(map.isEmpty()).isFalse();
        assertThat(map.containsValue("v3")).isTrue();
        assertThat(new HashMap<>(map)).isEqualTo(before);
        assertThat(map).isEqualTo(before);
        assertThat(map.hashCode()).isEqualTo(before.hashCode());
        assertThat(map.toString()).contains(PRESENT + "=v" + PRESENT);
        AtomicInteger seen = new AtomicInteger();
        map.forEach((a, b) -> seen.incrementAndGet());
        assertThat(seen).hasValue(100);
        return "new";
      });
      assertThat(map.get(PRESENT)).isEqualTo("new");
    });
  }

  /**
   * Two threads each run a function under one stripe lock and, while both locks are held, read
   * and traverse the other's stripe. A map whose reads wait for the writer would deadlock here.
   */
  @Test
  void functionsInTwoThreadsReadingEachOthersStripesDoNotDeadlock() throws Exception {
    StripedLockMap<Integer, String> map = filledMap();
    int a = PRESENT;
    int b = keyInOtherStripe(map, a);
    CyclicBarrier bothInside = new CyclicBarrier(2);
    Future<String> first = pool.submit(() -> map.compute(a, (k, v) -> {
      await(bothInside);
      assertThat(map.get(b)).isEqualTo("v" + b);
      assertThat(map.toString()).contains(b + "=v" + b);
      await(bothInside); // keep both locks held until both have read
      return "A";
    }));
    Future<String> second = pool.submit(() -> map.compute(b, (k, v) -> {
      await(bothInside);
      assertThat(map.get(a)).isEqualTo("v" + a);
      assertThat(map.keySet()).contains(a);
      await(bothInside);
      return "B";
    }));
    assertThat(first.get(TIMEOUT.toSeconds(), SECONDS)).isEqualTo("A");
    assertThat(second.get(TIMEOUT.toSeconds(), SECONDS)).isEqualTo("B");
    assertThat(map).containsEntry(a, "A").containsEntry(b, "B").hasSize(100);
  }

  static void await(CyclicBarrier barrier) {
    try {
      barrier.await(TIMEOUT.toSeconds(), SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aForEachActionMayWriteToTheMap() {
    assertTimeoutPreemptively(TIMEOUT, () -> {
      StripedLockMap<Integer, String> map = filledMap();
      // The traversal may or may not reach the keys the action adds: those are negative and
      // left alone.
      map.forEach((k, v) -> {
        if (k >= 0) {
          map.remove(k);
          map.put(-k - 1, v);
          map.compute(-k - 1, (x, old) -> old + "!");
        }
      });
      assertThat(map).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(map).doesNotContainKey(i);
        assertThat(map.get(-i - 1)).isEqualTo("v" + i + "!");
      }
    });
  }

  @Test
  void anIterationLoopMayWriteToTheMap() {
    assertTimeoutPreemptively(TIMEOUT, () -> {
      StripedLockMap<Integer, String> map = filledMap();
      for (Iterator<Map.Entry<Integer, String>> it = map.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Integer, String> e = it.next();
        if (e.getKey() % 2 == 0) {
          it.remove();
        } else {
          e.setValue("odd");
          map.merge(-e.getKey(), "x", String::concat);
          map.clear(); // every stripe, the ones behind and ahead of the iterator
          map.put(e.getKey(), "kept");
        }
      }
      assertThat(map.values()).containsOnly("kept");
    });
  }

  @Test
  void computeIfAbsentRunsItsFunctionOncePerKeyUnderContention() throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>(0, 4);
    AtomicInteger calls = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<?>> racers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      racers.add(pool.submit(() -> {
        await(start);
        for (int k = 0; k < 20_000; k++) {
          map.computeIfAbsent(k, x -> calls.incrementAndGet());
          map.merge(-1, 1, Integer::sum);
          map.compute(-2, (x, old) -> old == null ? 1 : old + 1);
        }
      }));
    }
    for (Future<?> f : racers) {
      f.get(TIMEOUT.toSeconds(), SECONDS);
    }
    assertThat(calls).hasValue(20_000);
    assertThat(map.get(-1)).isEqualTo(40_000);
    assertThat(map.get(-2)).isEqualTo(40_000);
  }

  @Test
  void nullKeysValuesAndFunctionsAreRefusedAndChangeNothing() {
    StripedLockMap<Integer, String> map = filledMap();
    Map<Integer, String> before = new HashMap<>(map);
    List<Runnable> nulls = List.of(
        () -> map.put(null, "x"),
        () -> map.put(1, null),
        () -> map.putIfAbsent(ABSENT, null),
        () -> map.get(null),
        () -> map.containsKey(null),
        () -> map.containsValue(null),
        () -> map.remove(null),
        () -> map.replace(1, null),
        () -> map.replace(1, "v1", null),
        () -> map.compute(null, (k, v) -> "x"),
        () -> map.compute(1, null),
        () -> map.computeIfAbsent(ABSENT, null),
        () -> map.merge(1, null, String::concat),
        () -> map.merge(1, "x", null),
        () -> map.forEach(null),
        () -> {
          Map<Integer, String> withNull = new HashMap<>();
          withNull.put(ABSENT + 1, "x");
          withNull.put(ABSENT + 2, null);
          map.putAll(withNull);
        });
    for (int i = 0; i < nulls.size(); i++) {
      assertThatThrownBy(nulls.get(i)::run).as("case %d", i).isInstanceOf(NullPointerException.class);
      assertThat(map).as("case %d", i).isEqualTo(before);
    }
    assertThat(map.remove(1, null)).isFalse();
    assertThat(map).isEqualTo(before);
  }
}

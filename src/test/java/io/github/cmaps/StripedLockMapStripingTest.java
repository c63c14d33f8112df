package io.github.cmaps;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What striping promises: writes to different stripes run in parallel, a stripe blocks only its
 * own keys, a stripe grows on its own, any legal stripe count behaves as a map, and illegal ones
 * are refused.
 */
class StripedLockMapStripingTest {

  /** Every wait in this class is bounded by this; none is expected to come close. */
  static final long TIMEOUT_SECONDS = 20;

  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "striping-test");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  static int firstKey(IntPredicate p) {
    for (int k = 0; ; k++) {
      if (p.test(k)) {
        return k;
      }
    }
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_SECONDS, SECONDS)) {
        throw new AssertionError("latch not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code t} is parked (on a lock, here), failing after the timeout. */
  static void awaitParked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + SECONDS.toNanos(TIMEOUT_SECONDS);
    while (t.getState() != Thread.State.WAITING) {
      assertThat(t.isAlive()).as("writer finished although its stripe was locked").isTrue();
      assertThat(System.nanoTime()).as("writer never blocked").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  @Test
  void computeBlockedInOneStripeLetsOtherStripesWriteButBlocksWritersOfItsStripe()
      throws Exception {
    StripedLockMap<Integer, String> map = new StripedLockMap<>(16, 16);
    int a = 0;
    int otherStripe = firstKey(k -> map.stripeIndexOf(k) != map.stripeIndexOf(a));
    int sameStripe = firstKey(k -> k != a && map.stripeIndexOf(k) == map.stripeIndexOf(a));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    Future<String> computing = pool.submit(() -> map.compute(a, (k, v) -> {
      entered.countDown();
      await(release);
      return "a";
    }));
    await(entered);

    // A key of another stripe: the put completes while A's stripe is locked.
    assertThat(pool.submit(() -> map.put(otherStripe, "b")).get(TIMEOUT_SECONDS, SECONDS))
        .isNull();
    assertThat(map.get(otherStripe)).isEqualTo("b");
    assertThat(computing.isDone()).as("the compute is still blocked").isFalse();

    // A key of A's stripe: the writer parks until the compute's function returns.
    Thread writer = new Thread(() -> map.put(sameStripe, "c"), "same-stripe-writer");
    writer.setDaemon(true);
    writer.start();
    awaitParked(writer);
    assertThat(map.containsKey(otherStripe)).isTrue(); // reads of other stripes go on too

    release.countDown();
    assertThat(computing.get(TIMEOUT_SECONDS, SECONDS)).isEqualTo("a");
    writer.join(SECONDS.toMillis(TIMEOUT_SECONDS));
    assertThat(writer.isAlive()).isFalse();
    assertThat(map).containsEntry(a, "a").containsEntry(sameStripe, "c").hasSize(3);
  }

  @Test
  void aStripeGrowsOnItsOwnWhileAnotherStripeIsLocked() throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>(0, 8);
    int locked = 0;
    int lockedStripe = map.stripeIndexOf(locked);
    int growingStripe = (lockedStripe + 1) & 7;
    int lockedCapacity = map.tableCapacityOf(lockedStripe);
    int growingCapacity = map.tableCapacityOf(growingStripe);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> computing = pool.submit(() -> map.compute(locked, (k, v) -> {
      entered.countDown();
      await(release);
      return 0;
    }));
    await(entered);

    Future<Integer> filling = pool.submit(() -> {
      int n = 0;
      for (int k = 1; n < 20_000; k++) {
        if (map.stripeIndexOf(k) == growingStripe) {
          map.put(k, k);
          n++;
        }
      }
      return n;
    });
    assertThat(filling.get(TIMEOUT_SECONDS, SECONDS)).isEqualTo(20_000);
    assertThat(growingCapacity).isLessThan(OpenTable.capacityFor(20_000));
    assertThat(map.tableCapacityOf(growingStripe))
        .isGreaterThanOrEqualTo(OpenTable.capacityFor(20_000));
    assertThat(map.tableCapacityOf(lockedStripe)).isEqualTo(lockedCapacity);
    assertThat(map.size()).isEqualTo(20_000);

    release.countDown();
    computing.get(TIMEOUT_SECONDS, SECONDS);
    assertThat(map.size()).isEqualTo(20_001);
  }

  @Test
  void sizeIsExactAfterConcurrentWritersFinish() throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>();
    Future<?> evens = pool.submit(() -> {
      for (int i = 0; i < 100_000; i += 2) {
        map.put(i, i);
      }
      for (int i = 0; i < 100_000; i += 4) {
        map.remove(i);
      }
    });
    Future<?> odds = pool.submit(() -> {
      for (int i = 1; i < 100_000; i += 2) {
        map.merge(i, 1, Integer::sum);
      }
    });
    evens.get(TIMEOUT_SECONDS, SECONDS);
    odds.get(TIMEOUT_SECONDS, SECONDS);
    assertThat(map.size()).isEqualTo(50_000 + 25_000);
    assertThat(map.isEmpty()).isFalse();
    map.clear();
    assertThat(map.size()).isZero();
    assertThat(map.isEmpty()).isTrue();
  }

  @Test
  void keysSpreadOverStripesEvenWhenHashCodesDifferOnlyInHighOrLowBits() {
    StripedLockMap<Object, Object> map = new StripedLockMap<>(0, 64);
    Set<Integer> lowBitsOnly = new HashSet<>();
    Set<Integer> highBitsOnly = new HashSet<>();
    for (int i = 0; i < 1024; i++) {
      lowBitsOnly.add(map.stripeIndexOf(i));
      highBitsOnly.add(map.stripeIndexOf(new FixedHash(i << 20)));
    }
    assertThat(lowBitsOnly).hasSize(64);
    assertThat(highBitsOnly).hasSize(64);
  }

  /** A key whose hashCode is given. */
  record FixedHash(int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Test
  void illegalCapacitiesAndStripeCountsAreRefused() {
    assertThatThrownBy(() -> new StripedLockMap<>(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StripedLockMap<>(-1, 4))
        .isInstanceOf(IllegalArgumentException.class);
    for (int stripes : new int[] {0, -1, -4, 3, 6, 1000, StripedLockMap.MAX_STRIPES * 2,
        Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> new StripedLockMap<>(16, stripes))
          .as("stripes = %d", stripes)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(new StripedLockMap<>(0, 1).stripeCount()).isEqualTo(1);
    assertThat(new StripedLockMap<>(0, StripedLockMap.MAX_STRIPES).stripeCount())
        .isEqualTo(StripedLockMap.MAX_STRIPES);
  }

  @Test
  void defaultStripeCountIsAPowerOfTwoOfAtLeastTheChosenNumberPerProcessorUpToTheCap() {
    int stripes = new StripedLockMap<>().stripeCount();
    int cpus = Runtime.getRuntime().availableProcessors();
    assertThat(Integer.bitCount(stripes)).isEqualTo(1);
    assertThat(stripes).isLessThanOrEqualTo(StripedLockMap.MAX_DEFAULT_STRIPES);
    int perCpu = StripedLockMap.DEFAULT_STRIPES_PER_CPU;
    assertThat(stripes)
        .isGreaterThanOrEqualTo(Math.min(perCpu * cpus, StripedLockMap.MAX_DEFAULT_STRIPES));
    assertThat(stripes).isLessThan(2 * perCpu * cpus);
  }

  /**
   * A random sequence of every kind of operation, checked step by step against a {@link
   * HashMap}, for the smallest and the largest stripe counts and two in between.
   */
  @ParameterizedTest(name = "stripes = {0}")
  @ValueSource(ints = {1, 2, 16, StripedLockMap.MAX_STRIPES})
  void behavesLikeAHashMapForAnyStripeCount(int stripes) throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>(0, stripes);
    Map<Integer, Integer> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(stripes);
    for (int step = 0; step < 60_000; step++) {
      Integer k = random.nextInt(2_000);
      Integer v = random.nextInt(100);
      Object got;
      Object want;
      switch (random.nextInt(12)) {
        case 0 -> {
          got = map.put(k, v);
          want = expected.put(k, v);
        }
        case 1 -> {
          got = map.remove(k);
          want = expected.remove(k);
        }
        case 2 -> {
          got = map.get(k);
          want = expected.get(k);
        }
        case 3 -> {
          got = map.putIfAbsent(k, v);
          want = expected.putIfAbsent(k, v);
        }
        case 4 -> {
          got = map.remove(k, v);
          want = expected.remove(k, v);
        }
        case 5 -> {
          got = map.replace(k, v);
          want = expected.replace(k, v);
        }
        case 6 -> {
          got = map.replace(k, v, v + 1);
          want = expected.replace(k, v, v + 1);
        }
        case 7 -> {
          got = map.computeIfAbsent(k, x -> v == 0 ? null : v);
          want = expected.computeIfAbsent(k, x -> v == 0 ? null : v);
        }
        case 8 -> {
          got = map.computeIfPresent(k, (x, old) -> old + v > 150 ? null : old + v);
          want = expected.computeIfPresent(k, (x, old) -> old + v > 150 ? null : old + v);
        }
        case 9 -> {
          got = map.compute(k, (x, old) -> old == null ? v : (v < 30 ? null : old - v));
          want = expected.compute(k, (x, old) -> old == null ? v : (v < 30 ? null : old - v));
        }
        case 10 -> {
          got = map.merge(k, v, (a, b) -> a + b > 150 ? null : a + b);
          want = expected.merge(k, v, (a, b) -> a + b > 150 ? null : a + b);
        }
        default -> {
          got = map.getOrDefault(k, -1);
          want = expected.getOrDefault(k, -1);
        }
      }
      assertThat(got).as("step %d", step).isEqualTo(want);
      if (step % 5_000 == 0) {
        assertThat(map.size()).isEqualTo(expected.size());
      }
    }
    assertThat(map).isEqualTo(expected);
    assertThat(expected).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(expected.hashCode());
    assertThat(new HashSet<>(map.keySet())).isEqualTo(expected.keySet());
    assertThat(map.containsValue(expected.values().iterator().next())).isTrue();
    assertThat(map.containsValue(-12345)).isFalse();

    map.replaceAll((k, v) -> v + k);
    expected.replaceAll((k, v) -> v + k);
    assertThat(map).isEqualTo(expected);

    for (Iterator<Map.Entry<Integer, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, Integer> e = it.next();
      if (e.getKey() % 3 == 0) {
        it.remove();
      } else {
        e.setValue(-e.getValue());
      }
    }
    expected.keySet().removeIf(k -> k % 3 == 0);
    expected.replaceAll((k, v) -> -v);
    assertThat(map).isEqualTo(expected);

    assertThat(roundTrip(map)).isInstanceOf(StripedLockMap.class).isEqualTo(expected);
    map.clear();
    assertThat(map).isEmpty();
    assertThat(map.toString()).isEqualTo("{}");
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T object) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}

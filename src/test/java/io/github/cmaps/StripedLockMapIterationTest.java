package io.github.cmaps;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Weakly consistent iteration over stripes: under concurrent writers an iterator never throws,
 * returns every mapping that exists throughout the iteration exactly once, and never returns a
 * key twice.
 */
class StripedLockMapIterationTest {

  static final int STABLE = 20_000;

  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "churn");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
  }

  @Test
  void iteratorsUnderConcurrentWritesReturnEachStableMappingExactlyOnce() throws Exception {
    StripedLockMap<Integer, Integer> map = new StripedLockMap<>(0, 8);
    for (int i = 0; i < STABLE; i++) {
      map.put(i, i);
    }
    AtomicBoolean stop = new AtomicBoolean();
    // Churn: keys above STABLE come and go (forcing rebuilds of every stripe), stable keys only
    // get new equal-in-key values.
    Future<?> churn = pool.submit(() -> {
      for (int round = 0; !stop.get(); round++) {
        for (int i = 0; i < 5_000; i++) {
          map.put(STABLE + i, round);
        }
        for (int i = 0; i < 5_000; i++) {
          map.remove(STABLE + i);
        }
        map.replace(round % STABLE, round % STABLE);
      }
    });
    try {
      for (int pass = 0; pass < 20; pass++) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (Iterator<Map.Entry<Integer, Integer>> it = map.entrySet().iterator();
            it.hasNext(); ) {
          Map.Entry<Integer, Integer> e = it.next();
          assertThat(seen.put(e.getKey(), e.getValue())).as("key %s twice", e.getKey()).isNull();
        }
        for (int i = 0; i < STABLE; i++) {
          assertThat(seen).containsEntry(i, i);
        }
        int[] forEachCount = new int[1];
        map.forEach((k, v) -> {
          if (k < STABLE) {
            forEachCount[0]++;
          }
        });
        assertThat(forEachCount[0]).isEqualTo(STABLE);
      }
    } finally {
      stop.set(true);
    }
    churn.get(20, SECONDS);
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When a plain {@code HashMap} may be shared without a lock: it is complete before the readers
 * start ({@code Thread.start} orders the builder's writes before every reader's first action) and
 * nobody writes to it afterwards. Reads alone are not a data race, in Java as in Go.
 *
 * <p>The control runs the same readers while one thread keeps inserting other keys, and must see
 * them miss present keys; without it, a clean run of the first test would show nothing about the
 * readers' ability to notice a miss. {@code docs/from-go.md}, rows 2.3, 4.3 and 4.4.
 */
class ReadOnlySharingTest {

  private static final int PRESENT = 20_000;
  private static final int READERS = 2;
  private static final int PASSES = 50;
  /** Inserted by the control's writer: the map then doubles four times while readers read. */
  private static final int INSERTED = 200_000;
  private static final int CONTROL_ROUNDS = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * Distinct keys outside the {@code Integer} cache, scattered over the table like real ones
   * (multiplying by an odd constant is a bijection of {@code int}).
   */
  private static Integer[] keys(int from, int count) {
    Integer[] keys = new Integer[count];
    for (int i = 0; i < count; i++) {
      keys[i] = (from + i + 1_000) * 0x9E3779B1;
    }
    return keys;
  }

  /** Readers that look up every present key and count lookups that did not return its value. */
  private static List<Runnable> readers(
      Map<Integer, Integer> map, Integer[] present, AtomicLong misses, AtomicBoolean stop) {
    List<Runnable> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      readers.add(
          () -> {
            int passes = 0;
            do {
              for (Integer key : present) {
                Integer value = map.get(key);
                if (value == null || value != ~key) {
                  misses.incrementAndGet();
                }
              }
              passes++;
            } while (stop == null ? passes < PASSES : !stop.get());
          });
    }
    return readers;
  }

  @Test
  void hashMapBuiltBeforeTheReadersStartIsSafeToReadConcurrently() {
    Integer[] present = keys(0, PRESENT);
    Map<Integer, Integer> map = new HashMap<>();
    for (Integer key : present) {
      map.put(key, ~key);
    }
    AtomicLong misses = new AtomicLong();

    Race.runClean(TIMEOUT, readers(map, present, misses, null));

    assertThat(misses.get())
        .as("lookups of present keys that missed, of %d", (long) READERS * PASSES * PRESENT)
        .isZero();
  }

  @Test
  void theSameReadersMissKeysOnceOneThreadWrites() {
    Integer[] present = keys(0, PRESENT);
    Integer[] inserted = keys(PRESENT, INSERTED);
    long misses = 0;
    int round = 0;
    while (misses == 0 && round < CONTROL_ROUNDS) {
      round++;
      Map<Integer, Integer> map = new HashMap<>();
      for (Integer key : present) {
        map.put(key, ~key);
      }
      AtomicLong missed = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      List<Runnable> tasks = new ArrayList<>(readers(map, present, missed, stop));
      tasks.add(
          () -> {
            try {
              for (Integer key : inserted) {
                map.put(key, ~key);
              }
            } finally {
              stop.set(true);
            }
          });
      Race.run(TIMEOUT, tasks); // a hung or throwing HashMap is an anomaly too; misses decide
      misses = missed.get();
    }
    assertThat(misses)
        .as("HashMap grew under readers for %d rounds and never hid a present key: the readers"
            + " cannot notice a miss, so the first test proves nothing", round)
        .isPositive();
  }
}

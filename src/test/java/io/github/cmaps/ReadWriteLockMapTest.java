package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only {@link ReadWriteLockMap} promises, beyond the kit every map passes: atomic {@code
 * read}/{@code write} sections, section views confined to their section and thread, no upgrade
 * from a read section to a write, and bulk operations that concurrent readers see all or nothing
 * of. Each concurrent check has a negative control (the same readers against an unsectioned
 * writer, or against {@code ConcurrentHashMap}) asserting that the check does catch a half-done
 * state, so that it can fail.
 */
@Timeout(120) // a backstop only: every race bounds itself
class ReadWriteLockMapTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int CONTROL_ROUNDS = 10;
  private static final int READERS = 2;

  /* ---------------- Sections are atomic -------------- */

  private static final int TOTAL = 1_000;
  private static final int TRANSFERS = 1_000;
  private static final int FILLERS = 50;

  /** One transfer in this many waits, half done, until readers could have looked. */
  private static final int HOLD_EVERY = 20;

  /** Every way to read the whole map consistently; each returns the sum of the values. */
  enum ConsistentRead {
    READ_SECTION(map -> ((ReadWriteLockMap<String, Integer>) map).read(
        m -> m.values().stream().mapToInt(Integer::intValue).sum())),
    ENTRY_ITERATION(map -> {
      int sum = 0;
      for (Map.Entry<String, Integer> e : map.entrySet()) {
        sum += e.getValue();
      }
      return sum;
    }),
    VALUES_STREAM(map -> map.values().stream().mapToInt(Integer::intValue).sum()),
    FOR_EACH(map -> {
      int[] sum = {0};
      map.forEach((k, v) -> sum[0] += v);
      return sum[0];
    }),
    COPY(map -> new HashMap<>(map).values().stream().mapToInt(Integer::intValue).sum());

    final ToIntFunction<ConcurrentMap<String, Integer>> sum;

    ConsistentRead(ToIntFunction<ConcurrentMap<String, Integer>> sum) {
      this.sum = sum;
    }
  }

  /** Consistent reads made, and how many of them saw a transfer half done. */
  record Transfers(long reads, long halfDone, Race.Outcome race) {}

  /**
   * A writer moves one unit at a time from {@code from} to {@code to}, {@value #TRANSFERS} times,
   * inside a {@code write} section or (for the control) as two plain puts; readers sum the map
   * with every consistent read in turn. Now and then the writer, between taking the unit and
   * giving it, waits until readers have completed {@value #READERS} + 1 more reads: then one of
   * them read entirely inside the gap, unless the section kept every reader out (the wait then
   * times out).
   */
  static Transfers transfer(boolean inSection) {
    ReadWriteLockMap<String, Integer> map = new ReadWriteLockMap<>();
    map.put("from", TOTAL);
    map.put("to", 0);
    for (int i = 0; i < FILLERS; i++) {
      map.put("filler" + i, 0);
    }
    AtomicLong reads = new AtomicLong();
    LongAdder halfDone = new LongAdder();
    AtomicBoolean writerDone = new AtomicBoolean();
    List<Runnable> tasks = new ArrayList<>();
    tasks.add(() -> {
      try {
        for (int i = 0; i < TRANSFERS; i++) {
          boolean hold = i % HOLD_EVERY == 0;
          if (inSection) {
            map.write(m -> {
              move(m, hold, reads);
              return null;
            });
          } else {
            move(map, hold, reads);
          }
        }
      } finally {
        writerDone.set(true);
      }
    });
    for (int r = 0; r < READERS; r++) {
      int first = r;
      tasks.add(() -> {
        ConsistentRead[] ways = ConsistentRead.values();
        for (int i = first; !writerDone.get(); i++) {
          if (ways[i % ways.length].sum.applyAsInt(map) != TOTAL) {
            halfDone.increment();
          }
          reads.incrementAndGet();
        }
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    return new Transfers(reads.get(), halfDone.sum(), race);
  }

  private static void move(Map<String, Integer> m, boolean hold, AtomicLong reads) {
    m.put("from", m.get("from") - 1);
    if (hold) {
      long target = reads.get() + READERS + 1;
      long until = System.nanoTime() + Duration.ofMillis(2).toNanos();
      while (reads.get() < target && System.nanoTime() < until) {
        Thread.yield();
      }
    }
    m.put("to", m.get("to") + 1);
  }

  @Test
  void writeSectionIsNeverSeenHalfDoneByAnyConsistentRead() {
    Transfers transfers = transfer(true);
    Race.assertClean(transfers.race());
    assertThat(transfers.halfDone()).as("of %d reads", transfers.reads()).isZero();
    assertThat(transfers.reads()).isPositive();
  }

  @Test
  void halfDoneTransferIsSeenWithoutASection() {
    Transfers transfers = transfer(false);
    for (int round = 1; round < CONTROL_ROUNDS && transfers.halfDone() == 0; round++) {
      transfers = transfer(false);
    }
    Race.assertClean(transfers.race());
    assertThat(transfers.halfDone())
        .as("readers never saw an unsectioned transfer half done: the check cannot fail")
        .isPositive();
  }

  /* ---------------- Section views are confined -------------- */

  private static ReadWriteLockMap<String, Integer> abc() {
    ReadWriteLockMap<String, Integer> map = new ReadWriteLockMap<>();
    map.put("a", 1);
    map.put("b", 2);
    map.put("c", 3);
    return map;
  }

  /** A use of a section's view that must fail once the view is out of its section or thread. */
  record ViewUse(String name, Consumer<Map<String, Integer>> use) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<ViewUse> viewUses() {
    return List.of(
        new ViewUse("get", m -> m.get("a")),
        new ViewUse("containsKey", m -> m.containsKey("a")),
        new ViewUse("size", Map::size),
        new ViewUse("entrySet", Map::entrySet),
        new ViewUse("put", m -> m.put("x", 1)),
        new ViewUse("remove", m -> m.remove("a")),
        new ViewUse("clear", Map::clear));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewUses")
  void sectionViewUsedAfterItsSectionThrowsIllegalStateException(ViewUse use) {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    Map<String, Integer> fromRead = map.read(m -> m);
    Map<String, Integer> fromWrite = map.write(m -> m);

    assertThatThrownBy(() -> use.use().accept(fromRead))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> use.use().accept(fromWrite))
        .isInstanceOf(IllegalStateException.class);
    assertThat(map).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewUses")
  void sectionViewUsedFromAnotherThreadThrowsIllegalStateException(ViewUse use) {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    for (boolean write : new boolean[] {false, true}) {
      Function<Map<String, Integer>, Throwable> useElsewhere = view -> {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        // While the section is open: the other thread must be refused, not blocked.
        Race.runClean(TIMEOUT, () -> thrown.set(catchThrowable(() -> use.use().accept(view))));
        return thrown.get();
      };
      Throwable thrown = write ? map.write(useElsewhere) : map.read(useElsewhere);
      assertThat(thrown).as(write ? "write section" : "read section")
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(map).isEqualTo(before);
  }

  @Test
  void iteratorOfASectionViewUsedAfterItsSectionThrowsIllegalStateException() {
    ReadWriteLockMap<String, Integer> map = abc();
    Iterator<Map.Entry<String, Integer>> fromRead = map.read(m -> m.entrySet().iterator());
    Iterator<Map.Entry<String, Integer>> fromWrite = map.write(m -> m.entrySet().iterator());
    assertThatThrownBy(fromRead::hasNext).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(fromWrite::next).isInstanceOf(IllegalStateException.class);
  }

  /* ---------------- No writes from inside read(...) -------------- */

  /** A write to the map itself (not through the section's view). */
  record Write(String name, Consumer<ReadWriteLockMap<String, Integer>> write) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Write> writes() {
    return List.of(
        new Write("put", m -> m.put("x", 1)),
        new Write("put on a present key", m -> m.put("a", 10)),
        new Write("putIfAbsent", m -> m.putIfAbsent("x", 1)),
        new Write("remove", m -> m.remove("a")),
        new Write("remove(k, v)", m -> m.remove("a", 1)),
        new Write("replace(k, v)", m -> m.replace("a", 10)),
        new Write("replace(k, old, new)", m -> m.replace("a", 1, 10)),
        new Write("compute", m -> m.compute("a", (k, v) -> v + 1)),
        new Write("computeIfAbsent on an absent key", m -> m.computeIfAbsent("x", k -> 1)),
        new Write("computeIfPresent", m -> m.computeIfPresent("a", (k, v) -> v + 1)),
        new Write("merge", m -> m.merge("a", 1, Integer::sum)),
        new Write("putAll", m -> m.putAll(Map.of("x", 1))),
        new Write("clear", ReadWriteLockMap::clear),
        new Write("replaceAll", m -> m.replaceAll((k, v) -> v + 1)),
        new Write("write section", m -> m.write(w -> w.put("x", 1))),
        new Write("keySet().remove", m -> m.keySet().remove("a")),
        new Write("values().clear", m -> m.values().clear()),
        new Write("Iterator.remove", m -> {
          Iterator<String> it = m.keySet().iterator();
          it.next();
          it.remove();
        }),
        new Write("Entry.setValue", m -> m.entrySet().iterator().next().setValue(10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writingFromInsideReadThrowsIllegalStateExceptionInsteadOfDeadlocking(Write write) {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    AtomicReference<Throwable> thrown = new AtomicReference<>();

    Race.runClean(TIMEOUT, () -> map.read(m -> {
      thrown.set(catchThrowable(() -> write.write().accept(map)));
      return null;
    }));

    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
    assertThat(map).isEqualTo(before);
    // Both locks were released: another thread writes, and so does this one.
    Race.runClean(TIMEOUT, () -> map.put("other-thread", 1));
    write.write().accept(map);
  }

  @Test
  void readSectionViewIsReadOnly() {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    map.read(m -> {
      assertThatThrownBy(() -> m.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.remove("a")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(m::clear).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.merge("a", 1, Integer::sum))
          .isInstanceOf(UnsupportedOperationException.class);
      Iterator<Map.Entry<String, Integer>> it = m.entrySet().iterator();
      Map.Entry<String, Integer> e = it.next();
      assertThatThrownBy(() -> e.setValue(10)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
      return null;
    });
    assertThat(map).isEqualTo(before);
  }

  @Test
  void sectionViewsRejectNullsLikeTheMap() {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    map.read(m -> {
      assertThatThrownBy(() -> m.containsValue(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> m.containsKey(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> m.get(null)).isInstanceOf(NullPointerException.class);
      assertThat(m.containsValue(before.get("a"))).isTrue();
      return null;
    });
    map.write(m -> {
      assertThatThrownBy(() -> m.containsValue(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> m.put("x", null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> m.put(null, 1)).isInstanceOf(NullPointerException.class);
      return null;
    });
    assertThat(map).isEqualTo(before);
  }

  @Test
  void writeSectionWritesThroughItsView() {
    ReadWriteLockMap<String, Integer> map = abc();
    int result = map.write(m -> {
      m.put("x", 24);
      m.remove("b");
      m.merge("c", 10, Integer::sum);
      for (Iterator<Map.Entry<String, Integer>> it = m.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Integer> e = it.next();
        if (e.getKey().equals("a")) {
          e.setValue(11);
        }
        if (e.getKey().equals("x")) {
          it.remove();
        }
      }
      return m.size();
    });
    assertThat(result).isEqualTo(2);
    assertThat(map).isEqualTo(Map.of("a", 11, "c", 13));
    MapPitfallsTest.assertConsistent(map);
  }

  @Test
  void writeSectionThatThrowsKeepsItsEarlierWritesAndReleasesTheLock() {
    ReadWriteLockMap<String, Integer> map = abc();
    RuntimeException failure = new IllegalArgumentException("writer failed");
    assertThat(catchThrowable(() -> map.write(m -> {
      m.put("x", 24);
      throw failure;
    }))).isSameAs(failure);
    assertThat(map).containsEntry("x", 24).hasSize(4); // a section is not a transaction
    Race.runClean(TIMEOUT, () -> map.put("other-thread", 1));
  }

  @Test
  void computeFunctionInsideAWriteSectionCannotWriteThroughTheView() {
    ReadWriteLockMap<String, Integer> map = abc();
    Map<String, Integer> before = new HashMap<>(map);
    Throwable thrown = map.write(m -> catchThrowable(() -> map.compute("a", (k, v) -> {
      m.put("x", 1);
      return v + 1;
    })));
    assertThat(thrown).isInstanceOf(IllegalStateException.class);
    assertThat(map).isEqualTo(before);
  }

  @Test
  void sectionsNest() {
    ReadWriteLockMap<String, Integer> map = abc();
    int sum = map.write(outer -> {
      outer.put("x", 24);
      map.write(inner -> inner.put("y", 25));
      return map.read(r -> r.get("x") + r.get("y"));
    });
    assertThat(sum).isEqualTo(49);
    assertThat(map).hasSize(5);
  }

  /* ---------------- Optimistic reads and the non-reentrant lock -------------- */

  @Test
  void getDuringAWriteSectionWaitsForItAndSeesItsWrites() throws InterruptedException {
    ReadWriteLockMap<String, Integer> map = abc();
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicReference<Integer> seen = new AtomicReference<>();
    Race.runClean(TIMEOUT,
        () -> map.write(m -> {
          m.put("a", 10);
          inside.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          m.put("a", 11);
          return null;
        }),
        () -> {
          try {
            inside.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          Thread releaser = new Thread(() -> {
            try {
              Thread.sleep(100); // long enough for the get to give up on optimism and wait
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            release.countDown();
          });
          releaser.start();
          // The section holds the write lock: no optimistic read validates, and the read lock
          // waits for the section, so the get sees its last write, never 1 or 10.
          seen.set(map.get("a"));
        });
    assertThat(seen.get()).isEqualTo(11);
  }

  /**
   * A function run inside a write section (a compute called from the section) must not let
   * readers in as a function outside a section does: the section's earlier writes would be seen
   * half done. The reader of "a" waits for the whole section and sees both of its writes.
   */
  @Test
  void functionInsideAWriteSectionDoesNotLetReadersSeeTheSectionHalfDone() throws Exception {
    ReadWriteLockMap<String, Integer> map = abc();
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread section = new Thread(() -> map.write(m -> {
      m.put("a", 10);
      map.compute("b", (k, v) -> {
        inside.countDown();
        try {
          release.await(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return 20;
      });
      return null;
    }));
    section.setDaemon(true);
    section.start();
    try {
      assertThat(inside.await(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
          .isTrue();
      java.util.concurrent.FutureTask<List<Integer>> read = new java.util.concurrent.FutureTask<>(
          () -> List.of(map.get("a"), map.get("b"), map.size()));
      Thread reader = new Thread(read);
      reader.setDaemon(true);
      reader.start();
      Thread.sleep(300);
      assertThat(read.isDone()).as("the reader waits for the section").isFalse();
      release.countDown();
      assertThat(read.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
          .containsExactly(10, 20, 3);
    } finally {
      release.countDown();
    }
  }

  @Test
  void functionReadsTheMapThroughEveryReadOperationWithoutDeadlock() {
    ReadWriteLockMap<String, Integer> map = abc();
    List<Object> seen = new ArrayList<>();
    Race.runClean(TIMEOUT, () -> map.compute("a", (k, v) -> {
      seen.add(map.get("b"));
      seen.add(map.size());
      seen.add(map.containsValue(3));
      seen.add(new HashMap<>(map).size());
      seen.add(map.read(m -> m.get("c")));
      seen.add(catchThrowable(() -> map.put("x", 1)) instanceof IllegalStateException);
      return v + 1;
    }));
    assertThat(seen).containsExactly(2, 3, true, 3, 3, true);
    assertThat(map).isEqualTo(Map.of("a", 2, "b", 2, "c", 3));
  }

  @Test
  void readsNestedInAReadSectionDoNotQueueBehindAWaitingWriter() {
    ReadWriteLockMap<String, Integer> map = abc();
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    List<Object> seen = new ArrayList<>();
    Race.runClean(TIMEOUT,
        () -> map.read(m -> {
          inside.countDown();
          try {
            Thread.sleep(200); // the writer is now queued, waiting for this section
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          // A second read lock would queue behind that writer, which waits for this thread.
          seen.add(map.size());
          seen.add(map.containsValue(2));
          seen.add(new HashMap<>(map).size());
          seen.add(map.read(inner -> inner.get("a")));
          seen.add(map.get("c"));
          return null;
        }),
        () -> {
          try {
            inside.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          map.put("w", 1);
        });
    assertThat(seen).containsExactly(3, true, 3, 1, 3);
    assertThat(map).containsEntry("w", 1);
  }

  /* ---------------- Bulk operations are atomic for readers -------------- */

  private static final int BATCH = 200;
  private static final int BULK_ROUNDS = 300;

  /** Reads made and reads that saw a bulk operation half done. */
  record Bulk(long reads, long halfDone, Race.Outcome race) {}

  /**
   * A writer runs {@value #BULK_ROUNDS} rounds of {@code putAll} of {@value #BATCH} keys then
   * {@code clear}, or of {@code replaceAll} adding one to every value; readers check that every
   * consistent read sees all of a bulk operation or none of it.
   */
  static Bulk bulk(ConcurrentMap<String, Integer> map, boolean replaceAll, boolean sections) {
    Map<String, Integer> batch = new HashMap<>();
    for (int i = 0; i < BATCH; i++) {
      batch.put("k" + i, 0);
    }
    if (replaceAll) {
      map.putAll(batch);
    }
    AtomicBoolean writerDone = new AtomicBoolean();
    LongAdder reads = new LongAdder();
    LongAdder halfDone = new LongAdder();
    List<Runnable> tasks = new ArrayList<>();
    tasks.add(() -> {
      try {
        for (int round = 0; round < BULK_ROUNDS; round++) {
          if (replaceAll) {
            map.replaceAll((k, v) -> v + 1);
          } else {
            map.putAll(batch);
            map.clear();
          }
        }
      } finally {
        writerDone.set(true);
      }
    });
    ToIntFunction<Map<String, Integer>> distinctValues =
        m -> (int) m.values().stream().distinct().count();
    for (int r = 0; r < READERS; r++) {
      tasks.add(() -> {
        while (!writerDone.get()) {
          List<Map<String, Integer>> seen = new ArrayList<>();
          seen.add(new HashMap<>(map)); // one iteration
          if (sections) {
            seen.add(((ReadWriteLockMap<String, Integer>) map).read(HashMap::new));
          }
          for (Map<String, Integer> m : seen) {
            boolean whole = replaceAll
                ? m.size() == BATCH && distinctValues.applyAsInt(m) == 1
                : m.isEmpty() || m.size() == BATCH;
            if (!whole) {
              halfDone.increment();
            }
            reads.increment();
          }
          int size = map.size();
          if (!replaceAll && size != 0 && size != BATCH) {
            halfDone.increment();
          }
        }
      });
    }
    Race.Outcome race = Race.run(TIMEOUT, tasks);
    return new Bulk(reads.sum(), halfDone.sum(), race);
  }

  @Test
  void putAllAndClearAreSeenWholeByConcurrentReaders() {
    Bulk bulk = bulk(new ReadWriteLockMap<>(), false, true);
    Race.assertClean(bulk.race());
    assertThat(bulk.halfDone()).as("of %d reads", bulk.reads()).isZero();
  }

  @Test
  void replaceAllIsSeenWholeByConcurrentReaders() {
    Bulk bulk = bulk(new ReadWriteLockMap<>(), true, true);
    Race.assertClean(bulk.race());
    assertThat(bulk.halfDone()).as("of %d reads", bulk.reads()).isZero();
  }

  @Test
  void bulkChecksSeeConcurrentHashMapHalfDone() {
    for (boolean replaceAll : new boolean[] {false, true}) {
      Bulk bulk = bulk(new ConcurrentHashMap<>(), replaceAll, false);
      for (int round = 1; round < CONTROL_ROUNDS && bulk.halfDone() == 0; round++) {
        bulk = bulk(new ConcurrentHashMap<>(), replaceAll, false);
      }
      Race.assertClean(bulk.race());
      assertThat(bulk.halfDone())
          .as("readers never saw ConcurrentHashMap's %s half done: the check cannot fail",
              replaceAll ? "replaceAll" : "putAll/clear")
          .isPositive();
    }
  }

  /* ---------------- equals sees one state -------------- */

  /**
   * A map whose {@code size()} lets another thread rewrite the map right after it answered: the
   * interleaving a concurrent writer produces, now and then, between two steps of a read that is
   * not atomic.
   */
  static final class WriterAfterSize extends ReadWriteLockMap<String, Integer> {
    private static final long serialVersionUID = 1L;
    final AtomicReference<Map<String, Integer>> rewriteTo = new AtomicReference<>();

    @Override
    public int size() {
      int size = super.size();
      Map<String, Integer> target = rewriteTo.getAndSet(null);
      if (target != null) {
        // Bounded: an equals that (legitimately) still holds the read lock here blocks the
        // writer, which then rewrites the map after equals has answered.
        Race.run(Duration.ofMillis(200), () -> write(m -> {
          m.clear();
          m.putAll(target);
          return null;
        }));
      }
      return size;
    }
  }

  @Test
  void equalsComparesOneAtomicStateOfTheMap() {
    WriterAfterSize map = new WriterAfterSize();
    map.putAll(Map.of("x", 1, "y", 1));
    Map<String, Integer> other = Map.of("a", 1, "b", 1);

    // Before and after the rewrite the map differs from 'other': {x=1, y=1}, then {a=1}. An
    // equals that took the size of the first state and the mappings of the second answered true.
    map.rewriteTo.set(Map.of("a", 1));
    assertThat(map.equals(other)).isFalse();
  }

  /* ---------------- putAll is all or nothing -------------- */

  /** A key with a chosen hash code whose hashCode or equals throws, as a broken user key may. */
  record Thrower(int hash, boolean inHashCode) {
    @Override
    public int hashCode() {
      if (inHashCode) {
        throw new IllegalStateException("hashCode");
      }
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      throw new IllegalStateException("equals");
    }
  }

  /** One hash code for all, equal by id: past 32 of them the overflow tree holds the rest. */
  record Same(int id) {
    @Override
    public int hashCode() {
      return 7;
    }
  }

  /**
   * putAll promises all or nothing. Found by MapModelPropertyTest: a key whose hashCode threw
   * half-way left the mappings before it stored. Here it throws in hashCode (before any write)
   * and in equals (after writes to the window, to the overflow tree, replacements and inserts).
   */
  @Test
  void putAllThatMeetsAThrowingKeyLeavesTheMapUnchanged() {
    for (boolean inHashCode : new boolean[] {true, false}) {
      ReadWriteLockMap<Object, Object> map = new ReadWriteLockMap<>();
      for (int i = 0; i < 40; i++) {
        map.put(new Same(i), i);
      }
      map.put("a", 1);
      Map<Object, Object> before = new HashMap<>(map);
      List<Map.Entry<Object, Object>> entries = new ArrayList<>();
      Map<Object, Object> batch = listBackedMap(entries); // hashes no key itself
      batch.put("a", 10); // replaces a window value
      batch.put("c", 3); // inserts into the window
      batch.put(new Same(0), -1); // replaces in the window of hash 7
      batch.put(new Same(39), -1); // replaces in the overflow tree
      batch.put(new Same(100), -1); // inserts into the overflow tree
      for (int i = 0; i < 100; i++) {
        batch.put("n" + i, i); // enough inserts to need a bigger table
      }
      batch.put("a", 11); // the same key again
      batch.put(new Thrower(7, inHashCode), 0); // meets Same keys: equals throws
      assertThatThrownBy(() -> map.putAll(batch)).isInstanceOf(IllegalStateException.class);
      assertThat(map).as(inHashCode ? "hashCode threw" : "equals threw").isEqualTo(before);
      assertThat(map.size()).isEqualTo(before.size());
      for (Map.Entry<Object, Object> e : before.entrySet()) {
        assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      }
      assertThat(map.get("c")).isNull();
      assertThat(map.get(new Same(100))).isNull();
      map.putAll(Map.of("c", 3, new Same(100), 100)); // and it still works
      assertThat(map.get("c")).isEqualTo(3);
      assertThat(map.get(new Same(100))).isEqualTo(100);
    }
  }

  /** A map that keeps its entries in a list, in order, without calling hashCode or equals. */
  private static Map<Object, Object> listBackedMap(List<Map.Entry<Object, Object>> entries) {
    return new java.util.AbstractMap<>() {
      @Override
      public Object put(Object key, Object value) {
        entries.add(new java.util.AbstractMap.SimpleEntry<>(key, value));
        return null;
      }

      @Override
      public java.util.Set<Map.Entry<Object, Object>> entrySet() {
        return new java.util.AbstractSet<>() {
          @Override
          public Iterator<Map.Entry<Object, Object>> iterator() {
            return entries.iterator();
          }

          @Override
          public int size() {
            return entries.size();
          }
        };
      }
    };
  }
}

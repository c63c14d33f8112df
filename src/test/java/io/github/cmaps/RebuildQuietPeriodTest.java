package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table rebuild (growth, or dropping dead slots) runs under the writer's lock but only reads the
 * current table, so the lock-based maps publish it as a quiet period, as they do a user function's
 * run (issue 16): readers read the current table meanwhile instead of waiting out the copy. The
 * copy calls every key's {@code hashCode}; a key whose {@code hashCode} blocks on a latch holds a
 * rebuild open for as long as the test wants, and a reader on another thread must still return,
 * with the state before the insert that started the rebuild. Before the change the reader spun,
 * then parked, until the rebuild ended: the bounded wait below failed with a timeout.
 */
class RebuildQuietPeriodTest {

  /** A key whose hashCode blocks, once armed, until released. */
  static final class GateKey {
    final CountDownLatch inside = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean armed;

    @Override
    public int hashCode() {
      if (armed) {
        armed = false; // once: the test's own cleanup may rebuild again
        inside.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return 42;
    }
  }

  static Stream<Arguments> maps() {
    return Stream.of(
        Arguments.of("ReadWriteLockMap", (Supplier<ConcurrentMap<Object, Object>>) ReadWriteLockMap::new),
        Arguments.of("StripedLockMap, one stripe",
            (Supplier<ConcurrentMap<Object, Object>>) () -> new StripedLockMap<>(16, 1)),
        Arguments.of("LockFreeReadMap", (Supplier<ConcurrentMap<Object, Object>>) LockFreeReadMap::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("maps")
  void aReaderReturnsWhileARebuildIsHeldOpenByAKeysHashCode(
      String name, Supplier<ConcurrentMap<Object, Object>> factory) throws Exception {
    ConcurrentMap<Object, Object> map = factory.get();
    GateKey gate = new GateKey();
    map.put(gate, "gate");
    map.put(-1, "present");
    gate.armed = true;
    // Insert until an insert rebuilds the table, which calls gate.hashCode() and blocks there.
    Thread writer = daemon(() -> {
      for (int i = 0; i < 1_000_000 && gate.inside.getCount() > 0; i++) {
        map.put(i, i);
      }
    }, "rebuilding writer");
    try {
      assertThat(gate.inside.await(10, TimeUnit.SECONDS)).as("a rebuild reached the gate").isTrue();
      FutureTask<Object[]> reader = new FutureTask<>(
          () -> new Object[] {map.get(-1), map.get(gate), map.containsKey(999_999)});
      Thread t = daemon(reader, "reader");
      Object[] seen;
      try {
        seen = reader.get(5, TimeUnit.SECONDS); // TimeoutException if the reader waits
      } catch (ExecutionException e) {
        throw new AssertionError(e.getCause());
      }
      assertThat(seen).containsExactly("present", "gate", false);
    } finally {
      gate.release.countDown();
    }
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(map.get(-1)).isEqualTo("present");
    assertThat(map.get(gate)).isEqualTo("gate");
  }

  /** A key whose hashCode writes to the map it is being rebuilt in: refused, map intact. */
  static final class WritingKey {
    ConcurrentMap<Object, Object> map;
    volatile boolean armed;
    volatile RuntimeException thrown;

    @Override
    public int hashCode() {
      if (armed) {
        armed = false;
        try {
          map.put("from hashCode", 1);
        } catch (RuntimeException e) {
          thrown = e;
        }
      }
      return 7;
    }
  }

  /** The maps whose rebuild is a quiet period (LockFreeReadMap's resize has none to protect). */
  static Stream<Arguments> lockBasedMaps() {
    return maps().filter(a -> !a.get()[0].equals("LockFreeReadMap"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lockBasedMaps")
  void aWriteFromAKeysHashCodeDuringARebuildIsRefused(
      String name, Supplier<ConcurrentMap<Object, Object>> factory) throws Exception {
    ConcurrentMap<Object, Object> map = factory.get();
    WritingKey key = new WritingKey();
    key.map = map;
    map.put(key, "key");
    key.armed = true;
    // On another thread, bounded: a write that waits for its own thread's lock never returns.
    FutureTask<Void> writes = new FutureTask<>(() -> {
      for (int i = 0; i < 1_000 && key.armed; i++) {
        map.put(i, i);
      }
    }, null);
    Thread writer = daemon(writes, "rebuilding writer");
    try {
      writes.get(10, TimeUnit.SECONDS); // TimeoutException if the write from hashCode deadlocks
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
    assertThat(key.armed).as("a rebuild called the key's hashCode").isFalse();
    assertThat(key.thrown).isInstanceOf(IllegalStateException.class);
    assertThat(map).doesNotContainKey("from hashCode");
    assertThat(map.get(key)).isEqualTo("key");
  }

  /**
   * The exception: inside a {@link ReadWriteLockMap#write} section a rebuild is not quiet, since
   * the section's earlier writes are in the table being copied and must stay unseen until the
   * section ends. A reader during such a rebuild waits (as it waits for any section); it must not
   * return the section's first write.
   */
  @org.junit.jupiter.api.Test
  void aRebuildInsideAWriteSectionKeepsTheSectionsEarlierWritesUnseen() throws Exception {
    ReadWriteLockMap<Object, Object> map = new ReadWriteLockMap<>();
    GateKey gate = new GateKey();
    map.put(gate, "gate");
    Thread writer = daemon(() -> map.write(m -> {
      m.put("first", 1);
      gate.armed = true;
      for (int i = 0; i < 1_000_000 && gate.inside.getCount() > 0; i++) {
        m.put(i, i);
      }
      return null;
    }), "section writer");
    FutureTask<Object> reader = new FutureTask<>(() -> map.get("first"));
    try {
      assertThat(gate.inside.await(10, TimeUnit.SECONDS)).as("a rebuild reached the gate").isTrue();
      Thread t = daemon(reader, "reader");
      try {
        Object early = reader.get(2, TimeUnit.SECONDS);
        throw new AssertionError("read " + early + " while the section was still open");
      } catch (java.util.concurrent.TimeoutException expected) {
        // the reader waits for the section, as it should
      }
    } finally {
      gate.release.countDown();
    }
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}

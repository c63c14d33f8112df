package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tables are allocated on the first insert (issue 16): an empty ReadWriteLockMap or
 * LockFreeReadMap points at a table shared by every empty map of its kind (OpenTable.EMPTY_LOCKED,
 * EMPTY_LOCK_FREE), and a StripedLockMap creates its stripe array and each stripe on the first
 * write to it. These tests prove that nothing an empty map does writes the shared tables (which
 * would leak one map's state into every other), that reads create no stripe, and that a map
 * works normally from its first insert on, and again after clear. Removing LockFreeReadMap's
 * placeholder case in roomFor (so that its first insert "resizes" the shared table) fails
 * {@link #theSharedEmptyTablesStayEmptyWhateverTheMapsDo} ("the shared LockFreeReadMap table got a
 * successor"); the race of two first writes is the jcstress scenario FirstWrites.
 */
class LazyAllocationTest {

  private static final List<Supplier<ConcurrentMap<Object, Object>>> MAPS =
      List.of(ReadWriteLockMap::new, LockFreeReadMap::new, StripedLockMap::new,
          () -> new StripedLockMap<>(0, 1), () -> new ReadWriteLockMap<>(1000),
          () -> new LockFreeReadMap<>(0));

  @AfterEach
  void sharedTablesAreUntouched() {
    assertSharedTablesEmpty();
  }

  @Test
  void theSharedEmptyTablesStayEmptyWhateverTheMapsDo() throws Exception {
    for (Supplier<ConcurrentMap<Object, Object>> make : MAPS) {
      ConcurrentMap<Object, Object> map = make.get();
      exerciseEmpty(map);
      assertSharedTablesEmpty();
      for (int i = 0; i < 3_000; i++) { // past several growths, and incremental resizes
        map.put(i, i);
      }
      assertThat(map).hasSize(3_000).containsEntry(2_999, 2_999);
      map.replaceAll((k, v) -> (Integer) v + 1);
      assertThat(map.get(7)).isEqualTo(8);
      map.clear();
      assertThat(map).isEmpty();
      assertSharedTablesEmpty();
      exerciseEmpty(map);
      map.put("again", 1);
      assertThat(map).containsExactlyEntriesOf(Map.of("again", 1));
      assertThat(SerializationRoundTripTest.roundTrip(map)).isEqualTo(map);
      assertSharedTablesEmpty();
    }
  }

  @Test
  void readsOfAStripedMapCreateNoStripeAndAWriteCreatesOnlyItsOwn() throws Exception {
    StripedLockMap<Object, Object> map = new StripedLockMap<>(16, 64);
    readEmpty(map);
    assertThat(map.createdStripes()).isZero();
    assertThat(map.stripeCount()).isEqualTo(64);
    assertThat(map.remove("absent")).isNull();
    assertThat(map.replace("absent", 1)).isNull();
    assertThat(map.createdStripes()).isZero();
    map.put("a", 1);
    assertThat(map.createdStripes()).isEqualTo(1);
    assertThat(map.get("a")).isEqualTo(1);
    StripedLockMap<Object, Object> copy = SerializationRoundTripTest.roundTrip(map);
    assertThat(copy.stripeCount()).isEqualTo(64);
    assertThat(copy.createdStripes()).isEqualTo(1);
    assertThat(copy).isEqualTo(map);
  }

  @Test
  void aFunctionThatThrowsOnAnEmptyMapLeavesItEmptyAndUsable() {
    for (Supplier<ConcurrentMap<Object, Object>> make : MAPS) {
      ConcurrentMap<Object, Object> map = make.get();
      assertThatThrownBy(() -> map.computeIfAbsent("k", k -> {
        throw new IllegalArgumentException("boom");
      })).isInstanceOf(IllegalArgumentException.class);
      assertThat(map.merge("k", 1, (a, b) -> {
        throw new AssertionError("never called: the key is absent");
      })).isEqualTo(1);
      assertThat(map).containsExactlyEntriesOf(Map.of("k", 1));
      assertSharedTablesEmpty();
    }
  }

  /**
   * Everything an empty map offers that must not allocate or write anything shared: the reads,
   * then writes that change nothing.
   */
  private static void exerciseEmpty(ConcurrentMap<Object, Object> map) throws Exception {
    readEmpty(map);
    assertThat(map.remove("x")).isNull();
    assertThat(map.remove("x", 1)).isFalse();
    assertThat(map.replace("x", 1)).isNull();
    assertThat(map.replace("x", 1, 2)).isFalse();
    assertThat(map.computeIfPresent("x", (k, v) -> 1)).isNull();
    assertThat(map.compute("x", (k, v) -> null)).isNull();
    assertThat(map.computeIfAbsent("x", k -> null)).isNull();
    map.replaceAll((k, v) -> v);
    map.clear();
    map.putAll(Map.of());
    readEmpty(map);
  }

  /** The reads of an empty map. */
  private static void readEmpty(ConcurrentMap<Object, Object> map) throws Exception {
    assertThat(map.get("x")).isNull();
    assertThat(map.containsKey("x")).isFalse();
    assertThat(map.containsValue("x")).isFalse();
    assertThat(map.size()).isZero();
    assertThat(map.isEmpty()).isTrue();
    map.forEach((k, v) -> {
      throw new AssertionError("an empty map has no mapping");
    });
    assertThat(map.keySet().iterator().hasNext()).isFalse();
    assertThat(map.entrySet()).isEmpty();
    assertThat(map.values()).isEmpty();
    assertThat(map).isEqualTo(new HashMap<>()).hasToString("{}");
    assertThat(map.hashCode()).isZero();
    assertThat(SerializationRoundTripTest.roundTrip(map)).isEmpty();
  }

  private static void assertSharedTablesEmpty() {
    for (OpenTable t : new OpenTable[] {OpenTable.EMPTY_LOCKED, OpenTable.EMPTY_LOCK_FREE}) {
      String which = t == OpenTable.EMPTY_LOCKED ? "lock-based" : "LockFreeReadMap";
      assertThat(t.nextAcquire()).as("the shared %s table got a successor", which).isNull();
      assertThat(t.overflowAcquire())
          .as("the shared %s table got an overflow tree", which)
          .isNull();
      assertThat(t.cursor().advance()).as("the shared %s table got a mapping", which).isFalse();
      assertThat(t.capacity()).isEqualTo(2);
      assertThat(t.needsRebuildBeforeInsert()).isTrue();
    }
  }
}

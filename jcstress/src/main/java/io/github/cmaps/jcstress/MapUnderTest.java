package io.github.cmaps.jcstress;

import io.github.cmaps.LockFreeReadMap;
import io.github.cmaps.ReadWriteLockMap;
import io.github.cmaps.StripedLockMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The maps the suite runs against, each with the facts about its sizing that the scenarios need.
 *
 * <p>Several scenarios race an operation against a resize. For that, each test instance builds a
 * fresh map with {@link #create()} (the default constructor, but one stripe for
 * {@code StripedLockMap}) and fills it with exactly {@link #entriesBeforeGrowth()}
 * keys, so that the map is full to its growth threshold but has not grown yet; the next insert of a
 * new key makes it grow. {@link IncrementalResizeLookup} does the same at a larger size,
 * {@link #entriesBeforeLargeGrowth()}: the first growth of a table of 2048 slots or bins, large
 * enough that {@code LockFreeReadMap} resizes incrementally instead of copying the table whole.
 * Thresholds differ between maps, so each map states its own; the comment on each constant derives
 * the numbers from the map's sizing rules, and {@code MapUnderTestTest} (run by the module's build)
 * checks them by watching the map's {@code table} field (for a striped map, its one stripe's
 * {@code table}) change.
 *
 * <p>To add a map: add a constant here, then one nested class per scenario holder (see the module
 * README).
 */
enum MapUnderTest {

  /**
   * {@code new ReadWriteLockMap<>()} makes room for 16 mappings with an open-addressing table of
   * 32 slots, and rebuilds it (doubling it while live keys fill a quarter of it) on the insert that
   * would take its used slots, live or dead, to its load limit, five eighths of the capacity in a
   * table that has seen no removal: after 19 keys in 32 slots, and after 1279 keys in 2048 slots.
   */
  READ_WRITE_LOCK_MAP(19, 1279) {
    @Override
    <K, V> Map<K, V> create() {
      return new ReadWriteLockMap<>();
    }
  },

  /**
   * {@code new LockFreeReadMap<>()} sizes and grows its table like {@code ReadWriteLockMap}: 19
   * keys fill 32 slots, 1279 keys fill 2048. Tables of up to {@code LockFreeReadMap.SMALL_TABLE}
   * (1024) slots are copied whole and published in one step; from 2048 slots on, each write
   * migrates a slice of the old table into the new one.
   */
  LOCK_FREE_READ_MAP(19, 1279) {
    @Override
    <K, V> Map<K, V> create() {
      return new LockFreeReadMap<>();
    }
  },

  /**
   * {@code new StripedLockMap<>(16, 1)}: ONE stripe, not the default constructor. The threshold
   * scenarios need a map that grows on the next insert of one of their keys, and a striped map
   * grows one stripe at a time: with the default stripe count (32 per processor, 64 here) the
   * scenarios' keys would spread over many stripes of 4 slots each, each growing on its second key,
   * so "the map's growth threshold" would not be one number and the resize raced would not be the
   * one the scenario's new key triggers. One stripe is one lock over one table, so the stripe that
   * grows is the one the scenario's keys fill, and what is raced is the striped map's own code
   * (stripe lock, optimistic reads, per-stripe table and count). The default-striped instance,
   * with writers in different stripes at once, is covered by {@link StripeBoundary}.
   *
   * <p>Sizing: 16 mappings over 1 stripe is a share of 16, plus a quarter for uneven stripes, 20;
   * {@code OpenTable.capacityFor(20)} is 64 slots. A stripe's table is rebuilt (doubled while live
   * keys fill a quarter of it) on the insert that would take its used slots, live or dead, to its
   * load limit, five eighths of the capacity while it has seen no removal: after 39 keys in 64
   * slots, and after 1279 keys in 2048 slots, as for {@code ReadWriteLockMap}.
   */
  STRIPED_LOCK_MAP(39, 1279) {
    @Override
    <K, V> Map<K, V> create() {
      return new StripedLockMap<>(16, 1);
    }

    @Override
    <K, V> Map<K, V> createDefault() {
      return new StripedLockMap<>();
    }
  },

  /**
   * The reference. {@code new ConcurrentHashMap<>()} starts with 16 bins and a size control of
   * 12 (three quarters of the bins), and after an insert transfers to twice the bins once the
   * count reaches the size control: 11 keys leave 16 bins one insert short, 1535 keys leave 2048
   * bins one insert short.
   */
  CONCURRENT_HASH_MAP(11, 1535) {
    @Override
    <K, V> Map<K, V> create() {
      return new ConcurrentHashMap<>();
    }
  },

  /**
   * The negative control, not thread-safe. {@code new HashMap<>()} allocates 16 bins on first use
   * and doubles them when an insert takes the size above three quarters of the bins: 12 keys fill
   * 16 bins, 1536 keys fill 2048.
   */
  HASH_MAP(12, 1536) {
    @Override
    <K, V> Map<K, V> create() {
      return new HashMap<>();
    }
  };

  private final int entriesBeforeGrowth;
  private final int entriesBeforeLargeGrowth;

  MapUnderTest(int entriesBeforeGrowth, int entriesBeforeLargeGrowth) {
    this.entriesBeforeGrowth = entriesBeforeGrowth;
    this.entriesBeforeLargeGrowth = entriesBeforeLargeGrowth;
  }

  /**
   * A new, empty map as the threshold scenarios use it: built with the map's default constructor,
   * except {@link #STRIPED_LOCK_MAP}, which has one stripe (see there).
   */
  abstract <K, V> Map<K, V> create();

  /** A new, empty map built with the map's no-argument constructor. */
  <K, V> Map<K, V> createDefault() {
    return create();
  }

  /** How many keys a new map holds before the next new key makes it grow for the first time. */
  int entriesBeforeGrowth() {
    return entriesBeforeGrowth;
  }

  /**
   * How many keys a new map holds before the next new key makes its table of 2048 slots (or bins)
   * grow.
   */
  int entriesBeforeLargeGrowth() {
    return entriesBeforeLargeGrowth;
  }

  /**
   * A new map holding keys {@code Keys.key(0)} to {@code Keys.key(entriesBeforeGrowth() - 1)}, each
   * mapped to its index, so that the next new key makes it grow.
   */
  Map<Integer, Integer> filledToThreshold() {
    return filledWith(entriesBeforeGrowth);
  }

  /** Like {@link #filledToThreshold()}, with {@link #entriesBeforeLargeGrowth()} keys. */
  Map<Integer, Integer> filledToLargeThreshold() {
    return filledWith(entriesBeforeLargeGrowth);
  }

  private Map<Integer, Integer> filledWith(int keys) {
    Map<Integer, Integer> map = create();
    for (int i = 0; i < keys; i++) {
      map.put(Keys.key(i), i);
    }
    return map;
  }
}

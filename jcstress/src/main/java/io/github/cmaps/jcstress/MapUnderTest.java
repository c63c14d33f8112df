package io.github.cmaps.jcstress;

import io.github.cmaps.ReadWriteLockMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The maps the suite runs against, each with the one fact about its sizing that the scenarios need.
 *
 * <p>Several scenarios race an operation against a resize. For that, each test instance builds a
 * fresh map with the default constructor and fills it with exactly {@link #entriesBeforeGrowth()}
 * keys, so that the map is full to its growth threshold but has not grown yet; the next insert of a
 * new key makes it grow. Thresholds differ between maps, so each map states its own; the comment on
 * each constant derives the number from the map's sizing rules, and {@code MapUnderTestTest} (run
 * by the module's build) checks it by watching the map's table array change.
 *
 * <p>To add a map: add a constant here, then one nested class per scenario holder (see the module
 * README).
 */
enum MapUnderTest {

  /**
   * {@code new ReadWriteLockMap<>()} makes room for 16 mappings with an open-addressing table of
   * 64 slots, and rebuilds it (doubling it) on the insert that would take its used slots, live or
   * dead, to half the capacity. Thirty-one keys leave it one insert short of rebuilding.
   */
  READ_WRITE_LOCK_MAP(31) {
    @Override
    <K, V> Map<K, V> create() {
      return new ReadWriteLockMap<>();
    }
  },

  /**
   * The reference. {@code new ConcurrentHashMap<>()} starts with 16 bins and a size control of
   * 12; after an insert it transfers to 32 bins once the count reaches 12. Eleven keys leave it one
   * insert short of growing.
   */
  CONCURRENT_HASH_MAP(11) {
    @Override
    <K, V> Map<K, V> create() {
      return new ConcurrentHashMap<>();
    }
  },

  /**
   * The negative control, not thread-safe. {@code new HashMap<>()} allocates 16 bins with a
   * threshold of 12 on first use and resizes when an insert takes the size above 12. Twelve keys
   * leave it one insert short of resizing.
   */
  HASH_MAP(12) {
    @Override
    <K, V> Map<K, V> create() {
      return new HashMap<>();
    }
  };

  private final int entriesBeforeGrowth;

  MapUnderTest(int entriesBeforeGrowth) {
    this.entriesBeforeGrowth = entriesBeforeGrowth;
  }

  /** A new, empty map built with the map's default constructor. */
  abstract <K, V> Map<K, V> create();

  /** How many keys a new map holds before the next new key makes it grow. */
  int entriesBeforeGrowth() {
    return entriesBeforeGrowth;
  }

  /**
   * A new map holding keys {@code Keys.key(0)} to {@code Keys.key(entriesBeforeGrowth() - 1)}, each
   * mapped to its index, so that the next new key makes it grow.
   */
  Map<Integer, Integer> filledToThreshold() {
    Map<Integer, Integer> map = create();
    for (int i = 0; i < entriesBeforeGrowth; i++) {
      map.put(Keys.key(i), i);
    }
    return map;
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The load limit of {@link OpenTable} ({@link OpenTable#maxUsed}): five eighths of the slots while
 * a table has seen no removal, half of them after one, and the 64-slot probe window that the
 * higher limit needs. Each claim is checked against what the limit or window rules out.
 */
class OpenTableLoadLimitTest {

  /** Inserts keys 0, 1, 2... until the table asks for a rebuild; returns how many it took. */
  private static int fillUntilRebuildIsDue(OpenTable t) {
    int n = 0;
    while (!t.needsRebuildBeforeInsert()) {
      t.putOwned(n, OpenTable.hash(n), n, false);
      n++;
    }
    return n;
  }

  @Test
  void aTableFilledByPutsAloneTakesFiveEighthsOfItsSlotsBeforeARebuild() {
    for (int capacity = 16; capacity <= 4096; capacity <<= 1) {
      OpenTable t = new OpenTable(capacity, true, 0, true);
      // The insert that would take used slots to 5/8 of the capacity waits for a rebuild.
      assertThat(fillUntilRebuildIsDue(t)).as("capacity %d", capacity)
          .isEqualTo(capacity * 5 / 8 - 1)
          .isGreaterThan(capacity / 2);
    }
  }

  @Test
  void aTableThatHasSeenARemovalIsRebuiltAtHalfItsSlots() {
    OpenTable t = new OpenTable(64, true, 0, true);
    for (int i = 0; i < 31; i++) {
      t.putOwned(i, OpenTable.hash(i), i, false);
    }
    // 31 used slots of 64: room under the growth limit (40), none under the churn limit (32).
    assertThat(t.needsRebuildBeforeInsert()).isFalse();
    assertThat(t.replaceOwned(0, OpenTable.hash(0), null, null)).isEqualTo(0);
    assertThat(t.needsRebuildBeforeInsert()).isTrue();
    assertThat(t.usedSlots()).isEqualTo(31); // the removal left a dead slot, still counted
  }

  @Test
  void capacityForIsTheSmallestTableThatTakesTheEntriesWithoutARebuild() {
    for (int entries = 0; entries <= 5_000; entries++) {
      int capacity = OpenTable.capacityFor(entries);
      assertThat(fillUntilRebuildIsDue(new OpenTable(capacity, true, 0, true)))
          .as("capacityFor(%d) = %d", entries, capacity)
          .isGreaterThanOrEqualTo(entries);
      if (capacity > 4) {
        assertThat(fillUntilRebuildIsDue(new OpenTable(capacity / 2, true, 0, true)))
            .as("capacityFor(%d) / 2", entries)
            .isLessThan(entries);
      }
    }
  }

  /**
   * Why the window is 64 slots: at five eighths load, random keys land 32 or more slots from
   * their homes often enough that a 32-slot window would send a hundred or more of a million-slot
   * table's keys to the overflow tree (which a table hands whole to its successors, so they would
   * stay there, and fill the tree's one-word filter), while only a handful land 64 or more out.
   * The count of keys 32 or more out is the control: what a 32-slot window would have sent.
   */
  @Test
  void randomKeysAtTheGrowthLimitStayInsideTheProbeWindow() {
    int capacity = 1 << 20;
    OpenTable t = new OpenTable(capacity, true);
    SplittableRandom random = new SplittableRandom(16);
    int farFromHome = 0;
    int keys = 0;
    while (!t.needsRebuildBeforeInsert()) {
      Integer k = random.nextInt();
      int h = OpenTable.hash(k);
      int s = t.probe(k, h);
      if (s >= 0) {
        continue; // drawn twice
      }
      if (s != OpenTable.WINDOW_FULL && ((~s - t.home(h)) & t.mask) >= 32) {
        farFromHome++;
      }
      t.putOwned(k, h, k, false);
      keys++;
    }
    int inTree = t.overflowPairs().length / 2;
    assertThat(t.usedSlots()).isEqualTo(capacity * 5 / 8 - 1);
    assertThat(keys).isEqualTo(t.usedSlots() + inTree);
    // Measured with this seed: 155 keys 32 or more slots out, 4 in the tree (64 or more out).
    assertThat(farFromHome).as("keys 32 or more slots from home").isGreaterThan(100);
    assertThat(inTree).as("keys in the overflow tree").isLessThanOrEqualTo(8);
  }
}

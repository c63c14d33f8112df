package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The home-slot function of {@link OpenTable}: the claims its Overview makes about where keys
 * land, each checked against a control that shows what the claim rules out.
 */
class OpenTableHashingTest {

  /** Inserts the keys and returns the mean number of slots probed to place them. */
  private static double meanProbe(OpenTable t, List<Integer> keys) {
    long probes = 0;
    for (Integer k : keys) {
      int h = OpenTable.hash(k);
      int free = ~t.probe(k, h);
      assertThat(free).as("a free slot for %s", k).isGreaterThanOrEqualTo(0);
      probes += ((free - t.home(h)) & t.mask) + 1;
      t.putOwned(k, h, k, false);
    }
    return (double) probes / keys.size();
  }

  private static List<Integer> consecutive(int n) {
    List<Integer> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(i);
    }
    return keys;
  }

  @ParameterizedTest
  @ValueSource(ints = {1_000, 65_536, 1 << 20})
  void consecutiveIntegerKeysAllLandInTheirHomeSlotsAtQuarterLoad(int n) {
    OpenTable t = new OpenTable(Integer.highestOneBit(4 * n - 1) << 1, true);

    assertThat(meanProbe(t, consecutive(n))).isEqualTo(1.0);

    // Control: random hash codes at the same load do share home slots (about 1.17 slots).
    OpenTable control = new OpenTable(t.capacity(), true);
    SplittableRandom random = new SplittableRandom(42);
    List<Integer> randomKeys = new ArrayList<>(n);
    random.ints().distinct().limit(n).forEach(randomKeys::add);
    assertThat(meanProbe(control, randomKeys)).isGreaterThan(1.1);
  }

  @Test
  void stripeTablesTakeTheirHomeSlotsFromTheBitsBelowTheStripeBits() {
    int stripeBits = 5; // 32 stripes
    List<Integer> stripeZero = new ArrayList<>();
    for (int i = 0; stripeZero.size() < 2_000; i++) {
      if (OpenTable.hash(i) >>> (32 - stripeBits) == 0) {
        stripeZero.add(i);
      }
    }
    OpenTable rotated = new OpenTable(8_192, true, stripeBits, false);
    assertThat(meanProbe(rotated, stripeZero)).isLessThan(1.2);

    // Control: without the rotation the stripe's keys share their top bits, so their home slots
    // crowd into 1/32 of the table and pile up into long runs.
    OpenTable unrotated = new OpenTable(8_192, true, 0, false);
    assertThat(meanProbe(unrotated, stripeZero)).isGreaterThan(10.0);
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys that break hash maps built for well-behaved ones: more keys of one hash code than a probe
 * window holds (so they reach the overflow tree), keys {@code equals} to each other across
 * classes, and {@code Comparable}s whose {@code compareTo} is not defined between every two
 * instances of their class. Every operation must follow {@code equals}, never throw because of
 * the keys' {@code compareTo}, and stay logarithmic for keys that compare to themselves.
 */
class AdversarialKeysTest {

  /** More keys of one hash code than the probe window holds. */
  private static final int GROUP = OpenTable.WINDOW * 3;

  /** A key with one hash code for all instances, equal by id; not Comparable. */
  record K(int id) {
    @Override
    public int hashCode() {
      return 7;
    }
  }

  /** A generic key whose Comparable type argument is a parameterized type (Box<T>). */
  record Box<T extends Comparable<T>>(T content) implements Comparable<Box<T>> {
    @Override
    public int compareTo(Box<T> o) {
      return content.compareTo(o.content); // ClassCastException between String and Integer
    }

    @Override
    public int hashCode() {
      return 11;
    }
  }

  /** A key comparable to Strings only (a "foreign" Comparable). */
  record Named(String name) implements Comparable<String> {
    @Override
    public int compareTo(String o) {
      return name.compareTo(o);
    }

    @Override
    public int hashCode() {
      return 13;
    }
  }

  /**
   * Equal keys of different classes: stored as immutable lists, looked up through equal {@code
   * ArrayList}s, past the probe window. On main before the fix, every lookup past the window
   * missed and put added a duplicate.
   */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void equalKeysOfDifferentClassesFindEachOtherPastTheProbeWindow(MapImpl impl) {
    ConcurrentMap<List<K>, Integer> map = impl.create();
    for (int i = 0; i < GROUP; i++) {
      map.put(List.of(new K(i)), i);
    }
    for (int i = 0; i < GROUP; i++) {
      List<K> copy = new ArrayList<>(List.of(new K(i)));
      assertThat(map.get(copy)).as("get #%d", i).isEqualTo(i);
      assertThat(map.containsKey(copy)).isTrue();
      assertThat(map.getOrDefault(copy, -1)).isEqualTo(i);
      assertThat(map.putIfAbsent(copy, -1)).isEqualTo(i);
      assertThat(map.put(copy, i + 1000)).isEqualTo(i);
      assertThat(map.replace(copy, i + 1000, i + 2000)).isTrue();
      assertThat(map.merge(copy, 1, Integer::sum)).isEqualTo(i + 2001);
      assertThat(map.compute(copy, (k, v) -> v - 2001)).isEqualTo(i);
      assertThat(map.computeIfAbsent(copy, k -> -1)).isEqualTo(i);
    }
    assertThat(map).hasSize(GROUP);
    for (int i = 0; i < GROUP; i += 2) {
      assertThat(map.remove(new ArrayList<>(List.of(new K(i))))).isEqualTo(i);
    }
    assertThat(map).hasSize(GROUP / 2);
    for (int i = 0; i < GROUP; i++) {
      assertThat(map.get(new ArrayList<>(List.of(new K(i))))).isEqualTo(i % 2 == 0 ? null : i);
    }
  }

  /** The other way round: stored as ArrayLists and as immutable lists mixed, looked up as both. */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void mixedListClassesInOneCollisionGroupStayOneKeyEach(MapImpl impl) {
    ConcurrentMap<List<K>, Integer> map = impl.create();
    Map<List<K>, Integer> model = new HashMap<>();
    for (int i = 0; i < GROUP; i++) {
      List<K> key = i % 2 == 0 ? List.of(new K(i)) : new ArrayList<>(List.of(new K(i)));
      map.put(key, i);
      model.put(key, i);
    }
    for (int i = 0; i < GROUP; i++) {
      List<K> other = i % 2 == 1 ? List.of(new K(i)) : new ArrayList<>(List.of(new K(i)));
      assertThat(map.put(other, -i)).isEqualTo(model.put(other, -i));
    }
    assertThat(map).isEqualTo(model);
    assertThat(map).hasSize(GROUP);
  }

  /**
   * Box<T> implements Comparable<Box<T>>: a Box of a String and a Box of an Integer are one class
   * whose compareTo throws between them. On main before the fix, put threw ClassCastException.
   */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void genericComparablesOfMixedContentNeverThrow(MapImpl impl) {
    ConcurrentMap<Object, Integer> map = impl.create();
    for (int i = 0; i < GROUP; i++) {
      map.put(i % 2 == 0 ? new Box<>("s" + i) : new Box<>(i), i);
    }
    for (int i = 0; i < GROUP; i++) {
      Object key = i % 2 == 0 ? new Box<>("s" + i) : new Box<>(i);
      assertThat(map.get(key)).isEqualTo(i);
      assertThat(map.remove(key)).isEqualTo(i);
      assertThat(map.containsKey(key)).isFalse();
    }
    assertThat(map).isEmpty();
  }

  /** A class that implements Comparable<String>: compareTo must never see one of its own. */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void foreignComparablesNeverThrow(MapImpl impl) {
    ConcurrentMap<Object, Integer> map = impl.create();
    for (int i = 0; i < GROUP; i++) {
      map.put(new Named("n" + i), i);
    }
    for (int i = 0; i < GROUP; i++) {
      assertThat(map.get(new Named("n" + i))).isEqualTo(i);
      assertThat(map.replace(new Named("n" + i), -i)).isEqualTo(i);
    }
    assertThat(map).hasSize(GROUP);
  }

  /** Comparable and non-Comparable keys of one hash code in one collision group. */
  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void comparableAndPlainKeysShareACollisionGroup(MapImpl impl) {
    ConcurrentMap<Object, Integer> map = impl.create();
    Map<Object, Integer> model = new HashMap<>();
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < GROUP; i++) {
      keys.add(new K(i));
      keys.add(new Box<>("b" + i));
      keys.add(new Box<>(i));
      keys.add(new Named("n" + i));
      keys.add(List.of(new K(i)));
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(map.put(keys.get(i), i)).isEqualTo(model.put(keys.get(i), i));
    }
    for (int i = 0; i < keys.size(); i += 3) {
      assertThat(map.remove(keys.get(i))).isEqualTo(model.remove(keys.get(i)));
    }
    assertThat(map).isEqualTo(model);
    for (Object k : keys) {
      assertThat(map.get(k)).isEqualTo(model.get(k));
    }
  }

  /** Counts compareTo calls; one hash code for all; compares to itself, so the tree orders it. */
  record Counted(int id) implements Comparable<Counted> {
    static final AtomicLong COMPARISONS = new AtomicLong();

    @Override
    public int compareTo(Counted o) {
      COMPARISONS.incrementAndGet();
      return Integer.compare(id, o.id);
    }

    @Override
    public int hashCode() {
      return 17;
    }
  }

  /** A record that implements Comparable of itself still costs a logarithmic number of compareTo. */
  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void selfComparableCollidingKeysStayLogarithmic(MapImpl impl) {
    int n = 20_000;
    ConcurrentMap<Counted, Integer> map = impl.create();
    for (int i = 0; i < n; i++) {
      map.put(new Counted(i), i);
    }
    Counted.COMPARISONS.set(0);
    for (int i = 0; i < n; i++) {
      assertThat(map.get(new Counted(i))).isEqualTo(i);
    }
    // A balanced tree of 20,000 keys is 15-21 levels deep; a linear scan would be ~10,000.
    assertThat(Counted.COMPARISONS.get() / n).isLessThan(30);
  }

  /**
   * After a hash flood, ordinary puts that grow the table must not re-insert the flood one key at
   * a time: the rebuild moves the overflow tree in order, with no compareTo at all for keys that
   * stay in the tree. Before the fix, each rebuild cost O(n log n) comparisons of flood keys.
   */
  @Test
  void rebuildsAfterAFloodDoNotCompareTheFloodedKeysAgain() {
    int flood = 4_096;
    for (MapImpl impl : MapImpl.values()) {
      if (impl == MapImpl.CONCURRENT_HASH_MAP) {
        continue;
      }
      ConcurrentMap<Object, Integer> map = impl.create();
      for (int i = 0; i < flood; i++) {
        map.put(new Counted(i), i);
      }
      Counted.COMPARISONS.set(0);
      for (int i = 0; i < 100_000; i++) {
        map.put(i, i); // grows the table several times
      }
      // The flood's window keys go through one tree insert each per rebuild: 32 * log2(4096).
      assertThat(Counted.COMPARISONS.get()).as(impl.name()).isLessThan(10L * 32 * 13 * 4);
      assertThat(map).hasSize(flood + 100_000);
      for (int i = 0; i < flood; i++) {
        assertThat(map.get(new Counted(i))).isEqualTo(i);
      }
    }
  }

  /** The rule for calling compareTo: only a class that declares Comparable of itself. */
  @Test
  void onlyClassesComparableToThemselvesAreOrderedByCompareTo() {
    assertThat(OverflowTree.comparesToItself(String.class)).isTrue();
    assertThat(OverflowTree.comparesToItself(Integer.class)).isTrue();
    assertThat(OverflowTree.comparesToItself(java.util.UUID.class)).isTrue();
    assertThat(OverflowTree.comparesToItself(Counted.class)).isTrue();
    assertThat(OverflowTree.comparesToItself(Box.class)).isFalse();
    assertThat(OverflowTree.comparesToItself(Named.class)).isFalse();
    assertThat(OverflowTree.comparesToItself(K.class)).isFalse();
    assertThat(OverflowTree.comparesToItself(ArrayList.class)).isFalse();
  }
}

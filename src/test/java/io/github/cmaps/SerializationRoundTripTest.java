package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Serialization of every {@link MapImpl} ({@code ConcurrentHashMap} as the reference): a round
 * trip keeps the mappings, the class and a subclass's own fields, keys and values that refer to
 * the map come back referring to the copy, {@code StripedLockMap} keeps its stripe count, a map
 * written while another thread writes to it always deserializes, and a crafted stream is
 * rejected.
 */
class SerializationRoundTripTest {

  static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  static <T> T deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (T) in.readObject();
    }
  }

  static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
    return deserialize(serialize(o));
  }

  /* ---------------- Concurrent writers -------------- */

  /** A key whose hash code all keys share: 32 fill a probe window, the rest overflow. */
  record Piled(int id) implements Serializable, Comparable<Piled> {
    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public int compareTo(Piled o) {
      return Integer.compare(id, o.id);
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void aMapWrittenWhileAnotherThreadMovesKeysAlwaysDeserializes(MapImpl impl) throws Exception {
    int keys = 40;
    // Keys of one hash code in a large, sparse table: in the open-addressing maps 32 of them fill
    // the probe window at the start of the table and the rest go to the overflow tree, which a
    // traversal reads last, after the long scan of empty slots. The writer removes a key and puts
    // it back: a key taken from the window goes back into the overflow tree (the window has no
    // free slot left), ahead of a traversal that already returned it from the window. The writer
    // paces its moves, so that the window keys of a fresh map last a few milliseconds: long
    // enough for the serialization that follows to start while some are still in the window.
    AtomicReference<ConcurrentMap<Piled, String>> current = new AtomicReference<>();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    AtomicLong moves = new AtomicLong();
    Thread writer = new Thread(() -> {
      Random random = new Random(7);
      try {
        while (!Thread.currentThread().isInterrupted()) {
          ConcurrentMap<Piled, String> map = current.get();
          if (map == null) {
            Thread.onSpinWait();
            continue;
          }
          Piled k = new Piled(random.nextInt(keys));
          map.remove(k);
          map.put(k, "v" + k.id());
          moves.incrementAndGet();
          long pause = System.nanoTime() + 10_000;
          while (System.nanoTime() < pause) {
            Thread.onSpinWait();
          }
        }
      } catch (Throwable t) {
        writerFailure.set(t);
      }
    }, "mover");
    writer.setDaemon(true);
    writer.start();
    int rounds = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      while (rounds < 1_000 && System.nanoTime() < deadline) {
        ConcurrentMap<Piled, String> map = impl.create(1 << 18);
        for (int i = 0; i < keys; i++) {
          map.put(new Piled(i), "v" + i);
        }
        current.set(map);
        byte[] bytes = serialize(map);
        Map<Piled, String> copy;
        try {
          copy = deserialize(bytes);
        } catch (IOException e) {
          throw new AssertionError(
              "round " + rounds + " (after " + moves.get() + " moves): " + e, e);
        }
        assertThat(copy).isInstanceOf(map.getClass());
        assertThat(copy.size()).isLessThanOrEqualTo(keys);
        copy.forEach((k, v) -> assertThat(v).isEqualTo("v" + k.id()));
        rounds++;
      }
    } finally {
      writer.interrupt();
      writer.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(writerFailure.get()).isNull();
    assertThat(rounds).isPositive();
    assertThat(moves.get()).isPositive();
  }

  /**
   * A key whose {@code hashCode} runs a one-shot hook: a way to act at the exact moment a
   * traversal hashes the key.
   */
  static final class Hooked implements Serializable {
    private static final long serialVersionUID = 1L;

    final String name;
    private final int hash;
    transient volatile Runnable hook;

    Hooked(String name, int hash) {
      this.name = name;
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      Runnable h = hook;
      if (h != null) {
        hook = null;
        h.run();
      }
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hooked && ((Hooked) o).name.equals(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A LockFreeReadMap half-way through a resize, with keys b and a only in the new table. */
  record Staged(LockFreeReadMap<Object, String> map, Hooked a, Hooked b) {}

  /**
   * Stages the duplicate deterministically. Fillers hash to the upper half of every table; b and
   * a (hash 0) are put during the resize, so they sit only in the new table, at slots 0 and 1,
   * and removals of fillers use up the new table's Vacant slots (b would otherwise return to its
   * own slot when put back: OpenTable's Overview, "Vacant slots"). A
   * traversal walks the old table, then the new one, hashing each key there to skip those the
   * old table held: hashing a is the moment to remove b and put it back, into slot 2, ahead of
   * the traversal, which therefore returns b twice.
   */
  static Staged stageKeyMovedAheadOfTheTraversal() {
    LockFreeReadMap<Object, String> map = new LockFreeReadMap<>(16, 0, 1);
    int filler = 0;
    while (!map.isResizing()) {
      do {
        filler++;
      } while ((OpenTable.hash(filler) >>> 30) != 2);
      map.put(filler, "f" + filler);
    }
    Hooked b = new Hooked("b", 0);
    Hooked a = new Hooked("a", 0);
    map.put(b, "b1");
    map.put(a, "a1");
    // Use up the new table's Vacants (a sixteenth of its slots), so that removing b leaves
    // DELETED and b's re-insert takes a new slot instead of taking its own back.
    OpenTable next = map.currentTable().nextAcquire();
    for (int i = 0; i < next.maxVacancies(); i++) {
      do {
        filler++;
      } while ((OpenTable.hash(filler) >>> 30) != 2);
      map.put(filler, "f" + filler);
      map.remove(filler);
    }
    assertThat(next.vacantSlots()).isEqualTo(next.maxVacancies());
    assertThat(map.isResizing()).as("still resizing").isTrue();
    a.hook = () -> {
      map.remove(b);
      map.put(b, "b2");
    };
    return new Staged(map, a, b);
  }

  @Test
  void stagedTraversalReturnsTheMovedKeyTwice() {
    Staged s = stageKeyMovedAheadOfTheTraversal();
    List<Object> keys = new ArrayList<>(s.map().keySet());
    assertThat(s.a().hook).as("the traversal hashed a").isNull();
    assertThat(keys).filteredOn(k -> k.equals(s.b())).hasSize(2);
  }

  @Test
  void aKeyTraversedTwiceWhileWrittenDeserializesWithItsLaterValue() throws Exception {
    Staged s = stageKeyMovedAheadOfTheTraversal();
    byte[] bytes = serialize(s.map());
    assertThat(s.a().hook).as("the traversal hashed a").isNull();

    LockFreeReadMap<Object, String> copy = deserialize(bytes);

    assertThat(copy).isEqualTo(s.map()).containsEntry(new Hooked("b", 0), "b2");
    MapPitfallsTest.assertConsistent(copy);
  }

  /* ---------------- Subclasses -------------- */

  /** Double-brace initialisation: an anonymous subclass, created here without outer instance. */
  @SuppressWarnings("serial")
  static Map<String, Integer> doubleBrace(MapImpl impl) {
    switch (impl) {
      case READ_WRITE_LOCK:
        return new ReadWriteLockMap<>() {{
            put("one", 1);
            put("two", 2);
          }};
      case LOCK_FREE_READ:
        return new LockFreeReadMap<>() {{
            put("one", 1);
            put("two", 2);
          }};
      case STRIPED_LOCK:
        return new StripedLockMap<>() {{
            put("one", 1);
            put("two", 2);
          }};
      default:
        return new ConcurrentHashMap<>() {{
            put("one", 1);
            put("two", 2);
          }};
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void aDoubleBraceSubclassRoundTrips(MapImpl impl) throws Exception {
    Map<String, Integer> map = doubleBrace(impl);

    Map<String, Integer> copy = roundTrip(map);

    assertThat(copy.getClass()).isEqualTo(map.getClass()).isNotEqualTo(impl.create().getClass());
    assertThat(copy).isEqualTo(Map.of("one", 1, "two", 2));
    copy.put("three", 3);
    assertThat(copy).hasSize(3);
  }

  /** A subclass with state of its own, whose public writes are closed after construction. */
  interface Sealed {
    String label();

    int generation();
  }

  static final class SealedReadWriteLockMap extends ReadWriteLockMap<String, Integer>
      implements Sealed {
    private static final long serialVersionUID = 1L;
    private final String label;
    private int generation;

    SealedReadWriteLockMap(String label, Map<String, Integer> contents) {
      this.label = label;
      contents.forEach(super::put);
      generation = contents.size();
    }

    @Override
    public Integer put(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public Integer putIfAbsent(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public void putAll(Map<? extends String, ? extends Integer> m) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public int generation() {
      return generation;
    }
  }

  static final class SealedLockFreeReadMap extends LockFreeReadMap<String, Integer>
      implements Sealed {
    private static final long serialVersionUID = 1L;
    private final String label;
    private int generation;

    SealedLockFreeReadMap(String label, Map<String, Integer> contents) {
      this.label = label;
      contents.forEach(super::put);
      generation = contents.size();
    }

    @Override
    public Integer put(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public Integer putIfAbsent(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public void putAll(Map<? extends String, ? extends Integer> m) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public int generation() {
      return generation;
    }
  }

  static final class SealedStripedLockMap extends StripedLockMap<String, Integer>
      implements Sealed {
    private static final long serialVersionUID = 1L;
    private final String label;
    private int generation;

    SealedStripedLockMap(String label, Map<String, Integer> contents) {
      super(16, 4);
      this.label = label;
      contents.forEach(super::put);
      generation = contents.size();
    }

    @Override
    public Integer put(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public Integer putIfAbsent(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public void putAll(Map<? extends String, ? extends Integer> m) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public int generation() {
      return generation;
    }
  }

  static final class SealedConcurrentHashMap extends ConcurrentHashMap<String, Integer>
      implements Sealed {
    private static final long serialVersionUID = 1L;
    private final String label;
    private int generation;

    SealedConcurrentHashMap(String label, Map<String, Integer> contents) {
      this.label = label;
      contents.forEach(super::put);
      generation = contents.size();
    }

    @Override
    public Integer put(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public Integer putIfAbsent(String key, Integer value) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public void putAll(Map<? extends String, ? extends Integer> m) {
      throw new UnsupportedOperationException("sealed");
    }

    @Override
    public String label() {
      return label;
    }

    @Override
    public int generation() {
      return generation;
    }
  }

  static Map<String, Integer> sealed(MapImpl impl, String label, Map<String, Integer> contents) {
    switch (impl) {
      case READ_WRITE_LOCK:
        return new SealedReadWriteLockMap(label, contents);
      case LOCK_FREE_READ:
        return new SealedLockFreeReadMap(label, contents);
      case STRIPED_LOCK:
        return new SealedStripedLockMap(label, contents);
      default:
        return new SealedConcurrentHashMap(label, contents);
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void aSubclassRoundTripsWithItsOwnFieldsWithoutItsOverriddenWrites(MapImpl impl)
      throws Exception {
    Map<String, Integer> contents = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      contents.put("k" + i, i);
    }
    Map<String, Integer> map = sealed(impl, "config", contents);

    Map<String, Integer> copy = roundTrip(map);

    assertThat(copy).isExactlyInstanceOf(map.getClass()).isEqualTo(contents);
    assertThat(((Sealed) copy).label()).isEqualTo("config");
    assertThat(((Sealed) copy).generation()).isEqualTo(100);
    assertThatThrownBy(() -> copy.put("k", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  /* ---------------- Object graphs that refer to the map -------------- */

  /** A key or value that refers to a map; equal by name only, so hashing never visits the map. */
  static final class Ref implements Serializable {
    private static final long serialVersionUID = 1L;

    final String name;
    final Map<?, ?> map;

    Ref(String name, Map<?, ?> map) {
      this.name = name;
      this.map = map;
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ref && ((Ref) o).name.equals(name);
    }

    @Override
    public String toString() {
      return "Ref(" + name + ")";
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void keysAndValuesThatReferToTheMapComeBackReferringToTheCopy(MapImpl impl) throws Exception {
    ConcurrentMap<Object, Object> map = impl.create();
    for (int i = 0; i < 20; i++) {
      map.put("v" + i, new Ref("value" + i, map));
      map.put(new Ref("key" + i, map), i);
    }

    ConcurrentMap<Object, Object> copy = roundTrip(map);

    assertThat(copy).isNotSameAs(map).hasSize(40);
    for (int i = 0; i < 20; i++) {
      assertThat(((Ref) copy.get("v" + i)).map).isSameAs(copy);
      assertThat(copy.get(new Ref("key" + i, null))).isEqualTo(i);
    }
    for (Object k : copy.keySet()) {
      if (k instanceof Ref) {
        assertThat(((Ref) k).map).isSameAs(copy);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void aMapThatIsItsOwnValueComesBackAsItsOwnValue(MapImpl impl) throws Exception {
    // Never equals or hashCode here: both recurse through the value, in ConcurrentHashMap too.
    ConcurrentMap<String, Object> map = impl.create();
    map.put("self", map);
    map.put("other", "x");

    ConcurrentMap<String, Object> copy = roundTrip(map);

    Object self = copy.get("self");
    assertThat(self == copy)
        .as("the value is the copy itself, not a %s", self.getClass().getName())
        .isTrue();
    assertThat(copy.get("other")).isEqualTo("x");
    assertThat(copy.toString()).contains("self=(this Map)");
  }

  /* ---------------- StripedLockMap's stripe count -------------- */

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 256, 2048})
  void aStripedLockMapKeepsItsStripeCount(int stripes) throws Exception {
    StripedLockMap<Integer, String> map = new StripedLockMap<>(16, stripes);
    for (int i = 0; i < 300; i++) {
      map.put(i, "v" + i);
    }

    StripedLockMap<Integer, String> copy = roundTrip(map);

    assertThat(copy.stripeCount()).isEqualTo(stripes);
    assertThat(copy).isEqualTo(map);
    MapPitfallsTest.assertConsistent(copy);
  }

  /* ---------------- Crafted streams -------------- */

  /** The stream of a map holding the single mapping "only" -> "one". */
  static byte[] singleMappingStream(MapImpl impl) throws IOException {
    ConcurrentMap<String, String> map = impl.create();
    map.put("only", "one");
    return serialize(map);
  }

  /**
   * The offset of the mapping count in {@code bytes}: the int 1 written just before the key
   * "only" (a TC_STRING of length 4).
   */
  static int countOffset(byte[] bytes) {
    byte[] pattern = {0, 0, 0, 1, 0x74, 0, 4, 'o', 'n', 'l', 'y'};
    int found = -1;
    for (int i = 0; i + pattern.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
        assertThat(found).as("one count in the stream").isEqualTo(-1);
        found = i;
      }
    }
    assertThat(found).as("count found").isNotNegative();
    return found;
  }

  static byte[] withIntAt(byte[] bytes, int offset, int value) {
    byte[] patched = bytes.clone();
    for (int i = 0; i < 4; i++) {
      patched[offset + i] = (byte) (value >>> (24 - 8 * i));
    }
    return patched;
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void aStreamWithANegativeCountIsRejected(MapImpl impl) throws Exception {
    byte[] bytes = singleMappingStream(impl);
    byte[] crafted = withIntAt(bytes, countOffset(bytes), -1);

    assertThatThrownBy(() -> deserialize(crafted))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessageContaining("count");
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void aStreamWithFewerMappingsThanItsCountIsRejected(MapImpl impl) throws Exception {
    byte[] bytes = singleMappingStream(impl);
    byte[] crafted = withIntAt(bytes, countOffset(bytes), 2);

    assertThatThrownBy(() -> deserialize(crafted)).isInstanceOf(InvalidObjectException.class);
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void aTruncatedStreamIsRejected(MapImpl impl) throws Exception {
    byte[] bytes = singleMappingStream(impl);
    for (int length = countOffset(bytes); length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThat(catchThrowable(() -> deserialize(truncated)))
          .as("stream cut to %d of %d bytes", length, bytes.length)
          .isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void aStreamWithANullKeyOrValueIsRejected(MapImpl impl) throws Exception {
    for (String role : new String[] {"key", "value"}) {
      ConcurrentMap<Object, Object> map = impl.create();
      map.put("k", "v");
      if (role.equals("key")) {
        map.put(new MapPitfallsTest.Poison(role), "v");
      } else {
        map.put("k2", new MapPitfallsTest.Poison(role));
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new MapPitfallsTest.NullingStream(bytes)) {
        out.writeObject(map);
      }

      assertThatThrownBy(() -> deserialize(bytes.toByteArray()))
          .as("null %s", role)
          .isInstanceOf(InvalidObjectException.class)
          .hasMessageContaining("null");
    }
  }

  static int indexOf(byte[] bytes, byte[] pattern) {
    for (int i = 0; i + pattern.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
        return i;
      }
    }
    throw new AssertionError("not in the stream: " + Arrays.toString(pattern));
  }

  @ParameterizedTest
  @EnumSource(value = MapImpl.class, names = "CONCURRENT_HASH_MAP", mode = EnumSource.Mode.EXCLUDE)
  void aStreamThatRepeatsAKeyKeepsItsLaterValue(MapImpl impl) throws Exception {
    ConcurrentMap<String, String> map = impl.create();
    map.put("dupA", "first");
    map.put("dupB", "second");
    map.put("other", "third");
    byte[] bytes = serialize(map);
    // Rename dupB to dupA in the stream: the key then appears twice, as a traversal may write it.
    byte[] dupA = {0x74, 0, 4, 'd', 'u', 'p', 'A'};
    byte[] dupB = {0x74, 0, 4, 'd', 'u', 'p', 'B'};
    int a = indexOf(bytes, dupA);
    int b = indexOf(bytes, dupB);
    byte[] crafted = bytes.clone();
    crafted[b + dupB.length - 1] = 'A';

    Map<String, String> copy = deserialize(crafted);

    assertThat(copy).isExactlyInstanceOf(map.getClass())
        .isEqualTo(Map.of("dupA", b > a ? "second" : "first", "other", "third"));
    MapPitfallsTest.assertConsistent(copy);
  }

  @Test
  void aStreamWithABadStripeCountIsRejected() throws Exception {
    byte[] bytes = singleMappingStream(MapImpl.STRIPED_LOCK);
    int stripesOffset = countOffset(bytes) - 4;
    assertThat(deserialize(withIntAt(bytes, stripesOffset, 8)).toString()).isEqualTo("{only=one}");
    for (int stripes : new int[] {0, -1, 3, 1 << 17, Integer.MIN_VALUE}) {
      byte[] crafted = withIntAt(bytes, stripesOffset, stripes);
      assertThatThrownBy(() -> deserialize(crafted))
          .as("%d stripes", stripes)
          .isInstanceOf(InvalidObjectException.class)
          .hasMessageContaining("stripe");
    }
  }

  /* ---------------- Random maps -------------- */

  /** Keys that all share one hash code: past the probe window they live in an overflow tree. */
  record Colliding(int id) implements Serializable, Comparable<Colliding> {
    @Override
    public int hashCode() {
      return 42;
    }

    @Override
    public int compareTo(Colliding o) {
      return Integer.compare(id, o.id);
    }
  }

  /** Colliding keys that are not Comparable. */
  record CollidingUnordered(int id) implements Serializable {
    @Override
    public int hashCode() {
      return -7;
    }
  }

  static Object randomKey(Random random, String kind, int i) {
    switch (kind) {
      case "colliding":
        return new Colliding(i);
      case "colliding-unordered":
        return new CollidingUnordered(i);
      default:
        return random.nextBoolean() ? (Object) random.nextInt() : "s" + random.nextLong();
    }
  }

  static void assertSameMap(Map<Object, Object> copy, Map<Object, Object> map) {
    assertThat(copy).isExactlyInstanceOf(map.getClass()).isNotSameAs(map);
    assertThat(copy).isEqualTo(map);
    assertThat(map).isEqualTo(copy);
    assertThat(copy.hashCode()).isEqualTo(map.hashCode());
    assertThat(copy.size()).isEqualTo(map.size());
    assertThat(entriesOf(copy.toString())).isEqualTo(entriesOf(map.toString()));
    MapPitfallsTest.assertConsistent(copy);
  }

  /** The "k=v" parts of a map's toString, sorted: the order of the mappings may differ. */
  static List<String> entriesOf(String mapString) {
    assertThat(mapString).startsWith("{").endsWith("}");
    String inner = mapString.substring(1, mapString.length() - 1);
    List<String> parts = new ArrayList<>(inner.isEmpty() ? List.of() : List.of(inner.split(", ")));
    parts.sort(null);
    return parts;
  }

  @ParameterizedTest
  @EnumSource(MapImpl.class)
  void randomMapsRoundTripToEqualMaps(MapImpl impl) throws Exception {
    Random random = new Random(20261203L + impl.ordinal());
    for (String kind : new String[] {"mixed", "colliding", "colliding-unordered"}) {
      for (int size : new int[] {0, 1, 2, 33, 100, 1_000}) {
        ConcurrentMap<Object, Object> map = impl.create(random.nextInt(64));
        for (int i = 0; i < size; i++) {
          map.put(randomKey(random, kind, i), random.nextBoolean() ? i : "v" + i);
        }
        for (int i = 0; i < size / 4; i++) {
          map.remove(randomKey(random, kind, random.nextInt(size)));
        }
        assertSameMap(roundTrip(map), map);
      }
    }
  }

  @Test
  void lockFreeReadMapsHalfWayThroughAResizeRoundTripToEqualMaps() throws Exception {
    // Incremental from the first resize: every write migrates one more slot.
    LockFreeReadMap<Object, Object> small = new LockFreeReadMap<>(0, 0, 1);
    // Past SMALL_TABLE, with the production chunk size.
    LockFreeReadMap<Object, Object> large = new LockFreeReadMap<>();
    for (LockFreeReadMap<Object, Object> map : List.of(small, large)) {
      int minimum = map == large ? 4 * LockFreeReadMap.SMALL_TABLE : 40;
      Random random = new Random(minimum);
      int n = 0;
      while (!(n > minimum && map.isResizing())) {
        Object key = n % 3 == 0 ? new Colliding(n) : (Object) random.nextInt();
        map.put(key, "v" + n);
        if (n % 5 == 0) {
          map.remove(key);
        }
        n++;
        assertThat(n).isLessThan(1_000_000);
      }
      assertSameMap(roundTrip(map), map);
      assertThat(map.isResizing()).isTrue();
    }
  }

  @Test
  void aRoundTripCopyIsIndependentOfTheOriginal() throws Exception {
    for (MapImpl impl : MapImpl.values()) {
      ConcurrentMap<String, Integer> map = impl.create();
      map.put("a", 1);
      ConcurrentMap<String, Integer> copy = roundTrip(map);
      copy.put("b", 2);
      copy.remove("a");
      map.put("c", 3);
      assertThat(map).as(impl.name()).isEqualTo(Map.of("a", 1, "c", 3));
      assertThat(copy).as(impl.name()).isEqualTo(Map.of("b", 2));
      assertThat(Objects.requireNonNull(roundTrip(copy))).isEqualTo(copy);
    }
  }
}

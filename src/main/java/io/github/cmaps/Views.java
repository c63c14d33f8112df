package io.github.cmaps;

import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The {@code keySet()}, {@code values()} and {@code entrySet()} views shared by the cmaps maps.
 * Every view writes through to its map by calling the map's own atomic operations, so a view is
 * exactly as thread-safe as the map; iteration comes from the map's {@link Source}, which decides
 * how consistent it is (a snapshot, or weakly consistent).
 *
 * <p>Removal by value. A view that removes mappings because of their values ({@code
 * values().removeIf}, {@code removeAll}, {@code retainAll}, {@code remove}; the same on {@code
 * entrySet()}; {@code Iterator.remove} of either) removes a key only if it still maps to the value
 * that was tested, with the map's {@code remove(key, value)}. Another thread may have replaced
 * the value after the traversal read it, and the new value was never tested: removing it would
 * lose that update ({@code ConcurrentHashMap} fixed the same race in JDK-8078645). Key-set
 * removals test only keys and remove unconditionally.
 */
final class Views {

  private Views() {}

  /** What a map provides to its views. */
  interface Source<K, V> {
    /** The map the views write through to. */
    ConcurrentMap<K, V> map();

    /**
     * A new cursor over the mappings; it never throws {@code ConcurrentModificationException}.
     */
    Cursor cursor();
  }

  /** A position in a traversal of a map's mappings. */
  interface Cursor {
    /** Moves to the next mapping; false at the end. */
    boolean advance();

    /** The current key (after a successful {@link #advance}). */
    Object key();

    /** The current value (after a successful {@link #advance}). */
    Object value();
  }

  /** Spliterator characteristics of every view: the map rejects nulls and tolerates writers. */
  private static final int CHARACTERISTICS =
      Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.CONCURRENT;

  /* ---------------- Iterators -------------- */

  /** Base iterator: walks a cursor, remembers the last key for {@code remove}. */
  abstract static class BaseIterator<K, V, E> implements Iterator<E> {
    final Source<K, V> source;
    private final Cursor cursor;
    private boolean ready;
    private K lastKey;

    BaseIterator(Source<K, V> source) {
      this.source = source;
      this.cursor = source.cursor();
    }

    @Override
    public final boolean hasNext() {
      if (!ready) {
        ready = cursor.advance();
      }
      return ready;
    }

    @SuppressWarnings("unchecked")
    final K nextKey() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      lastKey = (K) cursor.key();
      return lastKey;
    }

    @SuppressWarnings("unchecked")
    final V currentValue() {
      return (V) cursor.value();
    }

    /**
     * The value the element last returned stands for, if removal is conditional on it (values
     * and entries), or null to remove the key whatever it maps to (keys).
     */
    abstract V lastValue();

    /**
     * Removes the mapping of the element last returned: a key-set iterator removes the key
     * whatever it maps to now (as ConcurrentHashMap does); a values or entry-set iterator removes
     * it only if it still maps to the value returned (see the class comment).
     */
    @Override
    public final void remove() {
      if (lastKey == null) {
        throw new IllegalStateException("next() not called, or remove() already called");
      }
      V v = lastValue();
      if (v == null) {
        source.map().remove(lastKey);
      } else {
        source.map().remove(lastKey, v);
      }
      lastKey = null;
    }
  }

  static final class KeyIterator<K, V> extends BaseIterator<K, V, K> {
    KeyIterator(Source<K, V> source) {
      super(source);
    }

    @Override
    public K next() {
      return nextKey();
    }

    @Override
    V lastValue() {
      return null;
    }
  }

  static final class ValueIterator<K, V> extends BaseIterator<K, V, V> {
    private V last;

    ValueIterator(Source<K, V> source) {
      super(source);
    }

    @Override
    public V next() {
      nextKey();
      return last = currentValue();
    }

    @Override
    V lastValue() {
      return last;
    }
  }

  static final class EntryIterator<K, V> extends BaseIterator<K, V, Map.Entry<K, V>> {
    private WriteThroughEntry<K, V> last;

    EntryIterator(Source<K, V> source) {
      super(source);
    }

    @Override
    public Map.Entry<K, V> next() {
      K k = nextKey();
      return last = new WriteThroughEntry<>(k, currentValue(), source.map());
    }

    @Override
    V lastValue() {
      return last.getValue(); // after a setValue through the entry, the value it set
    }
  }

  /**
   * Removes each mapping that {@code test} accepts, on condition that the key still maps to the
   * value tested (see the class comment). True if any mapping was removed.
   */
  @SuppressWarnings("unchecked")
  static <K, V> boolean removeMappingsIf(Source<K, V> source, BiPredicate<K, V> test) {
    ConcurrentMap<K, V> map = source.map();
    boolean removed = false;
    for (Cursor c = source.cursor(); c.advance(); ) {
      K k = (K) c.key();
      V v = (V) c.value();
      if (test.test(k, v) && map.remove(k, v)) {
        removed = true;
      }
    }
    return removed;
  }

  /**
   * An entry handed out by an entry iterator: {@code setValue} puts into the map (and returns the
   * value this entry last held, which may differ from the map's if another thread wrote since).
   */
  static final class WriteThroughEntry<K, V> implements Map.Entry<K, V> {
    private final K key;
    private V value;
    private final ConcurrentMap<K, V> map;

    WriteThroughEntry(K key, V value, ConcurrentMap<K, V> map) {
      this.key = key;
      this.value = value;
      this.map = map;
    }

    @Override
    public K getKey() {
      return key;
    }

    @Override
    public V getValue() {
      return value;
    }

    @Override
    public V setValue(V value) {
      Objects.requireNonNull(value);
      V old = this.value;
      map.put(key, value);
      this.value = value;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry
          && key.equals(((Map.Entry<?, ?>) o).getKey())
          && value.equals(((Map.Entry<?, ?>) o).getValue());
    }

    @Override
    public int hashCode() {
      return key.hashCode() ^ value.hashCode();
    }

    @Override
    public String toString() {
      return key + "=" + value;
    }
  }

  /* ---------------- Views -------------- */

  static final class KeySet<K, V> extends AbstractSet<K> {
    private final Source<K, V> source;

    KeySet(Source<K, V> source) {
      this.source = source;
    }

    @Override
    public Iterator<K> iterator() {
      return new KeyIterator<>(source);
    }

    @Override
    public int size() {
      return source.map().size();
    }

    @Override
    public boolean isEmpty() {
      return source.map().isEmpty();
    }

    @Override
    public boolean contains(Object o) {
      return source.map().containsKey(o);
    }

    @Override
    public boolean remove(Object o) {
      return source.map().remove(o) != null;
    }

    @Override
    public void clear() {
      source.map().clear();
    }

    @Override
    public Spliterator<K> spliterator() {
      return Spliterators.spliteratorUnknownSize(iterator(), CHARACTERISTICS);
    }
  }

  static final class Values<K, V> extends AbstractCollection<V> {
    private final Source<K, V> source;

    Values(Source<K, V> source) {
      this.source = source;
    }

    @Override
    public Iterator<V> iterator() {
      return new ValueIterator<>(source);
    }

    @Override
    public int size() {
      return source.map().size();
    }

    @Override
    public boolean isEmpty() {
      return source.map().isEmpty();
    }

    @Override
    public boolean contains(Object o) {
      return source.map().containsValue(o);
    }

    /** Removes one mapping to a value equal to {@code o}, if it still maps to it. */
    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(Object o) {
      if (o == null) {
        return false;
      }
      ConcurrentMap<K, V> map = source.map();
      for (Cursor c = source.cursor(); c.advance(); ) {
        if (o.equals(c.value()) && map.remove(c.key(), c.value())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean removeIf(Predicate<? super V> filter) {
      Objects.requireNonNull(filter);
      return removeMappingsIf(source, (k, v) -> filter.test(v));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
      Objects.requireNonNull(c);
      return removeMappingsIf(source, (k, v) -> c.contains(v));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
      Objects.requireNonNull(c);
      return removeMappingsIf(source, (k, v) -> !c.contains(v));
    }

    @Override
    public void clear() {
      source.map().clear();
    }

    @Override
    public Spliterator<V> spliterator() {
      return Spliterators.spliteratorUnknownSize(
          iterator(), Spliterator.NONNULL | Spliterator.CONCURRENT);
    }
  }

  static final class EntrySet<K, V> extends AbstractSet<Map.Entry<K, V>> {
    private final Source<K, V> source;

    EntrySet(Source<K, V> source) {
      this.source = source;
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
      return new EntryIterator<>(source);
    }

    @Override
    public int size() {
      return source.map().size();
    }

    @Override
    public boolean isEmpty() {
      return source.map().isEmpty();
    }

    @Override
    public boolean contains(Object o) {
      if (!(o instanceof Map.Entry)) {
        return false;
      }
      Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
      Object k = e.getKey();
      Object v = e.getValue();
      if (k == null || v == null) {
        return false;
      }
      Object current = source.map().get(k);
      return current != null && current.equals(v);
    }

    @Override
    public boolean remove(Object o) {
      if (!(o instanceof Map.Entry)) {
        return false;
      }
      Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
      Object k = e.getKey();
      Object v = e.getValue();
      return k != null && v != null && source.map().remove(k, v);
    }

    @Override
    public boolean removeIf(Predicate<? super Map.Entry<K, V>> filter) {
      Objects.requireNonNull(filter);
      ConcurrentMap<K, V> map = source.map();
      return removeMappingsIf(source, (k, v) -> filter.test(new WriteThroughEntry<>(k, v, map)));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
      Objects.requireNonNull(c);
      return removeMappingsIf(source, (k, v) -> c.contains(Map.entry(k, v)));
    }

    @Override
    public boolean retainAll(Collection<?> c) {
      Objects.requireNonNull(c);
      return removeMappingsIf(source, (k, v) -> !c.contains(Map.entry(k, v)));
    }

    @Override
    public void clear() {
      source.map().clear();
    }

    @Override
    public Spliterator<Map.Entry<K, V>> spliterator() {
      return Spliterators.spliteratorUnknownSize(iterator(), CHARACTERISTICS);
    }
  }

  /* ---------------- Key sets that add -------------- */

  /**
   * A key-set view that also adds: {@code add(k)} maps {@code k} to one fixed value unless {@code
   * k} is present, with the map's {@code putIfAbsent}, so an element already present keeps its
   * value (the semantics of {@code ConcurrentHashMap.keySet(V)}). Everything else goes through
   * the map's own {@code keySet()} view, so reads, removal and iteration behave exactly as there.
   * The maps return it from {@code keySet(V)} and, over a new map with {@link Boolean#TRUE} as the
   * value, from their static {@code newKeySet()}.
   *
   * <p>Serializable: it writes its map and the value, so a set from {@code newKeySet()} comes
   * back as a set over a map of the same class.
   */
  static final class AddingKeySet<K, V> extends AbstractSet<K> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** The map written through to; serialized with the set. */
    @SuppressWarnings("serial") // ConcurrentMap is not Serializable, every cmaps map is
    private final ConcurrentMap<K, V> map;

    /** The value that {@code add} maps new keys to; non-null. */
    @SuppressWarnings("serial") // as with ConcurrentHashMap.keySet(V), it need not be
    private final V mappedValue;

    AddingKeySet(ConcurrentMap<K, V> map, V mappedValue) {
      this.map = map;
      this.mappedValue = Objects.requireNonNull(mappedValue, "mappedValue");
    }

    /** Adds {@code k} with the mapped value if absent; false (value untouched) if present. */
    @Override
    public boolean add(K k) {
      return map.putIfAbsent(Objects.requireNonNull(k), mappedValue) == null;
    }

    @Override
    public boolean addAll(Collection<? extends K> c) {
      boolean added = false;
      for (K k : c) {
        if (add(k)) {
          added = true;
        }
      }
      return added;
    }

    @Override
    public Iterator<K> iterator() {
      return map.keySet().iterator();
    }

    @Override
    public int size() {
      return map.size();
    }

    @Override
    public boolean isEmpty() {
      return map.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
      return map.containsKey(o);
    }

    @Override
    public boolean remove(Object o) {
      return map.keySet().remove(o);
    }

    @Override
    public void clear() {
      map.clear();
    }

    @Override
    public Spliterator<K> spliterator() {
      return map.keySet().spliterator();
    }
  }
}

package io.github.cmaps;

import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code keySet()}, {@code values()} and {@code entrySet()} views shared by the cmaps maps.
 * Every view writes through to its map by calling the map's own atomic operations, so a view is
 * exactly as thread-safe as the map; iteration comes from the map's {@link Source}, which decides
 * how consistent it is (a snapshot, or weakly consistent).
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

    /** Removes the key last returned, whatever it maps to now (as ConcurrentHashMap does). */
    @Override
    public final void remove() {
      if (lastKey == null) {
        throw new IllegalStateException("next() not called, or remove() already called");
      }
      source.map().remove(lastKey);
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
  }

  static final class ValueIterator<K, V> extends BaseIterator<K, V, V> {
    ValueIterator(Source<K, V> source) {
      super(source);
    }

    @Override
    public V next() {
      nextKey();
      return currentValue();
    }
  }

  static final class EntryIterator<K, V> extends BaseIterator<K, V, Map.Entry<K, V>> {
    EntryIterator(Source<K, V> source) {
      super(source);
    }

    @Override
    public Map.Entry<K, V> next() {
      K k = nextKey();
      return new WriteThroughEntry<>(k, currentValue(), source.map());
    }
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
    public void clear() {
      source.map().clear();
    }

    @Override
    public Spliterator<Map.Entry<K, V>> spliterator() {
      return Spliterators.spliteratorUnknownSize(iterator(), CHARACTERISTICS);
    }
  }
}

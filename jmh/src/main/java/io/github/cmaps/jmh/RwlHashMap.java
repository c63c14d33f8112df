package io.github.cmaps.jmh;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Benchmark-only: a {@link HashMap} behind one {@link ReentrantReadWriteLock}, the textbook
 * "readers share, writers exclude" map. It is here to show the collapse of pessimistic read locks
 * under concurrent readers: every {@code get} takes and releases the read lock, and both are
 * compare-and-set writes to the lock's one shared state word, so two reading cores fight over that
 * cache line and readers run slower together than one does alone.
 *
 * <p>Only what the benchmarks call is guarded ({@code get}, {@code put}, {@code remove},
 * {@code size}, {@code putIfAbsent}, {@code computeIfAbsent}, {@code merge}); {@link #entrySet()}
 * is a view of the bare {@code HashMap} and is not safe under concurrent writes. Not a library
 * class and not a {@code ConcurrentMap}.
 */
final class RwlHashMap<K, V> extends AbstractMap<K, V> {
  private final HashMap<K, V> map = new HashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ReentrantReadWriteLock.ReadLock readLock = lock.readLock();
  private final ReentrantReadWriteLock.WriteLock writeLock = lock.writeLock();

  @Override
  public V get(Object key) {
    readLock.lock();
    try {
      return map.get(key);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public boolean containsKey(Object key) {
    readLock.lock();
    try {
      return map.containsKey(key);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public int size() {
    readLock.lock();
    try {
      return map.size();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public V put(K key, V value) {
    writeLock.lock();
    try {
      return map.put(key, value);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    writeLock.lock();
    try {
      return map.putIfAbsent(key, value);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public V remove(Object key) {
    writeLock.lock();
    try {
      return map.remove(key);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public V computeIfAbsent(K key, java.util.function.Function<? super K, ? extends V> f) {
    writeLock.lock();
    try {
      return map.computeIfAbsent(key, f);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public V merge(
      K key, V value, java.util.function.BiFunction<? super V, ? super V, ? extends V> f) {
    writeLock.lock();
    try {
      return map.merge(key, value, f);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void clear() {
    writeLock.lock();
    try {
      map.clear();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return map.entrySet();
  }
}

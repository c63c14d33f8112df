package io.github.cmaps;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.function.IntFunction;

/**
 * Serialization proxy of every cmaps map (the "serialization proxy" pattern): the stream holds
 * only the kind of map, its count and its key/value pairs, never locks or tables. Deserializing
 * rebuilds the map through its public constructor and {@code putIfAbsent}, so a crafted stream
 * cannot produce a map that breaks its own invariants: a null key or value, a negative count or a
 * duplicate key is rejected with {@link InvalidObjectException}.
 */
final class SerializedMap implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Which map to rebuild. The ordinal is part of the serialized form: only append. */
  enum Kind {
    READ_WRITE_LOCK(ReadWriteLockMap::new),
    LOCK_FREE_READ(LockFreeReadMap::new),
    STRIPED_LOCK(StripedLockMap::new);

    private final IntFunction<ConcurrentMap<Object, Object>> factory;

    Kind(IntFunction<ConcurrentMap<Object, Object>> factory) {
      this.factory = factory;
    }
  }

  private transient Kind kind;
  private transient Map<?, ?> source;
  private transient ConcurrentMap<Object, Object> result;

  SerializedMap(Kind kind, Map<?, ?> source) {
    this.kind = kind;
    this.source = source;
  }

  /**
   * Stream layout: kind ordinal (int), mapping count (int), then that many key, value pairs. The
   * pairs come from one traversal of the map copied first, so a map that changes while it is
   * written still yields a well-formed stream (a weakly consistent traversal of it, or for
   * {@code ReadWriteLockMap} an atomic snapshot).
   */
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    Object[] pairs = new Object[16];
    int n = 0;
    for (Map.Entry<?, ?> e : source.entrySet()) {
      if (n == pairs.length) {
        pairs = Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = e.getKey();
      pairs[n++] = e.getValue();
    }
    out.writeInt(kind.ordinal());
    out.writeInt(n >>> 1);
    for (int i = 0; i < n; i++) {
      out.writeObject(pairs[i]);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int ordinal = in.readInt();
    Kind[] kinds = Kind.values();
    if (ordinal < 0 || ordinal >= kinds.length) {
      throw new InvalidObjectException("unknown map kind: " + ordinal);
    }
    int count = in.readInt();
    if (count < 0) {
      throw new InvalidObjectException("negative mapping count: " + count);
    }
    ConcurrentMap<Object, Object> map = kinds[ordinal].factory.apply(0);
    for (int i = 0; i < count; i++) {
      Object key = in.readObject();
      Object value = in.readObject();
      if (key == null || value == null) {
        throw new InvalidObjectException("null key or value in mapping " + i);
      }
      if (map.putIfAbsent(key, value) != null) {
        throw new InvalidObjectException("duplicate key " + key);
      }
    }
    this.result = map;
  }

  private Object readResolve() throws ObjectStreamException {
    if (result == null) {
      throw new InvalidObjectException("incomplete stream");
    }
    return result;
  }
}

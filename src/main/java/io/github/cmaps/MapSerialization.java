package io.github.cmaps;

import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OptionalDataException;
import java.util.Arrays;

/**
 * The mappings part of every cmaps map's serialized form, written and read by the maps' own
 * private {@code writeObject} and {@code readObject}: the number of mappings (an int), then that
 * many key, value pairs. A map writes its own fields ({@code defaultWriteObject}) and any header
 * of its own (the stripe count of {@code StripedLockMap}) first; a subclass's fields follow, the
 * way Java serialization orders the classes of an object.
 *
 * <p>Reading validates before anything is stored: a negative count, a null key or value, or a
 * stream that ends before the count's pairs is rejected with {@link InvalidObjectException}, and
 * the map then receives none of the pairs. A key may appear twice, because a weakly consistent
 * traversal may legitimately return a key that a writer removed and put back while it ran: the
 * map stores the pairs in stream order, so the later pair wins.
 */
final class MapSerialization {

  /** Pairs the reader makes room for before they arrive: a crafted count allocates no more. */
  private static final int INITIAL_PAIRS = 512;

  /** The most pairs one array can hold (VM limits stop an array a few elements short). */
  private static final int MAX_COUNT = (Integer.MAX_VALUE - 8) >>> 1;

  private MapSerialization() {}

  /**
   * Writes the mapping count, then the key/value pairs, of one traversal by {@code c}. The pairs
   * are collected before anything is written, so the count always matches them whatever other
   * threads write meanwhile; the keys and values are then written outside any traversal, so
   * their own {@code writeObject} may even write to the map.
   */
  static void writeMappings(ObjectOutputStream out, Views.Cursor c) throws IOException {
    Object[] pairs = new Object[32];
    int n = 0;
    while (c.advance()) {
      if (n == pairs.length) {
        pairs = Arrays.copyOf(pairs, n * 2);
      }
      pairs[n++] = c.key();
      pairs[n++] = c.value();
    }
    out.writeInt(n >>> 1);
    for (int i = 0; i < n; i++) {
      out.writeObject(pairs[i]);
    }
  }

  /**
   * Reads what {@link #writeMappings} wrote: the pairs, key at {@code 2i} and value at {@code
   * 2i + 1}, in an array of exactly twice the count, none of them null. Duplicate keys are
   * returned as they are, in stream order.
   *
   * @throws InvalidObjectException if the count is negative or larger than an array can hold, a
   *     key or value is null, or the stream ends before the count's pairs
   */
  static Object[] readMappings(ObjectInputStream in) throws IOException, ClassNotFoundException {
    int count = in.readInt();
    if (count < 0) {
      throw new InvalidObjectException("negative mapping count: " + count);
    }
    if (count > MAX_COUNT) {
      throw new InvalidObjectException("mapping count too large for one array: " + count);
    }
    // Grown as pairs arrive, up to exactly 2 * count, never allocated from the count alone.
    Object[] pairs = new Object[Math.min(count, INITIAL_PAIRS) * 2];
    for (int i = 0; i < count; i++) {
      Object key;
      Object value;
      try {
        key = in.readObject();
        value = in.readObject();
      } catch (OptionalDataException | EOFException e) {
        InvalidObjectException invalid =
            new InvalidObjectException("stream ends after " + i + " of " + count + " mappings");
        invalid.initCause(e);
        throw invalid;
      }
      if (key == null || value == null) {
        throw new InvalidObjectException(
            "null " + (key == null ? "key" : "value") + " in mapping " + i);
      }
      int j = i * 2;
      if (j == pairs.length) {
        pairs = Arrays.copyOf(pairs, (int) Math.min(2L * count, 2L * pairs.length));
      }
      pairs[j] = key;
      pairs[j + 1] = value;
    }
    return pairs;
  }
}

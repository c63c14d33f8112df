package io.github.cmaps.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The keys a workload stores and looks up: {@code @Param KeyKind keyKind} on every read and write
 * benchmark.
 *
 * <p>{@link #SEQUENTIAL_INTEGER} keeps the keys the benchmarks used before this parameter existed,
 * for comparison with older results: {@code Integer} 0..n-1, allocated in order and looked up
 * through the stored objects themselves. It is the friendliest key set there is: {@code
 * Integer.hashCode} is the value, and consecutive values are exactly the keys that Fibonacci
 * hashing (cmaps) or a power-of-two mask (the JDK maps) place with no collision at all.
 *
 * <p>The other kinds look like keys of real programs, and are looked up as real programs look
 * them up: through <em>equal copies</em>, distinct objects from the ones the map stores (a key
 * parsed from a request, say). {@link #lookupCopies} builds them, one per key, so every hit pays a
 * real {@code equals} and reads the stored key object. The measured loops still allocate nothing:
 * the copies are built once, before measurement, and the workloads index them.
 *
 * <p>Key objects are allocated in an order unrelated to the order the workloads touch them: the
 * stored keys in one random order, the copies in another. Allocation order is heap order in a
 * fresh thread-local allocation buffer, so allocating keys in access order would put the keys a
 * workload reads one after another on neighbouring cache lines and flatter every map (a garbage
 * collection may move them afterwards, for every map alike).
 */
public enum KeyKind {

  /** {@code Integer} 0..n-1 in order, looked up through the stored objects (the old keys). */
  SEQUENTIAL_INTEGER {
    @Override
    Object[] keys(int n, SplittableRandom random) {
      return Keys.integers(n);
    }

    @Override
    Object[] lookupCopies(Object[] stored, SplittableRandom random) {
      return stored;
    }

    @Override
    Object copy(Object key) {
      return key;
    }
  },

  /**
   * Distinct random {@code Integer}s outside {@code Integer.valueOf}'s cache (-128..127), so that
   * {@code Integer.valueOf} gives every copy its own object.
   */
  RANDOM_INTEGER {
    @Override
    Object[] keys(int n, SplittableRandom random) {
      long[] v = distinct(n, () -> uncached(random.nextInt()), random);
      return allocateShuffled(n, random, i -> Integer.valueOf((int) v[i]));
    }

    @Override
    Object copy(Object key) {
      return Integer.valueOf((Integer) key);
    }
  },

  /** Distinct random {@code Long}s outside {@code Long.valueOf}'s cache, like database ids. */
  RANDOM_LONG {
    @Override
    Object[] keys(int n, SplittableRandom random) {
      long[] v = distinct(n, () -> uncached(random.nextLong()), random);
      return allocateShuffled(n, random, i -> Long.valueOf(v[i]));
    }

    @Override
    Object copy(Object key) {
      return Long.valueOf((Long) key);
    }
  },

  /**
   * Strings of 36 characters in the form of a UUID ({@code new UUID(random, random).toString()}),
   * as session or request identifiers are. The most significant halves are distinct, so the keys
   * are. Both stored keys and copies have their hash code computed (and cached by {@code String})
   * during setup, as a long-lived key would; every copy has its own byte array, so {@code equals}
   * compares characters.
   */
  UUID_STRING {
    @Override
    Object[] keys(int n, SplittableRandom random) {
      long[] high = distinct(n, random::nextLong, random);
      long[] low = new long[n];
      for (int i = 0; i < n; i++) {
        low[i] = random.nextLong();
      }
      return allocateShuffled(n, random, i -> hashed(new UUID(high[i], low[i]).toString()));
    }

    @Override
    Object copy(Object key) {
      // new String(String) would share the byte array, and String.equals short-cuts on identical
      // arrays; copying the characters gives the copy its own.
      return hashed(new String(((String) key).toCharArray()));
    }
  },

  /**
   * A record of two fields, {@link Id}{@code (long tenant, int id)}: one of 1024 random 64-bit
   * tenant identifiers and a per-tenant sequence number, like a composite database key. A record
   * does not cache its hash code, so every lookup computes it from both fields, and {@code equals}
   * compares both.
   */
  RECORD {
    @Override
    Object[] keys(int n, SplittableRandom random) {
      long[] tenants = distinct(TENANTS, random::nextLong, random);
      int[] nextId = new int[TENANTS];
      long[] tenant = new long[n];
      int[] id = new int[n];
      for (int i = 0; i < n; i++) {
        int t = random.nextInt(TENANTS);
        tenant[i] = tenants[t];
        id[i] = nextId[t]++;
      }
      return allocateShuffled(n, random, i -> new Id(tenant[i], id[i]));
    }

    @Override
    Object copy(Object key) {
      Id k = (Id) key;
      return new Id(k.tenant(), k.id());
    }
  };

  /** The key of {@link #RECORD}. */
  record Id(long tenant, int id) {}

  /** Number of distinct tenants of {@link #RECORD} keys. */
  static final int TENANTS = 1024;

  /**
   * Returns {@code n} distinct keys; {@code keys[i]} is key number {@code i}. Except for {@link
   * #SEQUENTIAL_INTEGER}, the objects are allocated in a random order, not in index order.
   */
  abstract Object[] keys(int n, SplittableRandom random);

  /**
   * Returns the objects a workload passes to the map to reach {@code stored}: {@code
   * copies[i].equals(stored[i])}, and (except for {@link #SEQUENTIAL_INTEGER}, which returns {@code
   * stored}) {@code copies[i] != stored[i]}. The copies are allocated in a random order, different
   * from the stored keys' order. Call it again for a second, distinct set of copies.
   */
  Object[] lookupCopies(Object[] stored, SplittableRandom random) {
    Object[] copies = allocateShuffled(stored.length, random, i -> copy(stored[i]));
    for (int i = 0; i < copies.length; i++) {
      if (copies[i] == stored[i] || !copies[i].equals(stored[i])) {
        throw new AssertionError(this + ": copy " + i + " is not a distinct equal object");
      }
    }
    return copies;
  }

  /** Returns an object equal to {@code key} (a new one, except for {@link #SEQUENTIAL_INTEGER}). */
  abstract Object copy(Object key);

  /* ---------------- Helpers ---------------- */

  private interface Maker {
    Object make(int i);
  }

  private interface LongDraw {
    long next();
  }

  /** Returns {@code result[i] = maker.make(i)}, calling the maker in a random order of {@code i}. */
  private static Object[] allocateShuffled(int n, SplittableRandom random, Maker maker) {
    Object[] result = new Object[n];
    for (int i : Distribution.permutation(n, random)) {
      result[i] = maker.make(i);
    }
    return result;
  }

  /** Returns {@code n} distinct draws in a random order. */
  private static long[] distinct(int n, LongDraw draw, SplittableRandom random) {
    long[] v = new long[0];
    while (v.length < n) {
      int have = v.length;
      v = Arrays.copyOf(v, n);
      for (int i = have; i < n; i++) {
        v[i] = draw.next();
      }
      Arrays.sort(v);
      int unique = 0;
      for (int i = 0; i < n; i++) {
        if (unique == 0 || v[i] != v[unique - 1]) {
          v[unique++] = v[i];
        }
      }
      v = Arrays.copyOf(v, unique);
    }
    int[] p = Distribution.permutation(n, random); // sorted order says nothing about key number
    long[] shuffled = new long[n];
    for (int i = 0; i < n; i++) {
      shuffled[i] = v[p[i]];
    }
    return shuffled;
  }

  /** Moves a value out of the boxing caches' range -128..127 (same mapping for every value). */
  private static long uncached(long value) {
    return value >= -128 && value <= 127 ? value + 1024 : value;
  }

  private static String hashed(String s) {
    s.hashCode();
    return s;
  }
}

package io.github.cmaps;

import java.util.Arrays;

/**
 * An immutable, persistent AVL tree of mappings: the overflow of a bounded-probe {@link
 * OpenTable}, where keys go whose probe window is full (in practice: many keys sharing one hash
 * code, as in a hash-flooding attack). Every update returns a new root that shares all untouched
 * nodes with the old one (path copying, O(log n) new nodes), so a reader holding any root sees a
 * complete, unchanging tree with no lock at all.
 *
 * <p>Order: by hash, then by class name, then by {@link Comparable#compareTo} when the key's class
 * implements it. That is a consistent total preorder, so rotations never separate a key from
 * the path a lookup takes. Keys it cannot tell apart (same hash and class, not comparable, or
 * {@code compareTo} returning 0 for unequal keys) share one node, a small group searched with
 * {@code equals}: such keys degrade to a linear scan, exactly as in {@code ConcurrentHashMap}'s
 * tree bins. Comparable keys with equal hash codes (e.g. colliding {@code String}s) cost O(log n).
 */
final class OverflowTree {

  private OverflowTree() {}

  /** A node: one hash, a group of mutually tied mappings (key, value, key, value...). */
  static final class Node {
    final int hash;
    final Object[] group;
    final Node left;
    final Node right;
    final int height;
    /** Mappings in this subtree. */
    final int size;

    Node(int hash, Object[] group, Node left, Node right) {
      this.hash = hash;
      this.group = group;
      this.left = left;
      this.right = right;
      this.height = Math.max(height(left), height(right)) + 1;
      this.size = size(left) + size(right) + (group.length >>> 1);
    }
  }

  static int height(Node n) {
    return n == null ? 0 : n.height;
  }

  static int size(Node n) {
    return n == null ? 0 : n.size;
  }

  /** Orders (h, key) against node {@code n}; 0 means "belongs to n's group". */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(int h, Object key, Node n) {
    if (h != n.hash) {
      return h < n.hash ? -1 : 1;
    }
    Object other = n.group[0];
    Class<?> a = key.getClass();
    Class<?> b = other.getClass();
    if (a != b) {
      return a.getName().compareTo(b.getName()); // 0 only for same-named classes of two loaders
    }
    if (key instanceof Comparable) {
      return Integer.signum(((Comparable) key).compareTo(other));
    }
    return 0;
  }

  /** The value of {@code key} (hash {@code h}), or null. */
  static Object get(Node n, Object key, int h) {
    while (n != null) {
      int c = compare(h, key, n);
      if (c < 0) {
        n = n.left;
      } else if (c > 0) {
        n = n.right;
      } else {
        Object[] g = n.group;
        for (int i = 0; i < g.length; i += 2) {
          if (g[i] == key || key.equals(g[i])) {
            return g[i + 1];
          }
        }
        return null;
      }
    }
    return null;
  }

  /** A tree with {@code key} mapped to {@code value} (added or replaced). */
  static Node put(Node n, Object key, int h, Object value) {
    if (n == null) {
      return new Node(h, new Object[] {key, value}, null, null);
    }
    int c = compare(h, key, n);
    if (c < 0) {
      return balance(n.hash, n.group, put(n.left, key, h, value), n.right);
    }
    if (c > 0) {
      return balance(n.hash, n.group, n.left, put(n.right, key, h, value));
    }
    Object[] g = n.group;
    for (int i = 0; i < g.length; i += 2) {
      if (g[i] == key || key.equals(g[i])) {
        Object[] copy = g.clone();
        copy[i + 1] = value;
        return new Node(n.hash, copy, n.left, n.right);
      }
    }
    Object[] grown = Arrays.copyOf(g, g.length + 2);
    grown[g.length] = key;
    grown[g.length + 1] = value;
    return new Node(n.hash, grown, n.left, n.right);
  }

  /** A tree without {@code key}; the same root if the key is absent. */
  static Node remove(Node n, Object key, int h) {
    if (n == null) {
      return null;
    }
    int c = compare(h, key, n);
    if (c < 0) {
      Node l = remove(n.left, key, h);
      return l == n.left ? n : balance(n.hash, n.group, l, n.right);
    }
    if (c > 0) {
      Node r = remove(n.right, key, h);
      return r == n.right ? n : balance(n.hash, n.group, n.left, r);
    }
    Object[] g = n.group;
    for (int i = 0; i < g.length; i += 2) {
      if (g[i] == key || key.equals(g[i])) {
        if (g.length > 2) {
          Object[] shrunk = new Object[g.length - 2];
          System.arraycopy(g, 0, shrunk, 0, i);
          System.arraycopy(g, i + 2, shrunk, i, g.length - i - 2);
          return new Node(n.hash, shrunk, n.left, n.right);
        }
        if (n.left == null) {
          return n.right;
        }
        if (n.right == null) {
          return n.left;
        }
        Node min = n.right;
        while (min.left != null) {
          min = min.left;
        }
        return balance(min.hash, min.group, n.left, removeMin(n.right));
      }
    }
    return n;
  }

  private static Node removeMin(Node n) {
    if (n.left == null) {
      return n.right;
    }
    return balance(n.hash, n.group, removeMin(n.left), n.right);
  }

  /** A node with the given parts, rotated so that the subtree heights differ by at most one. */
  private static Node balance(int hash, Object[] group, Node l, Node r) {
    int hl = height(l);
    int hr = height(r);
    if (hl > hr + 1) {
      if (height(l.left) >= height(l.right)) {
        return new Node(l.hash, l.group, l.left, new Node(hash, group, l.right, r));
      }
      Node lr = l.right;
      return new Node(
          lr.hash,
          lr.group,
          new Node(l.hash, l.group, l.left, lr.left),
          new Node(hash, group, lr.right, r));
    }
    if (hr > hl + 1) {
      if (height(r.right) >= height(r.left)) {
        return new Node(r.hash, r.group, new Node(hash, group, l, r.left), r.right);
      }
      Node rl = r.left;
      return new Node(
          rl.hash,
          rl.group,
          new Node(hash, group, l, rl.left),
          new Node(r.hash, r.group, rl.right, r.right));
    }
    return new Node(hash, group, l, r);
  }

  /** Appends every mapping of the tree to {@code out} (key, value pairs) from {@code at}. */
  static int flatten(Node n, Object[] out, int at) {
    while (n != null) {
      at = flatten(n.left, out, at);
      System.arraycopy(n.group, 0, out, at, n.group.length);
      at += n.group.length;
      n = n.right;
    }
    return at;
  }

  /** Every mapping of the tree as a fresh (key, value, key, value...) array. */
  static Object[] toArray(Node n) {
    Object[] out = new Object[size(n) << 1];
    flatten(n, out, 0);
    return out;
  }
}

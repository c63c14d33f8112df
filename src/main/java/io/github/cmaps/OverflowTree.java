package io.github.cmaps;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable, persistent AVL tree of mappings: the overflow of a bounded-probe {@link
 * OpenTable}, where keys go whose probe window is full (in practice: many keys sharing one hash
 * code, as in a hash-flooding attack). Every update returns a new root that shares all untouched
 * nodes with the old one (path copying, O(log n) new nodes), so a reader holding any root sees a
 * complete, unchanging tree with no lock at all.
 *
 * <p>Lookups follow {@code equals}, whatever the classes of the keys involved: a key that is
 * {@code equals} to a stored key of another class (a {@code List.of(x)} and an {@code
 * ArrayList} holding {@code x}) finds it. {@code compareTo} is called only between two keys of
 * one class {@code C} that declares {@code implements Comparable<C>} itself, the rule {@code
 * ConcurrentHashMap}'s tree bins follow, so no key can make the tree throw a {@code
 * ClassCastException}; such keys with equal hash codes (colliding {@code String}s, {@code
 * UUID}s, {@code Long}s, records that implement {@code Comparable} of themselves) cost O(log n)
 * comparisons. Other keys with one hash code share one node and are searched with {@code
 * equals}: a linear scan, as in {@code ConcurrentHashMap}.
 */
final class OverflowTree {

  /*
   * Overview:
   *
   * Order. Nodes are sorted by (hash, cid, compareTo), where cid is the "comparable class id"
   * of the keys' class: a positive number unique to each class C that declares Comparable<C>
   * (COMPARABLE_ID, computed once per class), and 0 for every other class. compareTo is called
   * only when both cids are equal and positive, that is between two instances of one such class.
   * Keys the order cannot tell apart (same hash and cid 0, or compareTo returning 0) share one
   * node: its group, searched with equals.
   *
   * Equal keys of different classes. equals may hold across classes (List implementations, a
   * user's key wrappers), and such keys have equal hash codes but may have different cids: a
   * lookup that misses in its own (hash, cid) place may still find its key among the nodes of the
   * same hash and another cid. So a lookup that misses in its place also scans those nodes
   * (locateOther: a range query over (hash, cid != own), O(log n + m) for m such nodes; m is 0
   * when every key of that hash is of one class, as in a String hash flood). An insert first
   * makes sure no equal key is stored anywhere, then goes to its own place.
   */

  private OverflowTree() {}

  /** A node: one (hash, cid) pair, a group of mutually tied mappings (key, value, key, value...). */
  static final class Node {
    final int hash;
    /** The comparable class id of the group's keys (see the Overview): 0, or C's unique id. */
    final int cid;
    final Object[] group;
    final Node left;
    final Node right;
    final int height;
    /** Mappings in this subtree. */
    final int size;

    Node(int hash, int cid, Object[] group, Node left, Node right) {
      this.hash = hash;
      this.cid = cid;
      this.group = group;
      this.left = left;
      this.right = right;
      this.height = Math.max(height(left), height(right)) + 1;
      this.size = size(left) + size(right) + (group.length >>> 1);
    }

    /** A copy of this node with another group and children. */
    Node with(Object[] group, Node left, Node right) {
      return new Node(hash, cid, group, left, right);
    }
  }

  static int height(Node n) {
    return n == null ? 0 : n.height;
  }

  static int size(Node n) {
    return n == null ? 0 : n.size;
  }

  /* ---------------- Ordering -------------- */

  private static final AtomicInteger LAST_COMPARABLE_ID = new AtomicInteger();

  /**
   * 0 for a class that does not declare {@code Comparable} of itself, else a positive id unique
   * to the class. Computed once per class; ClassValue keeps one value per class even if two
   * threads compute it at once (a racing computation only wastes a number).
   */
  private static final ClassValue<Integer> COMPARABLE_ID =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> c) {
          return comparesToItself(c) ? LAST_COMPARABLE_ID.incrementAndGet() : 0;
        }
      };

  /** True if class {@code c} itself declares {@code implements Comparable<c>}. */
  static boolean comparesToItself(Class<?> c) {
    if (c == String.class) {
      return true;
    }
    if (!Comparable.class.isAssignableFrom(c)) {
      return false;
    }
    try {
      for (Type t : c.getGenericInterfaces()) {
        if (t instanceof ParameterizedType) {
          ParameterizedType p = (ParameterizedType) t;
          Type[] args = p.getActualTypeArguments();
          if (p.getRawType() == Comparable.class && args.length == 1 && args[0] == c) {
            return true;
          }
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // A class whose generic signature cannot be read is simply treated as not comparable.
    }
    return false;
  }

  /** The comparable class id of {@code key}'s class (see the Overview). */
  static int cid(Object key) {
    return COMPARABLE_ID.get(key.getClass());
  }

  /**
   * Orders (h, c, key) against node {@code n}; 0 means "belongs to n's group". {@code compareTo}
   * runs only between two instances of one class that compares to itself (equal positive cids).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(int h, int c, Object key, Node n) {
    if (h != n.hash) {
      return h < n.hash ? -1 : 1;
    }
    if (c != n.cid) {
      return c < n.cid ? -1 : 1;
    }
    return c == 0 ? 0 : Integer.signum(((Comparable) key).compareTo(n.group[0]));
  }

  /** Index of {@code key} (by identity or equals) in a group, or -1. */
  private static int indexIn(Object[] g, Object key) {
    for (int i = 0; i < g.length; i += 2) {
      if (g[i] == key || key.equals(g[i])) {
        return i;
      }
    }
    return -1;
  }

  /* ---------------- Lookups -------------- */

  /** The node holding a key equal to {@code key} (hash {@code h}, cid {@code c}), or null. */
  private static Node locate(Node root, Object key, int h, int c) {
    Node n = root;
    while (n != null) {
      int d = compare(h, c, key, n);
      if (d < 0) {
        n = n.left;
      } else if (d > 0) {
        n = n.right;
      } else if (indexIn(n.group, key) >= 0) {
        return n;
      } else {
        break;
      }
    }
    return locateOther(root, key, h, c);
  }

  /**
   * The node of hash {@code h} but a cid other than {@code c} that holds a key equal to {@code
   * key}, or null: the nodes before and after (h, c) in the order, by two range queries.
   */
  private static Node locateOther(Node root, Object key, int h, int c) {
    Node before = c > 0 ? inRange(root, key, h, 0, c - 1) : null;
    if (before != null || c == Integer.MAX_VALUE) {
      return before;
    }
    return inRange(root, key, h, c + 1, Integer.MAX_VALUE);
  }

  /** The node of hash {@code h} and a cid in [lo, hi] that holds {@code key}, or null. */
  private static Node inRange(Node n, Object key, int h, int lo, int hi) {
    while (n != null) {
      if (n.hash < h || (n.hash == h && n.cid < lo)) {
        n = n.right;
      } else if (n.hash > h || n.cid > hi) {
        n = n.left;
      } else {
        if (indexIn(n.group, key) >= 0) {
          return n;
        }
        Node found = inRange(n.left, key, h, lo, hi);
        if (found != null) {
          return found;
        }
        n = n.right;
      }
    }
    return null;
  }

  /** The value of {@code key} (hash {@code h}), or null. */
  static Object get(Node root, Object key, int h) {
    if (root == null) {
      return null;
    }
    Node n = locate(root, key, h, cid(key));
    return n == null ? null : n.group[indexIn(n.group, key) + 1];
  }

  /* ---------------- Updates -------------- */

  /** A tree with {@code key} mapped to {@code value} (added, or replacing an equal key's value). */
  static Node put(Node root, Object key, int h, Object value) {
    int c = cid(key);
    Node at = root == null ? null : locate(root, key, h, c);
    if (at != null && at.cid != c) {
      // An equal key of another class is stored: replace its value in its own place.
      key = at.group[indexIn(at.group, key)];
      c = at.cid;
    }
    return put(root, key, h, c, value);
  }

  private static Node put(Node n, Object key, int h, int c, Object value) {
    if (n == null) {
      return new Node(h, c, new Object[] {key, value}, null, null);
    }
    int d = compare(h, c, key, n);
    if (d < 0) {
      return balance(n, n.group, put(n.left, key, h, c, value), n.right);
    }
    if (d > 0) {
      return balance(n, n.group, n.left, put(n.right, key, h, c, value));
    }
    Object[] g = n.group;
    int i = indexIn(g, key);
    if (i >= 0) {
      Object[] copy = g.clone();
      copy[i + 1] = value;
      return n.with(copy, n.left, n.right);
    }
    Object[] grown = Arrays.copyOf(g, g.length + 2);
    grown[g.length] = key;
    grown[g.length + 1] = value;
    return n.with(grown, n.left, n.right);
  }

  /** A tree without {@code key} (or the key equal to it); the same root if there is none. */
  static Node remove(Node root, Object key, int h) {
    if (root == null) {
      return null;
    }
    Node at = locate(root, key, h, cid(key));
    if (at == null) {
      return root;
    }
    return remove(root, at.group[indexIn(at.group, key)], h, at.cid);
  }

  /** Removes the stored key object {@code key} (in node (h, c)). */
  private static Node remove(Node n, Object key, int h, int c) {
    if (n == null) {
      return null;
    }
    int d = compare(h, c, key, n);
    if (d < 0) {
      Node l = remove(n.left, key, h, c);
      return l == n.left ? n : balance(n, n.group, l, n.right);
    }
    if (d > 0) {
      Node r = remove(n.right, key, h, c);
      return r == n.right ? n : balance(n, n.group, n.left, r);
    }
    Object[] g = n.group;
    int i = indexIn(g, key);
    if (i < 0) {
      return n;
    }
    if (g.length > 2) {
      Object[] shrunk = new Object[g.length - 2];
      System.arraycopy(g, 0, shrunk, 0, i);
      System.arraycopy(g, i + 2, shrunk, i, g.length - i - 2);
      return n.with(shrunk, n.left, n.right);
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
    return balance(min, min.group, n.left, removeMin(n.right));
  }

  private static Node removeMin(Node n) {
    if (n.left == null) {
      return n.right;
    }
    return balance(n, n.group, removeMin(n.left), n.right);
  }

  /**
   * A node with the order position of {@code at}, the given group and children, rotated so that
   * the subtree heights differ by at most one.
   */
  private static Node balance(Node at, Object[] group, Node l, Node r) {
    int hl = height(l);
    int hr = height(r);
    if (hl > hr + 1) {
      if (height(l.left) >= height(l.right)) {
        return l.with(l.group, l.left, at.with(group, l.right, r));
      }
      Node lr = l.right;
      return lr.with(lr.group, l.with(l.group, l.left, lr.left), at.with(group, lr.right, r));
    }
    if (hr > hl + 1) {
      if (height(r.right) >= height(r.left)) {
        return r.with(r.group, at.with(group, l, r.left), r.right);
      }
      Node rl = r.left;
      return rl.with(rl.group, at.with(group, l, rl.left), r.with(r.group, rl.right, r.right));
    }
    return at.with(group, l, r);
  }

  /* ---------------- Whole trees -------------- */

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

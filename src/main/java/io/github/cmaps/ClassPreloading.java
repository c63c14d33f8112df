package io.github.cmaps;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * Loads and initializes, once, every class a map may need later, so that no virtual thread has
 * to load or initialize one of them while others wait.
 *
 * <p>Why: on JDK 21 to 25 a virtual thread cannot unmount while the JVM itself calls into Java
 * code for it, which is what loading a class (the class loader's per-name lock) and running a
 * static initializer are. A nested class first used on a slow path (an iterator, a read region,
 * an overflow tree) would be loaded by whichever virtual threads reach that path first; when
 * several reach it at once on a fresh JVM, all but one block on the loading lock or the
 * initialization, pinned to their carriers. JFR recorded exactly that on JDK 25 ({@code
 * jdk.VirtualThreadPinned}: "Contended monitor enter" in {@code BuiltinClassLoader.loadClassOrNull},
 * and "class initialization of ReadWriteLockMap$ReadRegions by another thread"). Each map calls
 * {@link #initializeNests} from its static initializer instead, so the work is done by the one
 * thread that first initializes the map's class, normally the one that creates the first map.
 *
 * <p>Loading a class is not only a nested class's first use: the JVM resolves each class that a
 * method names (a JDK class such as {@code java.util.Objects} included) through the defining
 * class loader, under the same lock, the first time that method runs. JFR saw those pins too,
 * one or two of under 2 ms per fresh JVM. So the static initializer also {@link #exercise runs
 * every operation once} on a throwaway map, which resolves those names on the paths the
 * operations take. What this cannot cover: paths the exercise does not take, and the JDK's own
 * first uses inside them; see the docs for what was measured.
 * See {@code docs/jdk-versions.md}, "Virtual threads and pinning".
 */
final class ClassPreloading {

  private ClassPreloading() {}

  static {
    // The JDK's lock classes load their queue-node classes at the first contention in the JVM;
    // a virtual thread that waits for another one's initialization of them pins (JFR on JDK
    // 25: "Waited for initialization of java.util.concurrent.locks.StampedLock$WriterNode by
    // another thread"). The maps block only on these two.
    initializeNests(
        java.util.concurrent.locks.StampedLock.class,
        java.util.concurrent.locks.AbstractQueuedSynchronizer.class);
  }

  /**
   * Loads and initializes every class of the nests of {@code hosts}: each host and all its
   * nested, inner, local and anonymous classes (lambdas are not classes of the nest; their call
   * sites link without the class loader).
   */
  static void initializeNests(Class<?>... hosts) {
    for (Class<?> host : hosts) {
      for (Class<?> member : host.getNestMembers()) {
        try {
          Class.forName(member.getName(), true, member.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new ExceptionInInitializerError(e); // a class of this jar is always there
        }
      }
    }
  }

  /**
   * Runs every {@code ConcurrentMap} operation once on {@code map}, a new map that no other
   * thread sees, so that the classes and methods their paths name are resolved now: puts that
   * grow the table, keys of one hash code that spill into an overflow tree, the compute family,
   * views, iterators and bulk operations. Leaves the map empty.
   */
  static void exercise(ConcurrentMap<Object, Object> map) {
    for (int i = 0; i < 100; i++) {
      map.put(i, i); // grows the table
      map.put(new SameHash(i), i); // fills a probe window, then an overflow tree
    }
    OverflowTree.cid(0); // a Comparable key class: its generic interfaces are read once
    map.get(1);
    map.get(new SameHash(1));
    map.getOrDefault(-1, 0);
    map.containsKey(2);
    map.containsValue(-1);
    map.putIfAbsent(1, 1);
    map.replace(1, 2);
    map.replace(1, 2, 1);
    map.compute(1, (k, v) -> v);
    map.compute(1, (k, v) -> { // reads while this thread holds the write lock: the slow paths
      map.get(1);
      map.get(new SameHash(2));
      map.containsKey(2);
      map.size();
      map.containsValue(-1);
      return v;
    });
    map.computeIfAbsent(-1, k -> 0);
    map.computeIfPresent(-1, (k, v) -> null);
    map.merge(1, 1, (a, b) -> a);
    map.replaceAll((k, v) -> v);
    map.forEach((k, v) -> { });
    for (Iterator<Map.Entry<Object, Object>> it = map.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Object, Object> e = it.next();
      e.setValue(e.getValue());
    }
    map.keySet().removeIf(k -> k instanceof SameHash && ((SameHash) k).id < 10);
    map.values().removeIf(v -> v.equals(11));
    map.keySet().iterator().next();
    map.values().iterator().next();
    map.size();
    map.isEmpty();
    map.equals(Map.of());
    map.hashCode();
    map.toString();
    map.remove(new SameHash(50));
    map.remove(3, 3);
    map.remove(4);
    map.putAll(Map.of(1, 1));
    map.clear();
  }

  /** A key of one hash code for all instances. */
  private static final class SameHash {
    final int id;

    SameHash(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SameHash && ((SameHash) o).id == id;
    }

    @Override
    public int hashCode() {
      return 7;
    }

    @Override
    public String toString() {
      return "SameHash" + id;
    }
  }
}

package io.github.cmaps;

/**
 * Loads and initializes, once, every class a map may need later, so that no virtual thread has
 * to load or initialize one of them while others wait.
 *
 * <p>Why: on JDK 21 to 25 a virtual thread cannot unmount while the JVM itself calls into Java
 * code for it, which is what loading a class (the class loader's per-name lock) and running a
 * static initializer are. A nested class first used on a slow path (an iterator, a read region, an
 * overflow tree) would be loaded by whichever virtual threads reach that path first; when several
 * reach it at once on a fresh JVM, all but one block on the loading lock or the initialization,
 * pinned to their carriers. JFR recorded exactly that on JDK 25 ({@code jdk.VirtualThreadPinned}:
 * "Contended monitor enter" in {@code BuiltinClassLoader.loadClassOrNull}, and "class
 * initialization of ReadWriteLockMap$ReadRegions by another thread"). Each map calls {@link
 * #initializeNests} from its static initializer instead, so the work is done by the one thread that
 * first initializes the map's class, normally the one that creates the first map.
 *
 * <p>Loading a class is not only a nested class's first use: the JVM resolves each class that a
 * method names (a JDK class such as {@code java.util.function.Function} included) through the
 * class loader, under its per-name lock, the first time that method runs, and a virtual thread
 * that meets another one there pins too (JFR on JDK 25: about 0.3 ms, once per name and JVM).
 * That is the JVM's, for any application class, and is not avoided here: running every
 * operation once in each map's static initializer did avoid most of it, but made the first use
 * of each map class 30 to 40 ms slower, and any virtual thread that waited for that
 * initializer would pin for as long. VirtualThreadPinningTest counts those events apart.
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
    // The JDK's generic-signature reflection, which OverflowTree.cid uses on the first key of
    // each class that reaches an overflow tree: its first use initializes
    // sun.reflect.generics.repository.ClassRepository, and a virtual thread that waited for
    // that pinned (JFR on JDK 25, 0.1 ms). Reading one class's generic interfaces does it now.
    Integer.class.getGenericInterfaces();
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
}

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Races a map the way shared state is raced in practice, and counts what goes wrong.
 *
 * <pre>
 * java docs/recipes/HashMapUnderConcurrency.java                       # java.util.HashMap
 * java docs/recipes/HashMapUnderConcurrency.java ConcurrentHashMap     # the JDK's concurrent map
 * mvn -q compile && java -cp target/classes docs/recipes/HashMapUnderConcurrency.java LockFreeReadMap
 * </pre>
 *
 * Three experiments, each repeated on fresh maps:
 * <ol>
 *   <li><b>readers during growth</b>: the map holds 1,000 keys that stay present all along; one
 *       writer inserts 50,000 new keys (so the table grows several times) while two readers look
 *       up the 1,000 present keys. Every {@code null} a reader gets is a present key read as
 *       missing.</li>
 *   <li><b>two writers</b>: two threads insert 50,000 distinct keys each into an empty map.
 *       Afterwards the map must hold 100,000 keys and say so.</li>
 *   <li><b>colliding keys</b>: two threads put and remove keys that all share one hash code, so
 *       {@code HashMap} keeps them in a tree bin (a red-black tree since JDK 8). A thread that is
 *       still running after 10 s is reported as stuck, with the frame it is stuck in.</li>
 * </ol>
 * The map class is given by simple name: {@code HashMap}, {@code ConcurrentHashMap}, or a cmaps map
 * ({@code ReadWriteLockMap}, {@code LockFreeReadMap}, {@code StripedLockMap}), which is loaded by
 * reflection so that this file compiles without the library on the class path.
 */
public class HashMapUnderConcurrency {

  static final int ROUNDS = 20;

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "HashMap";
    System.out.printf("map: %s, JDK %s, %d CPUs%n",
        name, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    readersDuringGrowth(name);
    twoWriters(name);
    collidingKeys(name);
    System.exit(0); // stuck daemon threads, if any, must not keep the JVM alive
  }

  @SuppressWarnings("unchecked")
  static Map<Object, Object> newMap(String name) throws Exception {
    switch (name) {
      case "HashMap": return new HashMap<>();
      case "ConcurrentHashMap": return new ConcurrentHashMap<>();
      default:
        return (Map<Object, Object>)
            Class.forName("io.github.cmaps." + name).getConstructor().newInstance();
    }
  }

  /** Experiment 1: present keys read as missing while one writer grows the table. */
  static void readersDuringGrowth(String name) throws Exception {
    long lookups = 0, misses = 0;
    List<String> errors = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Map<Object, Object> map = newMap(name);
      for (int i = 0; i < 1_000; i++) {
        map.put(i, i);
      }
      AtomicLong done = new AtomicLong(), missed = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      Thread writer = new Thread(() -> {
        await(start);
        for (int i = 1_000; i < 51_000; i++) {
          map.put(i, i);
        }
      });
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(new Thread(() -> {
          await(start);
          try {
            while (writer.isAlive()) {
              for (int i = 0; i < 1_000; i++) {
                if (map.get(i) == null) {
                  missed.incrementAndGet();
                }
              }
              done.addAndGet(1_000);
            }
          } catch (RuntimeException e) {
            synchronized (errors) { errors.add(e.toString()); }
          }
        }));
      }
      writer.start();
      readers.forEach(Thread::start);
      start.countDown();
      writer.join();
      for (Thread t : readers) {
        t.join();
      }
      lookups += done.get();
      misses += missed.get();
    }
    System.out.printf("1. readers during growth: %,d lookups of present keys, %,d returned null%s%n",
        lookups, misses, errors.isEmpty() ? "" : ", exceptions: " + errors);
  }

  /** Experiment 2: lost inserts and a wrong size with two writers. */
  static void twoWriters(String name) throws Exception {
    int badRounds = 0;
    long lost = 0;
    String example = "";
    for (int round = 0; round < ROUNDS; round++) {
      Map<Object, Object> map = newMap(name);
      CountDownLatch start = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread[] writers = new Thread[2];
      for (int w = 0; w < 2; w++) {
        int base = w * 50_000;
        writers[w] = new Thread(() -> {
          await(start);
          try {
            for (int i = base; i < base + 50_000; i++) {
              map.put(i, i);
            }
          } catch (Throwable e) {
            error.set(e);
          }
        });
        writers[w].start();
      }
      start.countDown();
      for (Thread t : writers) {
        t.join();
      }
      int missing = 0;
      for (int i = 0; i < 100_000; i++) {
        if (!map.containsKey(i)) {
          missing++;
        }
      }
      if (missing > 0 || map.size() != 100_000 || error.get() != null) {
        badRounds++;
        lost += missing;
        if (example.isEmpty()) {
          example = String.format(" (e.g. size() = %,d, keys missing = %,d%s)", map.size(), missing,
              error.get() == null ? "" : ", " + error.get());
        }
      }
    }
    System.out.printf("2. two writers: %d of %d rounds lost keys or miscounted, %,d keys lost in all%s%n",
        badRounds, ROUNDS, lost, example);
  }

  /** A key whose hash code is always 42, comparable so that tree bins can order it. */
  record Colliding(int id) implements Comparable<Colliding> {
    @Override public int hashCode() { return 42; }
    @Override public int compareTo(Colliding o) { return Integer.compare(id, o.id); }
  }

  /** Experiment 3: two threads putting and removing keys of one tree bin. */
  static void collidingKeys(String name) throws Exception {
    int exceptions = 0, stuck = 0, badRounds = 0;
    String example = "";
    for (int round = 0; round < ROUNDS && stuck == 0; round++) {
      Map<Object, Object> map = newMap(name);
      for (int i = 0; i < 64; i++) {
        map.put(new Colliding(i), i); // 64 colliding keys: HashMap turns the bin into a tree
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Throwable> errors = new ArrayList<>();
      Thread[] threads = new Thread[2];
      for (int t = 0; t < 2; t++) {
        int base = 1_000 + t * 1_000;
        threads[t] = new Thread(() -> {
          await(start);
          try {
            for (int n = 0; n < 200; n++) {
              for (int i = base; i < base + 100; i++) {
                map.put(new Colliding(i), i);
              }
              for (int i = base; i < base + 100; i++) {
                map.remove(new Colliding(i));
              }
            }
          } catch (Throwable e) {
            synchronized (errors) { errors.add(e); }
          }
        });
        threads[t].setDaemon(true);
        threads[t].start();
      }
      start.countDown();
      for (Thread t : threads) {
        t.join(10_000);
        if (t.isAlive()) {
          stuck++;
          StackTraceElement[] st = t.getStackTrace();
          example = " (stuck in " + (st.length > 0 ? st[0] : "?") + ")";
        }
      }
      if (stuck > 0) {
        break;
      }
      exceptions += errors.size();
      if (!errors.isEmpty() && example.isEmpty()) {
        Throwable e = errors.get(0);
        example = " (e.g. " + e + " at " + e.getStackTrace()[0] + ")";
      }
      int missing = 0;
      for (int i = 0; i < 64; i++) {
        if (!map.containsKey(new Colliding(i))) {
          missing++;
        }
      }
      if (missing > 0 || map.size() != 64) {
        badRounds++;
        if (example.isEmpty()) {
          example = String.format(" (e.g. size() = %d, untouched keys missing = %d)", map.size(), missing);
        }
      }
    }
    System.out.printf("3. colliding keys: %d exceptions, %d rounds with lost or extra keys, %d threads stuck%s%n",
        exceptions, badRounds, stuck, example);
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

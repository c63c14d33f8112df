import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A read lock is only correct around reads that do not write. {@code LinkedHashMap} in access
 * order moves every entry it returns from {@code get} to the tail of its linked list: a read
 * that writes. Guard it with the read lock of a {@code ReentrantReadWriteLock} and the readers
 * relink the list concurrently; guard it with the write lock and it stays intact.
 *
 * <pre>
 * java docs/recipes/ReadsThatWrite.java
 * </pre>
 *
 * Each round builds an access-ordered map of 1,000 keys, runs two reader threads that each call
 * {@code get} 200,000 times under the chosen lock, and then checks the linked list: iterating it
 * must visit each of the 1,000 entries once. The check walks at most 2,000 steps, because a
 * corrupted list can contain a cycle.
 */
public class ReadsThatWrite {

  public static void main(String[] args) throws Exception {
    System.out.printf("JDK %s, %d CPUs%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    run("get() under the READ lock ", lock.readLock());
    run("get() under the WRITE lock", lock.writeLock());
  }

  static void run(String label, Lock lock) throws Exception {
    int rounds = 20, broken = 0;
    String example = "";
    for (int round = 0; round < rounds; round++) {
      Map<Integer, Integer> lru = new LinkedHashMap<>(16, 0.75f, true); // access order
      for (int i = 0; i < 1_000; i++) {
        lru.put(i, i);
      }
      List<Throwable> errors = new ArrayList<>();
      Thread[] readers = new Thread[2];
      for (int r = 0; r < readers.length; r++) {
        int seed = r;
        readers[r] = new Thread(() -> {
          try {
            for (int n = 0; n < 200_000; n++) {
              lock.lock();
              try {
                lru.get((n * 31 + seed * 17) % 1_000);
              } finally {
                lock.unlock();
              }
            }
          } catch (Throwable e) {
            synchronized (errors) { errors.add(e); }
          }
        });
        readers[r].start();
      }
      for (Thread t : readers) {
        t.join();
      }
      String problem = check(lru);
      if (!errors.isEmpty()) {
        problem = errors.get(0) + (problem == null ? "" : "; " + problem);
      }
      if (problem != null) {
        broken++;
        if (example.isEmpty()) {
          example = " (e.g. " + problem + ")";
        }
      }
    }
    System.out.printf("%s: %d of %d rounds left the map corrupted%s%n", label, broken, rounds, example);
  }

  /** Null if the access-order list visits every entry once, else what is wrong. */
  static String check(Map<Integer, Integer> map) {
    boolean[] seen = new boolean[1_000];
    int visited = 0;
    try {
      Iterator<Integer> it = map.keySet().iterator();
      while (it.hasNext()) {
        if (++visited > 2_000) {
          return "the list has a cycle";
        }
        int k = it.next();
        if (seen[k]) {
          return "key " + k + " visited twice";
        }
        seen[k] = true;
      }
    } catch (RuntimeException e) {
      return "iteration threw " + e;
    }
    return visited == 1_000 ? null : "iteration visited " + visited + " of 1000 entries";
  }
}

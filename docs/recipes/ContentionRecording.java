import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A few threads hammer one shared map with 90% {@code get} and 10% {@code put} over 1,024 keys,
 * for a few seconds: a workload to record with Java Flight Recorder and see where the threads
 * wait. Recipe (see docs/seeing-contention.md for the whole walk-through):
 *
 * <pre>
 * mvn -q compile
 * java -XX:StartFlightRecording:filename=/tmp/sync.jfr,settings=profile \
 *      docs/recipes/ContentionRecording.java synchronizedMap 4 5
 * java -cp target/classes -XX:StartFlightRecording:filename=/tmp/lfr.jfr,settings=profile \
 *      docs/recipes/ContentionRecording.java LockFreeReadMap 4 5
 * jfr summary /tmp/sync.jfr
 * jfr print --events jdk.JavaMonitorEnter,jdk.ThreadPark /tmp/sync.jfr
 * </pre>
 *
 * Arguments: the map ({@code synchronizedMap}, {@code ConcurrentHashMap} or a cmaps map by simple
 * name, loaded by reflection), the number of threads, the number of seconds.
 */
public class ContentionRecording {

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "synchronizedMap";
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Map<Integer, Integer> map = create(name);
    Integer[] keys = new Integer[1_024];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
      map.put(keys[i], i);
    }
    LongAdder ops = new LongAdder();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long n = 0;
        while ((n & 1023) != 0 || System.nanoTime() < end) {
          Integer k = keys[random.nextInt(keys.length)];
          if (random.nextInt(10) == 0) {
            map.put(k, k);
          } else {
            map.get(k);
          }
          n++;
        }
        ops.add(n);
      }, "worker-" + t);
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    System.out.printf("%s, %d threads, %d s on JDK %s: %,d ops/s%n",
        name, threads, seconds, System.getProperty("java.version"), ops.sum() / seconds);
  }

  @SuppressWarnings("unchecked")
  static Map<Integer, Integer> create(String name) throws ReflectiveOperationException {
    switch (name) {
      case "synchronizedMap": return Collections.synchronizedMap(new HashMap<>());
      case "ConcurrentHashMap": return new ConcurrentHashMap<>();
      default:
        return (Map<Integer, Integer>)
            Class.forName("io.github.cmaps." + name).getConstructor().newInstance();
    }
  }
}

package io.github.cmaps;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The child JVM of {@link VirtualThreadPinningTest}, run on a JDK with virtual threads (21+):
 * records {@code jdk.VirtualThreadPinned} with JFR at threshold 0 while virtual threads,
 * released together on a fresh JVM, hammer one map with blocking functions, and prints every
 * event it recorded, then a last line {@code pinned events: N}.
 *
 * <p>Usage: {@code java -cp <classes>:<test-classes> io.github.cmaps.PinningWorkload <target>},
 * the target one of {@code ReadWriteLockMap}, {@code LockFreeReadMap}, {@code StripedLockMap},
 * or a negative control: {@code synchronizedMap} ({@code Collections.synchronizedMap}, whose
 * blocking {@code compute} functions run inside a monitor: pins on JDK 21 to 23, not on 24+
 * after JEP 491) or {@code blockingClassInit} (a map whose first use initializes a nested class
 * whose static initializer blocks: pins on every JDK with virtual threads, both the thread that
 * blocks inside the initializer and the threads waiting for it).
 *
 * <p>Compiled for Java 17, so virtual threads are created by reflection.
 */
public final class PinningWorkload {

  static final int THREADS = 48;
  static final int ROUNDS = 24;
  static final int OPS = 13;

  private PinningWorkload() {}

  public static void main(String[] args) throws Exception {
    String target = args[0];
    // Warm the harness (virtual-thread scheduler, latch, sleep and park paths, this class's
    // lambdas) on a ConcurrentHashMap, before recording and without touching any cmaps class.
    hammer(new ConcurrentHashMap<>(), 8, 4);
    // The latch's queue nodes: the warm-up may never block in await (the latch can open before
    // its threads reach it), and then the first virtual thread to block in the measured run
    // initializes AbstractQueuedSynchronizer$ExclusiveNode while others wait for it, a pin of the
    // harness, not of the map (JFR on JDK 25 recorded it once in the synchronizedMap control).
    for (Class<?> c : java.util.concurrent.locks.AbstractQueuedSynchronizer.class.getNestMembers()) {
      Class.forName(c.getName(), true, c.getClassLoader());
    }
    // specific() tests the map against each cmaps class: load them (without initializing them
    // or loading their nested classes), so that a class the workload names is not loaded here
    // by many virtual threads at once, which pins on class loading's lock.
    for (Class<?> c : List.of(ReadWriteLockMap.class, LockFreeReadMap.class, StripedLockMap.class)) {
      Class.forName(c.getName(), false, PinningWorkload.class.getClassLoader());
    }

    Object recording = startRecording();
    Map<Object, Integer> map = create(target).get(); // the map's class initializes here
    hammer(map, THREADS, ROUNDS);
    Path file = Files.createTempFile("pinning-" + target, ".jfr");
    call(recording, "stop");
    recording.getClass().getMethod("dump", Path.class).invoke(recording, file);
    call(recording, "close");

    int events = 0;
    List<?> recorded = (List<?>) Class.forName("jdk.jfr.consumer.RecordingFile")
        .getMethod("readAllEvents", Path.class).invoke(null, file);
    for (Object e : recorded) {
      String text = e.toString(); // JFR's own rendering: fields and the top of the stack
      if (text.startsWith("jdk.VirtualThreadPinned")) {
        events++;
        System.out.println("event: " + text.substring(0, text.indexOf("stackTrace")).strip());
        System.out.println(stack(e));
      }
    }
    Files.delete(file);
    System.out.println("map: " + map.getClass().getName() + ", " + map.size() + " mappings");
    System.out.println("jdk: " + Runtime.version());
    System.out.println("pinned events: " + events);
  }

  /**
   * Starts a JFR recording of {@code jdk.VirtualThreadPinned} at threshold 0 with stack traces.
   * By reflection: the tests are compiled into the library's module, which does not read
   * {@code jdk.jfr}; this class runs on the class path, where it may.
   */
  static Object startRecording() throws Exception {
    Object recording = Class.forName("jdk.jfr.Recording").getConstructor().newInstance();
    Object settings = recording.getClass().getMethod("enable", String.class)
        .invoke(recording, "jdk.VirtualThreadPinned");
    settings = settings.getClass().getMethod("withThreshold", Duration.class)
        .invoke(settings, Duration.ZERO);
    call(settings, "withStackTrace");
    call(recording, "start");
    return recording;
  }

  /** The event's whole stack, one frame a line (RecordedEvent.toString shows five). */
  static String stack(Object event) throws Exception {
    Object trace = call(event, "getStackTrace");
    if (trace == null) {
      return "  (no stack trace)";
    }
    StringBuilder b = new StringBuilder("  stack:");
    for (Object frame : (List<?>) call(trace, "getFrames")) {
      Object method = call(frame, "getMethod");
      b.append("\n    ").append(call(call(method, "getType"), "getName")).append('.')
          .append(call(method, "getName")).append(" line ").append(call(frame, "getLineNumber"));
    }
    return b.toString();
  }

  static Object call(Object target, String method) throws Exception {
    Method m = target.getClass().getMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  @SuppressWarnings("unchecked")
  static Supplier<Map<Object, Integer>> create(String target) {
    switch (target) {
      case "ReadWriteLockMap":
        return ReadWriteLockMap::new;
      case "LockFreeReadMap":
        return LockFreeReadMap::new;
      case "StripedLockMap":
        return StripedLockMap::new;
      case "synchronizedMap":
        return () -> Collections.synchronizedMap(new HashMap<>());
      case "blockingClassInit":
        return BlockingClassInitMap::new;
      default:
        throw new IllegalArgumentException("unknown target " + target);
    }
  }

  /** Runs {@code rounds} operations on each of {@code threads} virtual threads started at once. */
  static void hammer(Map<Object, Integer> map, int threads, int rounds) throws Exception {
    ExecutorService executor = (ExecutorService)
        Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(executor.submit(() -> {
        start.await();
        for (int r = 0; r < rounds; r++) {
          operate(map, (thread + r) % OPS, thread * rounds + r);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    executor.shutdown();
  }

  /** One operation: contended writes, functions that sleep or park, reads, bulk operations. */
  static void operate(Map<Object, Integer> map, int op, int n) throws Exception {
    Object hot = n % 4; // four keys that every thread writes
    switch (op) {
      case 0:
        map.get(hot);
        break;
      case 1:
        map.put(n, n);
        break;
      case 2:
        map.computeIfAbsent(-n - 1, k -> {
          sleep();
          return 1;
        });
        break;
      case 3:
        map.compute(hot, (k, v) -> {
          LockSupport.parkNanos(1_000_000L);
          return v == null ? 1 : v + 1;
        });
        break;
      case 4:
        map.merge(hot, 1, Integer::sum);
        break;
      case 5:
        map.remove(n - 1);
        break;
      case 6:
        if (map.getClass().getName().startsWith("java.util.Collections$Synchronized")) {
          synchronized (map) { // as its Javadoc demands for iteration
            sum(map);
          }
        } else {
          sum(map);
        }
        break;
      case 7:
        map.containsValue(-1);
        map.size();
        break;
      case 8: // colliding keys: one hash code, so they share a probe window or overflow tree
        map.putIfAbsent(new Colliding(n), n);
        map.get(new Colliding(n - 1));
        break;
      case 9:
        map.computeIfPresent(hot, (k, v) -> {
          sleep();
          return v + 1;
        });
        break;
      case 10:
        map.replaceAll((k, v) -> v);
        break;
      case 11:
        map.equals(Map.of());
        map.hashCode();
        break;
      default:
        specific(map, n);
    }
  }

  /** The map's own API: sections, key sets, mapping counts. */
  @SuppressWarnings("unchecked")
  static void specific(Map<Object, Integer> map, int n) {
    if (map instanceof ReadWriteLockMap) {
      ReadWriteLockMap<Object, Integer> m = (ReadWriteLockMap<Object, Integer>) map;
      m.read(Map::size);
      m.write(w -> {
        sleep();
        return w.put(-n - 1_000_000, n);
      });
      m.keySet(0).add(n + 1_000_000);
      m.mappingCount();
    } else if (map instanceof LockFreeReadMap) {
      LockFreeReadMap<Object, Integer> m = (LockFreeReadMap<Object, Integer>) map;
      m.keySet(0).add(n + 1_000_000);
      m.mappingCount();
      Set<Object> s = LockFreeReadMap.newKeySet();
      s.add(n);
    } else if (map instanceof StripedLockMap) {
      StripedLockMap<Object, Integer> m = (StripedLockMap<Object, Integer>) map;
      m.keySet(0).add(n + 1_000_000);
      m.mappingCount();
      Set<Object> s = StripedLockMap.newKeySet();
      s.add(n);
    } else {
      map.putIfAbsent(n + 1_000_000, 0);
    }
  }

  static long sum(Map<Object, Integer> map) {
    long sum = 0;
    for (Map.Entry<Object, Integer> e : map.entrySet()) {
      sum += e.getValue();
    }
    return sum;
  }

  static void sleep() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A key whose instances all share one hash code. */
  static final class Colliding implements Serializable {
    private static final long serialVersionUID = 1L;
    final int id;

    Colliding(int id) {
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Colliding && ((Colliding) o).id == id;
    }

    @Override
    public int hashCode() {
      return 42;
    }
  }

  /**
   * Negative control for JDK 24+: its writes first use a nested class whose static initializer
   * blocks for 20 ms, as a lazily initialized helper with slow static state would. The virtual
   * thread that runs the initializer parks with the initializer's frame on its stack, and the
   * threads that need the class meanwhile wait for the initialization: both pin.
   */
  @SuppressWarnings("serial")
  static final class BlockingClassInitMap extends ConcurrentHashMap<Object, Integer> {
    @Override
    public Integer put(Object key, Integer value) {
      SlowHelper.touch();
      return super.put(key, value);
    }

    @Override
    public Integer merge(
        Object key,
        Integer value,
        java.util.function.BiFunction<? super Integer, ? super Integer, ? extends Integer> f) {
      SlowHelper.touch();
      return super.merge(key, value, f);
    }

    private static final class SlowHelper {
      static final Object STATE;

      static {
        LockSupport.parkNanos(20_000_000L);
        STATE = new Object();
      }

      static void touch() {
        if (STATE == null) {
          throw new AssertionError();
        }
      }
    }
  }
}

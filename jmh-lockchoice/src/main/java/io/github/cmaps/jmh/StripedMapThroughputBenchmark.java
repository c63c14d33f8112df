package io.github.cmaps.jmh;

import io.github.cmaps.StripedLockMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * StripedLockMap's performance target: under a write-heavy mix on two threads it should reach at
 * least 0.9x {@link ConcurrentHashMap} and 3x {@code Collections.synchronizedMap(new HashMap<>())}.
 * Uniform keys over 64K pre-built {@code Integer}s, half of them present at the start; every map
 * is created with its default constructor and grows as it needs.
 *
 * <pre>
 * java -jar jmh-lockchoice/target/benchmarks.jar StripedMapThroughputBenchmark
 * </pre>
 *
 * <p>{@code stripes = 0} means StripedLockMap's default; other values only apply to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(2)
public class StripedMapThroughputBenchmark {

  static final int KEYS = 1 << 16;
  static final int KEY_MASK = KEYS - 1;
  static final int STREAM = 1 << 20;

  @Param({"StripedLockMap", "ConcurrentHashMap", "synchronizedMap"})
  public String map;

  @Param({"0"})
  public int stripes;

  Map<Integer, Object> target;
  final Integer[] keys = new Integer[KEYS];
  final Object value = Boolean.TRUE;

  @Setup(Level.Trial)
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i;
    }
    switch (map) {
      case "StripedLockMap":
        target = stripes == 0 ? new StripedLockMap<>() : new StripedLockMap<>(16, stripes);
        break;
      case "ConcurrentHashMap":
        target = new ConcurrentHashMap<>();
        break;
      case "synchronizedMap":
        target = Collections.synchronizedMap(new HashMap<>());
        break;
      default:
        throw new IllegalArgumentException(map);
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < KEYS; i++) {
      if (random.nextBoolean()) {
        target.put(keys[i], value);
      }
    }
  }

  /** One thread's pre-generated stream of random ints and its cursor. */
  @State(Scope.Thread)
  public static class Stream {
    static final AtomicInteger SEEDS = new AtomicInteger();
    final int[] ops = new int[STREAM];
    int cursor;

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom random = new SplittableRandom(1000 + SEEDS.getAndIncrement());
      for (int i = 0; i < STREAM; i++) {
        ops[i] = random.nextInt();
      }
    }

    int next() {
      return ops[cursor++ & (STREAM - 1)];
    }
  }

  /** The target mix: 50% writes (25% put, 25% remove), 50% get. */
  @Benchmark
  public Object writeHeavy(Stream s) {
    int r = s.next();
    Integer key = keys[r & KEY_MASK];
    int op = (r >>> 16) & 127;
    if (op < 64) {
      return target.get(key);
    } else if (op < 96) {
      return target.put(key, value);
    } else {
      return target.remove(key);
    }
  }

  /** Writes only: 50% put, 50% remove. */
  @Benchmark
  public Object writeOnly(Stream s) {
    int r = s.next();
    Integer key = keys[r & KEY_MASK];
    if (((r >>> 16) & 1) == 0) {
      return target.put(key, value);
    } else {
      return target.remove(key);
    }
  }

  /** About 90% get, 5% put, 5% remove. */
  @Benchmark
  public Object readHeavy(Stream s) {
    int r = s.next();
    Integer key = keys[r & KEY_MASK];
    int op = (r >>> 16) & 127;
    if (op < 115) {
      return target.get(key);
    } else if (op < 121) {
      return target.put(key, value);
    } else {
      return target.remove(key);
    }
  }
}

package io.github.cmaps;

import java.util.SplittableRandom;
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
 * Which lock should guard a stripe of {@code StripedLockMap}? Throughput of the three candidate
 * prototypes of {@link LockChoicePrototypes} (same table, same stripe selection, only the lock
 * differs) under a read-heavy and a write-heavy mix, two threads, uniform keys.
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar StripedLockChoiceBenchmark
 * java -jar jmh/target/benchmarks.jar StripedLockChoiceBenchmark -p lock=stamped -p padded=false,true -p spins=64
 * </pre>
 *
 * <p>Each thread walks its own pre-generated stream of random ints: the low 16 bits pick one of
 * 64K pre-built keys, the next 7 bits pick the operation, so the per-operation overhead is the
 * same for every candidate. Half of the keys are present at the start; the write mixes put and
 * remove equally often, so that stays true.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(2)
public class StripedLockChoiceBenchmark {

  static final int KEYS = 1 << 16;
  static final int KEY_MASK = KEYS - 1;
  static final int STREAM = 1 << 20;

  @Param({"reentrant", "readwrite", "stamped"})
  public String lock;

  @Param({"8"})
  public int stripes;

  @Param({"false"})
  public boolean padded;

  /** Non-blocking attempts before blocking on a busy stripe (0: block at once). */
  @Param({"0", "64"})
  public int spins;

  LockChoicePrototypes.Proto map;
  final Integer[] keys = new Integer[KEYS];
  final Object value = Boolean.TRUE;

  @Setup(Level.Trial)
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i;
    }
    int perStripe = OpenTable.capacityFor((KEYS / 2) / stripes);
    map = LockChoicePrototypes.create(lock, stripes, padded, spins, perStripe);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < KEYS; i++) {
      if (random.nextBoolean()) {
        map.put(keys[i], value);
      }
    }
  }

  /** One thread's pre-generated operation stream and its cursor. */
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

  /** About 90% get, 5% put, 5% remove (115, 6 and 7 of 128). */
  @Benchmark
  public Object readHeavy(Stream s) {
    int r = s.next();
    Integer key = keys[r & KEY_MASK];
    int op = (r >>> 16) & 127;
    if (op < 115) {
      return map.get(key);
    } else if (op < 121) {
      return map.put(key, value);
    } else {
      return map.remove(key);
    }
  }

  /** 50% get, 25% put, 25% remove. */
  @Benchmark
  public Object writeHeavy(Stream s) {
    int r = s.next();
    Integer key = keys[r & KEY_MASK];
    int op = (r >>> 16) & 127;
    if (op < 64) {
      return map.get(key);
    } else if (op < 96) {
      return map.put(key, value);
    } else {
      return map.remove(key);
    }
  }
}

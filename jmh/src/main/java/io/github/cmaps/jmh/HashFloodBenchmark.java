package io.github.cmaps.jmh;

import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Life after a hash flood: a map already holds {@code flood} distinct {@code String} keys of one
 * hash code (an attacker's request parameters, say), then takes {@value #PUTS} ordinary puts of new
 * keys, enough to grow its table several times. Each measurement is one batch of those puts on a
 * freshly flooded map ({@code Mode.SingleShotTime}, one batch per iteration), so the score is the
 * time of all {@value #PUTS} puts: divide by {@value #PUTS} for the mean.
 *
 * <p>{@code putTimed} times each put into a histogram; run it with {@code -prof
 * io.github.cmaps.jmh.LatencyProfiler} for the longest single put (issue 14: before the overflow
 * tree was shared across rebuilds, every rebuild re-inserted the flood, and single puts took
 * 100-430 ms).
 *
 * <pre>
 * java -jar jmh/target/benchmarks.jar HashFloodBenchmark \
 *     -p map=ConcurrentHashMap,ReadWriteLockMap,LockFreeReadMap,StripedLockMap \
 *     -prof io.github.cmaps.jmh.LatencyProfiler
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = HashFloodBenchmark.PUTS)
@Measurement(iterations = 15, batchSize = HashFloodBenchmark.PUTS)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HashFloodBenchmark {

  /** Ordinary puts after the flood, per measurement. */
  static final int PUTS = 20_000;

  /** A flooded map, made anew for each iteration (outside the measurement). */
  @State(Scope.Thread)
  public static class Flooded {
    @Param
    MapType map;

    @Param({"65536"})
    int flood;

    String[] floodKeys;
    Integer[] ordinary;
    Map<Object, Object> m;
    int next;

    @Setup(Level.Trial)
    public void keys() {
      floodKeys = new String[flood];
      for (int i = 0; i < flood; i++) {
        StringBuilder sb = new StringBuilder(32);
        for (int b = 0; b < 16; b++) {
          sb.append(((i >>> b) & 1) == 0 ? "Aa" : "BB"); // "Aa" and "BB" hash alike
        }
        floodKeys[i] = sb.toString();
      }
      ordinary = new Integer[PUTS];
      for (int i = 0; i < PUTS; i++) {
        ordinary[i] = i * 0x9E3779B9; // spread, distinct, not colliding with the flood
      }
    }

    @Setup(Level.Iteration)
    public void flood() {
      m = map.create();
      for (int i = 0; i < flood; i++) {
        m.put(floodKeys[i], i);
      }
      next = 0;
    }

    Object putNext() {
      Integer k = ordinary[next++];
      return m.put(k, k);
    }
  }

  @Benchmark
  public Object put(Flooded f) {
    return f.putNext();
  }

  @Benchmark
  public Object putTimed(Flooded f, MidResizeBenchmark.PutLatency latency) {
    long start = System.nanoTime();
    Object previous = f.putNext();
    latency.recorder.record(System.nanoTime() - start);
    return previous;
  }
}

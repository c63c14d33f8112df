package io.github.cmaps.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads during growth: one writer fills a map created with its default capacity up to {@code
 * target} entries (1M), then starts over with a new map, while reader threads look up keys the
 * writer inserted earlier. Every cycle passes through all of the map's resizes, so this is where a
 * resize that stops the world shows, as a long {@code get} stall or a very long {@code put}; a map
 * that resizes incrementally, or lets readers proceed during a resize, shows short tails instead.
 *
 * <ul>
 *   <li>{@code groupGrowth}: throughput of the writer ({@code put}, one thread) and the readers
 *       ({@code get}), reported per role, in operations per microsecond.
 *   <li>{@code groupGrowthLatency}: the same workload with every operation timed ({@code
 *       System.nanoTime()} around it) into a per-thread HdrHistogram. Run it with {@code -prof
 *       io.github.cmaps.jmh.LatencyProfiler} (as {@code run.sh} does) to get p50, p99, p99.9 and
 *       max of {@code get} and {@code put} as secondary results; {@code max} covers every
 *       operation, unlike {@code Mode.SampleTime}, which samples and can miss the one {@code put}
 *       that rehashes a million entries. Its throughput includes the timing overhead and is not
 *       reported.
 * </ul>
 *
 * <p>{@code @Param KeyKind keyKind} chooses the keys ({@link KeyKind}); the writer inserts them in
 * an order unrelated to where they sit in memory, and readers look them up through equal copies
 * (except with {@code SEQUENTIAL_INTEGER}, the keys of earlier results: 0..n-1 in order, looked up
 * through the inserted objects). The writer publishes how many keys it inserted every {@value
 * #PUBLISH_EVERY} puts (a volatile store), and readers pick a key uniformly among those, so every
 * read should hit. Starting over
 * allocates a new map inside the measured {@code put} and turns the old one into garbage, once per
 * {@code target} puts; garbage-collection pauses therefore appear in the tails of every map alike
 * (fixed heap, default collector, recorded in the report).
 *
 * <p>There is exactly one writer (growth is sequential); add readers with {@code -tg R,1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MidResizeBenchmark {

  /** The writer publishes its progress to readers once per this many puts (a power of two). */
  static final int PUBLISH_EVERY = 64;

  /** One map being grown, from empty to {@code target} entries. */
  static final class Generation {
    final Map<Object, Object> map;

    /**
     * {@code keys[0, published)} are in {@link #map}. Volatile: the writer's store (after its puts)
     * pairs with the readers' load (before their gets), so a reader sees those entries.
     */
    volatile int published;

    /** Keys inserted so far; read and written by the writer thread only. */
    int inserted;

    Generation(Map<Object, Object> map) {
      this.map = map;
    }
  }

  /** State shared by the writer and the readers of one group. */
  @State(Scope.Group)
  public static class Growth {
    @Param public MapType map;

    /** Entries a map grows to before the writer starts over with a new one. */
    @Param({"1000000"})
    public int target;

    @Param public KeyKind keyKind;

    /** Keys in insertion order. */
    Object[] keys;

    /**
     * What readers pass to {@code get}: {@code lookups[i]} equals {@code keys[i]}, a distinct object
     * except with {@code SEQUENTIAL_INTEGER}.
     */
    Object[] lookups;

    Integer[] values;

    /** Uniform draws in {@code [0, 2^31)}, scaled by readers to the published range. */
    int[] draws;

    int drawMask;

    /** The map being grown; replaced by the writer only. */
    volatile Generation current;

    final AtomicInteger writers = new AtomicInteger();

    @Setup(Level.Trial)
    public void prepare() {
      SplittableRandom keyRandom = Keys.keyRandom();
      keys = keyKind.keys(target, keyRandom);
      lookups = keyKind.lookupCopies(keys, keyRandom);
      values = Keys.values(target);
      SplittableRandom random = Keys.random();
      draws = new int[Keys.sequenceLength(target)];
      for (int i = 0; i < draws.length; i++) {
        draws[i] = random.nextInt() >>> 1;
      }
      drawMask = draws.length - 1;
      current = new Generation(map.create());
    }

    /** Inserts the next key, starting over with a new map once {@code target} is reached. */
    Object insertNext() {
      Generation g = current;
      int i = g.inserted;
      if (i == target) {
        g = new Generation(map.create());
        current = g;
        i = 0;
      }
      Object previous = g.map.put(keys[i], values[i]);
      g.inserted = ++i;
      if ((i & (PUBLISH_EVERY - 1)) == 0 || i == target) {
        g.published = i;
      }
      return previous;
    }

    /** Looks up a key chosen uniformly among those published in the current map. */
    Object readPublished(ThreadCursor c) {
      Generation g = current;
      int published = g.published;
      int i = (int) ((draws[c.next() & drawMask] * (long) published) >>> 31);
      return g.map.get(lookups[i]);
    }
  }

  /** Marks the writer thread, and refuses a second one. */
  @State(Scope.Thread)
  public static class Writer {
    @Setup(Level.Trial)
    public void claim(Growth growth) {
      if (growth.writers.incrementAndGet() != 1) {
        throw new IllegalStateException(
            "MidResizeBenchmark grows each map from one writer thread; use -tg READERS,1");
      }
    }
  }

  /** A recorder of {@code get} latencies for one reader thread. */
  @State(Scope.Thread)
  public static class GetLatency {
    LatencyRecorders.Labelled recorder;

    @Setup(Level.Trial)
    public void open() {
      recorder = LatencyRecorders.open("get");
    }

    @TearDown(Level.Trial)
    public void close() {
      recorder.close();
    }
  }

  /** A recorder of {@code put} latencies for the writer thread. */
  @State(Scope.Thread)
  public static class PutLatency {
    LatencyRecorders.Labelled recorder;

    @Setup(Level.Trial)
    public void open() {
      recorder = LatencyRecorders.open("put");
    }

    @TearDown(Level.Trial)
    public void close() {
      recorder.close();
    }
  }

  /* ---------------- Throughput ---------------- */

  @Benchmark
  @Group("groupGrowth")
  @GroupThreads(1)
  public Object get(Growth growth, ThreadCursor c) {
    return growth.readPublished(c);
  }

  @Benchmark
  @Group("groupGrowth")
  @GroupThreads(1)
  public Object put(Growth growth, Writer writer) {
    return growth.insertNext();
  }

  /* ---------------- Latency ---------------- */

  @Benchmark
  @Group("groupGrowthLatency")
  @GroupThreads(1)
  public Object getTimed(Growth growth, ThreadCursor c, GetLatency latency) {
    long start = System.nanoTime();
    Object value = growth.readPublished(c);
    latency.recorder.record(System.nanoTime() - start);
    return value;
  }

  @Benchmark
  @Group("groupGrowthLatency")
  @GroupThreads(1)
  public Object putTimed(Growth growth, Writer writer, PutLatency latency) {
    long start = System.nanoTime();
    Object previous = growth.insertNext();
    latency.recorder.record(System.nanoTime() - start);
    return previous;
  }
}

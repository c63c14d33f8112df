package io.github.cmaps.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Read-dominated use (caches, registries, configuration): how fast {@code get} is alone, and how
 * much a trickle of {@code put}s slows it down.
 *
 * <p>All keys read or written are present, so {@code put} replaces a value and the map keeps its
 * size: the benchmarks measure steady-state access, not growth (see {@link MidResizeBenchmark}).
 * Every benchmark here runs over the parameters of {@link PopulatedMap}: {@code map}, {@code
 * size} (1000, 65536, 1000000, and {@code JUST_PAST_GROWTH}: the size at which each map has just
 * doubled its table, resolved per map, see {@link PopulatedMap#size}), {@code distribution}
 * (uniform or Zipf) and {@code keyKind} ({@link KeyKind}: sequential or random {@code Integer},
 * random {@code Long}, UUID strings, a two-field record). Except with {@code SEQUENTIAL_INTEGER},
 * {@code get} and {@code put} receive equal copies of the stored keys, never the stored objects.
 * Scores are operations per microsecond summed over threads.
 *
 * <ul>
 *   <li>{@link #get}: 100% {@code get}. With {@code keyKind=SEQUENTIAL_INTEGER} this is the best
 *       case for every map; with {@code UUID_STRING} or {@code RECORD} hashing and {@code equals}
 *       can cost more than the map's own bookkeeping. (It replaces {@code getStringKey}, which
 *       looked up {@code "user:N:id"} strings through equal copies: {@code UUID_STRING} measures
 *       the same thing with less regular strings.)
 *   <li>{@link #mixed95}, {@link #mixed90}: every thread does 95% (90%) {@code get} and 5% (10%)
 *       {@code put}, interleaved; shows what a write costs readers that run on the same core.
 *   <li>{@code groupGetPut95}, {@code groupGetPut90}: the same ratios as dedicated reader and
 *       writer threads (19:1 and 9:1), reported per role. This is where a map whose writers block
 *       readers (one lock) separates from one whose readers never wait. The default thread counts
 *       oversubscribe a 2-core machine on purpose: the OS time-slices threads, so the operation mix
 *       stays near the nominal ratio, and a writer preempted while it holds a lock stalls every
 *       reader, as it would on a loaded server. Override with {@code -tg R,W} (readers first: JMH
 *       orders a group's methods by name).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReadHeavyBenchmark {

  /* ---------------- Reads only ---------------- */

  @Benchmark
  public Object get(PopulatedMap m, ThreadCursor c) {
    return m.data.get(m.keys[c.next() & m.mask]);
  }

  /* ---------------- Mixed in every thread ---------------- */

  @Benchmark
  public Object mixed95(PopulatedMap m, ThreadCursor c) {
    return getOrPut(m, c, 20);
  }

  @Benchmark
  public Object mixed90(PopulatedMap m, ThreadCursor c) {
    return getOrPut(m, c, 10);
  }

  private static Object getOrPut(PopulatedMap m, ThreadCursor c, int writePeriod) {
    int i = c.next() & m.mask;
    return c.writeTurn(writePeriod) ? m.data.put(m.keys[i], m.values[i]) : m.data.get(m.keys[i]);
  }

  /* ---------------- Dedicated readers and writers ---------------- */

  @Benchmark
  @Group("groupGetPut95")
  @GroupThreads(19)
  public Object get95(PopulatedMap m, ThreadCursor c) {
    return m.data.get(m.keys[c.next() & m.mask]);
  }

  @Benchmark
  @Group("groupGetPut95")
  @GroupThreads(1)
  public Object put95(PopulatedMap m, ThreadCursor c) {
    int i = c.next() & m.mask;
    return m.data.put(m.keys[i], m.values[i]);
  }

  @Benchmark
  @Group("groupGetPut90")
  @GroupThreads(9)
  public Object get90(PopulatedMap m, ThreadCursor c) {
    return m.data.get(m.keys[c.next() & m.mask]);
  }

  @Benchmark
  @Group("groupGetPut90")
  @GroupThreads(1)
  public Object put90(PopulatedMap m, ThreadCursor c) {
    int i = c.next() & m.mask;
    return m.data.put(m.keys[i], m.values[i]);
  }
}

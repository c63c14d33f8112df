package io.github.cmaps.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Turns the latencies that benchmarks record through {@link LatencyRecorders} into JMH secondary
 * results, so they land in JMH's JSON next to the scores: for each recorded operation {@code op},
 * {@code op.p50}, {@code op.p99}, {@code op.p99.9} and {@code op.max} in microseconds, and {@code
 * op.count}.
 *
 * <p>Enable with {@code -prof io.github.cmaps.jmh.LatencyProfiler}; benchmarks that record nothing
 * get no extra results. Percentiles are averaged over iterations and forks; {@code max} is the
 * maximum over all of them. Latencies recorded while JMH synchronizes threads at the start and end
 * of an iteration are included: they are the same workload.
 */
public final class LatencyProfiler implements InternalProfiler {

  private static final String UNIT = "us";

  @Override
  public String getDescription() {
    return "Per-operation latency percentiles recorded by cmaps benchmarks (HdrHistogram)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    LatencyRecorders.discard();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, Histogram> e : LatencyRecorders.collect().entrySet()) {
      String op = e.getKey();
      Histogram h = e.getValue();
      if (h.getTotalCount() == 0) {
        continue;
      }
      results.add(percentile(op + ".p50", h, 50.0));
      results.add(percentile(op + ".p99", h, 99.0));
      results.add(percentile(op + ".p99.9", h, 99.9));
      results.add(
          new ScalarResult(op + ".max", micros(h.getMaxValue()), UNIT, AggregationPolicy.MAX));
      results.add(new ScalarResult(op + ".count", h.getTotalCount(), "ops", AggregationPolicy.SUM));
    }
    return results;
  }

  private static ScalarResult percentile(String label, Histogram h, double percentile) {
    return new ScalarResult(
        label, micros(h.getValueAtPercentile(percentile)), UNIT, AggregationPolicy.AVG);
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}

package io.github.cmaps.jmh.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of JMH's JSON result file: a benchmark, its parameters, and its scores.
 *
 * @param workload the benchmark class's simple name, for example {@code ReadHeavyBenchmark}
 * @param benchmark the method or {@code @Group} name, for example {@code get}
 * @param mode JMH's short mode name ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss})
 * @param threads the number of threads, summed over a group's roles
 * @param params every {@code @Param} value, in JMH's order
 * @param primary the primary score (for a group: the sum over its roles)
 * @param secondary secondary scores by label: a group's per-role scores and profiler results
 * @param settings the JVM and JMH settings the result was obtained with
 */
record JmhResult(
    String workload,
    String benchmark,
    String mode,
    int threads,
    Map<String, String> params,
    Metric primary,
    Map<String, Metric> secondary,
    RunSettings settings) {

  /** A score with its error (half-width of JMH's 99.9% confidence interval; NaN if unknown). */
  record Metric(double score, double error, String unit) {}

  /** How the result was obtained. */
  record RunSettings(
      String jmhVersion,
      String jvm,
      String jdkVersion,
      String vmName,
      String vmVersion,
      List<String> jvmArgs,
      int forks,
      String warmup,
      String measurement) {}

  /** The parameter that names the map under test. */
  static final String MAP_PARAM = "map";

  String map() {
    return params.getOrDefault(MAP_PARAM, "?");
  }

  /** Parameters other than the map, which identify the case the maps are compared in. */
  Map<String, String> caseParams() {
    Map<String, String> rest = new LinkedHashMap<>(params);
    rest.remove(MAP_PARAM);
    return rest;
  }

  static JmhResult parse(JsonObject o) {
    String fullName = o.get("benchmark").getAsString();
    int methodDot = fullName.lastIndexOf('.');
    String className = fullName.substring(0, methodDot);
    Map<String, String> params = new LinkedHashMap<>();
    if (o.has("params")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("params").entrySet()) {
        params.put(e.getKey(), e.getValue().getAsString());
      }
    }
    Map<String, Metric> secondary = new LinkedHashMap<>();
    if (o.has("secondaryMetrics")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("secondaryMetrics").entrySet()) {
        secondary.put(e.getKey(), metric(e.getValue().getAsJsonObject()));
      }
    }
    List<String> jvmArgs = new ArrayList<>();
    if (o.has("jvmArgs")) {
      o.getAsJsonArray("jvmArgs").forEach(a -> jvmArgs.add(a.getAsString()));
    }
    RunSettings settings =
        new RunSettings(
            text(o, "jmhVersion"),
            text(o, "jvm"),
            text(o, "jdkVersion"),
            text(o, "vmName"),
            text(o, "vmVersion"),
            Collections.unmodifiableList(jvmArgs),
            o.has("forks") ? o.get("forks").getAsInt() : 0,
            text(o, "warmupIterations") + " × " + text(o, "warmupTime"),
            text(o, "measurementIterations") + " × " + text(o, "measurementTime"));
    return new JmhResult(
        className.substring(className.lastIndexOf('.') + 1),
        fullName.substring(methodDot + 1),
        text(o, "mode"),
        o.has("threads") ? o.get("threads").getAsInt() : 1,
        Collections.unmodifiableMap(params),
        metric(o.getAsJsonObject("primaryMetric")),
        Collections.unmodifiableMap(secondary),
        settings);
  }

  private static Metric metric(JsonObject m) {
    return new Metric(number(m.get("score")), number(m.get("scoreError")), text(m, "scoreUnit"));
  }

  /** JMH writes NaN and infinities as strings. */
  private static double number(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return Double.NaN;
    }
    if (e.getAsJsonPrimitive().isString()) {
      try {
        return Double.parseDouble(e.getAsString());
      } catch (NumberFormatException notANumber) {
        return Double.NaN;
      }
    }
    return e.getAsDouble();
  }

  private static String text(JsonObject o, String field) {
    return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "?";
  }
}

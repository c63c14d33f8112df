package io.github.cmaps.jmh.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.cmaps.jmh.MapType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a JMH JSON result file (and the footprint and machine description that {@code run.sh}
 * writes beside it) into {@code docs/benchmarks.md} and PNG charts.
 *
 * <p>Every score is shown with its error and as a ratio to {@code ConcurrentHashMap}'s score for
 * the same benchmark, parameters and thread count in the same file, so a table never compares
 * numbers from different runs.
 *
 * <p>Usage: {@code Report RESULTS.json [--footprint F.json] [--env F.properties] [--out
 * docs/benchmarks.md] [--charts docs/benchmarks]}. The footprint and environment files default to
 * {@code RESULTS-footprint.json} and {@code RESULTS-env.properties} beside the results.
 */
public final class Report {

  /** Per-operation latency labels written by {@code LatencyProfiler}: {@code get.p99.9}. */
  private static final Pattern LATENCY = Pattern.compile("(\\w+)\\.(p50|p99|p99\\.9|max)");

  private static final List<String> LATENCY_STATS = List.of("p50", "p99", "p99.9", "max");

  /** What each workload measures, shown above its tables. */
  private static final Map<String, String> WORKLOADS = new LinkedHashMap<>();

  static {
    WORKLOADS.put(
        "ReadHeavyBenchmark",
        "Read-dominated use: 100% `get` (`Integer` keys, and `String` keys looked up through equal"
            + " copies), 95/5 and 90/10 `get`/`put` mixed in every thread (`mixed95`, `mixed90`),"
            + " and the same ratios as dedicated reader and writer threads (`groupGetPut95`: 19"
            + " readers and 1 writer; `groupGetPut90`: 9 and 1), reported per role. All keys are"
            + " present, so `put` replaces and the size stays fixed.");
    WORKLOADS.put(
        "WriteHeavyBenchmark",
        "Write-dominated use: 50% `put` / 50% `remove` over a key range twice the map's size"
            + " (the size stays near `size`), `merge` on 16 hot counters (contended"
            + " read-modify-write), and `computeIfAbsent` on keys that are all present (the"
            + " get-or-create idiom on a warm cache).");
    WORKLOADS.put(
        "MidResizeBenchmark",
        "Reads during growth: one writer grows a map created with its default capacity to 1M"
            + " entries, over and over, while readers look up keys inserted earlier."
            + " `groupGrowth` gives the throughput of each role; `groupGrowthLatency` times every"
            + " operation (HdrHistogram), so the maximum shows a resize that stops readers or the"
            + " writer. Garbage-collection pauses appear in the tails of every map alike.");
  }

  private final List<JmhResult> results;
  private final Properties env;
  private final JsonObject footprint;
  private final List<FootprintRow> footprintRows;
  private final Path input;
  private final Path out;
  private final Path chartsDir;
  private final StringBuilder md = new StringBuilder();
  private final List<String> mapOrder;

  private Report(
      List<JmhResult> results,
      Properties env,
      JsonObject footprint,
      Path input,
      Path out,
      Path chartsDir) {
    this.results = results;
    this.env = env;
    this.footprint = footprint;
    this.footprintRows = footprintRows(footprint);
    this.input = input;
    this.out = out;
    this.chartsDir = chartsDir;
    this.mapOrder = mapOrder(results);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "usage: Report RESULTS.json [--footprint F] [--env F] [--out F.md] [--charts DIR]");
    }
    Path input = Path.of(args[0]);
    String base = input.toString().replaceFirst("\\.json$", "");
    Path footprintFile = Path.of(base + "-footprint.json");
    Path envFile = Path.of(base + "-env.properties");
    Path out = Path.of("docs/benchmarks.md");
    Path charts = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--footprint":
          footprintFile = Path.of(args[++i]);
          break;
        case "--env":
          envFile = Path.of(args[++i]);
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        case "--charts":
          charts = Path.of(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (charts == null) {
      charts = Path.of(out.toString().replaceFirst("\\.md$", ""));
    }

    List<JmhResult> results = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      for (JsonElement e : JsonParser.parseReader(r).getAsJsonArray()) {
        results.add(JmhResult.parse(e.getAsJsonObject()));
      }
    }
    Properties env = new Properties();
    if (Files.exists(envFile)) {
      try (Reader r = Files.newBufferedReader(envFile, StandardCharsets.UTF_8)) {
        env.load(r);
      }
    }
    JsonObject footprint = null;
    if (Files.exists(footprintFile)) {
      try (Reader r = Files.newBufferedReader(footprintFile, StandardCharsets.UTF_8)) {
        footprint = JsonParser.parseReader(r).getAsJsonObject();
      }
    }

    // The chart directory is generated: drop charts of benchmarks that are no longer in the run.
    if (Files.isDirectory(charts)) {
      try (var stale = Files.newDirectoryStream(charts, "*.png")) {
        for (Path png : stale) {
          Files.delete(png);
        }
      }
    }
    Report report = new Report(results, env, footprint, input, out, charts);
    report.write();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report.md.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " and charts in " + charts);
  }

  /* ---------------- Document ---------------- */

  private void write() throws IOException {
    String profile = env.getProperty("profile", guessProfile());
    md.append("# cmaps benchmarks\n\n");
    md.append("<!-- Generated by `jmh/run.sh report` from ")
        .append(input.getFileName())
        .append("; do not edit by hand: rerun the benchmarks and the report instead. -->\n\n");
    if (profile.equals("smoke")) {
      md.append("> **Smoke run: these numbers are not measurements.** They come from one very")
          .append(" short iteration without warmup (`jmh/run.sh smoke`), which only checks that")
          .append(" every benchmark runs. Replace this page with a `quick` or `full` run.\n\n");
    }
    String cores =
        env.getProperty("cpu.cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    md.append("Throughput, latency and footprint of the cmaps maps next to the JDK's")
        .append(" `ConcurrentHashMap`, a synchronized `HashMap`, JCTools' `NonBlockingHashMap` and")
        .append(" Eclipse Collections' `ConcurrentHashMap`, measured with JMH (profile `")
        .append(profile)
        .append("`, ")
        .append(cores)
        .append(" cores).\n\n");
    md.append("**Numbers from 2 cores do not show scaling.** This run had ")
        .append(cores)
        .append(" cores. With two hardware threads these benchmarks show the cost of each")
        .append(" operation and what one competing thread does to it, not how a map behaves with")
        .append(" 8 or 64 cores; group benchmarks that run more threads than there are cores also")
        .append(" include the operating system's time slicing (a lock holder that loses its core")
        .append(" stalls everyone who waits for it). Treat a ratio as a property of this machine")
        .append(" and thread count.\n\n");
    md.append("How to read the tables: each cell is JMH's score ± the half-width of its 99.9%")
        .append(" confidence interval (\"±\" is missing when there were too few iterations to")
        .append(
            " compute one), followed by the ratio to `ConcurrentHashMap` for the same benchmark,")
        .append(" parameters and threads in the same run. For throughput higher is better; for")
        .append(" latency and bytes lower is better. `size` is the number of entries, `1K` = 1,000")
        .append(" and `1M` = 1,000,000.\n\n");

    writeSummary();
    writeEnvironment(profile);
    writeWorkloads();
    writeFootprint();
  }

  private String guessProfile() {
    String name = input.getFileName().toString();
    return name.replaceFirst("\\.json$", "");
  }

  private void writeEnvironment(String profile) {
    md.append("## Environment\n\n");
    boolean recorded = env.containsKey("cpu.model");
    String cpu =
        recorded
            ? env.getProperty("cpu.model")
            : cpuModelHere() + " (read when the report was generated; the run recorded none)";
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CPU", cpu});
    rows.add(
        new String[] {
          "Cores",
          env.getProperty(
              "cpu.cores", Runtime.getRuntime().availableProcessors() + " (report time)")
        });
    rows.add(new String[] {"Memory", env.getProperty("memory", "?")});
    rows.add(
        new String[] {
          "OS",
          env.getProperty(
              "os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        });
    Set<String> jdks = new LinkedHashSet<>();
    Set<String> jmh = new LinkedHashSet<>();
    Set<String> jvmArgs = new LinkedHashSet<>();
    Set<String> iterations = new LinkedHashSet<>();
    for (JmhResult r : results) {
      JmhResult.RunSettings s = r.settings();
      jdks.add(s.vmName() + " " + s.vmVersion() + " (JDK " + s.jdkVersion() + ")");
      jmh.add(s.jmhVersion());
      jvmArgs.add(s.jvmArgs().isEmpty() ? "(none)" : "`" + String.join(" ", s.jvmArgs()) + "`");
      iterations.add(
          s.forks() + " fork(s), warmup " + s.warmup() + ", measurement " + s.measurement());
    }
    rows.add(new String[] {"JDK", String.join("; ", jdks)});
    rows.add(
        new String[] {
          "JVM flags", String.join("; ", jvmArgs) + " (JMH adds its own blackhole flags)"
        });
    rows.add(new String[] {"JMH", String.join(", ", jmh) + "; " + String.join("; ", iterations)});
    rows.add(new String[] {"Maps", mapVersions()});
    rows.add(
        new String[] {
          "Source",
          "commit " + env.getProperty("git.commit", "?") + ", run " + env.getProperty("date", "?")
        });
    rows.add(
        new String[] {
          "Command",
          "`"
              + env.getProperty("command", "?")
              + "`, then `jmh/run.sh report "
              + relativeInput()
              + "`"
        });
    if (env.containsKey("duration.seconds")) {
      rows.add(new String[] {"Duration", env.getProperty("duration.seconds") + " s"});
    }
    table(List.of("Setting", "Value"), rows);

    List<String> commands = new ArrayList<>();
    for (int i = 1; env.containsKey("jmh.pass." + i); i++) {
      commands.add(env.getProperty("jmh.pass." + i));
    }
    for (String key : List.of("footprint.command", "footprint.command.64")) {
      if (env.containsKey(key)) {
        commands.add(env.getProperty(key));
      }
    }
    if (!commands.isEmpty()) {
      md.append("\n<details><summary>Exact commands (run in <code>jmh/</code>)</summary>\n\n```\n");
      commands.forEach(c -> md.append(c).append('\n'));
      md.append("```\n</details>\n");
    }
    md.append('\n');
  }

  private String relativeInput() {
    String name = input.getFileName().toString();
    return "results/" + name;
  }

  private static String cpuModelHere() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  /** Versions of the libraries in the benchmark jar, read from their Maven metadata. */
  private static String mapVersions() {
    return "cmaps "
        + version("io.github.cmaps", "cmaps")
        + ", JCTools "
        + version("org.jctools", "jctools-core")
        + ", Eclipse Collections "
        + version("org.eclipse.collections", "eclipse-collections")
        + ", JDK maps from the JDK above; all with default constructor settings";
  }

  private static String version(String group, String artifact) {
    String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Report.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }

  /* ---------------- Workloads ---------------- */

  /** One table: a benchmark in one mode, over every case and map. */
  private record TableKey(String workload, String benchmark, String mode) {}

  /**
   * A row of a table: the parameters other than the map, the thread count, and for a group the role
   * (the method name, for example {@code get95}); the role is empty otherwise.
   */
  private record Case(Map<String, String> params, int threads, String role) {}

  /** The order benchmarks are shown in within their workload; others follow by name. */
  private static final List<String> BENCHMARK_ORDER =
      List.of(
          "get",
          "getStringKey",
          "mixed95",
          "mixed90",
          "groupGetPut95",
          "groupGetPut90",
          "putRemove",
          "mergeHotKey",
          "computeIfAbsentPresent",
          "groupGrowth",
          "groupGrowthLatency");

  private static final Comparator<String> BY_BENCHMARK_ORDER =
      Comparator.<String>comparingInt(
              b -> BENCHMARK_ORDER.contains(b) ? BENCHMARK_ORDER.indexOf(b) : Integer.MAX_VALUE)
          .thenComparing(Comparator.naturalOrder());

  private void writeWorkloads() throws IOException {
    Map<String, List<JmhResult>> byWorkload = new LinkedHashMap<>();
    for (String known : WORKLOADS.keySet()) {
      byWorkload.put(known, new ArrayList<>());
    }
    for (JmhResult r : results) {
      byWorkload.computeIfAbsent(r.workload(), w -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<JmhResult>> e : byWorkload.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      String workload = e.getKey();
      List<JmhResult> sorted = new ArrayList<>(e.getValue());
      sorted.sort(Comparator.comparing(JmhResult::benchmark, BY_BENCHMARK_ORDER));
      md.append("## ").append(workload.replaceFirst("Benchmark$", "")).append("\n\n");
      if (WORKLOADS.containsKey(workload)) {
        md.append(WORKLOADS.get(workload)).append("\n\n");
      }
      writeScoreTables(workload, sorted);
      writeLatencyTables(workload, sorted);
    }
  }

  private void writeScoreTables(String workload, List<JmhResult> workloadResults)
      throws IOException {
    // table -> case -> map -> score
    Map<TableKey, Map<Case, Map<String, JmhResult.Metric>>> tables = new LinkedHashMap<>();
    for (JmhResult r : workloadResults) {
      if (hasLatency(r) || r.benchmark().endsWith("Latency")) {
        continue; // a timed benchmark's throughput includes the timer's cost: not comparable
      }
      Map<String, JmhResult.Metric> roles = roles(r);
      TableKey key = new TableKey(workload, r.benchmark(), r.mode());
      for (Map.Entry<String, JmhResult.Metric> role : roles.entrySet()) {
        tables
            .computeIfAbsent(key, k -> new LinkedHashMap<>())
            .computeIfAbsent(
                new Case(r.caseParams(), r.threads(), role.getKey()), k -> new LinkedHashMap<>())
            .put(r.map(), role.getValue());
      }
    }

    for (Map.Entry<TableKey, Map<Case, Map<String, JmhResult.Metric>>> t : tables.entrySet()) {
      TableKey key = t.getKey();
      Map<Case, Map<String, JmhResult.Metric>> byCase = t.getValue();
      List<Case> cases = new ArrayList<>(byCase.keySet());
      cases.sort(CASE_ORDER);
      boolean grouped = cases.stream().anyMatch(c -> !c.role().isEmpty());
      List<String> maps = mapsIn(byCase.values());
      String unit = firstUnit(byCase.values());
      String title = key.benchmark() + (key.mode().equals("thrpt") ? "" : " (" + key.mode() + ")");
      md.append("### ").append(title).append("\n\n");
      md.append("Unit: ").append(unit).append(betterHint(unit)).append('.');
      if (grouped) {
        md.append(" Readers and writers run in separate threads at the same time; each row is one")
            .append(" role's throughput, and `threads` counts both roles.");
      }
      md.append("\n\n");

      List<String> paramNames = new ArrayList<>(cases.get(0).params().keySet());
      List<String> header = new ArrayList<>(paramNames);
      header.add("threads");
      if (grouped) {
        header.add("role");
      }
      header.addAll(maps);
      List<String[]> rows = new ArrayList<>();
      for (Case c : cases) {
        List<String> row = new ArrayList<>();
        for (String p : paramNames) {
          row.add(formatParam(c.params().get(p)));
        }
        row.add(String.valueOf(c.threads()));
        if (grouped) {
          row.add(roleLabel(c.role()));
        }
        Map<String, JmhResult.Metric> cells = byCase.get(c);
        JmhResult.Metric baseline = cells.get(MapType.BASELINE);
        for (String map : maps) {
          row.add(formatCell(cells.get(map), baseline, map));
        }
        rows.add(row.toArray(new String[0]));
      }
      table(header, rows);
      md.append('\n');

      // One chart per role: a writer's throughput is often a tiny fraction of the readers'.
      Map<String, List<Case>> casesByRole = new LinkedHashMap<>();
      cases.forEach(c -> casesByRole.computeIfAbsent(c.role(), r -> new ArrayList<>()).add(c));
      for (Map.Entry<String, List<Case>> roleCases : casesByRole.entrySet()) {
        String role = roleCases.getKey();
        List<String> categories = new ArrayList<>();
        roleCases.getValue().forEach(c -> categories.add(categoryLabel(c, paramNames)));
        Charts.Data data = new Charts.Data(categories);
        for (String map : maps) {
          List<Double> values = new ArrayList<>();
          List<Double> errors = new ArrayList<>();
          for (Case c : roleCases.getValue()) {
            JmhResult.Metric cell = byCase.get(c).get(map);
            values.add(cell == null ? Double.NaN : cell.score());
            errors.add(cell == null ? Double.NaN : cell.error());
          }
          data.series(map, values, errors);
        }
        String chartTitle = title + (role.isEmpty() ? "" : ", " + roleLabel(role).replace("`", ""));
        String file = chartName(workload, key.benchmark(), role, key.mode());
        Charts.write(
            chartsDir.resolve(file),
            workload.replaceFirst("Benchmark$", "") + " · " + chartTitle,
            unit,
            data,
            false);
        md.append("![").append(chartTitle).append("](").append(chartLink(file)).append(")\n");
      }
      md.append('\n');
    }
  }

  /** {@code get95} as "readers (`get95`)", {@code put} as "writers (`put`)". */
  private static String roleLabel(String role) {
    if (role.startsWith("get")) {
      return "readers (`" + role + "`)";
    }
    if (role.startsWith("put")) {
      return "writers (`" + role + "`)";
    }
    return "`" + role + "`";
  }

  private static boolean hasLatency(JmhResult r) {
    return r.secondary().keySet().stream().anyMatch(k -> LATENCY.matcher(k).matches());
  }

  private void writeLatencyTables(String workload, List<JmhResult> workloadResults)
      throws IOException {
    // benchmark -> operation -> case -> map -> stat -> metric
    Map<String, Map<String, Map<Case, Map<String, Map<String, JmhResult.Metric>>>>> all =
        new LinkedHashMap<>();
    for (JmhResult r : workloadResults) {
      for (Map.Entry<String, JmhResult.Metric> s : r.secondary().entrySet()) {
        Matcher m = LATENCY.matcher(s.getKey());
        if (!m.matches()) {
          continue;
        }
        all.computeIfAbsent(r.benchmark(), k -> new LinkedHashMap<>())
            .computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
            .computeIfAbsent(new Case(r.caseParams(), r.threads(), ""), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.map(), k -> new LinkedHashMap<>())
            .put(m.group(2), s.getValue());
      }
    }
    for (Map.Entry<String, Map<String, Map<Case, Map<String, Map<String, JmhResult.Metric>>>>> b :
        all.entrySet()) {
      for (Map.Entry<String, Map<Case, Map<String, Map<String, JmhResult.Metric>>>> op :
          b.getValue().entrySet()) {
        for (Map.Entry<Case, Map<String, Map<String, JmhResult.Metric>>> c :
            op.getValue().entrySet()) {
          Map<String, Map<String, JmhResult.Metric>> byMap = c.getValue();
          String unit = byMap.values().iterator().next().values().iterator().next().unit();
          String title = b.getKey() + ": `" + op.getKey() + "` latency";
          md.append("### ").append(title).append("\n\n");
          md.append("Unit: ")
              .append(unit)
              .append(" per operation, lower is better; ")
              .append(describeCase(c.getKey()))
              .append(". Percentiles are averaged over iterations, `max` is the largest single")
              .append(" operation of the whole run.\n\n");
          List<String> header = new ArrayList<>();
          header.add("map");
          header.addAll(LATENCY_STATS);
          List<String[]> rows = new ArrayList<>();
          List<String> maps = orderMaps(byMap.keySet());
          Map<String, JmhResult.Metric> baseline = byMap.get(MapType.BASELINE);
          for (String map : maps) {
            List<String> row = new ArrayList<>();
            row.add(map);
            for (String stat : LATENCY_STATS) {
              JmhResult.Metric metric = byMap.get(map).get(stat);
              JmhResult.Metric base = baseline == null ? null : baseline.get(stat);
              row.add(formatCell(metric, base, map));
            }
            rows.add(row.toArray(new String[0]));
          }
          table(header, rows);

          Charts.Data data = new Charts.Data(LATENCY_STATS);
          for (String map : maps) {
            List<Double> values = new ArrayList<>();
            for (String stat : LATENCY_STATS) {
              JmhResult.Metric metric = byMap.get(map).get(stat);
              values.add(metric == null ? Double.NaN : metric.score());
            }
            data.series(map, values, null);
          }
          String file = chartName(workload, b.getKey(), op.getKey() + "-latency", "");
          Charts.write(
              chartsDir.resolve(file),
              workload.replaceFirst("Benchmark$", "")
                  + " · "
                  + op.getKey()
                  + " latency (log scale)",
              unit,
              data,
              true);
          md.append("\n![")
              .append(title.replace("`", ""))
              .append("](")
              .append(chartLink(file))
              .append(")\n\n");
        }
      }
    }
  }

  /* ---------------- Summary ---------------- */

  /** The key kind kept in the results for comparison only, outside the summary's figures. */
  private static final String EXCLUDED_KEY_KIND = "SEQUENTIAL_INTEGER";

  private static final String KEY_KIND_PARAM = "keyKind";

  /**
   * One map's ratios to {@code ConcurrentHashMap} in one column of the summary, with a label for
   * each so that the worst one can be named.
   */
  private static final class Ratios {
    final List<Double> values = new ArrayList<>();
    final List<String> labels = new ArrayList<>();

    void add(double ratio, String label) {
      if (ratio > 0 && Double.isFinite(ratio)) {
        values.add(ratio);
        labels.add(label);
      }
    }

    double geometricMean() {
      return Math.exp(values.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    /** The index of the worst ratio: the smallest when higher is better, else the largest. */
    int worst(boolean higherIsBetter) {
      int w = 0;
      for (int i = 1; i < values.size(); i++) {
        if (higherIsBetter ? values.get(i) < values.get(w) : values.get(i) > values.get(w)) {
          w = i;
        }
      }
      return w;
    }
  }

  /** A column of the summary table. */
  private record Column(String title, boolean higherIsBetter, Map<String, Ratios> byMap) {}

  /**
   * Writes one table that condenses the page: per map, the geometric mean and the worst of its
   * ratios to {@code ConcurrentHashMap} over every cell of reads, writes and footprint.
   */
  private void writeSummary() {
    Column reads = new Column("Reads", true, new LinkedHashMap<>());
    Column writes = new Column("Writes", true, new LinkedHashMap<>());
    Set<String> excludedCells = new TreeSet<>();
    // cell -> map -> score, for the throughput cells of reads and writes
    Map<String, Map<String, Double>> readCells = new LinkedHashMap<>();
    Map<String, Map<String, Double>> writeCells = new LinkedHashMap<>();
    for (JmhResult r : results) {
      if (!r.mode().equals("thrpt") || hasLatency(r) || r.benchmark().endsWith("Latency")) {
        continue;
      }
      for (Map.Entry<String, JmhResult.Metric> role : roles(r).entrySet()) {
        String name = role.getKey().isEmpty() ? r.benchmark() : role.getKey();
        boolean read = r.workload().equals("ReadHeavyBenchmark") && name.startsWith("get");
        boolean write =
            r.workload().equals("WriteHeavyBenchmark")
                || (!role.getKey().isEmpty() && name.startsWith("put"));
        if (!read && !write) {
          continue;
        }
        String cell = cellLabel(r, role.getKey());
        if (EXCLUDED_KEY_KIND.equals(r.caseParams().get(KEY_KIND_PARAM))) {
          excludedCells.add(cell);
          continue;
        }
        (read ? readCells : writeCells)
            .computeIfAbsent(cell, k -> new LinkedHashMap<>())
            .put(r.map(), role.getValue().score());
      }
    }
    addRatios(reads, readCells);
    addRatios(writes, writeCells);

    Column meanBytes = new Column("Bytes per mapping, sweep mean", false, new LinkedHashMap<>());
    Column maxBytes = new Column("Bytes per mapping, sweep max", false, new LinkedHashMap<>());
    Column empty = new Column("Empty map, bytes", false, new LinkedHashMap<>());
    int processors = defaultProcessors();
    for (SweepKey sweep : sweepKeys()) {
      if (sweep.processors() != processors) {
        continue;
      }
      Map<String, double[]> stats = sweepStats(sweep);
      double[] base = stats.get(MapType.BASELINE);
      if (base == null) {
        continue;
      }
      String where = sweep.label() + " sweep";
      stats.forEach(
          (map, s) -> {
            meanBytes.byMap().computeIfAbsent(map, k -> new Ratios()).add(s[1] / base[1], where);
            maxBytes.byMap().computeIfAbsent(map, k -> new Ratios()).add(s[2] / base[2], where);
          });
    }
    for (int p : processorCounts()) {
      Map<String, Long> bytes = totalBytes(0, p);
      Long base = bytes.get(MapType.BASELINE);
      if (base == null) {
        continue;
      }
      bytes.forEach(
          (map, b) ->
              empty
                  .byMap()
                  .computeIfAbsent(map, k -> new Ratios())
                  .add((double) b / base, p + " processors"));
    }

    List<Column> columns = new ArrayList<>();
    for (Column c : List.of(reads, writes, meanBytes, maxBytes, empty)) {
      if (!c.byMap().isEmpty()) {
        columns.add(c);
      }
    }
    if (columns.isEmpty()) {
      return;
    }
    md.append("## Summary\n\n");
    md.append("Each figure is a ratio to `ConcurrentHashMap` in the same cell of the same run:")
        .append(" the geometric mean over the cells, then the worst cell and the number of")
        .append(" cells. A cell is one benchmark (and group role) × one combination of parameters")
        .append(" other than `map` × one thread count; for footprint, one sweep or one processor")
        .append(" count. Throughput: higher is better (worst = lowest). Bytes: lower is better")
        .append(" (worst = highest).\n\n");
    List<String> header = new ArrayList<>();
    header.add("map");
    for (Column c : columns) {
      header.add(c.title() + (c.higherIsBetter() ? " (↑ better)" : " (↓ better)"));
    }
    List<String[]> rows = new ArrayList<>();
    List<String> worstCells = new ArrayList<>();
    Set<String> present = new LinkedHashSet<>();
    columns.forEach(c -> present.addAll(c.byMap().keySet()));
    for (String map : orderMaps(present)) {
      List<String> row = new ArrayList<>();
      row.add(map);
      for (Column c : columns) {
        Ratios ratios = c.byMap().get(map);
        if (ratios == null || ratios.values.isEmpty()) {
          row.add("–");
        } else if (map.equals(MapType.BASELINE)) {
          row.add("1 (baseline, " + ratios.values.size() + " cells)");
        } else {
          int w = ratios.worst(c.higherIsBetter());
          row.add(
              String.format(
                  Locale.ROOT,
                  "**%.2f×**, worst %.2f×, %d cells",
                  ratios.geometricMean(),
                  ratios.values.get(w),
                  ratios.values.size()));
          worstCells.add(
              String.format(
                  Locale.ROOT,
                  "%s, %s: %.2f× in %s",
                  map,
                  c.title().toLowerCase(Locale.ROOT),
                  ratios.values.get(w),
                  ratios.labels.get(w)));
        }
      }
      rows.add(row.toArray(new String[0]));
    }
    table(header, rows);
    md.append('\n');
    md.append("Reads are the `get…` benchmarks of ReadHeavy and the reader role of its groups;")
        .append(" writes are every WriteHeavy benchmark and the writer role of every group")
        .append(" (ReadHeavy's `groupGetPut…`, MidResize's `groupGrowth`). The mixed benchmarks")
        .append(" (`mixed95`, `mixed90`) and the timed `groupGrowthLatency` are left out.");
    if (!meanBytes.byMap().isEmpty() || !empty.byMap().isEmpty()) {
      md.append(" Footprint compares each sweep's mean with `ConcurrentHashMap`'s mean and its max")
          .append(" with its max, measured with ")
          .append(processors)
          .append(" processors; the empty map counts one cell per processor count measured.");
    }
    md.append(" Keys of kind `")
        .append(EXCLUDED_KEY_KIND)
        .append("` are excluded from every figure: they are kept only for comparison with earlier")
        .append(" runs, and their tables are below")
        .append(
            excludedCells.isEmpty()
                ? " (this run has none)."
                : " (" + excludedCells.size() + " cells left out).")
        .append("\n\n");
    if (!worstCells.isEmpty()) {
      md.append("<details><summary>Where each worst ratio is</summary>\n\n");
      worstCells.forEach(w -> md.append("- ").append(w).append('\n'));
      md.append("\n</details>\n\n");
    }
  }

  private static void addRatios(Column column, Map<String, Map<String, Double>> cells) {
    for (Map.Entry<String, Map<String, Double>> cell : cells.entrySet()) {
      Double base = cell.getValue().get(MapType.BASELINE);
      if (base == null || !(base > 0)) {
        continue;
      }
      cell.getValue()
          .forEach(
              (map, score) ->
                  column
                      .byMap()
                      .computeIfAbsent(map, k -> new Ratios())
                      .add(score / base, cell.getKey()));
    }
  }

  /** A group's per-role scores by method name, or the primary score under the empty name. */
  private static Map<String, JmhResult.Metric> roles(JmhResult r) {
    Map<String, JmhResult.Metric> roles = new LinkedHashMap<>();
    for (Map.Entry<String, JmhResult.Metric> s : r.secondary().entrySet()) {
      // A group reports each role as a secondary result named after its method; profiler
      // results carry a dot ("get.p99") and are shown by writeLatencyTables.
      if (!s.getKey().contains(".")) {
        roles.put(s.getKey(), s.getValue());
      }
    }
    if (roles.isEmpty()) {
      roles.put("", r.primary());
    }
    return roles;
  }

  /** {@code putRemove, size 1M, distribution ZIPF, 2 threads}: names one cell. */
  private static String cellLabel(JmhResult r, String role) {
    List<String> parts = new ArrayList<>();
    parts.add(
        r.workload().replaceFirst("Benchmark$", "")
            + "."
            + r.benchmark()
            + (role.isEmpty() ? "" : " " + role)
            + (r.mode().equals("thrpt") ? "" : " (" + r.mode() + ")"));
    r.caseParams().forEach((k, v) -> parts.add(k + " " + formatParam(v)));
    parts.add(r.threads() + (r.threads() == 1 ? " thread" : " threads"));
    return String.join(", ", parts);
  }

  /* ---------------- Footprint ---------------- */

  /** One row of the footprint file; {@code bytesPerMapping} is NaN for an empty map. */
  private record FootprintRow(
      String map,
      int entries,
      long totalBytes,
      long keyValueBytes,
      double bytesPerMapping,
      String sweep,
      int processors) {}

  /** One sweep measured with one processor count. */
  private record SweepKey(String label, int processors) {}

  /** Reads the footprint file's rows; files written before sweeps existed have neither field. */
  private static List<FootprintRow> footprintRows(JsonObject footprint) {
    List<FootprintRow> rows = new ArrayList<>();
    if (footprint == null || !footprint.has("rows")) {
      return rows;
    }
    int fileProcessors =
        footprint.has("processors") && footprint.getAsJsonArray("processors").size() > 0
            ? footprint.getAsJsonArray("processors").get(0).getAsInt()
            : 0;
    for (JsonElement e : footprint.getAsJsonArray("rows")) {
      JsonObject row = e.getAsJsonObject();
      JsonElement perMapping = row.get("bytesPerMapping");
      rows.add(
          new FootprintRow(
              row.get("map").getAsString(),
              row.get("entries").getAsInt(),
              row.has("totalBytes") ? row.get("totalBytes").getAsLong() : -1,
              row.has("keyValueBytes") ? row.get("keyValueBytes").getAsLong() : 0,
              perMapping == null || perMapping.isJsonNull() ? Double.NaN : perMapping.getAsDouble(),
              row.has("sweep") && !row.get("sweep").isJsonNull()
                  ? row.get("sweep").getAsString()
                  : null,
              row.has("processors") ? row.get("processors").getAsInt() : fileProcessors));
    }
    return rows;
  }

  /** The processor count of the first footprint run: the machine's own. */
  private int defaultProcessors() {
    List<Integer> counts = processorCounts();
    return counts.isEmpty() ? 0 : counts.get(0);
  }

  /** Processor counts in the order the runs were made. */
  private List<Integer> processorCounts() {
    Set<Integer> counts = new LinkedHashSet<>();
    footprintRows.forEach(r -> counts.add(r.processors()));
    return new ArrayList<>(counts);
  }

  private List<SweepKey> sweepKeys() {
    Set<SweepKey> keys = new LinkedHashSet<>();
    for (FootprintRow r : footprintRows) {
      if (r.sweep() != null) {
        keys.add(new SweepKey(r.sweep(), r.processors()));
      }
    }
    List<SweepKey> sorted = new ArrayList<>(keys);
    // Default processor count first, then by the sweep's first size.
    List<Integer> counts = processorCounts();
    sorted.sort(
        Comparator.<SweepKey>comparingInt(k -> counts.indexOf(k.processors()))
            .thenComparingInt(k -> sweepSizes(k).get(0)));
    return sorted;
  }

  private List<Integer> sweepSizes(SweepKey key) {
    Set<Integer> sizes = new TreeSet<>();
    for (FootprintRow r : footprintRows) {
      if (key.label().equals(r.sweep()) && r.processors() == key.processors()) {
        sizes.add(r.entries());
      }
    }
    return new ArrayList<>(sizes);
  }

  /** Per map: min, mean and max bytes per mapping over the sweep's sizes, and their count. */
  private Map<String, double[]> sweepStats(SweepKey key) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (FootprintRow r : footprintRows) {
      if (key.label().equals(r.sweep()) && r.processors() == key.processors()) {
        values.computeIfAbsent(r.map(), k -> new ArrayList<>()).add(r.bytesPerMapping());
      }
    }
    Map<String, double[]> stats = new LinkedHashMap<>();
    values.forEach(
        (map, v) -> {
          var s = v.stream().mapToDouble(Double::doubleValue).summaryStatistics();
          stats.put(map, new double[] {s.getMin(), s.getAverage(), s.getMax(), s.getCount()});
        });
    return stats;
  }

  /** Total bytes of the maps of one single size (not part of a sweep) and processor count. */
  private Map<String, Long> totalBytes(int entries, int processors) {
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (FootprintRow r : footprintRows) {
      if (r.sweep() == null && r.entries() == entries && r.processors() == processors) {
        bytes.put(r.map(), r.totalBytes());
      }
    }
    return bytes;
  }

  private void writeFootprint() throws IOException {
    md.append("## Footprint\n\n");
    if (footprint == null) {
      md.append("No footprint file was found beside the results (run `jmh/run.sh footprint`).\n");
      return;
    }
    String keys =
        footprint.has("keys")
            ? footprint.get("keys").getAsString()
            : "distinct Integer keys and values";
    md.append("Bytes each map spends beyond the key and value objects, measured with JOL")
        .append(" (the total size of the object graph reachable from the map, minus the keys and")
        .append(" values) after filling a map made with its default constructor by `put`: ")
        .append(keys)
        .append(". Lower is better; the ratio is to `ConcurrentHashMap`. Not a timing")
        .append(" measurement: it depends on the JVM's object layout, recorded below.\n\n");

    for (SweepKey sweep : sweepKeys()) {
      writeSweep(sweep);
    }
    writeSmallMaps();
    writeSingleSizes();

    String vm = footprint.has("jvm") ? footprint.get("jvm").getAsString() : "?";
    md.append("<details><summary>Object layout of the measuring JVM (")
        .append(vm)
        .append(")</summary>\n\n```\n")
        .append(footprint.has("vmDetails") ? footprint.get("vmDetails").getAsString().strip() : "")
        .append("\n```\n</details>\n");
  }

  private void writeSweep(SweepKey sweep) throws IOException {
    List<Integer> sizes = sweepSizes(sweep);
    Map<String, double[]> stats = sweepStats(sweep);
    double[] base = stats.get(MapType.BASELINE);
    md.append("### Bytes per mapping over ")
        .append(sweep.label())
        .append(" entries, ")
        .append(sweep.processors())
        .append(" processors\n\n");
    md.append(sizes.size())
        .append(" sizes from ")
        .append(String.format(Locale.ROOT, "%,d", sizes.get(0)))
        .append(" to ")
        .append(String.format(Locale.ROOT, "%,d", sizes.get(sizes.size() - 1)))
        .append(": evenly spaced, plus each size at which one of the maps grows (powers of two,")
        .append(" and five eighths and three quarters of one) and the size just above it (a table")
        .append(" that has just doubled, or a resize under way). Each map is filled once, in")
        .append(" increasing order, and measured at every size on the way. Min, mean (of")
        .append(" all these sizes alike) and max are each compared with `ConcurrentHashMap`'s")
        .append(" min, mean and max.\n\n");
    List<String[]> rows = new ArrayList<>();
    for (String map : orderMaps(stats.keySet())) {
      double[] s = stats.get(map);
      List<String> row = new ArrayList<>();
      row.add(map);
      for (int i = 0; i < 3; i++) {
        String cell = String.format(Locale.ROOT, "%.1f", s[i]);
        if (base != null && !map.equals(MapType.BASELINE)) {
          cell += String.format(Locale.ROOT, " (%.2f×)", s[i] / base[i]);
        }
        row.add(cell);
      }
      rows.add(row.toArray(new String[0]));
    }
    table(List.of("map", "min", "mean", "max"), rows);

    // Chart: bytes per mapping at each size of the sweep.
    List<String> categories = new ArrayList<>();
    sizes.forEach(n -> categories.add(String.valueOf(n)));
    Charts.Data data = new Charts.Data(categories);
    for (String map : orderMaps(stats.keySet())) {
      Map<Integer, Double> bySize = new LinkedHashMap<>();
      for (FootprintRow r : footprintRows) {
        if (sweep.label().equals(r.sweep())
            && r.processors() == sweep.processors()
            && r.map().equals(map)) {
          bySize.put(r.entries(), r.bytesPerMapping());
        }
      }
      List<Double> values = new ArrayList<>();
      sizes.forEach(n -> values.add(bySize.getOrDefault(n, Double.NaN)));
      data.series(map, values, null);
    }
    String file =
        ("footprint-" + sweep.label() + "-" + sweep.processors() + "cpu")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-")
            + ".png";
    Charts.write(
        chartsDir.resolve(file),
        "Footprint · bytes per mapping, "
            + sweep.label()
            + " entries, "
            + sweep.processors()
            + " processors",
        "bytes per mapping",
        data,
        false);
    md.append("\n![Footprint over ")
        .append(sweep.label())
        .append("](")
        .append(chartLink(file))
        .append(")\n\n");
  }

  /** Empty and one-entry maps, in total bytes, for every processor count measured. */
  private void writeSmallMaps() {
    List<String> header = new ArrayList<>();
    header.add("map");
    List<int[]> columns = new ArrayList<>(); // {entries, processors}
    for (int p : processorCounts()) {
      for (int entries : new int[] {0, 1}) {
        if (!totalBytes(entries, p).isEmpty()) {
          columns.add(new int[] {entries, p});
          header.add((entries == 0 ? "empty" : "one entry") + ", " + p + " processors");
        }
      }
    }
    if (columns.isEmpty()) {
      return;
    }
    md.append("### Empty and one-entry maps\n\n");
    md.append("Total bytes of the map's object graph (the one-entry map includes its key and")
        .append(" value, 32 bytes with compressed references). The processor count is the")
        .append(" measuring JVM's (`-XX:ActiveProcessorCount` for the larger one): a")
        .append(" `StripedLockMap`'s default stripe count follows it.\n\n");
    Set<String> present = new LinkedHashSet<>();
    columns.forEach(c -> present.addAll(totalBytes(c[0], c[1]).keySet()));
    List<String[]> rows = new ArrayList<>();
    for (String map : orderMaps(present)) {
      List<String> row = new ArrayList<>();
      row.add(map);
      for (int[] c : columns) {
        Map<String, Long> bytes = totalBytes(c[0], c[1]);
        Long b = bytes.get(map);
        Long base = bytes.get(MapType.BASELINE);
        if (b == null) {
          row.add("–");
        } else {
          String cell = String.format(Locale.ROOT, "%,d", b);
          if (base != null && base > 0 && !map.equals(MapType.BASELINE)) {
            cell += String.format(Locale.ROOT, " (%.2f×)", (double) b / base);
          }
          row.add(cell);
        }
      }
      rows.add(row.toArray(new String[0]));
    }
    table(header, rows);
    md.append('\n');
  }

  /** Sizes measured alone (not in a sweep), above one entry: bytes per mapping. */
  private void writeSingleSizes() throws IOException {
    // entries -> map -> bytes per mapping, at the default processor count
    Map<Integer, Map<String, Double>> bySize = new TreeMap<>();
    int processors = defaultProcessors();
    for (FootprintRow r : footprintRows) {
      if (r.sweep() == null && r.entries() > 1 && r.processors() == processors) {
        bySize
            .computeIfAbsent(r.entries(), k -> new LinkedHashMap<>())
            .put(r.map(), r.bytesPerMapping());
      }
    }
    if (bySize.isEmpty()) {
      return;
    }
    md.append("### Bytes per mapping at single sizes\n\n");
    List<Integer> sizes = new ArrayList<>(bySize.keySet());
    Set<String> present = new LinkedHashSet<>();
    bySize.values().forEach(m -> present.addAll(m.keySet()));
    List<String> maps = orderMaps(present);
    List<String> header = new ArrayList<>();
    header.add("map");
    sizes.forEach(s -> header.add(formatParam(String.valueOf(s)) + " entries"));
    List<String[]> rows = new ArrayList<>();
    for (String map : maps) {
      List<String> row = new ArrayList<>();
      row.add(map);
      for (int size : sizes) {
        Double bytes = bySize.get(size).get(map);
        Double base = bySize.get(size).get(MapType.BASELINE);
        if (bytes == null) {
          row.add("–");
        } else {
          String cell = String.format(Locale.ROOT, "%.1f", bytes);
          if (base != null && base > 0 && !map.equals(MapType.BASELINE)) {
            cell += String.format(Locale.ROOT, " (%.2f×)", bytes / base);
          }
          row.add(cell);
        }
      }
      rows.add(row.toArray(new String[0]));
    }
    table(header, rows);

    List<String> categories =
        sizes.stream()
            .map(s -> formatParam(String.valueOf(s)) + " entries")
            .collect(Collectors.toList());
    Charts.Data data = new Charts.Data(categories);
    for (String map : maps) {
      List<Double> values = new ArrayList<>();
      for (int size : sizes) {
        Double bytes = bySize.get(size).get(map);
        values.add(bytes == null ? Double.NaN : bytes);
      }
      data.series(map, values, null);
    }
    String file = "footprint.png";
    Charts.write(
        chartsDir.resolve(file), "Footprint · bytes per mapping", "bytes per mapping", data, false);
    md.append("\n![Footprint](").append(chartLink(file)).append(")\n\n");
  }

  /* ---------------- Formatting ---------------- */

  private static final Comparator<Case> CASE_ORDER =
      (a, b) -> {
        for (String p : a.params().keySet()) {
          int c = compareValues(a.params().get(p), b.params().get(p));
          if (c != 0) {
            return c;
          }
        }
        int c = Integer.compare(a.threads(), b.threads());
        return c != 0 ? c : a.role().compareTo(b.role());
      };

  private static int compareValues(String x, String y) {
    if (Objects.equals(x, y)) {
      return 0;
    }
    if (x == null || y == null) {
      return x == null ? -1 : 1;
    }
    try {
      return Double.compare(Double.parseDouble(x), Double.parseDouble(y));
    } catch (NumberFormatException notNumbers) {
      return x.compareTo(y);
    }
  }

  /** Maps in {@link MapType} order (cmaps first), then any others by name. */
  private static List<String> mapOrder(List<JmhResult> results) {
    List<String> order = new ArrayList<>();
    for (MapType t : MapType.values()) {
      order.add(t.name());
    }
    Set<String> others = new TreeSet<>();
    results.forEach(r -> others.add(r.map()));
    others.removeAll(order);
    order.addAll(others);
    return order;
  }

  private List<String> orderMaps(Set<String> present) {
    List<String> maps = new ArrayList<>();
    for (String m : mapOrder) {
      if (present.contains(m)) {
        maps.add(m);
      }
    }
    for (String m : new TreeSet<>(present)) {
      if (!maps.contains(m)) {
        maps.add(m);
      }
    }
    return maps;
  }

  private List<String> mapsIn(Iterable<Map<String, JmhResult.Metric>> cellMaps) {
    Set<String> present = new LinkedHashSet<>();
    cellMaps.forEach(m -> present.addAll(m.keySet()));
    return orderMaps(present);
  }

  private static String firstUnit(Iterable<Map<String, JmhResult.Metric>> cellMaps) {
    for (Map<String, JmhResult.Metric> m : cellMaps) {
      for (JmhResult.Metric c : m.values()) {
        return c.unit();
      }
    }
    return "?";
  }

  private static String betterHint(String unit) {
    return unit.startsWith("ops/")
        ? " (operations per time unit, summed over threads; higher is better)"
        : unit.endsWith("/op") ? " (time per operation; lower is better)" : "";
  }

  private static String formatCell(JmhResult.Metric m, JmhResult.Metric baseline, String map) {
    if (m == null || Double.isNaN(m.score())) {
      return "–";
    }
    StringBuilder s = new StringBuilder(number(m.score()));
    if (!Double.isNaN(m.error())) {
      s.append(" ± ").append(number(m.error()));
    }
    if (baseline != null && !map.equals(MapType.BASELINE) && baseline.score() > 0) {
      double ratio = m.score() / baseline.score();
      s.append(ratio < 0.01 ? " (<0.01×)" : String.format(Locale.ROOT, " (%.2f×)", ratio));
    }
    return s.toString();
  }

  private static String number(double v) {
    double a = Math.abs(v);
    String pattern =
        a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.01 ? "%.3f" : "%.2g";
    return String.format(Locale.ROOT, pattern, v);
  }

  /** {@code 1000} as {@code 1K}, {@code 1000000} as {@code 1M}; other values unchanged. */
  private static String formatParam(String value) {
    if (value == null) {
      return "–";
    }
    try {
      long n = Long.parseLong(value);
      if (n >= 1_000_000 && n % 1_000_000 == 0) {
        return n / 1_000_000 + "M";
      }
      if (n >= 1_000 && n % 1_000 == 0) {
        return n / 1_000 + "K";
      }
      return value;
    } catch (NumberFormatException notANumber) {
      return value;
    }
  }

  private static String categoryLabel(Case c, List<String> paramNames) {
    List<String> parts = new ArrayList<>();
    for (String p : paramNames) {
      parts.add(formatParam(c.params().get(p)));
    }
    parts.add(c.threads() + (c.threads() == 1 ? " thread" : " threads"));
    return String.join(" ", parts);
  }

  private static String describeCase(Case c) {
    List<String> parts = new ArrayList<>();
    c.params().forEach((k, v) -> parts.add(k + " " + formatParam(v)));
    parts.add(c.threads() + " threads in all");
    return String.join(", ", parts);
  }

  private static String chartName(String workload, String benchmark, String metric, String mode) {
    String name =
        workload.replaceFirst("Benchmark$", "")
            + "-"
            + benchmark
            + (metric.isEmpty() ? "" : "-" + metric)
            + (mode.isEmpty() || mode.equals("thrpt") ? "" : "-" + mode);
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]+", "-") + ".png";
  }

  private String chartLink(String file) {
    Path mdDir = out.toAbsolutePath().getParent();
    return mdDir.relativize(chartsDir.toAbsolutePath().resolve(file)).toString().replace('\\', '/');
  }

  private void table(List<String> header, List<String[]> rows) {
    md.append('|');
    header.forEach(h -> md.append(' ').append(h).append(" |"));
    md.append("\n|");
    header.forEach(h -> md.append("---|"));
    md.append('\n');
    for (String[] row : rows) {
      md.append('|');
      for (String cell : row) {
        md.append(' ').append(cell.replace("|", "\\|")).append(" |");
      }
      md.append('\n');
    }
  }
}

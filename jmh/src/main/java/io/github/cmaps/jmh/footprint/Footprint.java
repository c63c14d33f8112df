package io.github.cmaps.jmh.footprint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.cmaps.jmh.MapType;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.openjdk.jol.info.GraphStats;
import org.openjdk.jol.vm.VM;

/**
 * Measures memory footprint, not time: the bytes each map spends per mapping, beyond the key and
 * value objects themselves.
 *
 * <p>Every map is filled the way a user fills it: made with its no-argument constructor, then
 * {@code put} of distinct {@code Integer} keys {@code 0, 1, 2, ...} (fresh objects from {@code
 * Integer.valueOf}) with distinct {@code Integer} values. JOL then walks the object graph reachable
 * from the map ({@code GraphStats.parseInstance(map).totalSize()}, the same total as {@code
 * GraphLayout} without recording every object) and the keys and values alone are subtracted. What
 * is left is the map's own structure (tables, nodes, locks, counters) as laid out by the running
 * JVM (compressed references or not, alignment), which the output records.
 *
 * <p>Two kinds of measurement:
 *
 * <ul>
 *   <li>{@code --sizes 0,1,1000}: one fresh map per size. Sizes 0 and 1 give the cost of an empty
 *       and of a one-entry map, which the report shows as total bytes. Objects that every instance
 *       of a map class reaches (static singletons such as a shared empty table) are not counted:
 *       a second map is filled alike and only what the two graphs do not share is the map's.
 *   <li>{@code --sweep FROM..TO[:MAP,MAP]}: {@code --steps} (default 16) evenly spaced sizes over
 *       {@code FROM..TO} plus every growth point in the range (powers of two, five eighths and three
 *       quarters of them) and the size just above it (where a table has just doubled, or an
 *       incremental resize is under way). One map per map type is
 *       filled in increasing order and measured at each size on the way, which is the state a fresh
 *       map filled to that size has. A sweep over one doubling shows the whole sawtooth of slack
 *       between two resizes, so its mean is the footprint to expect at an unknown size and its max
 *       the worst case. The optional map list limits the sweep to those maps.
 * </ul>
 *
 * <p>The processor count is recorded with every row: a {@code StripedLockMap}'s default stripe
 * count follows it, so {@code run.sh} runs the tool a second time under {@code
 * -XX:ActiveProcessorCount=64} with {@code --append}, which adds its rows to the same file.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.github.cmaps.jmh.footprint.Footprint [--sizes 0,1]
 * [--sweep 1000..2000] [--sweep 1000000..2000000:ConcurrentHashMap,LockFreeReadMap] [--steps 16]
 * [--maps A,B] [--out results/footprint.json [--append]]}. Without {@code --sizes} or {@code
 * --sweep} it measures sizes 0 and 1 and the sweeps 1K..2K and 1M..2M. Prints a table and writes a
 * JSON file for the report. JOL needs {@code -Djdk.attach.allowAttachSelf=true}; it walks the JDK's
 * maps much faster when {@code java.util} and {@code java.util.concurrent} are opened to it ({@code
 * --add-opens}), as {@code run.sh} does.
 */
public final class Footprint {

  private Footprint() {}

  /** One measured map, as written to the JSON file. */
  static final class Row {
    String map;
    int entries;
    long totalBytes;
    long keyValueBytes;

    /** {@code (totalBytes - keyValueBytes) / entries}; absent for an empty map. */
    Double bytesPerMapping;

    /** The sweep's label ({@code "1K..2K"}), or absent for a single size. */
    String sweep;

    /** {@code Runtime.availableProcessors()} of the measuring JVM. */
    int processors;
  }

  /** The JSON file's content. */
  static final class Output {
    String jvm;
    String vmDetails;

    /** The key and value objects the maps were filled with. */
    String keys;

    /** Processor counts of the runs in this file, in order. */
    List<Integer> processors = new ArrayList<>();

    /** Wall-clock seconds of each run, in the same order. */
    List<Long> seconds = new ArrayList<>();

    List<Row> rows = new ArrayList<>();
  }

  /** A range of sizes to sweep, and the maps to sweep it with. */
  record Sweep(int from, int to, List<MapType> maps) {
    String label() {
      return abbreviate(from) + ".." + abbreviate(to);
    }
  }

  private static final String KEYS =
      "distinct Integer keys 0, 1, 2, ... (Integer.valueOf) and distinct Integer values";

  public static void main(String[] args) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    List<String> sweepArgs = new ArrayList<>();
    int steps = 16;
    List<MapType> maps = Arrays.asList(MapType.values());
    Path out = null;
    boolean append = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes":
          sizes.addAll(parseSizes(args[++i]));
          break;
        case "--sweep":
          sweepArgs.add(args[++i]);
          break;
        case "--steps":
          steps = Integer.parseInt(args[++i]);
          break;
        case "--maps":
          maps = parseMaps(args[++i]);
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        case "--append":
          append = true;
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument "
                  + args[i]
                  + "; expected --sizes, --sweep, --steps, --maps, --out or --append");
      }
    }
    if (sizes.isEmpty() && sweepArgs.isEmpty()) {
      sizes.addAll(List.of(0, 1));
      sweepArgs.addAll(List.of("1000..2000", "1000000..2000000"));
    }
    List<Sweep> sweeps = new ArrayList<>();
    for (String s : sweepArgs) {
      sweeps.add(parseSweep(s, maps));
    }

    long start = System.nanoTime();
    int processors = Runtime.getRuntime().availableProcessors();
    Output output = new Output();
    if (append && out != null && Files.exists(out)) {
      try (Reader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
        output = new Gson().fromJson(r, Output.class);
      }
    }
    String jvm =
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    if (output.jvm != null && !output.jvm.equals(jvm)) {
      throw new IllegalStateException("--append: " + out + " was measured on " + output.jvm);
    }
    output.jvm = jvm;
    output.vmDetails = VM.current().details();
    output.keys = KEYS;
    System.out.printf(
        "%d processors%n%-26s %-8s %10s %14s %14s %10s%n",
        processors, "map", "sweep", "entries", "map bytes", "key+value", "B/mapping");

    for (int size : sizes) {
      Object[] keysAndValues = keysAndValues(size);
      long keyValueBytes = keyValueBytes(keysAndValues, size);
      for (MapType type : maps) {
        Map<Object, Object> map = fill(type.create(), keysAndValues, 0, size);
        Map<Object, Object> twin = fill(type.create(), keysAndValues, 0, size);
        long total = GraphStats.parseInstance(map).totalSize();
        // What every instance shares is no instance's cost: the keys and values (the same
        // objects in both maps) and objects a class keeps in static fields, such as a shared
        // empty table that a map uses until its first insert (as ConcurrentHashMap allocates
        // its table lazily). Both maps reach them; the union of the two graphs counts them once.
        long shared = 2 * total - GraphStats.parseInstance(map, twin).totalSize();
        long ownPlusKeysAndValues = total - shared + keyValueBytes;
        print(output, row(type, size, ownPlusKeysAndValues, keyValueBytes, null, processors));
      }
    }
    for (Sweep sweep : sweeps) {
      List<Integer> points = points(sweep, steps);
      Object[] keysAndValues = keysAndValues(sweep.to());
      Map<Integer, Long> keyValueBytes = new HashMap<>();
      for (int n : points) {
        keyValueBytes.put(n, keyValueBytes(keysAndValues, n));
      }
      for (MapType type : sweep.maps()) {
        long mapStart = System.nanoTime();
        Map<Object, Object> map = type.create();
        int filled = 0;
        for (int n : points) {
          fill(map, keysAndValues, filled, n);
          filled = n;
          long total = GraphStats.parseInstance(map).totalSize();
          print(output, row(type, n, total, keyValueBytes.get(n), sweep.label(), processors));
        }
        map = null; // let the collector take it before the next map is filled
        System.gc();
        System.out.printf(
            "  (%s over %s: %.1f s)%n",
            type.name(), sweep.label(), (System.nanoTime() - mapStart) / 1e9);
      }
    }
    long seconds = Math.round((System.nanoTime() - start) / 1e9);
    output.processors.add(processors);
    output.seconds.add(seconds);
    System.out.println("measured in " + seconds + " s");

    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Gson gson = new GsonBuilder().setPrettyPrinting().create();
      try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        gson.toJson(output, w);
      }
      System.out.println((append ? "appended to " : "wrote ") + out);
    }
  }

  /**
   * The sizes a sweep measures: {@code steps + 1} evenly spaced sizes from {@code from} to {@code
   * to}, plus every growth point in the range and the size one above it. The growth points are
   * the powers of two and five eighths and three quarters of each: where the measured maps grow
   * (the cmaps tables at five eighths of their slots, the JDK's maps at three quarters of their
   * bins, JCTools' about a power of two), so that each map's sweep sees its table just before and
   * just after a doubling, or in the middle of an incremental resize.
   */
  static List<Integer> points(Sweep sweep, int steps) {
    TreeSet<Integer> points = new TreeSet<>();
    for (int k = 0; k <= steps; k++) {
      points.add((int) (sweep.from() + (long) k * (sweep.to() - sweep.from()) / steps));
    }
    for (long p = Integer.highestOneBit(Math.max(1, sweep.from())); p <= 2L * sweep.to(); p *= 2) {
      for (long growth : new long[] {p, p / 2 + p / 8, p / 2 + p / 4}) {
        if (growth >= sweep.from() && growth <= sweep.to()) {
          points.add((int) growth);
          if (growth + 1 <= sweep.to()) {
            points.add((int) growth + 1);
          }
        }
      }
    }
    return new ArrayList<>(points);
  }

  /** Returns {@code size} distinct keys and values, interleaved: key, value, key, value... */
  static Object[] keysAndValues(int size) {
    Object[] keysAndValues = new Object[2 * size];
    for (int i = 0; i < size; i++) {
      keysAndValues[2 * i] = Integer.valueOf(i);
      keysAndValues[2 * i + 1] = Integer.valueOf(-i - 1);
    }
    return keysAndValues;
  }

  /** The bytes of the first {@code size} keys and values, as JOL counts them. */
  private static long keyValueBytes(Object[] keysAndValues, int size) {
    if (size == 0) {
      return 0;
    }
    // Passing the array as the varargs array makes its elements the roots, not the array itself.
    return GraphStats.parseInstance(Arrays.copyOf(keysAndValues, 2 * size)).totalSize();
  }

  /** Puts mappings {@code from} (inclusive) to {@code to} (exclusive) into {@code map}. */
  private static Map<Object, Object> fill(
      Map<Object, Object> map, Object[] keysAndValues, int from, int to) {
    for (int i = from; i < to; i++) {
      map.put(keysAndValues[2 * i], keysAndValues[2 * i + 1]);
    }
    return map;
  }

  private static Row row(
      MapType type, int size, long totalBytes, long keyValueBytes, String sweep, int processors) {
    Row row = new Row();
    row.map = type.name();
    row.entries = size;
    row.totalBytes = totalBytes;
    row.keyValueBytes = keyValueBytes;
    row.bytesPerMapping = size == 0 ? null : (double) (totalBytes - keyValueBytes) / size;
    row.sweep = sweep;
    row.processors = processors;
    return row;
  }

  private static void print(Output output, Row row) {
    output.rows.add(row);
    System.out.printf(
        "%-26s %-8s %10d %14d %14d %10s%n",
        row.map,
        row.sweep == null ? "-" : row.sweep,
        row.entries,
        row.totalBytes,
        row.keyValueBytes,
        row.bytesPerMapping == null ? "-" : String.format("%.2f", row.bytesPerMapping));
  }

  private static Sweep parseSweep(String spec, List<MapType> defaultMaps) {
    String[] rangeAndMaps = spec.split(":", 2);
    String[] range = rangeAndMaps[0].split("\\.\\.");
    if (range.length != 2) {
      throw new IllegalArgumentException("--sweep FROM..TO[:MAP,MAP], not " + spec);
    }
    int from = parseSize(range[0]);
    int to = parseSize(range[1]);
    if (from < 1 || to <= from) {
      throw new IllegalArgumentException("--sweep needs 1 <= FROM < TO: " + spec);
    }
    List<MapType> maps = new ArrayList<>(defaultMaps);
    if (rangeAndMaps.length == 2) {
      maps.retainAll(parseMaps(rangeAndMaps[1]));
    }
    return new Sweep(from, to, maps);
  }

  private static List<MapType> parseMaps(String csv) {
    List<MapType> maps = new ArrayList<>();
    for (String name : csv.split(",")) {
      maps.add(MapType.valueOf(name.trim()));
    }
    return maps;
  }

  private static List<Integer> parseSizes(String csv) {
    List<Integer> sizes = new ArrayList<>();
    for (String s : csv.split(",")) {
      sizes.add(parseSize(s));
    }
    return sizes;
  }

  private static int parseSize(String s) {
    return Integer.parseInt(s.trim().replace("_", ""));
  }

  /** {@code 1000} as {@code 1K}, {@code 2000000} as {@code 2M}; other values unchanged. */
  private static String abbreviate(int n) {
    if (n >= 1_000_000 && n % 1_000_000 == 0) {
      return n / 1_000_000 + "M";
    }
    if (n >= 1_000 && n % 1_000 == 0) {
      return n / 1_000 + "K";
    }
    return String.valueOf(n);
  }
}

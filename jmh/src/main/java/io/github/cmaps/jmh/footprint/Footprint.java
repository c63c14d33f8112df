package io.github.cmaps.jmh.footprint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.cmaps.jmh.MapType;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Measures memory footprint, not time: the bytes each map spends per mapping, beyond the key and
 * value objects themselves.
 *
 * <p>For every {@link MapType} and every size it fills a fresh map with that many distinct {@code
 * Integer} keys and distinct {@code Integer} values, then walks the object graph reachable from the
 * map with JOL ({@code GraphLayout.parseInstance(map).totalSize()}) and subtracts the graph of the
 * keys and values alone. What is left is the map's own structure (tables, nodes, locks, counters)
 * as laid out by the running JVM (compressed references or not, alignment), which the output
 * records. Sizes that are not a power of two show how much slack a table keeps after its last
 * resize.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.github.cmaps.jmh.footprint.Footprint [--sizes
 * 1000,1000000] [--maps A,B] [--out results/footprint.json]}. Prints a table and writes a JSON file
 * for the report.
 */
public final class Footprint {

  private Footprint() {}

  /** One measured map, as written to the JSON file. */
  static final class Row {
    String map;
    int entries;
    long totalBytes;
    long keyValueBytes;
    double bytesPerMapping;
  }

  /** The JSON file's content. */
  static final class Output {
    String jvm;
    String vmDetails;
    List<Row> rows = new ArrayList<>();
  }

  public static void main(String[] args) throws IOException {
    List<Integer> sizes = List.of(1_000, 1_000_000);
    List<MapType> maps = Arrays.asList(MapType.values());
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sizes":
          sizes = parseSizes(args[++i]);
          break;
        case "--maps":
          maps = new ArrayList<>();
          for (String name : args[++i].split(",")) {
            maps.add(MapType.valueOf(name.trim()));
          }
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument " + args[i] + "; expected --sizes, --maps or --out");
      }
    }

    Output output = new Output();
    output.jvm =
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    output.vmDetails = VM.current().details();
    System.out.printf(
        "%-26s %10s %14s %14s %10s%n", "map", "entries", "map bytes", "key+value", "B/mapping");
    for (int size : sizes) {
      Object[] keysAndValues = keysAndValues(size);
      // Passing the array as the varargs array makes its elements the roots, not the array itself.
      long keyValueBytes = GraphLayout.parseInstance(keysAndValues).totalSize();
      for (MapType type : maps) {
        Row row = measure(type, keysAndValues, keyValueBytes);
        output.rows.add(row);
        System.out.printf(
            "%-26s %10d %14d %14d %10.1f%n",
            row.map, row.entries, row.totalBytes, row.keyValueBytes, row.bytesPerMapping);
      }
    }
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Gson gson = new GsonBuilder().setPrettyPrinting().create();
      try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        gson.toJson(output, w);
      }
      System.out.println("wrote " + out);
    }
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

  /** Fills a new map with {@code keysAndValues} and measures it. */
  static Row measure(MapType type, Object[] keysAndValues, long keyValueBytes) {
    int size = keysAndValues.length / 2;
    Map<Object, Object> map = type.create();
    for (int i = 0; i < size; i++) {
      map.put(keysAndValues[2 * i], keysAndValues[2 * i + 1]);
    }
    long totalBytes = GraphLayout.parseInstance(map).totalSize();
    Row row = new Row();
    row.map = type.name();
    row.entries = size;
    row.totalBytes = totalBytes;
    row.keyValueBytes = keyValueBytes;
    row.bytesPerMapping = (double) (totalBytes - keyValueBytes) / size;
    return row;
  }

  private static List<Integer> parseSizes(String csv) {
    List<Integer> sizes = new ArrayList<>();
    for (String s : csv.split(",")) {
      sizes.add(Integer.parseInt(s.trim().replace("_", "")));
    }
    return sizes;
  }
}

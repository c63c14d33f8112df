package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The READMEs of the standalone modules {@code jmh/} and {@code jcstress/} count and list what
 * their sources hold: a map added to {@code MapType}, a new benchmark class or a new jcstress
 * scenario fails the build until the README says so. (The modules are not compiled here; their
 * sources are read as text.)
 */
class ModuleReadmesMatchTheirSourcesTest {

  /** An enum constant of {@code MapType}: its name, then its constructor arguments. */
  private static final Pattern ENUM_CONSTANT = Pattern.compile("(?m)^  ([A-Z]\\w*)\\(");

  /** "8 maps", "the 8 constants of `MapType`". */
  private static final Pattern MAP_COUNT =
      Pattern.compile("\\b(\\d+) (?:maps\\b|constants of `MapType`)");

  /** A row of jcstress/README.md's scenario table: {@code | 12 | `StripeBoundary` | ...}. */
  private static final Pattern SCENARIO_ROW = Pattern.compile("(?m)^\\| *\\d+ \\| `(\\w+)` \\|");

  private static Path root;

  @BeforeAll
  static void locateRepository() throws IOException {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("jmh/src"))
          && Files.isDirectory(dir.resolve("jcstress/src"))
          && Files.isDirectory(dir.resolve("src/main/java/io/github/cmaps"))) {
        root = dir;
        return;
      }
    }
    throw new IllegalStateException("no cmaps repository above the working directory");
  }

  @Test
  void jmhReadmeAndRunScriptCountEveryMapOfMapType() throws IOException {
    String mapType = read("jmh/src/main/java/io/github/cmaps/jmh/MapType.java");
    String body =
        mapType
            .substring(mapType.indexOf("enum MapType {"))
            .replaceAll("(?s)/\\*.*?\\*/", "")
            .replaceAll("//[^\n]*", "");
    String constants = body.substring(0, body.indexOf(';')); // the constants end at the first ;
    List<String> maps = new ArrayList<>();
    Matcher m = ENUM_CONSTANT.matcher(constants);
    while (m.find()) {
      maps.add(m.group(1));
    }
    assertThat(maps)
        .as("MapType's constants (is the parser still reading it?)")
        .contains("ConcurrentHashMap", "ReadWriteLockMap");
    List<String> wrong = new ArrayList<>();
    int counts = 0;
    for (String file : List.of("jmh/README.md", "jmh/run.sh")) {
      String[] lines = read(file).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher count = MAP_COUNT.matcher(lines[i]);
        while (count.find()) {
          counts++;
          if (Integer.parseInt(count.group(1)) != maps.size()) {
            wrong.add(file + ":" + (i + 1) + ": \"" + count.group() + "\"");
          }
        }
      }
    }
    assertThat(counts).as("map counts found in jmh/README.md and jmh/run.sh").isGreaterThan(2);
    assertThat(wrong)
        .as("counts that are not the %d constants of MapType %s", maps.size(), maps)
        .isEmpty();
  }

  @Test
  void jmhReadmeNamesEveryBenchmarkClass() throws IOException {
    String readme = read("jmh/README.md");
    Set<String> missing = new TreeSet<>();
    for (Path source : javaFiles("jmh/src/main/java")) {
      String name = source.getFileName().toString().replace(".java", "");
      if (name.endsWith("Benchmark") && !readme.contains("`" + name + "`")) {
        missing.add(name);
      }
    }
    assertThat(missing).as("benchmark classes jmh/README.md does not name").isEmpty();
  }

  @Test
  void jcstressReadmeTablesEveryScenarioAndNoOther() throws IOException {
    Set<String> holders = new TreeSet<>();
    for (Path source : javaFiles("jcstress/src/main/java")) {
      if (Files.readString(source, StandardCharsets.UTF_8).contains("@JCStressTest")) {
        holders.add(source.getFileName().toString().replace(".java", ""));
      }
    }
    assertThat(holders)
        .as("jcstress holders (is the scan still finding them?)")
        .hasSizeGreaterThan(5);
    Set<String> tabled = new TreeSet<>();
    Matcher row = SCENARIO_ROW.matcher(read("jcstress/README.md"));
    while (row.find()) {
      tabled.add(row.group(1));
    }
    assertThat(tabled).as("the scenario table of jcstress/README.md").isEqualTo(holders);
  }

  private static String read(String file) throws IOException {
    return Files.readString(root.resolve(file), StandardCharsets.UTF_8);
  }

  private static List<Path> javaFiles(String dir) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve(dir))) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the guide honest: every repository path, test class and test method that {@code
 * README.md} or a page under {@code docs/} cites must exist, so a renamed test or a moved file
 * fails the build instead of leaving a dead reference in the docs.
 *
 * <p>What counts as a citation (the conventions the docs follow):
 *
 * <ul>
 *   <li>a relative markdown link target, {@code [text](../src/test/java/...)}, resolved against
 *       the page's folder, and its {@code #anchor}, if any, must be a heading of the linked page
 *       (web links and in-page anchors are skipped);
 *   <li>an inline code span that starts with a top-level folder or file of the repository, {@code
 *       `src/...`}, {@code `docs/...`}, {@code `jcstress/...`}, {@code `jmh/...`}, resolved
 *       against the repository root; {@code ...} inside such a path stands for any folders;
 *   <li>a token in a fenced code block (a command) that starts with {@code docs/} or {@code src/}:
 *       the recipe or source file the command runs;
 *   <li>an inline code span {@code `Class#method`} where the class is one of the repository's
 *       (or is named like a test or benchmark: {@code *Test}, {@code *Tests}, {@code *Benchmark}):
 *       the class and a method of that name must exist in {@code src/test/java}, {@code
 *       jcstress/src} or {@code jmh/src};
 *   <li>an inline code span that is a bare class name ending in {@code Test}, {@code Tests} or
 *       {@code Benchmark}, optionally nested ({@code GetDuringResize.LockFreeReadMapTest});
 *   <li>in a command, in a code span or a fenced block: each test a Maven {@code -Dtest=}
 *       selection names ({@code -Dtest='MapPitfallsTest#a+b'}, or several classes separated by
 *       commas; patterns with {@code *} are skipped) must be a test class with those methods, and
 *       the scenario of {@code jcstress/run.sh quick GetDuringResize} a class of {@code
 *       jcstress/src}.
 * </ul>
 *
 * Build outputs ({@code target/}, {@code results/}) and placeholders ({@code <name>}, {@code *})
 * are not checked: they exist only after a run.
 */
class DocsLinksTest {

  /**
   * Source trees where cited tests, jcstress scenarios and benchmarks live; src/test-hazelcast is
   * compiled only by the hazelcast profile, but its sources are checked like the others.
   */
  private static final List<String> TEST_ROOTS =
      List.of("src/test/java", "src/test-hazelcast/java", "jcstress/src", "jmh/src");

  /** Source trees a {@code Class#method} citation may point into: the tests and the library. */
  private static final List<String> ALL_ROOTS =
      List.of("src/test/java", "src/test-hazelcast/java", "jcstress/src", "jmh/src",
          "src/main/java");

  /** Inline code spans (single backticks), after fenced blocks are removed. */
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");

  /** Markdown link targets: ](target) or ](target "title"). */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  /** A repository-root-relative path in a code span. */
  private static final Pattern REPO_PATH =
      Pattern.compile(
          "(?:src|docs|jcstress|jmh|\\.ci|\\.mvn)/[\\w./-]*|README\\.md|pom\\.xml");

  /** A path token inside a command of a fenced block. */
  private static final Pattern COMMAND_PATH =
      Pattern.compile("(?<![\\w/.-])(?:docs|src)/[\\w./-]+");

  /** Class#method, with an optional nesting (Outer.Inner#method). */
  private static final Pattern CLASS_METHOD =
      Pattern.compile("([A-Z]\\w*(?:\\.[A-Z]\\w*)*)#(\\w+)(?:\\(\\))?");

  /** The selection of a Maven command's {@code -Dtest=}, quoted or not. */
  private static final Pattern MAVEN_TEST = Pattern.compile("-Dtest=(['\"]?)([^'\"\\s`]+)\\1");

  /** The scenario argument of {@code jcstress/run.sh quick GetDuringResize}. */
  private static final Pattern JCSTRESS_RUN =
      Pattern.compile("jcstress/run\\.sh\\s+(?:quick|full)\\s+([A-Z]\\w*)\\b");

  /** A bare test or benchmark class name, with an optional nesting. */
  private static final Pattern TEST_CLASS =
      Pattern.compile("(?:[A-Z]\\w*\\.)?[A-Z]\\w*(?:Test|Tests|Benchmark)");

  private static Path root;
  private static Map<String, List<Path>> javaFilesBySimpleName;

  @BeforeAll
  static void locateRepository() throws IOException {
    root = findRoot(Paths.get("").toAbsolutePath());
    javaFilesBySimpleName = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !isBuildOutputOrGit(root.relativize(p)))
          .forEach(
              p -> {
                String name = p.getFileName().toString();
                javaFilesBySimpleName
                    .computeIfAbsent(name.substring(0, name.length() - 5), k -> new ArrayList<>())
                    .add(p);
              });
    }
  }

  /** True for files under a build output folder or git's metadata. */
  private static boolean isBuildOutputOrGit(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.equals("target") || name.equals(".git") || name.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /** Walks up from the working directory to the folder whose pom.xml is the cmaps library's. */
  private static Path findRoot(Path start) throws IOException {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom)
          && Files.readString(pom, StandardCharsets.UTF_8)
              .contains("<artifactId>cmaps</artifactId>")
          && Files.isDirectory(dir.resolve("src/main/java/io/github/cmaps"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no cmaps pom.xml above " + start);
  }

  @Test
  void everyCitedPathTestClassAndTestMethodExists() throws IOException {
    List<Path> pages = pages();
    assertThat(pages).contains(root.resolve("docs/README.md"));
    List<String> problems = new ArrayList<>();
    int citations = 0;
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String where = root.relativize(page) + ":" + (i + 1);
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          Matcher m = COMMAND_PATH.matcher(line);
          while (m.find()) {
            citations++;
            checkPath(m.group(), where, problems);
          }
          citations += checkCommand(line, where, problems);
          continue;
        }
        Matcher link = LINK.matcher(line);
        while (link.find()) {
          String target = link.group(1);
          if (target.matches("^[a-z][a-z+.-]*:.*") || target.startsWith("#")) {
            continue; // web link, mailto, in-page anchor
          }
          citations++;
          String file = target.replaceFirst("#.*$", "");
          Path resolved = page.getParent().resolve(file).normalize();
          if (!Files.exists(resolved)) {
            problems.add(where + ": link target does not exist: " + target);
          } else if (target.contains("#") && file.endsWith(".md")) {
            String anchor = target.substring(target.indexOf('#') + 1);
            if (!anchors(resolved).contains(anchor)) {
              problems.add(where + ": no heading for anchor #" + anchor + " in " + file);
            }
          }
        }
        Matcher span = CODE_SPAN.matcher(line);
        while (span.find()) {
          String code = span.group(1).strip();
          citations += checkCommand(code, where, problems);
          if (REPO_PATH.matcher(code).matches()) {
            citations++;
            checkPath(code, where, problems);
          } else if (CLASS_METHOD.matcher(code).matches()) {
            Matcher cm = CLASS_METHOD.matcher(code);
            cm.matches();
            if (isOurs(cm.group(1))) {
              citations++;
              checkMethod(cm.group(1), cm.group(2), where, problems);
            }
          } else if (TEST_CLASS.matcher(code).matches()) {
            citations++;
            if (findClass(code, TEST_ROOTS).isEmpty()) {
              problems.add(where + ": no test or benchmark class " + code);
            }
          }
        }
      }
    }
    assertThat(citations)
        .as("citations found (is the scanner still reading the docs?)")
        .isGreaterThan(20);
    assertThat(problems).as("dead references in the docs").isEmpty();
  }

  /**
   * The anchors GitHub gives the headings of a markdown page: lower case, punctuation other than
   * hyphens and underscores dropped, spaces turned into hyphens (headings in fenced blocks are
   * not headings).
   */
  private static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
        anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  /** README.md and every markdown page under docs/. */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  private static void checkPath(String path, String where, List<String> problems) {
    String p = path.replaceAll("[.,:;]+$", "");
    if (p.matches(".*(^|/)(target|results)(/.*|$)") || p.contains("<") || p.contains("*")) {
      return; // build output or placeholder
    }
    if (p.contains("...")) {
      // Elided folders: some file must match.
      Pattern glob =
          Pattern.compile(
              Stream.of(p.split("\\.\\.\\.", -1))
                  .map(Pattern::quote)
                  .collect(Collectors.joining(".*")));
      try (Stream<Path> files = Files.walk(root)) {
        boolean found =
            files
                .filter(f -> !isBuildOutputOrGit(root.relativize(f)))
                .map(f -> root.relativize(f).toString().replace('\\', '/'))
                .anyMatch(f -> glob.matcher(f).matches());
        if (!found) {
          problems.add(where + ": no file matches " + path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    if (!Files.exists(root.resolve(p))) {
      problems.add(where + ": path does not exist: " + path);
    }
  }

  /**
   * Checks the tests a command selects: the classes and methods of {@code -Dtest=} (selectors with
   * wildcards are skipped) and the scenario of {@code jcstress/run.sh}. Returns how many it
   * checked.
   */
  private static int checkCommand(String command, String where, List<String> problems) {
    int checked = 0;
    Matcher test = MAVEN_TEST.matcher(command);
    while (test.find()) {
      for (String selector : test.group(2).split(",")) {
        if (selector.isEmpty() || selector.contains("*") || selector.contains("?")
            || selector.startsWith("!")) {
          continue; // a pattern, not a name
        }
        checked++;
        String[] classAndMethods = selector.split("#", 2);
        Optional<String> source = findClass(classAndMethods[0], TEST_ROOTS);
        if (source.isEmpty()) {
          problems.add(where + ": -Dtest names no test class " + classAndMethods[0]);
          continue;
        }
        if (classAndMethods.length == 2) {
          for (String method : classAndMethods[1].split("\\+")) {
            if (!declaresOrInherits(source.get(), method)) {
              problems.add(where + ": -Dtest: " + classAndMethods[0] + " has no method " + method);
            }
          }
        }
      }
    }
    Matcher scenario = JCSTRESS_RUN.matcher(command);
    while (scenario.find()) {
      checked++;
      if (findClass(scenario.group(1), List.of("jcstress/src")).isEmpty()) {
        problems.add(where + ": jcstress/run.sh names no scenario " + scenario.group(1));
      }
    }
    return checked;
  }

  /**
   * True if the class whose source is given declares {@code method}, or one of its superclasses
   * in the test trees does: Maven runs a test method inherited from an abstract test class.
   */
  private static boolean declaresOrInherits(String source, String method) {
    Pattern declared = Pattern.compile("\\b" + Pattern.quote(method) + "\\s*\\(");
    Pattern superclass = Pattern.compile("\\bextends\\s+([A-Z]\\w*)");
    String text = source;
    for (int depth = 0; depth < 8; depth++) {
      if (declared.matcher(text).find()) {
        return true;
      }
      Matcher parent = superclass.matcher(text);
      if (!parent.find()) {
        return false;
      }
      Optional<String> parentSource = findClass(parent.group(1), TEST_ROOTS);
      if (parentSource.isEmpty()) {
        return false;
      }
      text = parentSource.get();
    }
    return false;
  }

  /** True if the (outer) class is one of the repository's, or is named like a test or benchmark. */
  private static boolean isOurs(String className) {
    String outer = className.split("\\.")[0];
    return javaFilesBySimpleName.containsKey(outer)
        || TEST_CLASS.matcher(className).matches();
  }

  private static void checkMethod(
      String className, String method, String where, List<String> problems) {
    Optional<String> source = findClass(className, ALL_ROOTS);
    if (source.isEmpty()) {
      problems.add(where + ": no class " + className + " (for #" + method + ")");
      return;
    }
    if (!Pattern.compile("\\b" + Pattern.quote(method) + "\\s*\\(").matcher(source.get()).find()) {
      problems.add(where + ": " + className + " has no method " + method);
    }
  }

  /**
   * The source of the file that declares {@code className} ({@code Outer} or {@code Outer.Inner})
   * under one of {@code roots}, or empty.
   */
  private static Optional<String> findClass(String className, List<String> roots) {
    String[] parts = className.split("\\.");
    List<Path> candidates = javaFilesBySimpleName.getOrDefault(parts[0], List.of());
    if (candidates.isEmpty() && parts.length == 1) {
      // A nested class cited by its simple name (a jcstress holder's ReadWriteLockMapTest).
      candidates =
          javaFilesBySimpleName.values().stream().flatMap(List::stream).collect(Collectors.toList());
      parts = new String[] {"", className};
    }
    for (Path file : candidates) {
      String rel = root.relativize(file).toString().replace('\\', '/');
      if (roots.stream().noneMatch(rel::startsWith)) {
        continue;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String declaration =
          "\\b(class|interface|enum|record)\\s+" + Pattern.quote(parts[parts.length - 1]) + "\\b";
      boolean nestedOk = parts.length == 1 || Pattern.compile(declaration).matcher(text).find();
      if (nestedOk) {
        return Optional.of(text);
      }
    }
    return Optional.empty();
  }
}

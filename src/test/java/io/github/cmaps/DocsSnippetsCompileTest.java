package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java code a reader copies from the docs compiles against the library as built: a missing
 * import, a renamed method or a changed signature fails the build with javac's diagnostics, each
 * pointing at the markdown line.
 *
 * <p>Which blocks are compiled (the convention the docs follow):
 *
 * <ul>
 *   <li>every fenced {@code ```java} block of {@code README.md}: a reader pastes those first;
 *   <li>a {@code ```java} block of a page under {@code docs/} only when the line just before its
 *       fence is the marker {@code <!-- compile -->}: the page claims the block is complete. Other
 *       blocks there are fragments that show one idea and leave out their surroundings.
 * </ul>
 *
 * <p>How a block is compiled: its leading {@code import} lines are the imports, and the rest is the
 * body of a method that may throw any exception, as in jshell. Statements, local variables and
 * local records, classes, interfaces and enums are all allowed there. A block that starts with a
 * {@code package} line is a whole source file instead. The class path is the library's {@code
 * target/classes} and nothing else, so a snippet can use only the JDK and cmaps.
 */
class DocsSnippetsCompileTest {

  /** The marker, on the line before a docs page's {@code ```java} fence. */
  static final String MARKER = "<!-- compile -->";

  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "(?m)^public\\s+(?:final\\s+|abstract\\s+)*(?:class|interface|enum|record)\\s+(\\w+)");

  private static Path root;

  @TempDir Path classesOut;

  @BeforeAll
  static void locateRepository() throws IOException {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom)
          && Files.readString(pom, StandardCharsets.UTF_8)
              .contains("<artifactId>cmaps</artifactId>")
          && Files.isDirectory(dir.resolve("src/main/java/io/github/cmaps"))) {
        root = dir;
        return;
      }
    }
    throw new IllegalStateException("no cmaps pom.xml above the working directory");
  }

  /** One test per block, named by its page and the line of its fence. */
  @TestFactory
  Stream<DynamicTest> everyCompleteJavaBlockOfTheDocsCompiles() throws IOException {
    List<Snippet> snippets = new ArrayList<>(blocks(root.resolve("README.md"), false));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      for (Path page :
          docs.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList())) {
        snippets.addAll(blocks(page, true));
      }
    }
    assertThat(snippets)
        .as("README.md's java blocks (is the extractor still reading the README?)")
        .anyMatch(s -> s.where.startsWith("README.md:"));
    return snippets.stream().map(s -> DynamicTest.dynamicTest(s.where, () -> assertCompiles(s)));
  }

  @Test
  void aBlockWithAMissingImportFailsWithJavacsDiagnostic() {
    Snippet s =
        new Snippet(
            "example.md:1",
            "import io.github.cmaps.LockFreeReadMap;\n"
                + "ConcurrentMap<String, Integer> m = new LockFreeReadMap<>();\n",
            2);
    List<String> errors = compile(s);
    assertThat(errors).anyMatch(e -> e.startsWith("example.md:3: ") && e.contains("ConcurrentMap"));
  }

  @Test
  void onlyMarkedBlocksOfADocsPageAreComplete(@TempDir Path dir) throws IOException {
    Path page = dir.resolve("page.md");
    Files.writeString(
        page,
        String.join(
            "\n",
            "Intro",
            "",
            "```java",
            "fragment();",
            "```",
            "",
            MARKER,
            "```java",
            "int x = 1;",
            "```",
            ""),
        StandardCharsets.UTF_8);
    List<Snippet> docs = blocks(page, true);
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0).code).isEqualTo("int x = 1;\n");
    assertThat(docs.get(0).where).endsWith("page.md:8");
    assertThat(blocks(page, false)).hasSize(2);
  }

  /* ---------------- Extraction -------------- */

  /** A block's code, where its fence is, and the markdown line of its first code line. */
  static final class Snippet {
    final String where;
    final String code;
    final int firstLine;

    Snippet(String where, String code, int firstLine) {
      this.where = where;
      this.code = code;
      this.firstLine = firstLine;
    }
  }

  /** The {@code ```java} blocks of a page; with {@code markedOnly}, those after the marker. */
  static List<Snippet> blocks(Path page, boolean markedOnly) throws IOException {
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    String name =
        page.startsWith(root)
            ? root.relativize(page).toString().replace('\\', '/')
            : page.toString();
    List<Snippet> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i).strip();
      if (!fence.startsWith("```")) {
        continue;
      }
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
        end++;
      }
      boolean java = fence.substring(3).strip().toLowerCase(Locale.ROOT).equals("java");
      boolean marked = i > 0 && lines.get(i - 1).strip().equals(MARKER);
      if (java && (!markedOnly || marked)) {
        StringBuilder code = new StringBuilder();
        for (String line : lines.subList(i + 1, end)) {
          code.append(line).append('\n');
        }
        found.add(new Snippet(name + ":" + (i + 1), code.toString(), i + 2));
      }
      i = end; // skip to the closing fence
    }
    return found;
  }

  /* ---------------- Compilation -------------- */

  private void assertCompiles(Snippet s) {
    List<String> errors = compile(s);
    if (!errors.isEmpty()) {
      fail(
          "the java block at "
              + s.where
              + " does not compile against target/classes:\n"
              + String.join("\n", errors)
              + "\n--- source as compiled ---\n"
              + source(s));
    }
  }

  /**
   * The source javac sees. Line n of it is line n of the block: the class and method header go in
   * front of the first line after the imports, and the closing braces after the last.
   */
  static String source(Snippet s) {
    if (s.code.stripLeading().startsWith("package ")) {
      return s.code;
    }
    String[] lines = s.code.split("\n", -1);
    StringBuilder out = new StringBuilder();
    boolean opened = false;
    for (String line : lines) {
      String t = line.strip();
      boolean preamble = t.isEmpty() || t.startsWith("import ") || t.startsWith("//");
      if (!opened && !preamble) {
        out.append("class Snippet { void snippet() throws Exception { ");
        opened = true;
      }
      out.append(line).append('\n');
    }
    if (!opened) {
      out.append("class Snippet { void snippet() throws Exception { ");
    }
    return out.append("}}\n").toString();
  }

  /** Compiles the block against target/classes; the errors, as {@code page:line: message}. */
  private List<String> compile(Snippet s) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler (tests run on a JDK, not a JRE)").isNotNull();
    String source = source(s);
    Matcher publicType = PUBLIC_TYPE.matcher(source);
    String fileName = (publicType.find() ? publicType.group(1) : "Snippet") + ".java";
    JavaFileObject file =
        new SimpleJavaFileObject(URI.create("string:///" + fileName), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    Path classes = root.resolve("target/classes");
    assertThat(classes.resolve("io/github/cmaps")).as("the library, compiled").isDirectory();
    List<String> options =
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-classpath",
            classes.toString(),
            "-d",
            classesOut.toString());
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
    String page = s.where.substring(0, s.where.lastIndexOf(':'));
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        long line = d.getLineNumber() < 1 ? s.firstLine : s.firstLine + d.getLineNumber() - 1;
        errors.add(page + ":" + line + ": " + d.getMessage(Locale.ROOT));
      }
    }
    if (!ok && errors.isEmpty()) {
      errors.add(s.where + ": javac failed without an error diagnostic");
    }
    return errors;
  }
}

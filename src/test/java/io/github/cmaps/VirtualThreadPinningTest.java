package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual threads do not pin on a cmaps map: on the newest JDK with virtual threads that it can
 * find, each test starts a fresh JVM running {@link PinningWorkload}, which records JFR's {@code
 * jdk.VirtualThreadPinned} at threshold 0 while 48 virtual threads, released together, hammer
 * one map with functions that sleep or park, contended writes to four keys, colliding keys,
 * iteration, bulk operations and (on the first touch of each code path) class loading and
 * initialization.
 *
 * <p>The JDK: the system property {@code cmaps.pinning.jdk} or the environment variable {@code
 * CMAPS_PINNING_JDK} (a JDK home), else the newest JDK 21+ among the running one and its
 * siblings (the folders beside {@code java.home}, such as {@code /usr/lib/jvm/*}). Without one
 * the tests are skipped, saying so. Tests run on JDK 17 by default, which has no virtual threads.
 *
 * <p>Negative controls show the recording catches pinning on that JDK: a map whose first use
 * runs a blocking static initializer pins on every JDK; {@code Collections.synchronizedMap} with
 * a blocking {@code compute} pins on JDK 21 to 23 and, after JEP 491, not on 24+.
 */
class VirtualThreadPinningTest {

  private static final Pattern COUNT = Pattern.compile("(?m)^pinned events: (\\d+)$");

  /**
   * A pin that no library code can avoid: the JVM linking a lambda's {@code invokedynamic} call
   * site, or a method reference's method-handle constant, the first time it runs (a VM frame on
   * the stack while the JDK's own method-handle caches take a contended monitor). It happens once
   * per call site and JVM, in the maps' code or the workload's own lambdas.
   */
  private static final String CALL_SITE_LINKING = "java.lang.invoke.MethodHandleNatives.link";

  /**
   * The other pin of the JVM's own, on a fresh JVM: resolving a class that a method names (a JDK
   * class such as {@code java.util.function.Function}) the first time the method runs, which
   * takes the class loader's per-name lock; the event's top frame is then the loader's. Any
   * application class pins this way on JDK 21 to 25, once per name and JVM, for well under a
   * millisecond (0.3 ms seen). cmaps used to avoid it by running every operation once in each
   * map's static initializer, which made the first use of each map class 30 to 40 ms slower and
   * made any virtual thread that waited for that initializer pin for as long: a worse pin than
   * the ones it avoided. Waiting for another thread's class initialization is not tolerated:
   * each map initializes its nested classes up front (ClassPreloading), and the control below
   * shows that such a wait is caught.
   */
  private static final String CLASS_LOADING = "jdk.internal.loader.BuiltinClassLoader.loadClassOrNull";

  private static Path javaHome;
  private static int feature;

  @BeforeAll
  static void findJdk() throws IOException {
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getProperty("cmaps.pinning.jdk"))
        .or(() -> Optional.ofNullable(System.getenv("CMAPS_PINNING_JDK")))
        .filter(s -> !s.isBlank())
        .ifPresent(s -> candidates.add(Paths.get(s)));
    if (candidates.isEmpty()) {
      Path home = Paths.get(System.getProperty("java.home"));
      candidates.add(home);
      Path parent = home.getParent();
      if (parent != null && Files.isDirectory(parent)) {
        try (Stream<Path> siblings = Files.list(parent)) {
          siblings.forEach(candidates::add);
        }
      }
    }
    for (Path c : candidates) {
      int f = featureVersion(c);
      if (f >= 21 && f > feature && Files.isExecutable(c.resolve("bin/java"))) {
        javaHome = c;
        feature = f;
      }
    }
  }

  /** The feature version from a JDK's {@code release} file, or 0. */
  private static int featureVersion(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(release)) {
      p.load(in);
    } catch (IOException e) {
      return 0;
    }
    String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
    Matcher m = Pattern.compile("^(\\d+)").matcher(v);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static void assumeJdkWithVirtualThreads() {
    assumeTrue(javaHome != null, "no JDK 21+ found beside " + System.getProperty("java.home")
        + ": set -Dcmaps.pinning.jdk=<JDK home> (or CMAPS_PINNING_JDK) to run the pinning tests");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ReadWriteLockMap", "LockFreeReadMap", "StripedLockMap"})
  void virtualThreadsHammeringTheMapWithBlockingFunctionsNeverPin(String map) throws Exception {
    assumeJdkWithVirtualThreads();
    String out = runWorkload(map);

    List<String> events = events(out);
    List<String> pins = new ArrayList<>();
    int classLoading = 0;
    for (String e : events) {
      if (topFrame(e).startsWith(CLASS_LOADING)) {
        classLoading++;
      } else if (!e.contains(CALL_SITE_LINKING)) {
        pins.add(e);
      }
    }
    assertThat(pins).as("jdk.VirtualThreadPinned on JDK " + feature + " (" + javaHome + ")"
        + " while virtual threads hammered " + map + "; child output:\n" + out).isEmpty();
    System.out.println(map + " on JDK " + feature + ": " + events.size() + " pinned events, "
        + classLoading + " of them the JVM resolving a class name, "
        + (events.size() - pins.size() - classLoading) + " the JVM linking a lambda call site");
  }

  /** The first frame of a printed event's stack, or "" if it has none. */
  private static String topFrame(String event) {
    int i = event.indexOf("stack:");
    if (i < 0) {
      return "";
    }
    String[] lines = event.substring(i).split("\\R");
    return lines.length > 1 ? lines[1].trim() : "";
  }

  @Test
  void controlAMapWhoseFirstUseRunsABlockingStaticInitializerPins() throws Exception {
    assumeJdkWithVirtualThreads();
    String out = runWorkload("blockingClassInit");

    assertThat(events(out)).as("the control pins on JDK " + feature + "; output:\n" + out)
        .isNotEmpty();
  }

  @Test
  void controlSynchronizedMapPinsBeforeJep491AndNotAfter() throws Exception {
    assumeJdkWithVirtualThreads();
    String out = runWorkload("synchronizedMap");

    if (feature < 24) {
      assertThat(events(out)).as("synchronized pins on JDK 21-23; output:\n" + out).isNotEmpty();
    } else {
      assertThat(events(out)).as("JEP 491: synchronized does not pin on JDK 24+; output:\n" + out)
          .allMatch(e -> e.contains(CALL_SITE_LINKING));
    }
  }

  /** The events the child printed, each with its stack. */
  private static List<String> events(String out) {
    Matcher m = COUNT.matcher(out);
    assertThat(m.find()).as("the child's summary line; output:\n" + out).isTrue();
    List<String> events = new ArrayList<>();
    for (String block : out.split("(?m)^event: ")) {
      if (block.startsWith("jdk.VirtualThreadPinned")) {
        events.add(block);
      }
    }
    assertThat(events).hasSize(Integer.parseInt(m.group(1)));
    return events;
  }

  private static String runWorkload(String target) throws Exception {
    List<String> command = List.of(
        javaHome.resolve("bin/java").toString(),
        "-cp", location(ReadWriteLockMap.class) + java.io.File.pathSeparator
            + location(PinningWorkload.class),
        PinningWorkload.class.getName(),
        target);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] bytes;
    try (InputStream in = p.getInputStream()) {
      bytes = in.readAllBytes();
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the child JVM finishes").isTrue();
    String out = new String(bytes, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("child exit status; output:\n" + out).isZero();
    return out;
  }

  private static String location(Class<?> c) throws URISyntaxException {
    return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}

package io.github.cmaps.jmh;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * Compares builds of the library in one JVM, interleaved in time: a tool for design decisions on
 * a noisy machine, not a source of published figures (those are JMH runs).
 *
 * <p>On this project's 2-vCPU virtual machine a one-fork JMH cell can move by 30% between runs,
 * and a change worth 10% drowns in that. Here every build's map is filled once with the very same
 * key objects, then all maps run in short turns (a round gives each map one turn, in a rotating
 * order), many rounds, and each map reports its median time per operation, and its ratio to
 * {@code ConcurrentHashMap} in the same rounds. Each build is loaded by its own class loader
 * (the build's {@code target/classes}, then this jar for {@link AbRunner} and {@link MapType}),
 * so each build's code is compiled apart. Single-threaded.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.github.cmaps.jmh.InterleavedAb \
 *     get UUID_STRING 1000 ZIPF 31 \
 *     before=/work/wt-before/target/classes:ConcurrentHashMap,LockFreeReadMap \
 *     after=target/classes:LockFreeReadMap
 * </pre>
 *
 * Arguments: the operation ({@code get}, or {@code putRemove}: a put and a remove of keys drawn
 * over twice the map's size), the {@link KeyKind}, the size, the {@link Distribution}, the number
 * of rounds, then one {@code name=classesDir:mapTypes} per build.
 */
public final class InterleavedAb {
  private InterleavedAb() {}

  /** Operations per turn: about 2-10 ms, short enough for many rounds. */
  private static final int GET_TURN = 200_000;

  private static final int PUT_REMOVE_TURN = 50_000;

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: InterleavedAb get|putRemove KEY_KIND SIZE DISTRIBUTION ROUNDS"
          + " name=classesDir:MapType[,MapType...]...");
      System.exit(2);
    }
    boolean putRemove = args[0].equals("putRemove");
    KeyKind kind = KeyKind.valueOf(args[1]);
    int size = Integer.parseInt(args[2]);
    Distribution distribution = Distribution.valueOf(args[3]);
    int rounds = Integer.parseInt(args[4]);

    // Keys: the stored ones, then (putRemove) as many absent ones; workloads pass equal copies.
    SplittableRandom random = new SplittableRandom(20261203);
    int range = putRemove ? 2 * size : size;
    Object[] all = kind.keys(range, random);
    Object[] stored = Arrays.copyOf(all, size);
    Object[] copies = kind.lookupCopies(all, random);
    int[] draws = distribution.draw(range, 1 << 20, random);

    URL jar = InterleavedAb.class.getProtectionDomain().getCodeSource().getLocation();
    List<String> names = new ArrayList<>();
    List<LongUnaryOperator> runners = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      String[] build = args[i].split("=", 2);
      int colon = build[1].lastIndexOf(':');
      URL classes = Path.of(build[1].substring(0, colon)).toUri().toURL();
      for (String mapType : build[1].substring(colon + 1).split(",")) {
        // A loader per map, not per build: a call site shared by two maps of one build would be
        // profiled as polymorphic, which neither map is in a program that uses one of them.
        ClassLoader loader =
            new URLClassLoader(new URL[] {classes, jar}, ClassLoader.getPlatformClassLoader());
        Object runner = loader.loadClass(AbRunner.class.getName())
            .getConstructor(String.class, boolean.class, Object[].class, Object[].class, int[].class)
            .newInstance(mapType, putRemove, stored, copies, draws);
        runners.add((LongUnaryOperator) runner);
        names.add(build[0] + "/" + mapType);
      }
    }

    int turn = putRemove ? PUT_REMOVE_TURN : GET_TURN;
    for (int warm = 0; warm < 5; warm++) {
      for (LongUnaryOperator r : runners) {
        r.applyAsLong(turn);
      }
    }
    double[][] nanos = new double[runners.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int j = 0; j < runners.size(); j++) {
        int m = (j + round) % runners.size();
        nanos[m][round] = runners.get(m).applyAsLong(turn) / (double) turn;
      }
    }
    double baseline = Double.NaN;
    double[] median = new double[runners.size()];
    for (int m = 0; m < runners.size(); m++) {
      double[] sorted = nanos[m].clone();
      Arrays.sort(sorted);
      median[m] = sorted[rounds / 2];
      if (names.get(m).endsWith("/" + MapType.BASELINE) && Double.isNaN(baseline)) {
        baseline = median[m];
      }
    }
    System.out.printf("%s %s %d %s, %d rounds, median ns per %s (ratio: ConcurrentHashMap's time"
            + " over this map's, higher is better)%n",
        args[0], kind, size, distribution, rounds, putRemove ? "put + remove" : "get");
    for (int m = 0; m < runners.size(); m++) {
      System.out.printf("  %-40s %9.1f ns  %s%n", names.get(m), median[m],
          Double.isNaN(baseline) ? "" : String.format("%.2fx", baseline / median[m]));
    }
  }
}

package io.github.cmaps;

import static io.github.cmaps.Capability.ATOMIC_BULK_OPERATIONS;
import static io.github.cmaps.Capability.SNAPSHOT_ITERATION;

import java.io.Serializable;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Model-based property test: random sequences of every {@code Map}, {@code ConcurrentMap} and
 * view operation, each applied to the map under test and to a {@link HashMap} model, comparing
 * what they return or throw and, after every step, the map's size, iteration and a lookup of
 * every key through an equal key object of its own (of another class where one exists). A
 * failing sequence is shrunk to a short one and printed, step by step, with the seed that
 * reproduces it.
 *
 * <p>The keys come in families, and the adversarial ones are the point: keys with one hash code
 * in groups larger than the probe window ({@link OpenTable#WINDOW}), so that they reach the
 * overflow tree ({@link OverflowTree}); equal keys of different classes ({@code List.of(k)} and
 * {@code new ArrayList<>(List.of(k))}, {@code Map.entry} and {@code SimpleEntry}); generic and
 * foreign {@code Comparable}s, one whose {@code compareTo} ties unequal keys, and comparable and
 * non-comparable keys in one collision group; and keys whose {@code hashCode} or {@code equals}
 * throws (a RuntimeException or an Error), once, during one step. "Put a batch of keys" actions
 * reach the overflow within a short sequence.
 *
 * <p>What the model demands, beyond equal results: a step that throws a key's exception leaves
 * the map unchanged; a user function that throws or returns null is handled as {@code
 * ConcurrentHashMap} handles it; a null argument throws {@code NullPointerException} and changes
 * nothing (where the contract lets a null query also answer "absent", either is accepted); a
 * {@code putAll} or {@code replaceAll} that fails half-way leaves every mapping old or new, or
 * unchanged where the map declares {@link Capability#ATOMIC_BULK_OPERATIONS}; after any call
 * that threw, another thread can still write (no lock leaked). Copy constructors and a
 * serialization round trip are steps too. {@code ConcurrentHashMap} runs every property: it
 * passing shows that the model expects only what the contract promises.
 *
 * <p>The engine is the test's own, on plain JUnit 5 (not jqwik: jqwik 1.10 asks AI agents not
 * to use it, and this kit is built with one). There is one dynamic test per map and key family,
 * named like {@code LockFreeReadMap / crossClassEqual}. Try {@code i} draws its action sequence
 * from a {@link SplittableRandom} seeded with base seed + {@code i}; the base seed is fixed, so
 * every run (and CI) tries the same sequences unless another base seed is given. A failing
 * sequence is shrunk (see {@link Shrinker}) by re-running shorter ones from a fresh map and
 * model, and the failure message gives the seed, the try, the shrunk steps and the command that
 * reruns it.
 *
 * <pre>{@code
 * mvn test -Dtest=MapModelPropertyTest -Dsurefire.failIfNoSpecifiedTests=false
 * mvn test -Dtest=MapModelPropertyTest -Dcmaps.properties.only=plain     # plain keys only
 * mvn test -Dtest=MapModelPropertyTest -Dcmaps.properties.only=crossClassEqual,LockFreeReadMap
 * mvn test -Dtest=MapModelPropertyTest -Dcmaps.properties.tries=2000     # a longer hunt
 * mvn test -Dtest=MapModelPropertyTest -Dcmaps.properties.seed=$RANDOM   # other sequences
 * }</pre>
 *
 * <p>System properties: {@code cmaps.properties.only} (comma-separated family and map names; a
 * test runs if its family is named or none is, and its map is named or none is; families: {@code
 * plain}, {@code colliding}, {@code crossClassEqual}, {@code oddComparable}, {@code throwing},
 * {@code mixed} (all families in one map); maps: the class names); {@code
 * cmaps.properties.seed} (base seed, default {@value #DEFAULT_SEED}); {@code
 * cmaps.properties.tries} (tries per test, default {@value #DEFAULT_TRIES}); {@code
 * cmaps.properties.actions} (actions per sequence, default 60); {@code
 * cmaps.properties.shrinkSeconds} (the time budget for shrinking one failure, default 20); and
 * {@code cmaps.properties.exclude=Foreign,ArrayList}, which drops key kinds by name (as printed
 * in a step), for example to look past a known bug.
 */
class MapModelPropertyTest {

  /** Actions per sequence; {@code -Dcmaps.properties.actions} overrides it. */
  private static final int MAX_ACTIONS = Integer.getInteger("cmaps.properties.actions", 60);

  static final long DEFAULT_SEED = 20_261_203L;
  static final int DEFAULT_TRIES = 150;

  /** The seed of try 0; try {@code i} uses this + {@code i}. */
  private static final long BASE_SEED = Long.getLong("cmaps.properties.seed", DEFAULT_SEED);
  private static final int TRIES = Integer.getInteger("cmaps.properties.tries", DEFAULT_TRIES);
  private static final Duration SHRINK_BUDGET =
      Duration.ofSeconds(Long.getLong("cmaps.properties.shrinkSeconds", 20));

  /** The maps, in the order of the tests; ConcurrentHashMap is the positive control. */
  private static final List<MapImpl> MAPS = List.of(MapImpl.READ_WRITE_LOCK,
      MapImpl.STRIPED_LOCK, MapImpl.LOCK_FREE_READ, MapImpl.CONCURRENT_HASH_MAP);

  /* ---------------- The tests: one per map and key family -------------- */

  @TestFactory
  Stream<DynamicTest> modelProperties() {
    List<String> only = new ArrayList<>();
    for (String s : System.getProperty("cmaps.properties.only", "").split(",")) {
      if (!s.isBlank()) {
        only.add(s.trim());
      }
    }
    List<String> names = new ArrayList<>();
    MAPS.forEach(m -> names.add(m.mapName()));
    for (Family f : Family.values()) {
      names.add(f.tag());
    }
    for (String s : only) {
      if (!names.contains(s)) {
        throw new IllegalArgumentException(
            "-Dcmaps.properties.only: no map or family " + s + "; one of " + names);
      }
    }
    boolean anyMap = MAPS.stream().noneMatch(m -> only.contains(m.mapName()));
    boolean anyFamily = Stream.of(Family.values()).noneMatch(f -> only.contains(f.tag()));
    List<DynamicTest> tests = new ArrayList<>();
    for (MapImpl impl : MAPS) {
      for (Family family : Family.values()) {
        if ((anyMap || only.contains(impl.mapName()))
            && (anyFamily || only.contains(family.tag()))) {
          tests.add(DynamicTest.dynamicTest(impl.mapName() + " / " + family.tag(),
              () -> property(impl, family)));
        }
      }
    }
    return tests.stream();
  }

  /** Runs the tries of one map and family; the first failure is shrunk and reported. */
  static void property(MapImpl impl, Family family) {
    Gen<Step> actions = actions(family);
    for (int t = 0; t < TRIES; t++) {
      long seed = BASE_SEED + t;
      List<Step> steps = sequence(actions, seed);
      Failure failure = Failure.of(impl, steps);
      if (failure != null) {
        Shrinker shrunk = new Shrinker(impl, steps, failure);
        shrunk.run(System.nanoTime() + SHRINK_BUDGET.toNanos());
        throw shrunk.report(impl.mapName() + " / " + family.tag(), t, seed);
      }
    }
  }

  /** The action sequence of one try. */
  static List<Step> sequence(Gen<Step> actions, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Step> steps = new ArrayList<>(MAX_ACTIONS);
    for (int i = 0; i < MAX_ACTIONS; i++) {
      steps.add(actions.draw(random));
    }
    return steps;
  }

  /* ---------------- The engine: generators, steps, failures, shrinking -------------- */

  /** A generator: draws a value from a seeded source. */
  @FunctionalInterface
  interface Gen<T> {
    T draw(SplittableRandom random);

    default <U> Gen<U> map(Function<? super T, ? extends U> f) {
      return r -> f.apply(draw(r));
    }

    /** Lists of 0 to {@code maxSize} elements. */
    default Gen<List<T>> list(int maxSize) {
      return r -> {
        int n = r.nextInt(maxSize + 1);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(draw(r));
        }
        return list;
      };
    }

    /** Null with probability {@code p}. */
    default Gen<T> injectNull(double p) {
      return r -> r.nextDouble() < p ? null : draw(r);
    }

    static Gen<Integer> ints(int min, int max) {
      return r -> r.nextInt(min, max + 1);
    }

    static Gen<Boolean> booleans() {
      return SplittableRandom::nextBoolean;
    }

    static <T> Gen<T> just(T value) {
      return r -> value;
    }

    @SafeVarargs
    static <T> Gen<T> of(T... values) {
      return of(List.of(values));
    }

    static <T> Gen<T> of(List<T> values) {
      List<T> copy = List.copyOf(values);
      return r -> copy.get(r.nextInt(copy.size()));
    }
  }

  /** A weighted choice between generators. */
  static final class Weighted<T> implements Gen<T> {
    private final List<Integer> weights = new ArrayList<>();
    private final List<Gen<? extends T>> gens = new ArrayList<>();
    private int total;

    Weighted<T> add(int weight, Gen<? extends T> gen) {
      weights.add(weight);
      gens.add(gen);
      total += weight;
      return this;
    }

    Weighted<T> addValue(int weight, T value) {
      return add(weight, Gen.just(value));
    }

    @Override
    public T draw(SplittableRandom random) {
      int x = random.nextInt(total);
      for (int i = 0; ; i++) {
        x -= weights.get(i);
        if (x < 0) {
          return gens.get(i).draw(random);
        }
      }
    }
  }

  /**
   * A step of a sequence: what it does to the run, its description in a failure report, and
   * simpler variants of it to try when shrinking (smaller batches).
   */
  record Step(String description, Consumer<Run> action, Supplier<List<Step>> simpler) {
    Step(String description, Consumer<Run> action) {
      this(description, action, List::of);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** Where a sequence failed, and with what. */
  record Failure(int step, Throwable thrown) {
    /** Runs {@code steps} on a fresh map and model; null if every step passed. */
    static Failure of(MapImpl impl, List<Step> steps) {
      Outcome.THREW_ON_MAP.set(false);
      Run run = new Run(impl);
      for (int i = 0; i < steps.size(); i++) {
        try {
          steps.get(i).action().accept(run);
        } catch (Throwable t) {
          Outcome.THREW_ON_MAP.set(false);
          return new Failure(i, t);
        }
      }
      return null;
    }

    /**
     * What kind of failure: the class thrown, the template of a model check's message, and the
     * class of the cause. Shrinking keeps only sequences that fail in the same kind.
     */
    String kind() {
      StringBuilder b = new StringBuilder(thrown.getClass().getName());
      if (thrown instanceof ModelViolation) {
        b.append(" \"").append(((ModelViolation) thrown).template).append('"');
      }
      if (thrown.getCause() != null) {
        b.append(", caused by ").append(thrown.getCause().getClass().getName());
      }
      return b.toString();
    }
  }

  /** A model check that failed; {@code template} is its message's format string. */
  static final class ModelViolation extends AssertionError {
    private static final long serialVersionUID = 1L;
    final String template;

    ModelViolation(String template, String message, Throwable cause) {
      super(message, cause);
      this.template = template;
    }
  }

  /**
   * Shrinks a failing sequence by delta debugging, each candidate re-run from a fresh map and
   * model, keeping it if it fails in the same {@link Failure#kind}: cut after the failing step;
   * remove chunks of half the steps, then a quarter, ... then single steps; make batches
   * smaller; repeat while anything got smaller and the time budget lasts.
   */
  static final class Shrinker {
    private final MapImpl impl;
    private final List<Step> original;
    private final Failure first;
    private final String kind;
    private List<Step> steps;
    private Failure failure;
    private int runs;
    private boolean outOfTime;
    private long nanos;

    Shrinker(MapImpl impl, List<Step> steps, Failure failure) {
      this.impl = impl;
      this.original = steps;
      this.first = failure;
      this.kind = failure.kind();
      this.steps = new ArrayList<>(steps.subList(0, failure.step() + 1));
      this.failure = failure;
    }

    void run(long deadline) {
      long start = System.nanoTime();
      boolean smaller = true;
      while (smaller && !outOfTime) {
        smaller = removeChunks(deadline) | simplifySteps(deadline);
      }
      nanos = System.nanoTime() - start;
    }

    private boolean removeChunks(long deadline) {
      boolean any = false;
      for (int chunk = Math.max(1, steps.size() / 2); chunk >= 1; chunk /= 2) {
        for (int at = 0; at < steps.size() && steps.size() > 1; ) {
          List<Step> candidate = new ArrayList<>(steps.subList(0, at));
          candidate.addAll(steps.subList(Math.min(steps.size(), at + chunk), steps.size()));
          if (!candidate.isEmpty() && keep(candidate, deadline)) {
            any = true;
          } else if (outOfTime) {
            return any;
          } else {
            at += chunk;
          }
        }
      }
      return any;
    }

    private boolean simplifySteps(long deadline) {
      boolean any = false;
      for (int i = 0; i < steps.size(); i++) {
        boolean again = true;
        while (again) {
          again = false;
          for (Step simpler : steps.get(i).simpler().get()) {
            List<Step> candidate = new ArrayList<>(steps);
            candidate.set(i, simpler);
            if (keep(candidate, deadline)) {
              any = again = true;
              break;
            } else if (outOfTime) {
              return any;
            }
          }
        }
      }
      return any;
    }

    /** Runs {@code candidate}; if it fails in the same kind, keeps it up to the failing step. */
    private boolean keep(List<Step> candidate, long deadline) {
      if (System.nanoTime() > deadline) {
        outOfTime = true;
        return false;
      }
      runs++;
      Failure f = Failure.of(impl, candidate);
      if (f == null || !f.kind().equals(kind)) {
        return false;
      }
      steps = new ArrayList<>(candidate.subList(0, f.step() + 1));
      failure = f;
      return true;
    }

    /** The failure to report: seed, try, how to rerun, and the shrunk steps. */
    AssertionError report(String test, int tryIndex, long seed) {
      StringBuilder b = new StringBuilder()
          .append(test).append(" failed at try ").append(tryIndex).append(" of ").append(TRIES)
          .append(", seed ").append(seed).append(" (base ").append(BASE_SEED).append(" + ")
          .append(tryIndex).append(").\nRerun: mvn test -Dtest=MapModelPropertyTest")
          .append(" -Dcmaps.properties.only=").append(test.replace(" / ", ","))
          .append(" -Dcmaps.properties.seed=").append(seed)
          .append(" -Dcmaps.properties.tries=1");
      if (MAX_ACTIONS != 60) {
        b.append(" -Dcmaps.properties.actions=").append(MAX_ACTIONS);
      }
      String exclude = System.getProperty("cmaps.properties.exclude", "");
      if (!exclude.isBlank()) {
        b.append(" -Dcmaps.properties.exclude=").append(exclude);
      }
      b.append("\nShrunk from ").append(first.step() + 1).append(" to ").append(steps.size())
          .append(" steps in ").append(runs).append(" runs, ").append(nanos / 1_000_000)
          .append(" ms").append(outOfTime ? " (the time budget ran out)" : "")
          .append(", run in order on a fresh map and model:");
      for (int i = 0; i < steps.size(); i++) {
        b.append("\n  ").append(i + 1).append(". ").append(steps.get(i));
      }
      b.append("\nFailure: ").append(failure.thrown());
      if (failure != first) {
        b.append("\nBefore shrinking, step ").append(first.step() + 1).append(" of ")
            .append(original.size()).append(" (").append(original.get(first.step()))
            .append(") failed: ").append(first.thrown());
      }
      AssertionError e = new AssertionError(b.toString(), failure.thrown());
      if (failure != first) {
        e.addSuppressed(first.thrown());
      }
      return e;
    }
  }

  /** Another thread's write after an exception may take this long; longer is a leaked lock. */
  private static final Duration LOCK_LEAK_DEADLINE = Duration.ofSeconds(5);

  /* ---------------- The actions -------------- */

  /** Every action, over the keys of {@code family}, weighted by how often it is drawn. */
  static Gen<Step> actions(Family family) {
    Gen<KeySpec> k = family.keys();
    Gen<Integer> v = Gen.ints(0, 7).injectNull(0.03);
    Gen<Integer> nonNull = Gen.ints(0, 7);
    Gen<Fn> fn = Fn.gen();
    Gen<View> view = Gen.of(View.values());
    Gen<Selector> sel = Selector.gen();
    Gen<List<KeySpec>> someKeys = family.nonNullKeys().list(6);
    Gen<Pair> pair = r -> new Pair(k.draw(r), v.draw(r));

    return new Weighted<Step>()
        // Putting batches of keys of one kind reaches the overflow tree in a short sequence.
        .add(4, family.batches().map(b -> batchStep("put ", b, Run::putBatch)))
        .add(1, family.batches().map(b -> batchStep("remove ", b, Run::removeBatch)))
        // Reads.
        .add(3, k.map(key -> step(
            "get(" + key + ")",
            r -> r.exact("get(" + key + ")", rejects(key), s -> s.map.get(s.key(key))))))
        .add(1, r -> {
          KeySpec key = k.draw(r);
          Integer d = v.draw(r);
          return step("getOrDefault(" + key + ", " + d + ")",
              run -> run.exact("getOrDefault(" + key + ", " + d + ")", rejects(key),
                  s -> s.map.getOrDefault(s.key(key), d)));
        })
        .add(2, k.map(key -> step(
            "containsKey(" + key + ")",
            r -> r.exact("containsKey(" + key + ")", rejects(key),
                s -> s.map.containsKey(s.key(key))))))
        .add(1, v.map(val -> step(
            "containsValue(" + val + ")",
            r -> r.exact("containsValue(" + val + ")", rejects(val),
                s -> s.map.containsValue(val)))))
        // Writes of one key.
        .add(4, r -> {
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          return step("put(" + key + ", " + val + ")",
              run -> run.exact("put(" + key + ", " + val + ")", rejects(key, val),
                  s -> s.map.put(s.key(key), val)));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          return step("putIfAbsent(" + key + ", " + val + ")",
              run -> run.exact("putIfAbsent(" + key + ", " + val + ")", rejects(key, val),
                  s -> s.map.putIfAbsent(s.key(key), val)));
        })
        .add(3, k.map(key -> step(
            "remove(" + key + ")",
            r -> r.exact("remove(" + key + ")", rejects(key),
                s -> s.map.remove(s.key(key))))))
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          // ConcurrentMap lets remove(k, null) throw or return false (ConcurrentHashMap).
          return step("remove(" + key + ", " + val + ")",
              run -> run.exact("remove(" + key + ", " + val + ")",
                  rejects(key).or(mayReject(val)),
                  s -> s.map.remove(s.key(key), val)));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          return step("replace(" + key + ", " + val + ")",
              run -> run.exact("replace(" + key + ", " + val + ")", rejects(key, val),
                  s -> s.map.replace(s.key(key), val)));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Integer old = v.draw(r);
          Integer val = v.draw(r);
          return step("replace(" + key + ", " + old + ", " + val + ")",
              run -> run.exact("replace(" + key + ", " + old + ", " + val + ")",
                  rejects(key, old, val),
                  s -> s.map.replace(s.key(key), old, val)));
        })
        // The compute family, with functions that return null or throw now and then.
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Fn f = fn.draw(r);
          return step("compute(" + key + ", " + f + ")",
              run -> run.exact("compute(" + key + ", " + f + ")", rejects(key, f),
                  s -> s.map.compute(s.key(key), f.remapping())));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Fn f = fn.draw(r);
          return step("computeIfAbsent(" + key + ", " + f + ")",
              run -> run.exact("computeIfAbsent(" + key + ", " + f + ")", rejects(key, f),
                  s -> s.map.computeIfAbsent(s.key(key), f.mapping())));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Fn f = fn.draw(r);
          return step("computeIfPresent(" + key + ", " + f + ")",
              run -> run.exact("computeIfPresent(" + key + ", " + f + ")", rejects(key, f),
                  s -> s.map.computeIfPresent(s.key(key), f.remapping())));
        })
        .add(2, r -> {
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          Fn f = fn.draw(r);
          return step("merge(" + key + ", " + val + ", " + f + ")",
              run -> run.exact("merge(" + key + ", " + val + ", " + f + ")",
                  rejects(key, val, f),
                  s -> s.map.merge(s.key(key), val, f.merging())));
        })
        // Whole-map operations.
        .add(1, pair.list(6).injectNull(0.05).map(MapModelPropertyTest::putAll))
        .addValue(1, step("clear()",
            r -> r.exact("clear()", Nulls.NONE, s -> {
              s.map.clear();
              return null;
            })))
        .add(1, ReplaceFn.gen().map(f -> step(
            "replaceAll(" + f + ")", r -> r.replaceAll(f))))
        .add(1, Gen.ints(-1, 40).map(at -> step(
            at < 0 ? "forEach(null)" : "forEach(collect" + (at > 0 ? ", throw at " + at : "") + ")",
            r -> r.forEach(at))))
        .addValue(1, step("equals and hashCode", Run::equalsAndHashCode))
        .add(1, Gen.booleans().map(fromItself -> step(
            fromItself ? "copy constructor of the map" : "copy constructor of the model",
            r -> r.copy(fromItself))))
        .addValue(1, step("serialize and deserialize", Run::reserialize))
        // Views: membership and removal of one element.
        .add(2, r -> {
          View vw = view.draw(r);
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          String what = vw.name + ".contains(" + vw.describe(key, val) + ")";
          return step(what, run -> run.exact(what, vw.mayReject(key, val),
              s -> vw.of(s.map).contains(vw.element(s.key(key), val))));
        })
        .add(2, r -> {
          View vw = view.draw(r);
          KeySpec key = k.draw(r);
          Integer val = v.draw(r);
          String what = vw.name + ".remove(" + vw.describe(key, val) + ")";
          return step(what, run -> run.viewRemove(what, vw, key, val));
        })
        // Views: bulk removals.
        .add(1, r -> {
          View vw = view.draw(r);
          Selector p = sel.draw(r);
          String what = vw.name + ".removeIf(" + p + ")";
          return step(what, run -> run.exact(what, Nulls.NONE,
              s -> vw.of(s.map).removeIf(p)));
        })
        .add(1, r -> {
          View vw = view.draw(r);
          List<KeySpec> keys = someKeys.draw(r);
          List<Integer> vals = nonNull.list(6).draw(r);
          boolean remove = r.nextBoolean();
          int nullOne = r.nextInt(21);
          String op = remove ? ".removeAll(" : ".retainAll(";
          String what = vw.name + op + (nullOne == 0 ? "null" : vw.describe(keys, vals)) + ")";
          return step(what, run -> run.exact(what,
              nullOne == 0 ? Nulls.REJECTED : Nulls.NONE, s -> {
                Collection<?> c = nullOne == 0 ? null : vw.elements(keys, vals);
                Collection<Object> target = vw.of(s.map);
                return remove ? target.removeAll(c) : target.retainAll(c);
              }));
        })
        // Views: iteration, Iterator.remove and Entry.setValue.
        .add(2, r -> {
          View vw = view.draw(r);
          Selector rm = sel.draw(r);
          Selector set = sel.draw(r);
          Integer val = v.draw(r);
          String what = vw.name + ".iterator(): remove " + rm
              + (vw == View.ENTRIES ? ", setValue(" + val + ") " + set : "");
          return step(what, run -> run.iterate(what, vw, rm, set, val));
        })
        // Iteration with writes to the map half-way (which may grow it, or move a key between
        // the table and the overflow tree): weakly consistent, or a snapshot where declared.
        .add(1, r -> iterateWhileWriting(r.nextInt(41), family.batches().draw(r),
            someKeys.draw(r)));
  }

  private static Step step(String description, Consumer<Run> action) {
    return new Step(description, action);
  }

  /** A batch step, which shrinks to smaller batches of the same keys. */
  private static Step batchStep(String verb, Batch b, BiConsumer<Run, Batch> action) {
    return new Step(verb + b, r -> action.accept(r, b),
        () -> b.smaller().stream().map(s -> batchStep(verb, s, action)).toList());
  }

  /** A putAll step, which shrinks to putAll of fewer pairs. */
  private static Step putAll(List<Pair> pairs) {
    String what = "putAll(" + (pairs == null ? "null" : describe(pairs)) + ")";
    return new Step(what, r -> r.putAll(what, pairs), () -> {
      List<Step> simpler = new ArrayList<>();
      for (int i = 0; pairs != null && i < pairs.size(); i++) {
        simpler.add(putAll(without(pairs, i)));
      }
      return simpler;
    });
  }

  /** An iteration with writes half-way, which shrinks to fewer writes and an earlier pause. */
  private static Step iterateWhileWriting(int pause, Batch puts, List<KeySpec> removes) {
    String what = "entrySet().iterator() with, after " + pause + " entries: put "
        + puts + ", remove " + removes;
    return new Step(what, r -> r.iterateWhileWriting(what, pause, puts, removes), () -> {
      List<Step> simpler = new ArrayList<>();
      for (int i = 0; i < removes.size(); i++) {
        simpler.add(iterateWhileWriting(pause, puts, without(removes, i)));
      }
      puts.smaller().forEach(b -> simpler.add(iterateWhileWriting(pause, b, removes)));
      for (int p = 0; p < pause; p = p == 0 ? 1 : p * 2) {
        simpler.add(iterateWhileWriting(p, puts, removes));
      }
      return simpler;
    });
  }

  private static <T> List<T> without(List<T> list, int index) {
    List<T> copy = new ArrayList<>(list);
    copy.remove(index);
    return copy;
  }

  /** A key and a value for putAll. */
  record Pair(KeySpec key, Integer value) {
    @Override
    public String toString() {
      return key + "=" + value;
    }
  }

  private static String describe(List<Pair> pairs) {
    StringBuilder b = new StringBuilder("{");
    for (Pair p : pairs) {
      b.append(b.length() > 1 ? ", " : "").append(p);
    }
    return b.append('}').toString();
  }

  /* ---------------- Null arguments -------------- */

  /** What a call with a null argument must do. */
  enum Nulls {
    /** No null argument: compare with the model. */
    NONE,
    /** May throw NullPointerException (changing nothing) or answer as the model does. */
    MAY_REJECT,
    /** Must throw NullPointerException and change nothing. */
    REJECTED;

    Nulls or(Nulls other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  private static boolean isNull(Object arg) {
    return arg == null || arg == KeySpec.NULL || (arg instanceof Fn && ((Fn) arg).isNull());
  }

  /** REJECTED if any argument is null (a null key, value or function). */
  static Nulls rejects(Object... args) {
    for (Object a : args) {
      if (isNull(a)) {
        return Nulls.REJECTED;
      }
    }
    return Nulls.NONE;
  }

  static Nulls mayReject(Object... args) {
    return rejects(args) == Nulls.REJECTED ? Nulls.MAY_REJECT : Nulls.NONE;
  }

  /* ---------------- One run: the map under test and its model -------------- */

  /** An operation, applied to one side: the map under test (armed keys) or the model. */
  interface Call {
    Object on(Side side);
  }

  /** A map with the key objects to use on it: fresh ones, armed for the map under test. */
  static final class Side {
    final Map<Object, Object> map;
    final boolean underTest;
    final List<Fragile> armed = new ArrayList<>();

    Side(Map<Object, Object> map, boolean underTest) {
      this.map = map;
      this.underTest = underTest;
    }

    /** A new key object for {@code spec}; a fragile one is armed on the map under test. */
    Object key(KeySpec spec) {
      Object key = spec.make();
      if (underTest && key instanceof Fragile && spec instanceof FragileKey) {
        ((FragileKey) spec).arm((Fragile) key);
        armed.add((Fragile) key);
      }
      return key;
    }

    /** Disarms the keys of this step (the map may keep them) and says if one of them threw. */
    boolean disarm() {
      boolean fired = false;
      for (Fragile f : armed) {
        fired |= f.fired;
        f.fuse = 0;
      }
      return fired;
    }
  }

  /** What a call did: returned a value or threw. */
  record Outcome(Object value, Throwable thrown) {
    /** Set when a call on the map under test threw: the next check also looks for a lock leak. */
    static final ThreadLocal<Boolean> THREW_ON_MAP = ThreadLocal.withInitial(() -> false);

    /** Calls {@code call} on {@code side} (null: on the map under test, or its iterator). */
    static Outcome of(Call call, Side side) {
      try {
        return new Outcome(call.on(side), null);
      } catch (Throwable t) {
        if (side == null || side.underTest) {
          THREW_ON_MAP.set(true);
        }
        return new Outcome(null, t);
      }
    }

    boolean threw(Class<?>... types) {
      for (Class<?> type : types) {
        if (thrown != null && thrown.getClass() == type) {
          return true;
        }
      }
      return false;
    }

    boolean sameAs(Outcome o) {
      return thrown == null
          ? o.thrown == null && Objects.equals(value, o.value)
          : o.thrown != null && thrown.getClass() == o.thrown.getClass();
    }

    @Override
    public String toString() {
      return thrown == null ? "returned " + value : "threw " + thrown;
    }
  }

  /** The state of one run: the map under test and the model it must agree with. */
  static final class Run {
    final MapImpl impl;
    ConcurrentMap<Object, Object> map;
    final Map<Object, Object> model = new HashMap<>();
    /** Checks so far: which sample of the keys the next one looks up. */
    private int checks;

    Run(MapImpl impl) {
      this.impl = impl;
      this.map = impl.create();
    }

    @Override
    public String toString() {
      return impl.mapName() + " of " + model.size() + " mappings";
    }

    /**
     * Applies {@code call} to the map under test and, unless it threw a key's or a null
     * argument's exception, to the model; the two must return or throw alike.
     */
    void exact(String what, Nulls nulls, Call call) {
      Side tested = new Side(map, true);
      Outcome actual = Outcome.of(call, tested);
      boolean fired = tested.disarm();
      if (nulls == Nulls.REJECTED) {
        // A key that fails first (hashCode before the null check) may preempt the NPE.
        check(actual.threw(NullPointerException.class)
                || (fired && actual.threw(KeyFailure.class, KeyError.class)), actual.thrown,
            "%s: must throw NullPointerException, %s", what, actual);
      } else if (fired && actual.threw(KeyFailure.class, KeyError.class)) {
        // The key failed: the exception propagated, and the map must be unchanged.
      } else if (nulls == Nulls.MAY_REJECT && actual.threw(NullPointerException.class)) {
        // Rejected the null: the map must be unchanged.
      } else {
        Outcome expected = Outcome.of(call, new Side(model, false));
        check(actual.sameAs(expected), actual.thrown, "%s: %s, the model %s",
            what, actual, expected);
      }
      verify(what);
    }

    /** Puts a batch of keys of one kind, one put each, checking each put's return value. */
    void putBatch(Batch b) {
      for (int i = 0; i < b.count(); i++) {
        Object key = b.kind().key(b.start() + i).make();
        Integer value = (b.start() + i) & 7;
        Outcome actual = Outcome.of(s -> s.map.put(key, value), new Side(map, true));
        Object expected = model.put(key, value);
        check(actual.sameAs(new Outcome(expected, null)), actual.thrown,
            "put %s: put(%s, %s) %s, the model returned %s", b, key, value, actual, expected);
      }
      verify("put " + b);
    }

    /** Removes a batch of keys of one kind, one remove each. */
    void removeBatch(Batch b) {
      for (int i = 0; i < b.count(); i++) {
        Object key = b.kind().key(b.start() + i).make();
        Outcome actual = Outcome.of(s -> s.map.remove(key), new Side(map, true));
        Object expected = model.remove(key);
        check(actual.sameAs(new Outcome(expected, null)), actual.thrown,
            "remove %s: remove(%s) %s, the model returned %s", b, key, actual, expected);
      }
      verify("remove " + b);
    }

    /**
     * putAll of the given pairs, which may stop half-way at a null or a failing key unless the
     * map is atomic in bulk. Fragile keys are armed once in the source map.
     */
    void putAll(String what, List<Pair> pairs) {
      if (pairs == null) {
        exact(what, Nulls.REJECTED, s -> {
          s.map.putAll(null);
          return null;
        });
        return;
      }
      Map<Object, Object> source = new LinkedHashMap<>();
      Side tested = new Side(map, true);
      List<Object> fragile = new ArrayList<>();
      for (Pair p : pairs) {
        Object key = p.key().make();
        source.put(key, p.value());
        if (key instanceof Fragile && p.key() instanceof FragileKey) {
          fragile.add(key);
          fragile.add(p.key());
        }
      }
      for (int i = 0; i < fragile.size(); i += 2) {
        ((FragileKey) fragile.get(i + 1)).arm((Fragile) fragile.get(i));
        tested.armed.add((Fragile) fragile.get(i));
      }
      Outcome actual = Outcome.of(s -> {
        s.map.putAll(source);
        return null;
      }, tested);
      boolean fired = tested.disarm();
      boolean hasNull = source.containsKey(null) || source.containsValue(null);
      if (!hasNull && !(fired && actual.threw(KeyFailure.class, KeyError.class))) {
        Outcome expected = Outcome.of(s -> {
          s.map.putAll(source);
          return null;
        }, new Side(model, false));
        check(actual.sameAs(expected), actual.thrown, "%s: %s, the model %s",
            what, actual, expected);
        verify(what);
        return;
      }
      check(actual.threw(NullPointerException.class)
              || (fired && actual.threw(KeyFailure.class, KeyError.class)), actual.thrown,
          "%s: must throw NullPointerException%s, %s", what,
          fired ? " or the key's failure" : "", actual);
      Map<Object, Object> candidates = new HashMap<>(source);
      candidates.remove(null);
      candidates.values().removeIf(Objects::isNull);
      stoppedHalfWay(what, candidates);
    }

    /** replaceAll, which may stop half-way at a throw or null unless atomic in bulk. */
    void replaceAll(ReplaceFn f) {
      String what = "replaceAll(" + f + ")";
      if (f.isNull()) {
        exact(what, Nulls.REJECTED, s -> {
          s.map.replaceAll(null);
          return null;
        });
        return;
      }
      Map<Object, Object> replaced = new HashMap<>();
      Set<Class<?>> failures = new HashSet<>();
      model.forEach((k, v) -> {
        try {
          Object nv = f.function().apply(k, v);
          if (nv == null) {
            failures.add(NullPointerException.class);
          } else {
            replaced.put(k, nv);
          }
        } catch (FunctionFailure e) {
          failures.add(FunctionFailure.class);
        }
      });
      if (failures.isEmpty()) {
        exact(what, Nulls.NONE, s -> {
          s.map.replaceAll(f.function());
          return null;
        });
        return;
      }
      Outcome actual = Outcome.of(s -> {
        s.map.replaceAll(f.function());
        return null;
      }, new Side(map, true));
      check(actual.thrown != null && failures.contains(actual.thrown.getClass()), actual.thrown,
          "%s: must throw one of %s, %s", what, failures, actual);
      stoppedHalfWay(what, replaced);
    }

    /**
     * After a bulk operation that threw: every mapping must be as before or as the operation
     * would have made it ({@code candidates}), or exactly as before where the map declares
     * {@link Capability#ATOMIC_BULK_OPERATIONS}. The model then takes the map's state.
     */
    private void stoppedHalfWay(String what, Map<Object, Object> candidates) {
      if (impl.has(ATOMIC_BULK_OPERATIONS)) {
        verify(what);
        return;
      }
      Map<Keyed, Object> now = snapshot(map, what);
      Map<Keyed, Object> was = keyed(model);
      Map<Keyed, Object> wanted = keyed(candidates);
      Set<Keyed> keys = new HashSet<>(now.keySet());
      keys.addAll(was.keySet());
      for (Keyed k : keys) {
        Object is = now.get(k);
        check(Objects.equals(is, was.get(k)) || (is != null && is.equals(wanted.get(k))),
            null, "%s: %s maps to %s, neither its old value %s nor its new one %s",
            what, k, is, was.get(k), wanted.get(k));
      }
      model.clear();
      now.forEach((k, v) -> model.put(k.key(), v));
      verify(what);
    }

    /** forEach collecting the mappings; {@code throwAt} > 0: the action throws on that call. */
    void forEach(int throwAt) {
      if (throwAt < 0) {
        exact("forEach(null)", Nulls.REJECTED, s -> {
          s.map.forEach(null);
          return null;
        });
        return;
      }
      String what = "forEach";
      Map<Keyed, Object> seen = new HashMap<>();
      int[] calls = {0};
      Outcome actual = Outcome.of(s -> {
        s.map.forEach((k, v) -> {
          if (++calls[0] == throwAt) {
            throw new FunctionFailure();
          }
          check(seen.put(new Keyed(k), v) == null, null, "forEach: %s seen twice", k);
        });
        return null;
      }, new Side(map, true));
      if (actual.thrown instanceof AssertionError) {
        throw (AssertionError) actual.thrown;
      }
      if (throwAt > 0 && throwAt <= model.size()) {
        check(actual.threw(FunctionFailure.class), actual.thrown,
            "forEach throwing at call %d of %d: %s", throwAt, model.size(), actual);
      } else {
        check(actual.thrown == null, actual.thrown, "forEach: %s", actual);
        checkSame(what, seen, model);
      }
      verify(what);
    }

    /** equals and hashCode of the map and of its keySet and entrySet, against the model. */
    void equalsAndHashCode() {
      String what = "equals and hashCode";
      try {
        check(map.equals(model), null, "map.equals(model) is false");
        check(model.equals(map), null, "model.equals(map) is false");
        check(map.equals(map), null, "map.equals(map) is false");
        check(map.hashCode() == model.hashCode(), null, "hashCode %d, the model's %d",
            map.hashCode(), model.hashCode());
        check(map.keySet().equals(model.keySet()) && model.keySet().equals(map.keySet()), null,
            "keySet() not equal to the model's");
        check(map.entrySet().equals(model.entrySet()) && model.entrySet().equals(map.entrySet()),
            null, "entrySet() not equal to the model's");
        check(map.keySet().hashCode() == model.keySet().hashCode(), null, "keySet().hashCode()");
        check(map.entrySet().hashCode() == model.entrySet().hashCode(), null,
            "entrySet().hashCode()");
        Map<Object, Object> other = new HashMap<>(model);
        other.put("not-a-key-of-the-map", 0);
        check(!map.equals(other) && !other.equals(map), null, "equal to a map with one more key");
        if (!model.isEmpty()) {
          Object k = model.keySet().iterator().next();
          other = new HashMap<>(model);
          other.put(k, -1);
          check(!map.equals(other) && !other.equals(map), null,
              "equal to a map with another value for %s", k);
        }
      } catch (RuntimeException e) {
        throw new AssertionError(what + " threw " + e, e);
      }
      verify(what);
    }

    /** A copy through the map's copy constructor; the run goes on with the copy. */
    void copy(boolean fromItself) {
      String what = fromItself ? "copy constructor of the map" : "copy constructor of the model";
      try {
        map = copyOf(impl, fromItself ? map : model);
      } catch (RuntimeException e) {
        throw new AssertionError(what + " threw " + e, e);
      }
      verify(what);
    }

    /** Serializes and deserializes the map; the copy must hold the model's mappings. */
    void reserialize() {
      String what = "serialize and deserialize";
      for (Object k : model.keySet()) {
        if (!(k instanceof Serializable)) {
          return; // e.g. Map.entry(k, v): nothing to test
        }
      }
      ConcurrentMap<Object, Object> copy;
      try {
        @SuppressWarnings("unchecked")
        ConcurrentMap<Object, Object> c = (ConcurrentMap<Object, Object>)
            MapPitfallsTest.deserialize(MapPitfallsTest.serialize(map));
        copy = c;
      } catch (Exception e) {
        throw new AssertionError(what + " threw " + e, e);
      }
      check(copy.getClass() == map.getClass(), null, "%s: a %s", what, copy.getClass());
      verify(what + " (the copy)", copy);
      verify(what);
    }

    /** Removes one element through a view. */
    void viewRemove(String what, View vw, KeySpec key, Integer val) {
      if (vw != View.VALUES || val == null) {
        exact(what, vw.mayReject(key, val), s -> vw.of(s.map).remove(vw.element(s.key(key), val)));
        return;
      }
      // values().remove(v) removes one mapping to v, which one depends on the iteration order.
      Outcome actual = Outcome.of(s -> s.map.values().remove(val), new Side(map, true));
      check(actual.sameAs(new Outcome(model.containsValue(val), null)), actual.thrown,
          "%s: %s, the model has %s", what, actual, model.containsValue(val) ? val : "no " + val);
      Map<Keyed, Object> now = snapshot(map, what);
      Map<Keyed, Object> removed = keyed(model);
      removed.keySet().removeAll(now.keySet());
      check(removed.size() == (Boolean.TRUE.equals(actual.value) ? 1 : 0)
              && removed.values().stream().allMatch(val::equals),
          null, "%s removed %s", what, removed);
      removed.keySet().forEach(k -> model.remove(k.key()));
      verify(what);
    }

    /**
     * Iterates a view, removing the elements {@code rm} selects through the iterator and (entry
     * set) setting the value of those {@code set} selects; checks each element seen, and the
     * iterator's IllegalStateException and NoSuchElementException.
     */
    void iterate(String what, View vw, Selector rm, Selector set, Integer val) {
      List<Object> seen = new ArrayList<>();
      Map<Object, Object> expected = new HashMap<>(model);
      try {
        Iterator<Object> it = vw.of(map).iterator();
        Outcome early = Outcome.of(s -> {
          it.remove();
          return null;
        }, null);
        check(early.threw(IllegalStateException.class), early.thrown,
            "%s: remove() before next() %s", what, early);
        boolean removedLast = false;
        while (it.hasNext()) {
          Object x = it.next();
          seen.add(vw.copyOf(x));
          removedLast = false;
          if (rm.test(x)) {
            it.remove();
            removedLast = true;
            vw.removeFromModel(expected, x);
          } else if (vw == View.ENTRIES && set.test(x)) {
            @SuppressWarnings("unchecked")
            Map.Entry<Object, Object> e = (Map.Entry<Object, Object>) x;
            Object k = e.getKey();
            Outcome o = Outcome.of(s -> e.setValue(val), null);
            if (val == null) {
              check(o.threw(NullPointerException.class), o.thrown,
                  "%s: setValue(null) on %s must throw NullPointerException, %s", what, k, o);
            } else {
              check(o.sameAs(new Outcome(model.get(k), null)), o.thrown,
                  "%s: setValue(%s) on %s %s, the model's old value is %s",
                  what, val, k, o, model.get(k));
              check(val.equals(e.getValue()), null, "%s: getValue() after setValue(%s) is %s",
                  what, val, e.getValue());
              expected.put(k, val);
            }
          }
        }
        Outcome past = Outcome.of(s -> it.next(), null);
        check(past.threw(NoSuchElementException.class), past.thrown,
            "%s: next() at the end %s", what, past);
        if (removedLast) {
          Outcome again = Outcome.of(s -> {
            it.remove();
            return null;
          }, null);
          check(again.threw(IllegalStateException.class), again.thrown,
              "%s: remove() twice %s", what, again);
        }
      } catch (RuntimeException e) {
        throw new AssertionError(what + " threw " + e, e);
      }
      checkSameElements(what, seen, vw.elementsOf(model));
      if (vw == View.VALUES) {
        expected.values().removeIf(rm);
      }
      model.clear();
      model.putAll(expected);
      verify(what);
    }

    /**
     * Iterates the entry set and, after {@code pause} entries, puts a batch of keys and removes
     * some. Every mapping present at the start and not written must be seen once, with its value;
     * nothing is seen twice; everything seen was present at the start or written. A map with
     * {@link Capability#SNAPSHOT_ITERATION} must show exactly the mappings at the start.
     */
    void iterateWhileWriting(String what, int pause, Batch puts, List<KeySpec> removes) {
      Map<Keyed, Object> start = keyed(model);
      Set<Keyed> written = new HashSet<>();
      Map<Keyed, Object> seen = new HashMap<>();
      Runnable writes = () -> {
        for (int i = 0; i < puts.count(); i++) {
          Object key = puts.kind().key(puts.start() + i).make();
          Integer value = (puts.start() + i) & 7;
          Outcome o = Outcome.of(s -> s.map.put(key, value), new Side(map, true));
          check(o.sameAs(new Outcome(model.put(key, value), null)), o.thrown,
              "%s: put(%s, %s) %s", what, key, value, o);
          written.add(new Keyed(key));
        }
        for (KeySpec k : removes) {
          Object key = k.make();
          Outcome o = Outcome.of(s -> s.map.remove(key), new Side(map, true));
          check(o.sameAs(new Outcome(model.remove(key), null)), o.thrown,
              "%s: remove(%s) %s", what, key, o);
          written.add(new Keyed(key));
        }
      };
      int n = 0;
      boolean wrote = false;
      try {
        Iterator<Map.Entry<Object, Object>> it = map.entrySet().iterator();
        if (pause == 0) {
          writes.run();
          wrote = true;
        }
        while (it.hasNext()) {
          Map.Entry<Object, Object> e = it.next();
          Keyed k = new Keyed(e.getKey());
          check(e.getValue() != null, null, "%s: met %s=null", what, k);
          check(seen.put(k, e.getValue()) == null, null, "%s: met %s twice", what, k);
          if (++n == pause) {
            writes.run();
            wrote = true;
          }
        }
      } catch (RuntimeException e) {
        throw new AssertionError(what + " threw " + e, e);
      }
      if (!wrote) {
        writes.run();
      }
      if (impl.has(SNAPSHOT_ITERATION)) {
        check(seen.equals(start), null, "%s: a snapshot iterator saw %s, the start was %s",
            what, seen, start);
      } else {
        start.forEach((k, v) -> {
          if (!written.contains(k)) {
            check(v.equals(seen.get(k)), null,
                "%s: %s=%s, present throughout and unwritten, was seen as %s",
                what, k, v, seen.get(k));
          }
        });
        seen.keySet().forEach(k -> check(start.containsKey(k) || written.contains(k), null,
            "%s: saw %s, which was neither present at the start nor written", what, k));
      }
      verify(what);
    }

    void verify(String what) {
      verify(what, map);
      if (Outcome.THREW_ON_MAP.get()) {
        Outcome.THREW_ON_MAP.set(false);
        assertAnotherThreadCanWrite(what);
      }
    }

    /** After a call that threw: another thread can still write (no lock leaked). */
    private void assertAnotherThreadCanWrite(String what) {
      Race.Outcome o = Race.run(LOCK_LEAK_DEADLINE, () -> {
        map.put("another-thread", 0);
        map.remove("another-thread");
      });
      check(o.clean(), o.errors().isEmpty() ? null : o.errors().get(0),
          "after %s: another thread could not put and remove a key within %s: %s",
          what, LOCK_LEAK_DEADLINE, o);
    }

    /**
     * Checks {@code m} against the model: size, isEmpty, iteration (each key once, no null) and
     * {@code get} of every key through a new equal key object, of another class where possible.
     */
    void verify(String what, Map<Object, Object> m) {
      checks++;
      String after = "after " + what;
      check(m.size() == model.size(), null, "%s: size() %d, the model's %d",
          after, m.size(), model.size());
      check(m.isEmpty() == model.isEmpty(), null, "%s: isEmpty() %s", after, m.isEmpty());
      checkSame(after, snapshot(m, after), model);
      // get of every key; of a sample in a large map, where one colliding key's lookup may be a
      // scan of its whole group (in ConcurrentHashMap's tree bins too): a different sample each
      // step, and every key after a batch.
      int stride = what.startsWith("put ") || what.startsWith("remove ")
          ? 1 : Math.max(1, model.size() / GETS_PER_CHECK);
      int i = 0;
      for (Map.Entry<Object, Object> e : model.entrySet()) {
        if (stride > 1 && (i++ + checks) % stride != 0) {
          continue;
        }
        Object twin = twin(e.getKey());
        Object got;
        try {
          got = m.get(twin);
        } catch (RuntimeException ex) {
          throw new AssertionError(after + ": get(" + describeKey(twin) + ") threw " + ex, ex);
        }
        check(e.getValue().equals(got), null, "%s: get(%s) returned %s, the model has %s",
            after, describeKey(twin), got, e.getValue());
      }
    }
  }

  /** Keys looked up after a step, at most (all of them after a batch). */
  private static final int GETS_PER_CHECK = 48;

  /**
   * A key hashed by its string form, for the test's own bookkeeping: equal keys of these
   * families print alike, and a HashMap of wrapped keys stays fast where the keys themselves
   * share one hash code and would make each lookup a scan.
   */
  record Keyed(Object key) {
    @Override
    public int hashCode() {
      return String.valueOf(key).hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Keyed && Objects.equals(key, ((Keyed) o).key);
    }

    @Override
    public String toString() {
      return String.valueOf(key);
    }
  }

  static Map<Keyed, Object> keyed(Map<Object, Object> m) {
    Map<Keyed, Object> out = new HashMap<>();
    m.forEach((k, v) -> out.put(new Keyed(k), v));
    return out;
  }

  /** The mappings of {@code m} by iteration, checking that no key comes twice and none is null. */
  static Map<Keyed, Object> snapshot(Map<Object, Object> m, String what) {
    Map<Keyed, Object> seen = new HashMap<>();
    try {
      for (Map.Entry<Object, Object> e : m.entrySet()) {
        Object k = e.getKey();
        Object v = e.getValue();
        check(k != null && v != null, null, "%s: iteration met %s=%s", what, k, v);
        check(seen.put(new Keyed(k), v) == null, null, "%s: iteration met %s twice", what, k);
      }
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": iteration threw " + e, e);
    }
    return seen;
  }

  /** Fails with the difference if {@code actual} is not the model's mappings. */
  static void checkSame(String what, Map<Keyed, Object> actual, Map<Object, Object> modelMap) {
    Map<Keyed, Object> model = keyed(modelMap);
    if (actual.equals(model)) {
      return;
    }
    Map<Keyed, Object> missing = new HashMap<>(model);
    missing.keySet().removeAll(actual.keySet());
    Map<Keyed, Object> extra = new HashMap<>(actual);
    extra.keySet().removeAll(model.keySet());
    Map<Keyed, String> different = new HashMap<>();
    actual.forEach((k, v) -> {
      if (model.containsKey(k) && !model.get(k).equals(v)) {
        different.put(k, v + " instead of " + model.get(k));
      }
    });
    String format = "%s: the mappings differ from the model's; missing %s, extra %s, different %s";
    throw new ModelViolation(format, String.format(format, what, missing, extra, different), null);
  }

  static void checkSameElements(String what, List<Object> seen, List<Object> expected) {
    Map<Keyed, Integer> a = new HashMap<>();
    seen.forEach(x -> a.merge(new Keyed(x), 1, Integer::sum));
    Map<Keyed, Integer> b = new HashMap<>();
    expected.forEach(x -> b.merge(new Keyed(x), 1, Integer::sum));
    check(a.equals(b), null, "%s: iterated %s, the model has %s", what, seen, expected);
  }

  static void check(boolean ok, Throwable cause, String format, Object... args) {
    if (!ok) {
      throw new ModelViolation(format, String.format(format, args), cause);
    }
  }

  /** The map's copy constructor. */
  static ConcurrentMap<Object, Object> copyOf(MapImpl impl, Map<Object, Object> source) {
    switch (impl) {
      case READ_WRITE_LOCK:
        return new ReadWriteLockMap<>(source);
      case STRIPED_LOCK:
        return new StripedLockMap<>(source);
      case LOCK_FREE_READ:
        return new LockFreeReadMap<>(source);
      case CONCURRENT_HASH_MAP:
        return new ConcurrentHashMap<>(source);
      default:
        throw new IllegalArgumentException("no copy constructor for " + impl);
    }
  }

  /* ---------------- Views -------------- */

  /** keySet, values or entrySet, with how to test, remove and describe their elements. */
  enum View {
    KEYS("keySet()"),
    VALUES("values()"),
    ENTRIES("entrySet()");

    final String name;

    View(String name) {
      this.name = name;
    }

    @SuppressWarnings("unchecked")
    Collection<Object> of(Map<Object, Object> m) {
      switch (this) {
        case KEYS:
          return m.keySet();
        case VALUES:
          return m.values();
        default:
          return (Collection<Object>) (Collection<?>) m.entrySet();
      }
    }

    /** The element standing for key and value: the key, the value or an entry of both. */
    Object element(Object key, Integer value) {
      switch (this) {
        case KEYS:
          return key;
        case VALUES:
          return value;
        default:
          return new SimpleEntry<>(key, value);
      }
    }

    String describe(KeySpec key, Integer value) {
      switch (this) {
        case KEYS:
          return String.valueOf(key);
        case VALUES:
          return String.valueOf(value);
        default:
          return key + "=" + value;
      }
    }

    Nulls mayReject(KeySpec key, Integer value) {
      switch (this) {
        case KEYS:
          return MapModelPropertyTest.mayReject(key);
        case VALUES:
          return MapModelPropertyTest.mayReject(value);
        default:
          return MapModelPropertyTest.mayReject(key, value);
      }
    }

    /** The elements made of {@code keys} (paired with {@code values} for entries). */
    List<Object> elements(List<KeySpec> keys, List<Integer> values) {
      List<Object> c = new ArrayList<>();
      if (this == VALUES) {
        c.addAll(values);
        return c;
      }
      for (int i = 0; i < keys.size(); i++) {
        Object k = keys.get(i).make();
        c.add(this == KEYS ? k : new SimpleEntry<>(k, values.isEmpty() ? 0 : values.get(
            i % values.size())));
      }
      return c;
    }

    String describe(List<KeySpec> keys, List<Integer> values) {
      if (this == KEYS) {
        return keys.toString();
      }
      if (this == VALUES) {
        return values.toString();
      }
      List<String> es = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        es.add(keys.get(i) + "=" + (values.isEmpty() ? 0 : values.get(i % values.size())));
      }
      return es.toString();
    }

    /** An element seen by an iterator, copied (an entry may change after setValue). */
    Object copyOf(Object x) {
      if (this == ENTRIES) {
        Map.Entry<?, ?> e = (Map.Entry<?, ?>) x;
        return new SimpleEntry<>(e.getKey(), e.getValue());
      }
      return x;
    }

    List<Object> elementsOf(Map<Object, Object> model) {
      List<Object> out = new ArrayList<>();
      for (Map.Entry<Object, Object> e : model.entrySet()) {
        out.add(this == KEYS ? e.getKey() : this == VALUES ? e.getValue() : new SimpleEntry<>(e));
      }
      return out;
    }

    /** Removes from the model what the iterator's remove of element {@code x} removed. */
    void removeFromModel(Map<Object, Object> model, Object x) {
      switch (this) {
        case KEYS:
          model.remove(x);
          break;
        case ENTRIES:
          model.remove(((Map.Entry<?, ?>) x).getKey());
          break;
        default:
          // Which mapping to value x the iterator removed, its order decides: the caller
          // removes every mapping to a selected value once the traversal is done.
      }
    }
  }

  /**
   * A deterministic predicate on a view element (key, value, or entry), from its string form:
   * equal elements are selected alike whatever their class.
   */
  record Selector(int mod, int rem) implements Predicate<Object> {
    static Gen<Selector> gen() {
      return r -> {
        int m = r.nextInt(1, 5);
        return new Selector(m, r.nextInt(4) % m);
      };
    }

    @Override
    public boolean test(Object x) {
      String s = x instanceof Map.Entry
          ? ((Map.Entry<?, ?>) x).getKey() + "=" + ((Map.Entry<?, ?>) x).getValue()
          : String.valueOf(x);
      return Math.floorMod(s.hashCode(), mod) == rem;
    }

    @Override
    public String toString() {
      return mod == 1 ? "all" : "those with hash(toString) % " + mod + " == " + rem;
    }
  }

  /* ---------------- User functions -------------- */

  /** Thrown by a user function that fails. */
  static final class FunctionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FunctionFailure() {
      super("user function failed", null, false, false);
    }
  }

  /** Thrown by a user function that fails with an Error. */
  static final class FunctionError extends Error {
    private static final long serialVersionUID = 1L;

    FunctionError() {
      super("user function failed with an Error", null, false, false);
    }
  }

  /** A function for the compute family and merge. */
  record Fn(Kind kind, int c) {
    enum Kind { CONST, ADD, RETURN_NULL, THROW, THROW_ERROR, NULL_FUNCTION }

    static Gen<Fn> gen() {
      Gen<Kind> kinds = new Weighted<Kind>()
          .addValue(3, Kind.ADD).addValue(2, Kind.CONST).addValue(2, Kind.RETURN_NULL)
          .addValue(2, Kind.THROW).addValue(1, Kind.THROW_ERROR).addValue(1, Kind.NULL_FUNCTION);
      return r -> new Fn(kinds.draw(r), r.nextInt(8));
    }

    boolean isNull() {
      return kind == Kind.NULL_FUNCTION;
    }

    private Object result(Object old, Object given) {
      switch (kind) {
        case CONST:
          return c;
        case ADD:
          return (old == null ? 0 : (Integer) old) + (given == null ? 0 : (Integer) given) + c;
        case RETURN_NULL:
          return null;
        case THROW_ERROR:
          throw new FunctionError();
        default:
          throw new FunctionFailure();
      }
    }

    /** For computeIfAbsent. */
    Function<Object, Object> mapping() {
      return isNull() ? null : k -> result(null, null);
    }

    /** For compute and computeIfPresent: (key, old value or null). */
    BiFunction<Object, Object, Object> remapping() {
      return isNull() ? null : (k, old) -> result(old, null);
    }

    /** For merge: (old value, given value). */
    BiFunction<Object, Object, Object> merging() {
      return isNull() ? null : this::result;
    }

    @Override
    public String toString() {
      switch (kind) {
        case CONST:
          return "f = " + c;
        case ADD:
          return "f = old + " + c;
        case RETURN_NULL:
          return "f = null";
        case THROW:
          return "f throws";
        case THROW_ERROR:
          return "f throws an Error";
        default:
          return "null";
      }
    }
  }

  /** A function for replaceAll. */
  record ReplaceFn(Kind kind, int c) {
    enum Kind { ADD, CONST, NULL_FOR_VALUE, THROW_FOR_VALUE, NULL_FUNCTION }

    static Gen<ReplaceFn> gen() {
      Gen<Kind> kinds = new Weighted<Kind>()
          .addValue(3, Kind.ADD).addValue(1, Kind.CONST).addValue(2, Kind.NULL_FOR_VALUE)
          .addValue(2, Kind.THROW_FOR_VALUE).addValue(1, Kind.NULL_FUNCTION);
      return r -> new ReplaceFn(kinds.draw(r), r.nextInt(8));
    }

    boolean isNull() {
      return kind == Kind.NULL_FUNCTION;
    }

    BiFunction<Object, Object, Object> function() {
      switch (kind) {
        case ADD:
          return (k, v) -> (Integer) v + c;
        case CONST:
          return (k, v) -> c;
        case NULL_FOR_VALUE:
          return (k, v) -> v.equals(c) ? null : (Integer) v + 1;
        default:
          return (k, v) -> {
            if (v.equals(c)) {
              throw new FunctionFailure();
            }
            return (Integer) v + 1;
          };
      }
    }

    @Override
    public String toString() {
      switch (kind) {
        case ADD:
          return "v + " + c;
        case CONST:
          return "" + c;
        case NULL_FOR_VALUE:
          return "null if v == " + c + " else v + 1";
        case THROW_FOR_VALUE:
          return "throw if v == " + c + " else v + 1";
        default:
          return "null";
      }
    }
  }

  /* ---------------- Keys -------------- */

  /** How to make a key: each call to {@link #make} returns a new key object, equal to the last. */
  interface KeySpec {
    Object make();

    /** The null key. */
    KeySpec NULL = new KeySpec() {
      @Override
      public Object make() {
        return null;
      }

      @Override
      public String toString() {
        return "null";
      }
    };
  }

  /** A kind of key: its keys by id. */
  record KeyKind(String name, IntFunction<KeySpec> key) {
    KeySpec key(int id) {
      return key.apply(id);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A key of a kind, described as {@code kind(id)}. */
  record Key(KeyKind kind, int id, Function<Integer, Object> maker) implements KeySpec {
    @Override
    public Object make() {
      return maker.apply(id);
    }

    @Override
    public String toString() {
      return kind + "(" + id + ")";
    }
  }

  /** Keys {@code start .. start + count - 1} of one kind. */
  record Batch(KeyKind kind, int start, int count) {
    /** Smaller batches of the same first keys, smallest first: for shrinking. */
    List<Batch> smaller() {
      List<Batch> out = new ArrayList<>();
      for (int c : new int[] {1, count / 4, count / 2, count * 3 / 4, count - 1}) {
        if (c >= 1 && c < count && (out.isEmpty() || out.get(out.size() - 1).count() < c)) {
          out.add(new Batch(kind, start, c));
        }
      }
      if (start > 0) {
        out.add(new Batch(kind, 0, count));
      }
      return out;
    }

    @Override
    public String toString() {
      return count + " keys " + kind + "(" + start + ".." + (start + count - 1) + ")";
    }
  }

  static KeyKind kind(String name, Function<Integer, Object> maker) {
    KeyKind[] self = new KeyKind[1];
    self[0] = new KeyKind(name, id -> new Key(self[0], id, maker));
    return self[0];
  }

  static final KeyKind INTEGER = kind("Integer", id -> Integer.valueOf(id));
  static final KeyKind STRING = kind("String", id -> "s" + id);
  static final KeyKind LONG = kind("Long", id -> Long.valueOf(id));

  static final KeyKind COLLIDER = kind("Collider#7", id -> new Collider(id, 7));
  static final KeyKind RANKED = kind("Ranked#7", id -> new Ranked(id));
  static final KeyKind FLOOD_STRING = kind("AaBb", MapModelPropertyTest::floodString);

  static final KeyKind LIST_OF = kind("List.of", id -> List.of(new K(id)));
  static final KeyKind ARRAY_LIST = kind("ArrayList", id -> new ArrayList<>(List.of(new K(id))));
  static final KeyKind MAP_ENTRY = kind("Map.entry", id -> Map.entry(new K(id), 0));
  static final KeyKind SIMPLE_ENTRY = kind("SimpleEntry", id -> new SimpleEntry<>(new K(id), 0));

  static final KeyKind BOX_STRING = kind("Box<String>", id -> new Box<>("b" + id));
  static final KeyKind BOX_INTEGER = kind("Box<Integer>", id -> new Box<>(id));
  static final KeyKind FOREIGN = kind("Foreign", id -> new Foreign(id));
  static final KeyKind TIED = kind("Tied", id -> new Tied(id));
  static final KeyKind COLLIDER_11 = kind("Collider#11", id -> new Collider(id, 11));

  static final KeyKind FRAGILE = kind("Fragile", id -> new Fragile(id));
  static final KeyKind SORTED_FRAGILE = kind("SortedFragile", id -> new SortedFragile(id));

  /** Key families: the kinds of keys one property mixes. */
  enum Family {
    PLAIN(INTEGER, STRING, LONG),
    COLLIDING(COLLIDER, RANKED, FLOOD_STRING),
    CROSS_CLASS_EQUAL(LIST_OF, ARRAY_LIST, MAP_ENTRY, SIMPLE_ENTRY),
    ODD_COMPARABLE(BOX_STRING, BOX_INTEGER, FOREIGN, TIED, COLLIDER_11),
    THROWING(FRAGILE, SORTED_FRAGILE),
    MIXED(INTEGER, STRING, LONG, COLLIDER, RANKED, FLOOD_STRING, LIST_OF, ARRAY_LIST,
        MAP_ENTRY, SIMPLE_ENTRY, BOX_STRING, BOX_INTEGER, FOREIGN, TIED, COLLIDER_11, FRAGILE,
        SORTED_FRAGILE);

    final List<KeyKind> kinds;

    /** The kinds, less those named in {@code -Dcmaps.properties.exclude} (comma-separated). */
    Family(KeyKind... kinds) {
      List<String> excluded =
          List.of(System.getProperty("cmaps.properties.exclude", "").split(","));
      List<KeyKind> kept = new ArrayList<>();
      for (KeyKind k : kinds) {
        if (!excluded.contains(k.name())) {
          kept.add(k);
        }
      }
      this.kinds = kept.isEmpty() ? List.of(kinds) : List.copyOf(kept);
    }

    /** Keys of this family, now and then null; fragile ones sometimes armed. */
    Gen<KeySpec> keys() {
      return new Weighted<KeySpec>().addValue(1, KeySpec.NULL).add(30, nonNullKeys());
    }

    Gen<KeySpec> nonNullKeys() {
      Gen<KeyKind> kind = Gen.of(kinds);
      Gen<KeySpec> plain = r -> kind.draw(r).key(r.nextInt(64));
      if (!kinds.contains(FRAGILE)) {
        return plain;
      }
      Gen<Trip> trip = Gen.of(Trip.values());
      Gen<KeySpec> armed = r -> new FragileKey(r.nextBoolean(), r.nextInt(64),
          r.nextInt(1, 5), trip.draw(r), r.nextInt(5) == 0);
      return new Weighted<KeySpec>().add(kinds.size() == 2 ? 1 : 8, plain).add(1, armed);
    }

    Gen<Batch> batches() {
      Gen<KeyKind> kind = Gen.of(kinds);
      Gen<Integer> count =
          new Weighted<Integer>().add(9, Gen.ints(1, 48)).add(1, Gen.ints(49, 120));
      return r -> new Batch(kind.draw(r), r.nextInt(16), count.draw(r));
    }

    /** The family's name in test names and {@code -Dcmaps.properties.only}: camel case. */
    String tag() {
      StringBuilder b = new StringBuilder();
      for (String word : name().toLowerCase(java.util.Locale.ROOT).split("_")) {
        b.append(b.length() == 0
            ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
      }
      return b.toString();
    }
  }

  /** Which calls of a fragile key may throw. */
  enum Trip {
    HASH_CODE, EQUALS, EITHER
  }

  /** Thrown by a fragile key's hashCode or equals. */
  static final class KeyFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown instead of {@link KeyFailure} by a fragile key armed to throw an Error. */
  static final class KeyError extends Error {
    private static final long serialVersionUID = 1L;

    KeyError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A fragile key that, on the map under test, throws on its {@code fuse}-th call of hashCode
   * or equals (those {@code trip} names), once.
   */
  record FragileKey(boolean sorted, int id, int fuse, Trip trip, boolean error)
      implements KeySpec {
    @Override
    public Object make() {
      return sorted ? new SortedFragile(id) : new Fragile(id);
    }

    void arm(Fragile key) {
      key.fuse = fuse;
      key.trip = trip;
      key.error = error;
    }

    @Override
    public String toString() {
      return (sorted ? "SortedFragile(" : "Fragile(") + id + ", " + (error ? "Error" : "throws")
          + " on call " + fuse + " of " + (trip == Trip.EITHER ? "hashCode or equals"
              : trip == Trip.EQUALS ? "equals" : "hashCode") + ")";
    }
  }

  /**
   * A new object equal to {@code key}, of another class where the key has an equal twin (unless
   * {@code -Dcmaps.properties.exclude} names a class of the pair: then of the same class).
   */
  static Object twin(Object key) {
    if (key instanceof String) {
      return new String((String) key);
    }
    if (key instanceof Twin) {
      return ((Twin) key).twin();
    }
    boolean lists = Family.MIXED.kinds.containsAll(List.of(LIST_OF, ARRAY_LIST));
    boolean entries = Family.MIXED.kinds.containsAll(List.of(MAP_ENTRY, SIMPLE_ENTRY));
    if (key instanceof ArrayList) {
      List<Object> elements = twins((List<?>) key);
      return lists ? List.copyOf(elements) : new ArrayList<>(elements);
    }
    if (key instanceof List) {
      List<Object> elements = twins((List<?>) key);
      return lists ? new ArrayList<>(elements) : List.copyOf(elements);
    }
    if (key instanceof Map.Entry) {
      Map.Entry<?, ?> e = (Map.Entry<?, ?>) key;
      Object k = twin(e.getKey());
      return (key instanceof SimpleEntry) == entries
          ? Map.entry(k, e.getValue())
          : new SimpleEntry<>(k, e.getValue());
    }
    return key;
  }

  private static List<Object> twins(List<?> list) {
    List<Object> out = new ArrayList<>();
    list.forEach(x -> out.add(twin(x)));
    return out;
  }

  static String describeKey(Object key) {
    return key == null ? "null" : key + " (" + key.getClass().getSimpleName() + ")";
  }

  /** A key class whose instances can make a new equal instance. */
  interface Twin {
    Object twin();
  }

  /** {@code "Aa"} and {@code "BB"} have one hash code: six of them make 64 colliding strings. */
  static String floodString(int id) {
    StringBuilder b = new StringBuilder();
    for (int bit = 5; bit >= 0; bit--) {
      b.append((id >>> bit & 1) == 0 ? "Aa" : "BB");
    }
    return b.toString();
  }

  /** A key with a constant hash code and no order. */
  record Collider(int id, int hash) implements Twin, Serializable {
    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public Object twin() {
      return new Collider(id, hash);
    }

    @Override
    public String toString() {
      return "Collider" + id + "#" + hash;
    }
  }

  /** A key with a constant hash code and a natural order. */
  record Ranked(int id) implements Comparable<Ranked>, Twin, Serializable {
    @Override
    public int hashCode() {
      return 7;
    }

    @Override
    public int compareTo(Ranked o) {
      return Integer.compare(id, o.id);
    }

    @Override
    public Object twin() {
      return new Ranked(id);
    }

    @Override
    public String toString() {
      return "Ranked" + id;
    }
  }

  /** The element of the cross-class keys: a constant hash code, no order. */
  record K(int id) implements Twin, Serializable {
    @Override
    public int hashCode() {
      return 13;
    }

    @Override
    public Object twin() {
      return new K(id);
    }

    @Override
    public String toString() {
      return "K" + id;
    }
  }

  /**
   * A generic Comparable: {@code Box<String>} and {@code Box<Integer>} are one class, and
   * comparing the two throws ClassCastException. Constant hash code.
   */
  record Box<T extends Comparable<T>>(T value) implements Comparable<Box<T>>, Twin, Serializable {
    @Override
    public int hashCode() {
      return 11;
    }

    @Override
    public int compareTo(Box<T> o) {
      return value.compareTo(o.value);
    }

    @Override
    public Object twin() {
      return new Box<>(value);
    }

    @Override
    public String toString() {
      return "Box(" + (value instanceof String ? "\"" + value + "\"" : value) + ")";
    }
  }

  /** A Comparable of another class: comparing two of them throws ClassCastException. */
  record Foreign(int id) implements Comparable<String>, Twin, Serializable {
    @Override
    public int hashCode() {
      return 11;
    }

    @Override
    public int compareTo(String s) {
      return Integer.toString(id).compareTo(s);
    }

    @Override
    public Object twin() {
      return new Foreign(id);
    }

    @Override
    public String toString() {
      return "Foreign" + id;
    }
  }

  /** A Comparable whose compareTo says 0 for unequal keys. */
  record Tied(int id) implements Comparable<Tied>, Twin, Serializable {
    @Override
    public int hashCode() {
      return 11;
    }

    @Override
    public int compareTo(Tied o) {
      return 0;
    }

    @Override
    public Object twin() {
      return new Tied(id);
    }

    @Override
    public String toString() {
      return "Tied" + id;
    }
  }

  /**
   * A key whose hashCode or equals throws {@link KeyFailure} (or {@link KeyError}) once, on its
   * {@code fuse}-th call of those {@code trip} names, while armed (during one step, on the map
   * under test only).
   * Constant hash code, no order.
   */
  static class Fragile implements Twin, Serializable {
    private static final long serialVersionUID = 1L;

    final int id;
    transient int fuse;
    transient Trip trip;
    transient boolean error;
    transient int calls;
    transient boolean fired;

    Fragile(int id) {
      this.id = id;
    }

    private void trip(Trip call) {
      if (fuse > 0 && (trip == Trip.EITHER || trip == call) && ++calls == fuse) {
        fuse = 0;
        fired = true;
        String message = this + "." + (call == Trip.EQUALS ? "equals" : "hashCode") + " failed";
        if (error) {
          throw new KeyError(message);
        }
        throw new KeyFailure(message);
      }
    }

    @Override
    public int hashCode() {
      trip(Trip.HASH_CODE);
      return 17;
    }

    @Override
    public boolean equals(Object o) {
      trip(Trip.EQUALS);
      return o != null && o.getClass() == getClass() && ((Fragile) o).id == id;
    }

    @Override
    public Object twin() {
      return new Fragile(id);
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + id;
    }
  }

  /** A fragile key with a natural order (which never throws). */
  static final class SortedFragile extends Fragile implements Comparable<SortedFragile> {
    private static final long serialVersionUID = 1L;

    SortedFragile(int id) {
      super(id);
    }

    @Override
    public int compareTo(SortedFragile o) {
      return Integer.compare(id, o.id);
    }

    @Override
    public Object twin() {
      return new SortedFragile(id);
    }
  }
}

package io.github.cmaps.jmh;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The price of distribution: the read-heavy and write-heavy operations of {@link
 * ReadHeavyBenchmark} and {@link WriteHeavyBenchmark} on Hazelcast's {@code IMap}, with one member
 * or two members in the benchmark JVM (loopback only, as in the library's {@code ImapCluster}
 * test fixture), so that the scores can be put next to the in-process maps in a table of their
 * own. A separate class with its own state, not a {@link MapType} constant: the in-process
 * summary and its "8 maps" stay as they are.
 *
 * <p>Built only by the {@code hazelcast} profile of this module: {@code ../mvnw -P hazelcast
 * package} (after {@code ./mvnw install} at the root), then {@code java -jar
 * target/benchmarks.jar ImapBenchmark}. With two members, keys owned by the second one are a
 * loopback round trip away from the first, which every operation goes through. Scores are
 * operations per microsecond summed over threads.
 *
 * <ul>
 *   <li>{@link #get}: 100% {@code get} of present keys;
 *   <li>{@link #mixed90}: 90% {@code get}, 10% {@code put} of present keys, in every thread;
 *   <li>{@link #mergeHotKey}: {@code merge} on 8 hot counters with a lambda (run in the caller,
 *       written back with a conditional replace, retried on conflict);
 *   <li>{@link #entryProcessorHotKey}: the same counters incremented by an entry processor run on
 *       the owning member.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dhazelcast.logging.type=none"})
public class ImapBenchmark {

  /** Hot counters of {@link #mergeHotKey} and {@link #entryProcessorHotKey}. */
  static final int HOT_KEYS = 8;

  private static final BiFunction<Integer, Integer, Integer> SUM = Integer::sum;

  /** A cluster of {@link #members} members and an {@code IMap} of {@link #size} entries. */
  @State(Scope.Benchmark)
  public static class Cluster {
    @Param({"1", "2"})
    public int members;

    @Param({"65536"})
    public int size;

    @Param({"ZIPF"})
    public Distribution distribution;

    final List<HazelcastInstance> instances = new ArrayList<>();
    IMap<Object, Object> map;
    IMap<Integer, Integer> counters;
    Object[] keys;
    Object[] values;
    int mask;

    @Setup(Level.Trial)
    public void start() {
      String clusterName = "cmaps-jmh-" + UUID.randomUUID();
      for (int i = 0; i < members; i++) {
        instances.add(Hazelcast.newHazelcastInstance(config(clusterName)));
      }
      if (instances.get(0).getCluster().getMembers().size() != members) {
        throw new IllegalStateException("the cluster did not form: "
            + instances.get(0).getCluster().getMembers());
      }
      map = instances.get(0).getMap("data");
      counters = instances.get(0).getMap("counters");
      SplittableRandom keyRandom = Keys.keyRandom();
      Object[] stored = KeyKind.RANDOM_INTEGER.keys(size, keyRandom);
      Object[] lookups = KeyKind.RANDOM_INTEGER.lookupCopies(stored, keyRandom);
      Object[] allValues = Keys.values(size);
      java.util.Map<Object, Object> batch = new java.util.HashMap<>();
      for (int i = 0; i < size; i++) {
        batch.put(stored[i], allValues[i]);
      }
      map.putAll(batch);
      for (int k = 0; k < HOT_KEYS; k++) {
        counters.put(k, 0);
      }
      int[] order = distribution.draw(size, Keys.sequenceLength(size), Keys.random());
      keys = Keys.inOrder(lookups, order);
      values = Keys.inOrder(allValues, order);
      mask = keys.length - 1;
    }

    @TearDown(Level.Trial)
    public void stop() {
      for (HazelcastInstance instance : instances) {
        instance.shutdown();
      }
      instances.clear();
    }

    private static Config config(String clusterName) {
      Config config = new Config();
      config.setClusterName(clusterName);
      config.setProperty("hazelcast.phone.home.enabled", "false");
      config.setProperty("hazelcast.socket.bind.any", "false");
      NetworkConfig network = config.getNetworkConfig();
      network.setPort(5801).setPortAutoIncrement(true).setPortCount(20);
      network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      // One address per port: this Hazelcast's interface matcher does not parse a port range
      // ("127.0.0.1:5801-5820" failed with NumberFormatException). Members take 5801, 5802.
      join.getTcpIpConfig().setEnabled(true)
          .addMember("127.0.0.1:5801").addMember("127.0.0.1:5802").addMember("127.0.0.1:5803");
      return config;
    }
  }

  @Benchmark
  public Object get(Cluster m, ThreadCursor c) {
    return m.map.get(m.keys[c.next() & m.mask]);
  }

  @Benchmark
  public Object mixed90(Cluster m, ThreadCursor c) {
    int i = c.next() & m.mask;
    return c.writeTurn(10) ? m.map.put(m.keys[i], m.values[i]) : m.map.get(m.keys[i]);
  }

  @Benchmark
  public Object mergeHotKey(Cluster m, ThreadCursor c) {
    return m.counters.merge(c.next() & (HOT_KEYS - 1), 1, SUM);
  }

  @Benchmark
  public Object entryProcessorHotKey(Cluster m, ThreadCursor c) {
    return m.counters.executeOnKey(c.next() & (HOT_KEYS - 1), entry -> {
      entry.setValue(entry.getValue() + 1);
      return null;
    });
  }
}

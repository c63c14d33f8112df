package io.github.cmaps;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Hazelcast cluster the {@code Imap*} tests run against: two members started in the test JVM,
 * on the loopback interface only (TCP-IP join with an explicit member list, no multicast, no
 * auto-detection, no phone home), with a small partition count so that a test's map spreads over
 * both members without thousands of partitions to migrate. Started on first use, shared by every
 * test class of the fork, shut down when the JVM exits.
 *
 * <p>Every {@link #newMap} is a fresh {@code IMap} with a name of its own, obtained from the first
 * member: the keys owned by the second member's partitions are a network round trip away, so the
 * tests exercise the remote path as well as the local one.
 */
final class ImapCluster {

  /** Partitions of the test cluster (Hazelcast's default is 271). */
  static final int PARTITIONS = 7;

  /** Synchronous backups of each partition: Hazelcast's default, set explicitly. */
  static final int BACKUPS = 1;

  private static final AtomicLong MAPS = new AtomicLong();

  private ImapCluster() {}

  private static final class Members {
    static final HazelcastInstance FIRST;
    static final HazelcastInstance SECOND;

    static {
      String clusterName = "cmaps-test-" + UUID.randomUUID();
      FIRST = Hazelcast.newHazelcastInstance(config(clusterName));
      SECOND = Hazelcast.newHazelcastInstance(config(clusterName));
      Runtime.getRuntime().addShutdownHook(new Thread(Hazelcast::shutdownAll, "imap-cluster-stop"));
      int size = FIRST.getCluster().getMembers().size();
      if (size != 2) {
        throw new IllegalStateException("the second member did not join: " + size + " members");
      }
      // Partitions move to the second member after it joins; an operation caught by a migration
      // is retried, which would run an entry processor an extra time. Wait until none is moving.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!FIRST.getPartitionService().isClusterSafe()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("partitions still migrating after 60 s");
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static Config config(String clusterName) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.partition.count", Integer.toString(PARTITIONS));
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "none");
    config.getMapConfig("default").setBackupCount(BACKUPS).setAsyncBackupCount(0);
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(5701).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    return config;
  }

  /** A new, empty {@code IMap} of the two-member cluster. */
  static <K, V> IMap<K, V> newMap() {
    return Members.FIRST.getMap("cmaps-" + MAPS.incrementAndGet());
  }

  /** The number of members the cluster has now (2 unless one left). */
  static int members() {
    return Members.FIRST.getCluster().getMembers().size();
  }
}

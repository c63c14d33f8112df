import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code computeIfAbsent} whose function writes to the same map, on keys that share a bucket.
 * "AaAa" and "BBBB" have the same {@code String.hashCode()} (2031744), so in every hash table
 * they start their search at the same place.
 *
 * <pre>
 * java docs/recipes/RecursiveComputeIfAbsent.java
 * mvn -q compile && java -cp target/classes docs/recipes/RecursiveComputeIfAbsent.java
 * </pre>
 *
 * On JDK 8 the {@code ConcurrentHashMap} case never returns (JDK-8062841: the inner call spins
 * on the outer call's reservation); since JDK 9 it throws. The cmaps maps are tried when they
 * are on the class path.
 */
public class RecursiveComputeIfAbsent {

  public static void main(String[] args) {
    System.out.printf("JDK %s; \"AaAa\".hashCode() = %d, \"BBBB\".hashCode() = %d%n",
        System.getProperty("java.version"), "AaAa".hashCode(), "BBBB".hashCode());
    String[] maps = {"HashMap", "ConcurrentHashMap", "ReadWriteLockMap", "StripedLockMap", "LockFreeReadMap"};
    for (String name : maps) {
      Map<String, String> map = create(name);
      if (map == null) {
        continue;
      }
      try {
        String v = map.computeIfAbsent("AaAa", k -> map.computeIfAbsent("BBBB", k2 -> "inner") + "+outer");
        System.out.printf("%-18s returned %s, map is now %s%n", name, v, map);
      } catch (RuntimeException e) {
        System.out.printf("%-18s threw %s%n", name, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> create(String name) {
    switch (name) {
      case "HashMap": return new HashMap<>();
      case "ConcurrentHashMap": return new ConcurrentHashMap<>();
      default:
        try {
          return (Map<String, String>) Class.forName("io.github.cmaps." + name).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
          return null; // not on the class path (or not merged yet)
        }
    }
  }
}

package io.github.cmaps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/migrating-from-concurrenthashmap.md} complete and true: its table must have
 * one row for every public constructor and method of {@link ConcurrentHashMap} on the running
 * JDK (those of {@code Object} aside), and every row that says the cmaps maps have the
 * <b>same</b> member must name one that each of the three maps really has. The format of a row
 * is stated on the page itself.
 */
class MigrationTableTest {

  private static final Path PAGE = Paths.get("docs", "migrating-from-concurrenthashmap.md");

  private static final List<Class<?>> MAPS =
      List.of(ReadWriteLockMap.class, LockFreeReadMap.class, StripedLockMap.class);

  /** A table row whose first cell is one code span: `name(types)`. */
  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`([A-Za-z]\\w*\\([^`]*\\))`\\s*\\|\\s*([^|]*)\\|");

  /** Signature of the first cell -> second cell, in page order. */
  private static Map<String, String> rows;

  private static List<String> duplicateRows;

  @BeforeAll
  static void readTable() throws IOException {
    rows = new LinkedHashMap<>();
    duplicateRows = new ArrayList<>();
    for (String line : Files.readAllLines(PAGE, StandardCharsets.UTF_8)) {
      Matcher m = ROW.matcher(line);
      if (m.find() && rows.put(m.group(1), m.group(2).strip()) != null) {
        duplicateRows.add(m.group(1));
      }
    }
  }

  @Test
  void everyConcurrentHashMapMemberHasExactlyOneRow() {
    Map<String, Executable> members = concurrentHashMapMembers();

    List<String> withoutRow = members.keySet().stream()
        .filter(m -> !rows.containsKey(m)).collect(Collectors.toList());
    List<String> notMembers = rows.keySet().stream()
        .filter(r -> !members.containsKey(r)).collect(Collectors.toList());

    assertThat(withoutRow).as("ConcurrentHashMap members without a row in " + PAGE).isEmpty();
    assertThat(notMembers)
        .as("rows of " + PAGE + " that are no public member of ConcurrentHashMap").isEmpty();
    assertThat(duplicateRows).as("members with more than one row").isEmpty();
  }

  @Test
  void everyMemberMarkedSameExistsOnEachMap() {
    Map<String, Executable> members = concurrentHashMapMembers();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, String> row : rows.entrySet()) {
      Executable chm = members.get(row.getKey());
      if (chm == null || !row.getValue().startsWith("**same**")) {
        continue;
      }
      checked++;
      for (Class<?> map : MAPS) {
        if (!hasCounterpart(map, chm)) {
          missing.add(map.getSimpleName() + " lacks " + row.getKey());
        }
      }
    }
    assertThat(missing).as("rows marked **same** that a map does not back").isEmpty();
    assertThat(checked).as("rows marked **same**").isGreaterThan(30);
  }

  @Test
  void theCheckWouldCatchAMissingMember() throws NoSuchMethodException {
    // The reflection check itself: a ConcurrentHashMap-only method is not found on the maps.
    Method keys = ConcurrentHashMap.class.getMethod("keys");
    Method mappingCount = ConcurrentHashMap.class.getMethod("mappingCount");
    Method newKeySet = ConcurrentHashMap.class.getMethod("newKeySet");
    for (Class<?> map : MAPS) {
      assertThat(hasCounterpart(map, keys)).as(map.getSimpleName() + ".keys()").isFalse();
      assertThat(hasCounterpart(map, mappingCount)).isTrue();
      assertThat(hasCounterpart(map, newKeySet)).isTrue();
    }
  }

  /** Public constructors and methods of ConcurrentHashMap, by the signature the page uses. */
  static Map<String, Executable> concurrentHashMapMembers() {
    Map<String, Executable> members = new TreeMap<>();
    for (Constructor<?> c : ConcurrentHashMap.class.getConstructors()) {
      members.put(signature("ConcurrentHashMap", c.getGenericParameterTypes()), c);
    }
    for (Method m : ConcurrentHashMap.class.getMethods()) {
      if (m.getDeclaringClass() != Object.class && !m.isBridge() && !m.isSynthetic()) {
        members.put(signature(m.getName(), m.getGenericParameterTypes()), m);
      }
    }
    return members;
  }

  /** `name(T1, T2)`: simple names, type variables by name, generic arguments dropped. */
  static String signature(String name, Type[] parameters) {
    StringJoiner j = new StringJoiner(", ", name + "(", ")");
    for (Type p : parameters) {
      j.add(typeName(p));
    }
    return j.toString();
  }

  private static String typeName(Type t) {
    if (t instanceof TypeVariable) {
      return ((TypeVariable<?>) t).getName();
    }
    if (t instanceof ParameterizedType) {
      return typeName(((ParameterizedType) t).getRawType());
    }
    if (t instanceof GenericArrayType) {
      return typeName(((GenericArrayType) t).getGenericComponentType()) + "[]";
    }
    return ((Class<?>) t).getSimpleName();
  }

  /** A public member of {@code map} with the same name, erased parameters and staticness. */
  private static boolean hasCounterpart(Class<?> map, Executable chm) {
    if (chm instanceof Constructor) {
      return Arrays.stream(map.getConstructors())
          .anyMatch(c -> Arrays.equals(c.getParameterTypes(), chm.getParameterTypes()));
    }
    boolean isStatic = Modifier.isStatic(chm.getModifiers());
    return Arrays.stream(map.getMethods())
        .filter(m -> m.getName().equals(chm.getName()))
        .filter(m -> Arrays.equals(m.getParameterTypes(), chm.getParameterTypes()))
        .anyMatch(m -> Modifier.isStatic(m.getModifiers()) == isStatic
            && (isStatic ? m.getDeclaringClass() == map : true));
  }

  @Test
  void methodRowsAreInAlphabeticalOrder() {
    // Rows sorted as the test prints missing members, so a new JDK member is easy to place.
    List<String> names = rows.keySet().stream()
        .filter(s -> !s.startsWith("ConcurrentHashMap("))
        .collect(Collectors.toList());
    assertThat(names).isSortedAccordingTo(String::compareTo);
  }
}

package io.github.cmaps;

/**
 * Where the maps under test legitimately differ from each other. Each {@link MapImpl} lists the
 * capabilities it has; a kit test that depends on one asserts the stronger behaviour when the map
 * declares it and the weaker, {@code ConcurrentHashMap}-compatible behaviour otherwise, so every
 * test still asserts something for every map.
 */
enum Capability {

  /**
   * A function passed to {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent},
   * {@code merge} or {@code replaceAll} that writes to the same map always gets {@link
   * IllegalStateException}, and the map is unchanged. Without it the write may also succeed
   * ({@code ConcurrentHashMap} throws only when the two keys share a bin).
   */
  WRITE_FROM_FUNCTION_THROWS,

  /**
   * Iterators and {@code forEach} traverse an atomic snapshot taken when they start: exactly the
   * mappings present at that instant, none of the later writes. Without it they are weakly
   * consistent.
   */
  SNAPSHOT_ITERATION,

  /**
   * {@code putAll}, {@code clear} and {@code replaceAll} take effect in one atomic step: a
   * {@code putAll} that meets a null key or value, or a {@code replaceAll} whose function throws
   * or returns null, leaves the map unchanged. Without it they may stop half-way.
   */
  ATOMIC_BULK_OPERATIONS,

  /**
   * Deserialization validates the stream: a null key or value makes it throw {@link
   * java.io.InvalidObjectException}. Without it a null may be read as an end marker ({@code
   * ConcurrentHashMap} stops at the first null key or value), but the result still holds no null.
   */
  VALIDATING_DESERIALIZATION,
}

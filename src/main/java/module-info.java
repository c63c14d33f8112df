/**
 * cmaps: drop-in {@link java.util.concurrent.ConcurrentMap} implementations, one per concurrency
 * strategy.
 *
 * <p>The module exports exactly one package, {@link io.github.cmaps}, holding the public map
 * classes and their factory; every helper class is package-private. The module has no
 * dependencies beyond {@code java.base}.
 */
module io.github.cmaps {
  exports io.github.cmaps;
}

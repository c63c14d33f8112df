/**
 * cmaps: drop-in {@link java.util.concurrent.ConcurrentMap} implementations, one per concurrency
 * strategy.
 *
 * <p>The module exports exactly one package, {@link io.github.cmaps}, holding the three public
 * map classes ({@code ReadWriteLockMap}, {@code LockFreeReadMap}, {@code StripedLockMap});
 * every helper class is package-private. Which map to pick when: the package summary. The
 * module has no dependencies beyond {@code java.base}.
 */
module io.github.cmaps {
  exports io.github.cmaps;
}

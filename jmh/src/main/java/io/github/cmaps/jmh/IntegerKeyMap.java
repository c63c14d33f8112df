package io.github.cmaps.jmh;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A {@link PopulatedMap} with {@link Integer} keys: cheap hashing and equality. */
@State(Scope.Benchmark)
public class IntegerKeyMap extends PopulatedMap {
  @Override
  Object[] newKeys(int n) {
    return Keys.integers(n);
  }
}

package io.github.cmaps.jmh;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A {@link PopulatedMap} with {@link String} keys, looked up through equal but distinct {@code
 * String} objects, as when a key arrives from a request: every hit pays an {@code equals} that
 * compares characters, and reads the stored key. Hash codes of both copies are computed during
 * setup, as a long-lived key would have them.
 */
@State(Scope.Benchmark)
public class StringKeyMap extends PopulatedMap {
  @Override
  Object[] newKeys(int n) {
    return Keys.strings(n);
  }

  @Override
  Object[] lookupKeys(Object[] stored) {
    Object[] copies = new Object[stored.length];
    for (int i = 0; i < stored.length; i++) {
      // new String(String) would share the character array, and array equality short-cuts on
      // identical arrays; copying the characters gives the copy its own array.
      String copy = new String(((String) stored[i]).toCharArray());
      copy.hashCode();
      copies[i] = copy;
    }
    return copies;
  }
}

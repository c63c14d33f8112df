package io.github.cmaps;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.cmaps.LincheckMapOperations.SequentialHashMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Options;
import org.junit.jupiter.api.Test;

/**
 * The negative control: the test the maps pass, with the same operations and bounds, run on a
 * plain {@link java.util.HashMap}, must fail in each mode. If it ever passes, Lincheck is not
 * seeing the races (too few runs, or no instrumentation at all, as with an ASM too old for the
 * running JDK), and a pass of the real maps would prove nothing.
 *
 * <p>Lincheck's report is written to {@code target/lincheck-control/<mode>.txt}: a real failure
 * report to learn the format from (see {@code docs/lincheck.md}). Minimizing the failing history
 * is turned off here: it reruns shorter histories many times and adds minutes, while the test
 * only needs to know that a failure was found.
 */
class HashMapLincheckControlTest {

  @Test
  void stressFindsHashMapNotLinearizable() throws IOException {
    expectFailure("stress", ConcurrentMapLincheckTest.stressOptions());
  }

  @Test
  void modelCheckingFindsHashMapNotLinearizable() throws IOException {
    expectFailure("model-checking", ConcurrentMapLincheckTest.modelCheckingOptions());
  }

  private static void expectFailure(String mode, Options<?, ?> options) throws IOException {
    LincheckAssertionError failure =
        assertThrows(
            LincheckAssertionError.class,
            () -> options.minimizeFailedScenario(false).check(SequentialHashMap.class),
            "Lincheck (" + mode + ") accepted HashMap: it did not see the races");
    Path report = Path.of("target", "lincheck-control", mode + ".txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, failure.getMessage());
    System.out.println("HashMap control (" + mode + "): rejected as expected, report in " + report);
  }
}

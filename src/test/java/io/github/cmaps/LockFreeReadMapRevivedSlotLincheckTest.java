package io.github.cmaps;

import org.junit.jupiter.api.Test;

/**
 * {@link RevivedSlotLincheck} over a {@link LockFreeReadMap}, whose readers validate nothing:
 * lookups stay linearizable, and walks return only mappings, while removed keys' slots are taken
 * back by equal keys.
 */
public class LockFreeReadMapRevivedSlotLincheckTest extends RevivedSlotLincheck {
  public LockFreeReadMapRevivedSlotLincheckTest() {
    // Room for 4 mappings (16 slots): the table keeps a Vacant (see OpenTable.maxVacancies) and
    // is not rebuilt within a history, which would drop it (a 4-slot table is rebuilt on its
    // second insert), yet is small enough for the model checker to walk.
    super(new LockFreeReadMap<>(4));
  }

  @Test
  void revivedSlotsKeepLookupsLinearizableAndWalksClean() {
    ConcurrentMapLincheckTest.modelCheckingOptions()
        .sequentialSpecification(Sequential.class)
        .check(getClass());
  }

  /**
   * {@link #revivalRace}, every interleaving the model checker reaches within the budget: the
   * failing one needs two switches at the right places (lookup between its key and value loads,
   * then the writer between the revival's two stores), beyond what random scenarios explore.
   */
  @Test
  void aLookupRacingARevivalNeverSeesTheNewValueBeforeTheKey() {
    ConcurrentMapLincheckTest.modelCheckingOptions()
        .sequentialSpecification(Sequential.class)
        .iterations(0)
        .invocationsPerIteration(REVIVAL_RACE_INVOCATIONS)
        .addCustomScenario(revivalRace())
        .check(getClass());
  }

  private static final int REVIVAL_RACE_INVOCATIONS = 20_000;
}

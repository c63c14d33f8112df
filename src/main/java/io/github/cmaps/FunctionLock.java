package io.github.cmaps;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * A {@link StampedLock} over one hash table whose readers never wait for a user function: the
 * lock of {@link ReadWriteLockMap} and each stripe of {@link StripedLockMap}. Package-private.
 */
@SuppressWarnings("serial") // never serialized: the maps hold their locks in transient fields
class FunctionLock extends StampedLock {

  /*
   * Overview:
   *
   * A writer that runs a user function (compute, computeIfAbsent, computeIfPresent, merge,
   * replaceAll) holds the write lock for the function's whole run, but leaves the table alone
   * while the function runs: the maps probe the key before the function and store its result
   * after it (an insert's rebuild included), replaceAll computes every new value before storing
   * any, and the function itself cannot write (the maps refuse that with
   * IllegalStateException). The lock publishes that quiet period as a sequence number:
   *
   *   functionSeq:  even ... beginFunction -> odd (function runs, table untouched)
   *                 ... endFunction -> even ... table written ... unlockWrite
   *
   * so a reader that finds the lock write-held can still read without waiting: if functionSeq
   * is odd, it reads the table and keeps the answer if functionSeq is unchanged afterwards (a
   * sequence lock whose write side is the end of the function). Its answer is the state before
   * the function's call, a valid linearization: the call takes effect only when it stores its
   * result, after functionSeq changed. A rebuild is published the same way (issue 16): the
   * writer copies the current table into a new one, which it publishes only after endFunction,
   * so the table readers read stays untouched for the whole odd period.
   *
   * A reader whose optimistic read fails for any other reason (a plain write holds the lock, or
   * writers keep coming) retries, then also tries tryReadLock, which takes the read lock only
   * if it is free at that instant and never queues. It never calls readLock(): a queued reader
   * waits for every writer queued before it, and such a writer may go on to run a function,
   * which is exactly the wait (and the cross-map deadlock) this class exists to avoid. Between
   * attempts it backs off (pause): onSpinWait, then Thread.yield, then parkNanos doubling from 1
   * us to 1 ms, so a reader that meets a long plain write (a rebuild of a large table) or a
   * ReadWriteLockMap write(...) section (whose readers wait by design) does not burn a core. The
   * back-off grows only while the reader finds the lock write-held when it starts an attempt: if
   * the lock was free then and a writer came during the probe, writes are short and frequent (a
   * stream of puts), so the reader tries tryReadLock at once and stays at the spinning stage,
   * where it slips in between two writes; parking there for up to 1 ms made such a reader all
   * but stop.
   *
   * Memory ordering of functionSeq: beginFunction is a release store (pairs with the reader's
   * getAcquire: the table as the function found it is visible); endFunction is a volatile store
   * followed by a storeStoreFence, so no table store after it (release or plain, such as a count)
   * becomes visible before it; the reader issues an acquireFence after its table loads and
   * reloads functionSeq with getOpaque. This is the protocol of StampedLock's own validate, with
   * the end of the function in the role of the write-lock acquisition.
   */

  /** Rounds of Thread.onSpinWait before a reader yields; none on a single processor. */
  static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 64 : 0;

  /** Rounds of Thread.yield after the spins, before a reader parks. */
  static final int YIELDS = 16;

  /** The longest park between two attempts of a reader: 1 ms. */
  static final long MAX_PARK_NANOS = 1_000_000L;

  /**
   * Odd while a user function runs under the write lock and the holder leaves the table alone,
   * even otherwise. Written only by the write-lock holder (beginFunction, endFunction); read by
   * readers with getAcquire, then getOpaque after an acquireFence.
   */
  private transient int functionSeq;

  /** Under the write lock, just before a user function runs: the sequence becomes odd. */
  final void beginFunction() {
    // Release: a reader that loads the odd value (getAcquire in readWithoutWaiting) sees the
    // table as the function found it. The plain read of our own field is ordered by the lock.
    FUNCTION_SEQ.setRelease(this, functionSeq + 1);
  }

  /**
   * Under the write lock, after the function returned (or threw) and before the table is
   * written: the sequence becomes even. The fence keeps the table stores that follow from
   * becoming visible before it, so a reader that saw any of them finds the sequence changed on
   * its recheck.
   */
  final void endFunction() {
    FUNCTION_SEQ.setVolatile(this, functionSeq + 1); // pairs with the reader's getOpaque recheck
    VarHandle.storeStoreFence();
  }

  /**
   * Reads, without ever waiting for a user function, what {@code probe} computes from the table
   * this lock guards. {@code probe} reads with acquire loads and must tolerate a racing writer
   * (terminate, throw at most a RuntimeException from user code such as a key's equals); its
   * answer is kept only if validated: by the stamp of an optimistic read, by an unchanged odd
   * functionSeq (a function is running and the table is quiet), or because it ran under a read
   * lock taken with tryReadLock. {@code locked} is the same read under the read lock. For the
   * slow path of the maps' reads, after their own first optimistic attempt failed; a thread that
   * holds this lock itself must not call it.
   */
  final <R> R readWithoutWaiting(Supplier<R> probe, Supplier<R> locked) {
    for (int round = 0; ; round++) {
      long stamp = tryOptimisticRead(); // volatile load: pairs with the last unlockWrite
      if (stamp != 0L) {
        R r;
        try {
          r = probe.get();
        } catch (RuntimeException e) {
          if (validate(stamp)) {
            throw e; // a real answer: the table was stable
          }
          r = null;
        }
        if (validate(stamp)) { // acquire fence, then the state again
          return r;
        }
        // The lock was free when we began and a writer came during the probe: writers are
        // short and keep coming (a stream of puts), not one long write. Slip in between two of
        // them with tryReadLock now, and do not back off further: backing off to the 1 ms parks
        // meant for a long write left a reader of a map under a stream of puts at a few hundred
        // reads a second (issue 16: 0.042 ops/us against ConcurrentHashMap's 6.37 while one
        // writer grew a ReadWriteLockMap to 1M keys).
        long read = tryReadLock();
        if (read != 0L) {
          try {
            return locked.get();
          } finally {
            unlockRead(read);
          }
        }
        round = Math.min(round, Math.max(SPINS - 1, 0)); // spin (or yield), never park here
      } else {
        int seq = (int) FUNCTION_SEQ.getAcquire(this); // pairs with setRelease in beginFunction
        if ((seq & 1) != 0) {
          R r;
          try {
            r = probe.get();
          } catch (RuntimeException e) {
            VarHandle.acquireFence();
            if ((int) FUNCTION_SEQ.getOpaque(this) == seq) {
              throw e;
            }
            r = null;
          }
          VarHandle.acquireFence(); // the probe's loads come before the recheck
          // getOpaque after the fence; pairs with setVolatile + storeStoreFence in endFunction.
          if ((int) FUNCTION_SEQ.getOpaque(this) == seq) {
            return r;
          }
        }
      }
      if (round >= SPINS) { // writers keep coming: slip in between two of them, never queue
        stamp = tryReadLock();
        if (stamp != 0L) {
          try {
            return locked.get();
          } finally {
            unlockRead(stamp);
          }
        }
      }
      pause(round);
    }
  }

  /**
   * Backs off before attempt {@code round + 1}: spin, then yield, then park with this lock as
   * the blocker, so that a profile names it (see Overview).
   */
  final void pause(int round) {
    if (round < SPINS) {
      Thread.onSpinWait();
    } else if (round < SPINS + YIELDS) {
      Thread.yield();
    } else {
      int doublings = Math.min(round - SPINS - YIELDS, 10);
      LockSupport.parkNanos(this, Math.min(MAX_PARK_NANOS, 1_000L << doublings));
    }
  }

  /* ---------------- VarHandle mechanics -------------- */

  private static final VarHandle FUNCTION_SEQ;

  static {
    try {
      FUNCTION_SEQ =
          MethodHandles.lookup().findVarHandle(FunctionLock.class, "functionSeq", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

package dev.tracked.internal;

import static dev.tracked.internal.MemoSlot.VERIFIED_AT;
import static dev.tracked.internal.Slot.ASSUMED;
import static dev.tracked.internal.Slot.BACKDATED;
import static dev.tracked.internal.Slot.BUSY;
import static dev.tracked.internal.Slot.EXECUTED;
import static dev.tracked.internal.Slot.PRESENT;
import static dev.tracked.internal.Slot.READS_DURABLE;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.TrackedDatabase;
import dev.tracked.runtime.UntrackedReadException;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Verify: deciding that a memo is still valid without running its body. The shallow check
 * ({@link #shallow}) needs no claim and looks only at revisions: nothing the memo can depend on
 * was written since it was verified. The deep check ({@link #deep}) walks its dependencies in
 * read order, bringing each up to date first, and stops at the first that changed. With {@code
 * verifyReuse}, {@link #checkReuse} runs the body of every memo about to be reused.
 */
public final class Verify {
    private Verify() {}

    /**
     * Not an API: for the engine's own tests and benchmarks, which measure and exercise the deep
     * check. Starts a new revision in which no input changes, yet every memo of {@code
     * durability} or lower walks what it read when next read, as if each of its inputs had been
     * written an equal value without the write marking anything ({@code syntheticWrite} marks
     * nothing, so that a read after it re-validates only the memos read, each at once). Like a
     * write, it waits for the queries running on other threads to unwind.
     *
     * @param database a generated database
     * @param durability memos of this durability or lower walk what they read
     * @throws IllegalStateException from inside a query body or a batch
     */
    public static void forceDeep(TrackedDatabase database, Durability durability) {
        AbstractDatabase.runtimeOf((AbstractDatabase) database).forceDeep(
                Objects.requireNonNull(durability, "durability"));
    }

    /**
     * The shortcut of {@link #deep}, without a claim: a memo with its value, that nothing it
     * read can have changed since it was verified (no input of its durability or lower, or
     * none in its inputs' range, written since; or it read nothing), or that read only inputs,
     * none changed since ({@link #inputsOnly}), is marked verified in {@code now} by one store
     * of its verified-revision. Salsa's shallow verification, and what most reads of durable
     * memos and of leaves after a write come to.
     *
     * <p>Why no claim is needed:
     * <ul>
     *   <li>The thread is entered, so no write (and no rebase) runs meanwhile: what the
     *       verdict reads of the runtime is the same for every thread in this revision.
     *   <li>What it reads of the memo is a consistent snapshot: the state is read before and
     *       after the memo's fields, and must be the same, not claimed, both times. A thread
     *       that claims the memo to change it (run it, drop it after a failure, abandon it
     *       with a cycle) changes the state: then the full path decides.
     *   <li>A thread that claims it after that reaches the same verdict from the same fields,
     *       and writes the same revision.
     * </ul>
     * A memo that is claimed, in a cycle being validated ({@code ASSUMED}), whose last
     * verification ran its body ({@code EXECUTED}, {@code BACKDATED}: {@code explain} reads
     * those), evicted, or checked by {@code verifyReuse}, takes the full path.
     *
     * <p>With a listener, only the thread whose compare-and-set wins reports the event, once,
     * and it does so from a frame of the memo, as the full path does: a query the listener
     * calls is not a dependency of the body that read this memo, and a write it attempts is
     * refused as from inside a query.
     */
    static <K, V> boolean shallow(MemoSlot<K, V> memo, QueryRuntime runtime, ActiveStack stack,
            int now) {
        byte before = QueryRuntime.acquireState(memo);
        if ((before & (PRESENT | BUSY | ASSUMED | EXECUTED | BACKDATED)) != PRESENT) {
            return false;
        }
        int verified = memo.verifiedAt;
        if (verified <= 0 || runtime.verifyReuse()) {
            return false;
        }
        Object reads = memo.deps;
        int dirty = memo.dirtyAt;
        int durability = memo.durability();
        VarHandle.loadLoadFence(); // the fields above are read before the state below
        if (QueryRuntime.acquireState(memo) != before) {
            return false; // claimed, or changed by a thread that held it, meanwhile
        }
        boolean readsDurable = (before & READS_DURABLE) != 0;
        if (reads != null && !runtime.unchangedSince(verified, durability, readsDurable, dirty)
                && !inputsOnly(runtime, reads, verified, durability, readsDurable)) {
            return false;
        }
        return verifiedNow(memo, runtime, stack, verified, now);
    }

    /**
     * Marks {@code memo}, found valid without a claim, verified in {@code now}: one store, or
     * with a listener a compare-and-set whose winner reports the event, once, from a frame of
     * the memo (as the full path does: a query the listener calls is not a dependency of the
     * body that read the memo, and a write it attempts is refused as from inside a query).
     */
    private static boolean verifiedNow(MemoSlot<?, ?> memo, QueryRuntime runtime,
            ActiveStack stack, int verified, int now) {
        if (!runtime.hasListener()) {
            // Any other thread that changes the verified-revision in this revision sets it to
            // now as well (no write can start a new one meanwhile).
            VERIFIED_AT.setRelease(memo, now);
            return true;
        }
        if (!VERIFIED_AT.compareAndSet(memo, verified, now)) {
            return memo.verifiedAt == now; // another thread verified it, and reported it
        }
        int base = stack.depth;
        ActiveStack.Frame frame = stack.push(memo, ActiveStack.Kind.VERIFY);
        try {
            runtime.events.emit(new Event.DidValidateMemoizedValue(memo.queryKey()));
        } catch (Throwable e) {
            Claims.unwind(runtime, stack, base, e); // out of memory or stack, in the listener
            throw e;
        }
        Claims.unwindAbove(runtime, stack, base + 1);
        stack.pop(frame);
        return true;
    }

    /**
     * The deep check of a memo that read only inputs, made on what {@link #shallow} read of it:
     * whether every one of them is set, unchanged after {@code verified}, and still covered by
     * what the memo recorded of it (see {@link #unchangedInput}). Most memos of a real graph are
     * leaves like this (one per file read, per setting), and the claim and its release are most
     * of what checking them on the full path costs. False if the memo read anything else, or if
     * an input must be loaded first (a lazy input after a reset), or changed; the full path
     * decides then.
     *
     * <p>It is safe for the reasons the shortcut is: inputs do not change while the thread is
     * entered, and the memo was read between two reads of its state. What the full path would
     * also do, widening the memo's durability to what its inputs have now, is not needed: an
     * input counts only if what the memo recorded still covers it.
     */
    private static boolean inputsOnly(QueryRuntime runtime, Object reads, int verified,
            int durability, boolean readsDurable) {
        if (reads instanceof Slot one) {
            return unchangedInput(runtime.current(one), verified, durability, readsDurable);
        }
        for (Slot dep : (Slot[]) reads) {
            if (!unchangedInput(runtime.current(dep), verified, durability, readsDurable)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code dep} is an input, set (or loaded), not changed after {@code revision}, and
     * still covered by what the memo recorded of it: a durability no lower than the memo's,
     * and, if durable, the memo marked as reading durable inputs (a LOW one marks the memo when
     * written, whatever durability it had when read). An input can lose durability without changing (a lazy input reset to its
     * default durability, then set or reloaded to an equal value): the full path then records
     * it again, or later writes of it would be missed.
     */
    private static boolean unchangedInput(Slot dep, int revision, int durability,
            boolean readsDurable) {
        if (!(dep instanceof InputTable.InputSlot<?, ?>) // also null: a key mutated
                || (QueryRuntime.acquireState(dep) & (PRESENT | BUSY)) != PRESENT
                || dep.changedAt > revision) {
            return false;
        }
        int own = dep.durability();
        if (own < durability) {
            return false;
        }
        // A LOW input knows its readers (see Dependents), so its writes reach the memo's mark
        // whatever durability it had when read; a durable one is covered by durability.
        return own == 0 || readsDurable;
    }

    /**
     * {@link #shallow} for a read from outside any query, while no thread is inside one and no
     * write is pending, that only reads: the memo's value if nothing the memo can depend on was
     * written since it was verified, found without entering the database (which saves the two
     * atomic updates of the runtime's count of active threads that entering and leaving cost)
     * and without changing the memo. Returns {@link Slot#NONE} wherever {@link #shallow} would
     * say no, and also if a write started meanwhile, if a listener is to be told, while {@code
     * explain} is recorded, or with {@code verifyReuse}; the caller then takes the full path.
     *
     * <p>The memo stays as it was: the next read checks it again (as cheaply), and the first
     * read from inside a query, or through the full path, marks it verified. Storing the
     * revision here would race with writes, which do not wait for this thread: a rebase can
     * shift another thread's revision back onto the one first read, so no compare-and-set can
     * tell that a rebase came in.
     *
     * <p>Why the value is right for the revision read, although a write may start at any point:
     * <ul>
     *   <li>The revision is {@link QueryRuntime#hitRevision}, published by the write that made it
     *       after everything it changed, and it is read again, with the count of rebases, after
     *       the verdict (and a load fence): a write that started meanwhile is seen pending, or
     *       counted, and the answer given up. A write changes nothing before it makes the hit
     *       revision {@code NO_HITS}, and a rebase nothing before it counts itself, with a full
     *       fence, so whatever the verdict read is of the revision read.
     *   <li>The memo's state is read before and after its fields and its value: a thread that
     *       claims the memo to change it changes the state.
     * </ul>
     *
     * @param between for tests: run at each point where a write may come in (0, 1, 2), or
     *     {@code null}; the JIT removes the checks when it is {@code null}
     * @return the memo's value, valid in the revision the call began in, or {@link Slot#NONE}
     */
    static Object outside(MemoSlot<?, ?> memo, QueryRuntime runtime, IntConsumer between) {
        if (runtime.activeThreads != 0 || !runtime.checksFromOutside) {
            // A query runs, a write is pending, reads are checked, the database is closed, a
            // listener is to be told, or explain is recorded.
            return Slot.NONE;
        }
        int rebases = runtime.rebaseStarts;
        int now = runtime.hitRevision();
        if (now == QueryRuntime.NO_HITS) {
            return Slot.NONE; // a write started
        }
        if (between != null) {
            between.accept(0);
        }
        byte before = QueryRuntime.acquireState(memo);
        if ((before & (PRESENT | BUSY | ASSUMED | EXECUTED | BACKDATED)) != PRESENT) {
            return Slot.NONE;
        }
        int verified = memo.verifiedAt;
        if (verified <= 0) {
            return Slot.NONE; // never verified
        }
        Object value = memo.value;
        Object reads = memo.deps;
        int dirty = memo.dirtyAt;
        int durability = memo.durability();
        VarHandle.loadLoadFence(); // the fields above are read before the state below
        if (QueryRuntime.acquireState(memo) != before) {
            return Slot.NONE; // claimed or changed meanwhile
        }
        if (between != null) {
            between.accept(1);
        }
        if (verified != now && reads != null && !runtime.unchangedSince(
                verified, durability, (before & READS_DURABLE) != 0, dirty)) {
            return Slot.NONE;
        }
        if (between != null) {
            between.accept(2);
        }
        VarHandle.loadLoadFence(); // the verdict's reads are done before the checks below
        if (runtime.hitRevision() != now || runtime.rebaseStarts != rebases) {
            return Slot.NONE; // a write started: what the verdict read may be of it
        }
        return value;
    }

    /** {@link #step}: the frame's walk goes on, with a dependency pushed above it. */
    private static final int WALKING = 0;
    /** {@link #step}: nothing the memo can depend on changed: it is valid without a walk. */
    private static final int VALID = 1;
    /** {@link #step}: the walk found nothing changed: it is valid. */
    private static final int WALKED = 4;
    /** {@link #step}: something the memo read changed (or failed): it must run again. */
    private static final int CHANGED = 2;
    /** {@link #step}: valid if a cycle head further up is: it stays claimed, retained. */
    private static final int RETAINED = 3;

    /**
     * Re-validates the memo without running the body if nothing it read changed after it was
     * last verified: at once when no input of its durability, or none of its inputs, was
     * written since (the shortcuts); else by walking its dependencies in read order.
     *
     * <p>The walk is a loop, not a recursion: a dependency that has to be claimed and walked in
     * turn is pushed as a frame of its own, and the loop goes on with it (the frame keeps its
     * place in its memo's dependencies, as Skyframe's nodes keep theirs in their dependency
     * groups), so re-validating a chain of any length uses no Java stack beyond this frame.
     * Only a dependency that changed runs its body, through a call. The frames are visited in
     * the order a recursion would visit them, so claims, cycles ({@code ASSUMED}), events and
     * {@code explain} see the same sequence. Returns {@code TRUE} if the memo is valid,
     * {@code FALSE} if it must run, {@code null} if it is valid if a cycle head further up is
     * (it is retained).
     */
    static <K, V> Boolean deep(MemoSlot<K, V> memo, ActiveStack stack, ActiveStack.Frame frame,
            int now, boolean evicted) {
        QueryRuntime runtime = memo.epoch.runtime;
        int root = stack.depth - 1;
        frame.startWalk(Math.abs(memo.verifiedAt), evicted);
        while (true) {
            int at = stack.depth - 1;
            ActiveStack.Frame walking = stack.frameAt(at);
            int verdict;
            try {
                verdict = step(runtime, stack, walking, now);
            } catch (Throwable e) {
                // Checking a dependency failed, whatever it threw: its frames are unwound, and
                // the memo counts as changed (its body runs again and meets the failure
                // itself); a cancellation ends the whole walk.
                Claims.unwindAbove(runtime, stack, at + 1);
                verdict = failedDependency(runtime, stack, root, e);
            }
            if (verdict == WALKING) {
                continue;
            }
            MemoSlot<?, ?> walked = (MemoSlot<?, ?>) walking.slot;
            if (verdict == WALKED || verdict == VALID) {
                if (at == root) {
                    valid(runtime, walked, stack, walking, now, verdict == WALKED);
                    return Boolean.TRUE;
                }
                try {
                    valid(runtime, walked, stack, walking, now, verdict == WALKED);
                } catch (Throwable e) {
                    dependencyFailed(runtime, stack, root, at, e);
                    continue;
                }
            } else if (at == root) {
                return verdict == CHANGED ? Boolean.FALSE : null;
            }
            // A dependency of the frame below is done: finished as Fetch.bringUpToDate would.
            boolean retained = verdict == RETAINED;
            if (verdict == CHANGED) {
                try {
                    retained = Fetch.runAgain(walked, stack, walking, now, !walking.walkEvicted);
                } catch (Throwable e) {
                    dependencyFailed(runtime, stack, root, at, e);
                    continue;
                }
            }
            Claims.unwindAbove(runtime, stack, at + 1);
            if (!retained) {
                Claims.release(runtime, walked, null);
            }
            walking.claimed = false; // released, or to be released by its cycle's head
            stack.pop(walking);
            stack.frameAt(at - 1).walkOutcome = DONE;
        }
    }

    /**
     * The memo of the frame at {@code at}, a dependency of the one below, failed while it was
     * finished (it ran again, or was being marked verified): its frame is unwound, handing the
     * failure to threads waiting for it, and the frame below counts as changed, unless the
     * failure is a cancellation, which ends the walk.
     */
    private static void dependencyFailed(QueryRuntime runtime, ActiveStack stack, int root,
            int at, Throwable e) {
        Claims.unwind(runtime, stack, at, e);
        failedDependency(runtime, stack, root, e);
        stack.frameAt(at - 1).walkOutcome = FAILED;
    }

    /** {@link ActiveStack.Frame#walkOutcome}: the frame has pushed no dependency. */
    static final int NO_OUTCOME = 0;
    /** The dependency the frame pushed is current: whether it changed is its revision's. */
    private static final int DONE = 1;
    /** The dependency the frame pushed failed: the frame must run. */
    private static final int FAILED = 2;

    /**
     * After a failure while a frame of the walk checked a dependency: a cancellation unwinds
     * every frame of the walk above its first and is thrown; anything else makes the frame
     * that checked count as changed.
     */
    private static int failedDependency(QueryRuntime runtime, ActiveStack stack, int root,
            Throwable e) {
        stack.readCycleDepth = Integer.MAX_VALUE;
        if (e instanceof Cancelled) {
            Claims.unwind(runtime, stack, root + 1, e);
            throw (Cancelled) e;
        }
        return CHANGED;
    }

    /**
     * One step of the walk of {@code frame}, the innermost: applies what its last pushed
     * dependency came to, then checks its next dependencies until one must be walked in turn
     * (pushed: {@link #WALKING}), one changed ({@link #CHANGED}), or none is left.
     */
    private static int step(QueryRuntime runtime, ActiveStack stack, ActiveStack.Frame frame,
            int now) {
        MemoSlot<?, ?> memo = (MemoSlot<?, ?>) frame.slot;
        int verified = frame.walkVerified;
        int outcome = frame.walkOutcome;
        if (outcome == NO_OUTCOME && frame.walkIndex == 0) {
            if (memo.deps == null || runtime.unchangedSince(verified, memo.durability(),
                    (memo.state & READS_DURABLE) != 0, memo.dirtyAt)) {
                return VALID;
            }
        }
        if (outcome != NO_OUTCOME) {
            frame.walkOutcome = NO_OUTCOME;
            if (outcome == FAILED) {
                return CHANGED;
            }
            Slot dep = dependency(memo, frame.walkIndex);
            if (dep.changedAt > verified) {
                runtime.explainRun(memo, dep);
                return changed(stack);
            }
            unchanged(stack, frame, dep);
        }
        // A database that shares slots with a fork finds its own slot of each dependency (see
        // Fork); read once, so that the walk of one that does not shares nothing.
        boolean shares = runtime.shares;
        int count = memo.dependencyCount();
        for (int i = frame.walkIndex; i < count; i = frame.walkIndex) {
            Slot read = dependency(memo, i);
            Slot dep = read;
            if (shares) {
                dep = runtime.own(read);
                if (dep == null) {
                    runtime.explainRun(memo, read);
                    return changed(stack); // its key was mutated
                }
                if (dep != read) {
                    // Found once: the next walk goes straight to it (the memo's own array,
                    // see MemoTable.copyOf).
                    if (memo.deps instanceof Slot[] deps) {
                        deps[i] = dep;
                    } else {
                        memo.deps = dep;
                    }
                }
            }
            boolean changed;
            if (dep instanceof MemoSlot<?, ?> memoDep) {
                Object opened = open(memoDep, runtime, stack, now);
                if (opened == DESCEND) {
                    return WALKING;
                }
                changed = opened == Cycles.CHANGED
                        || (opened != Cycles.UNCHANGED && memoDep.changedAt > verified);
            } else {
                changed = dep.changedAfter(verified, stack);
            }
            if (changed) {
                runtime.explainRun(memo, read);
                return changed(stack);
            }
            unchanged(stack, frame, dep);
        }
        int assumed = frame.cycleDepth;
        if (assumed < stack.depth - 1) {
            // Valid if a cycle head being validated further up is: stays claimed until that
            // head is validated (or runs again, and then so does this).
            Execute.setInputs(memo, frame);
            memo.durability(frame.durability);
            memo.state |= ASSUMED;
            Cycles.retainIn(memo, stack, frame, assumed);
            return RETAINED;
        }
        return WALKED;
    }

    /** The dependency {@code dep}, checked, did not change: the walk moves past it. */
    private static void unchanged(ActiveStack stack, ActiveStack.Frame frame, Slot dep) {
        assumes(stack, frame);
        frame.widen(dep);
        frame.walkIndex++;
    }

    /** The {@code i}-th dependency of {@code memo}, in read order. */
    private static Slot dependency(MemoSlot<?, ?> memo, int i) {
        Object deps = memo.deps;
        return deps instanceof Slot one ? one : ((Slot[]) deps)[i];
    }

    /** {@link #open}: the dependency is claimed and pushed; the walk goes on with it. */
    private static final Object DESCEND = new Object();

    /**
     * What {@link Fetch#bringUpToDate} does for a memo read by a memo being walked, up to the
     * point where it would recurse: returns {@link Slot#NONE} once the memo is current (it
     * was, it passed the shallow check, another thread brought it up to date, or it ran
     * again), or what re-entering a cycle makes of it ({@link Cycles#CHANGED}, {@link
     * Cycles#UNCHANGED}); or claims it, pushes its frame with its walk started, and returns
     * {@link #DESCEND}.
     */
    private static Object open(MemoSlot<?, ?> memo, QueryRuntime runtime, ActiveStack stack,
            int now) {
        assert memo.table() != null : memo.queryKey() + " is shared with a fork: own it first";
        if (!memo.upToDate(now, false) && shallow(memo, runtime, stack, now)) {
            return Slot.NONE;
        }
        while (!memo.upToDate(runtime.revision(), false)) {
            if ((memo.state & BUSY) != 0 && stack.holds(memo)) {
                return Cycles.reenter(memo, stack, false);
            }
            int base = stack.depth;
            ActiveStack.Frame frame = stack.push(memo, ActiveStack.Kind.CLAIM);
            try {
                if (!Claims.claim(runtime, memo, stack, frame)) {
                    // Another thread held it, and released it: it may be current now.
                    Claims.unwindAbove(runtime, stack, base + 1);
                    stack.pop(frame);
                    continue;
                }
                if (!memo.upToDate(now, false)) {
                    boolean evicted = memo.verifiedAt < 0;
                    if ((memo.state & PRESENT) != 0) {
                        frame.startWalk(Math.abs(memo.verifiedAt), evicted);
                        return DESCEND;
                    }
                    boolean retained = Execute.run(memo, stack, frame, now, !evicted);
                    Claims.unwindAbove(runtime, stack, base + 1);
                    if (!retained) {
                        Claims.release(runtime, memo, null);
                    }
                } else {
                    // Brought up to date by the thread that held it before this one.
                    Claims.release(runtime, memo, null);
                }
            } catch (Throwable e) {
                Claims.unwind(runtime, stack, base, e);
                throw e;
            }
            frame.claimed = false;
            stack.pop(frame);
            return Slot.NONE;
        }
        return Slot.NONE;
    }

    /**
     * The end of a walk that found nothing changed: finalizes the cycle the memo heads, if any,
     * and marks it verified in {@code now}.
     */
    private static void valid(QueryRuntime runtime, MemoSlot<?, ?> memo, ActiveStack stack,
            ActiveStack.Frame frame, int now, boolean walked) {
        if (walked) {
            // A dependency may have re-run to an equal value while reading other inputs, or
            // changed durability without changing value (a lazy input reloaded with its
            // default durability): what the memo read is what its dependencies read now.
            Execute.setInputs(memo, frame);
            memo.durability(frame.durability);
        }
        if (!frame.participants.isEmpty()) {
            Cycles.finalizeCycle(memo, stack, frame, now);
        }
        memo.state &= ~(EXECUTED | BACKDATED);
        boolean evicted = frame.walkEvicted;
        if (runtime.verifyReuse() && !evicted) {
            checkReuse(runtime, memo, stack);
        }
        VERIFIED_AT.setRelease(memo, evicted ? -now : now);
        if (runtime.hasListener()) {
            runtime.events.emit(new Event.DidValidateMemoizedValue(memo.queryKey()));
        }
    }

    /**
     * Takes into {@code frame} what the dependency just re-validated assumed about cycle
     * heads (see {@link ActiveStack#readCycleDepth}): right after each one, before anything
     * else re-validates or runs on this thread.
     */
    private static void assumes(ActiveStack stack, ActiveStack.Frame frame) {
        int depth = stack.readCycleDepth;
        if (depth != Integer.MAX_VALUE) {
            stack.readCycleDepth = Integer.MAX_VALUE;
            if (depth < frame.cycleDepth) {
                frame.cycleDepth = depth;
            }
        }
    }

    /** Verification found a change: what it assumed about cycle heads no longer matters. */
    private static int changed(ActiveStack stack) {
        stack.readCycleDepth = Integer.MAX_VALUE;
        return CHANGED;
    }

    /**
     * With {@code verifyReuse}: runs the body again, in a frame whose reads are not recorded
     * anywhere, and fails if it returns something else than the memoized value. {@code memo}
     * may be shared with a fork: it is only read.
     */
    static <K, V> void checkReuse(QueryRuntime runtime, MemoSlot<K, V> memo,
            ActiveStack stack) {
        if ((memo.state & PRESENT) == 0 || memo.verifiedAt < 0) {
            return;
        }
        V memoized = memo.value;
        // The body of this database's table: a hit may find a memo shared with a fork, which
        // this only reads.
        @SuppressWarnings("unchecked")
        MemoTable<K, V> table = (MemoTable<K, V>) runtime.tables.get(memo.epoch.index);
        int base = stack.depth;
        V recomputed;
        try {
            ActiveStack.Frame frame = stack.push(memo, ActiveStack.Kind.LOAD);
            recomputed = table.body.apply(memo.key());
            Claims.unwindAbove(runtime, stack, base + 1);
            stack.pop(frame);
        } catch (Throwable e) {
            Claims.unwind(runtime, stack, base, e);
            throw e;
        }
        if (!Objects.equals(memoized, recomputed)) {
            throw new UntrackedReadException(memo.queryKey(), memoized, recomputed);
        }
    }
}

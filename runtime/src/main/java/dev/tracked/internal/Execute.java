package dev.tracked.internal;

import static dev.tracked.internal.MemoSlot.VERIFIED_AT;
import static dev.tracked.internal.Slot.ASSUMED;
import static dev.tracked.internal.Slot.BACKDATED;
import static dev.tracked.internal.Slot.EXECUTED;
import static dev.tracked.internal.Slot.PRESENT;
import static dev.tracked.internal.Slot.READS_DURABLE;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.Event;
import java.util.Objects;

/**
 * Execute: running a memo's body and storing what it returned and read. Backdating lives here:
 * a value equal to the old one keeps the old changed-revision, so that readers re-validate
 * instead of running. So do the fixpoint iterations of a cycle head (the loop in {@link #run}),
 * and what happens to a memo whose body failed ({@link #failed}) and to the values the memo
 * stops holding ({@code closeDiscarded}).
 */
final class Execute {
    private Execute() {}

    /**
     * Runs the body, recording what it reads, and stores the new memo (backdated if equal to
     * the old value, when there is one: {@code hasValue}). If the body failed, nothing is
     * stored and the old memo is dropped; if it was cancelled, nothing is stored and the old
     * memo stays as it was.
     *
     * <p>A head whose provisional value was read runs again until its result equals the
     * value the iteration started from ({@code cycleInitial}), or takes its fallback at once
     * ({@code cycleResult}), then finalizes the memos computed from it. A memo computed from
     * a provisional value is stored but not verified, and stays claimed by this thread
     * (retained); then this returns true.
     */
    static <K, V> boolean run(MemoSlot<K, V> memo, ActiveStack stack, ActiveStack.Frame frame,
            int now, boolean hasValue) {
        QueryRuntime runtime = memo.epoch.runtime;
        int index = stack.depth - 1; // before the listener runs, which may leave frames
        if (runtime.hasListener()) {
            runtime.events.emit(new Event.WillExecute(memo.queryKey()));
        }
        if ((memo.state & PRESENT) == 0) {
            runtime.explainRun(memo, QueryRuntime.FIRST_RUN);
        } else if (!hasValue) {
            runtime.explainRun(memo, QueryRuntime.EVICTED);
        }
        V fresh;
        while (true) {
            stack.become(frame, ActiveStack.Kind.EXECUTE);
            frame.expect(memo.deps);
            try {
                fresh = memo.table().body.apply(memo.key());
            } catch (Throwable e) {
                // Whatever the body made of a cancellation, the query ends in it (and keeps
                // its old memo); any other failure drops the memo as the frame unwinds.
                if (frame.cancelled != null) {
                    throw frame.cancelled;
                }
                throw e;
            }
            if (stack.depth > index + 1) {
                // The body caught a failure whose unwinding failed too (a nearly exhausted
                // stack) and read on above the frames it left: some reads may have been
                // recorded there. Its value is returned, not memoized.
                Claims.unwindAbove(runtime, stack, index + 1);
                frame.unrecorded = true;
            }
            if (frame.unrecorded) {
                // Some read could not be recorded (the stack was nearly exhausted) and the
                // body caught the failure: the memo also depends on a slot that reads as
                // changed in every later revision, so it runs again after any write that
                // changes an input (a new input, or an equal value, changes nothing it read).
                frame.recordFailure(runtime.unrecordedRead, now);
            }
            if (frame.cancelled != null) {
                // The body caught a cancellation and returned anyway: its value may be made
                // of what a cancelled read left behind, and is dropped.
                discardFresh(memo, fresh);
                throw frame.cancelled;
            }
            if (!frame.provisionalRead) {
                break;
            }
            if (memo.table().cycleResult != null) {
                discardFresh(memo, fresh);
                fresh = memo.table().cycleResult.apply(memo.key()); // the fallback, at once
                break;
            }
            if (Objects.equals(frame.provisional, fresh)) {
                discardProvisional(memo, frame, fresh);
                break;
            }
            if (frame.iteration == Cycles.MAX_ITERATIONS) {
                discardFresh(memo, fresh);
                discardProvisional(memo, frame, fresh); // the last iteration's, too
                throw Cycles.diverged(memo, frame.participants);
            }
            // Start over from the new value: every memo computed from the old one runs again.
            frame.iteration++;
            discardProvisional(memo, frame, fresh);
            frame.provisional = fresh;
            frame.provisionalRead = false;
            for (Slot participant : frame.participants) {
                if (stack.retains(participant)) {
                    participant.state &= ~(PRESENT | ASSUMED);
                }
            }
            if (runtime.hasListener()) {
                runtime.events.emit(new Event.WillIterateCycle(memo.queryKey(), frame.iteration));
            }
        }
        boolean provisional = frame.cycleDepth < index;
        if (provisional && frame.cycleDepth != Integer.MAX_VALUE) {
            ActiveStack.Frame head = stack.frameAt(frame.cycleDepth);
            if (head.hasProvisional && memo.table().cycleResult != null
                    && head.slot instanceof MemoSlot<?, ?> headMemo
                    && headMemo.table().cycleResult != null) {
                discardFresh(memo, fresh);
                // Every fallback query takes its own.
                fresh = memo.table().cycleResult.apply(memo.key());
            }
        }
        boolean backdated;
        try {
            backdated = !provisional && hasValue && (memo.state & PRESENT) != 0
                    && memo.table().backdate
                    && frame.durability >= memo.durability() && Objects.equals(memo.value, fresh);
        } catch (Throwable e) {
            discardFresh(memo, fresh);
            throw e;
        }
        if (!backdated) {
            V old = memo.value;
            memo.value = fresh;
            memo.changedAt = frame.changedAt;
            if (old != fresh && old != null) {
                // Replaced by a different value (or one left from a failed run, or from the
                // last iteration of a cycle). A hit that
                // raced with the write before this revision may still hold it: closing is
                // for values the database itself no longer hands out.
                discardValue(memo, old);
            }
        } else if (fresh != memo.value) {
            discardFresh(memo, fresh); // the equal new instance is dropped
        }
        if (memo.table().lru != null) {
            // A value computed in a check of a reader (not through a fetch of this memo) joins
            // the order too, or no eviction would ever drop it.
            memo.table().lru.holds(memo);
        }
        Object before = memo.deps;
        memo.deps = frame.takeDeps(before);
        if (memo.deps != before) {
            // What it read anew knows it.
            Dependents.addAll(runtime, memo.deps, before, memo, stack.known);
        }

        setInputs(memo, frame);
        memo.durability(frame.durability);
        memo.state = (byte) ((memo.state | PRESENT | EXECUTED) & ~(ASSUMED | BACKDATED));
        if (backdated) {
            memo.state |= BACKDATED;
        }
        runtime.accumulators.store(memo, frame); // new values, even when backdated
        if (provisional) {
            // Computed from a provisional value: kept claimed until the head finalizes it.
            Cycles.retainIn(memo, stack, frame, frame.cycleDepth);
            return true;
        }
        if (!frame.participants.isEmpty()) {
            Cycles.finalizeCycle(memo, stack, frame, now);
        }
        VERIFIED_AT.setRelease(memo, now);
        if (backdated && runtime.hasListener()) {
            runtime.events.emit(new Event.DidBackdate(memo.queryKey()));
        }
        if (frame.provisionalRead && runtime.hasListener()) {
            runtime.events.emit(new Event.DidFinalizeCycle(memo.queryKey(), frame.iteration));
        }
        return false;
    }

    /**
     * The body (or {@code equals}) failed with {@code e}. A cancelled query keeps its old
     * memo. Otherwise the old memo is dropped: a reader that caught the failure must see the next
     * successful value as a change, even one equal to the value before the failure. (The old
     * value itself stays: a hit that raced with the write before may still be reading it.)
     */
    static <K, V> void failed(MemoSlot<K, V> memo, ActiveStack.Frame frame, Throwable e) {
        if (e instanceof Cancelled || frame.cancelled != null) {
            return;
        }
        memo.state &= ~PRESENT;
        memo.deps = null;
        memo.epoch.runtime.accumulators.drop(memo);
    }

    /** A value the body returned that the memo does not keep, for {@code closeDiscarded}. */
    static <K, V> void discardFresh(MemoSlot<K, V> memo, V fresh) {
        if (memo.table().closeDiscarded && fresh != memo.value) {
            memo.epoch.runtime.discard(fresh);
        }
    }

    /** A value the memo held and no longer does, for {@code closeDiscarded}. */
    static <K, V> void discardValue(MemoSlot<K, V> memo, V old) {
        if (memo.table().closeDiscarded) {
            memo.epoch.runtime.discard(old);
        }
    }

    /**
     * A cycle head's provisional value is replaced by {@code next}, the value of the next
     * iteration (or the final one, equal to it): the old one is dropped, unless it is the
     * value the memo holds (an earlier revision's, from which the iteration started).
     */
    static <K, V> void discardProvisional(MemoSlot<K, V> memo, ActiveStack.Frame frame, V next) {
        Object old = frame.provisional;
        if (memo.table().closeDiscarded && old != next && old != memo.value) {
            memo.epoch.runtime.discard(old);
        }
    }

    /** Takes the inputs read, as collected by {@code frame}. */
    static <K, V> void setInputs(MemoSlot<K, V> memo, ActiveStack.Frame frame) {
        if (frame.poisoned || frame.unrecorded) {
            memo.dirtyAt = Dependents.POISONED;
        } else if (memo.dirtyAt == Dependents.POISONED) {
            memo.dirtyAt = 0; // verified now, after every mark so far
        }

        memo.state = (byte) (frame.readsDurable
                ? memo.state | READS_DURABLE : memo.state & ~READS_DURABLE);
    }
}

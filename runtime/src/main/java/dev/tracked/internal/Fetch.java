package dev.tracked.internal;

import static dev.tracked.internal.Slot.ASSUMED;
import static dev.tracked.internal.Slot.BUSY;
import static dev.tracked.internal.Slot.PRESENT;

/**
 * Fetch: the slow path of reading a memo that is not current. It tries {@link Verify#shallow}
 * first, then claims the memo (see {@link Claims}) and has it re-validated ({@link Verify#deep})
 * or run ({@link Execute#run}); a read of a memo this thread is already computing goes to
 * {@link Cycles#reenter}. The fast path, a hit, is {@link MemoTable#find} and {@link
 * MemoTable#fetch}, small enough to be inlined into generated code.
 */
final class Fetch {
    private Fetch() {}

    /**
     * Brings the memo up to date on {@code stack}'s thread, claiming it first. Returns {@link
     * Slot#NONE}, or, when the read re-enters a cycle on this thread, what the cycle makes of it:
     * the head's provisional value, or {@link Cycles#CHANGED} / {@link Cycles#UNCHANGED} for a
     * reader that is re-validating.
     */
    static <K, V> Object bringUpToDate(MemoSlot<K, V> memo, ActiveStack stack, boolean needValue) {
        assert memo.table() != null : memo.queryKey() + " is shared with a fork: own it first";
        QueryRuntime runtime = memo.epoch.runtime;
        int now = runtime.revision();
        if (!memo.upToDate(now, needValue) && Verify.shallow(memo, runtime, stack, now)) {
            return Slot.NONE;
        }
        while (!memo.upToDate(runtime.revision(), needValue)) {
            if (stack.depth - stack.segmentBase >= stack.segmentLimit) {
                // As deep as this thread's stack should go: the rest of the chain continues on
                // a helper's (see StackSegments), a re-entry into a cycle included (it may run
                // a memo of the cycle again).
                return runtime.segments.continueOnHelper(memo, stack, needValue);
            }
            if ((memo.state & BUSY) != 0 && stack.holds(memo)) {
                return Cycles.reenter(memo, stack, needValue);
            }
            // The frame comes first, the claim second: a claim is never held without a
            // frame that says so, whatever fails in between (see Claims.unwind).
            int base = stack.depth;
            ActiveStack.Frame frame = stack.push(memo, ActiveStack.Kind.CLAIM);
            boolean retained;
            try {
                if (!Claims.claim(runtime, memo, stack, frame)) {
                    // Another thread held the memo, and released it: it may be current now.
                    // What a listener left, if anything.
                    Claims.unwindAbove(runtime, stack, base + 1);
                    stack.pop(frame);
                    continue;
                }
                retained = refresh(memo, stack, frame, needValue);
            } catch (Throwable e) {
                Claims.unwind(runtime, stack, base, e);
                throw e;
            }
            Claims.unwindAbove(runtime, stack, base + 1);
            if (retained) {
                frame.claimed = false; // the cycle's head releases it
            } else {
                Claims.release(runtime, memo, null);
                frame.claimed = false;
            }
            stack.pop(frame);
            return Slot.NONE;
        }
        return Slot.NONE;
    }

    /**
     * Makes the claimed memo current: re-validates the old one, or runs the body. The frame
     * pushed first is what other threads find when they look for the memo's owner. Returns
     * whether the memo stays claimed, as part of a cycle being iterated.
     */
    static <K, V> boolean refresh(MemoSlot<K, V> memo, ActiveStack stack, ActiveStack.Frame frame,
            boolean needValue) {
        int now = memo.epoch.runtime.revision();
        if (memo.upToDate(now, needValue)) {
            return false; // brought up to date by the thread that held it before this one
        }
        boolean evicted = memo.verifiedAt < 0;
        if ((memo.state & PRESENT) != 0 && !(evicted && needValue)) {
            Boolean verified = Verify.deep(memo, stack, frame, now, evicted);
            if (verified == null) {
                return true; // valid if a head of a cycle is: retained
            }
            if (verified) {
                return false;
            }
        }
        return runAgain(memo, stack, frame, now, !evicted);
    }

    /**
     * Runs the claimed memo, which its re-validation found changed (or which has no value):
     * what was validated assuming it unchanged, as the head of a cycle, must run again too.
     * Returns whether the memo stays claimed, as part of a cycle being iterated.
     */
    static <K, V> boolean runAgain(MemoSlot<K, V> memo, ActiveStack stack,
            ActiveStack.Frame frame, int now, boolean hasValue) {
        for (Slot participant : frame.participants) {
            if (stack.retains(participant)) {
                participant.state &= ~(PRESENT | ASSUMED);
            }
        }
        return Execute.run(memo, stack, frame, now, hasValue);
    }
}

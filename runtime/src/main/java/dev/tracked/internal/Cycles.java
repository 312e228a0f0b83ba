package dev.tracked.internal;

import static dev.tracked.internal.MemoSlot.VERIFIED_AT;
import static dev.tracked.internal.Slot.ASSUMED;
import static dev.tracked.internal.Slot.PRESENT;
import static dev.tracked.internal.Slot.READS_DURABLE;

import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Cycles on one thread: a query that reads itself, directly or through others. A head that
 * recovers ({@code cycleInitial}, {@code cycleResult}) hands out a provisional value ({@link
 * #reenter}); the memos computed from it stay claimed (retained, see {@link ActiveStack#retain})
 * until the head's value is final ({@link #finalizeCycle}), run again in each iteration ({@link
 * #rerun}), and are dropped if the head fails ({@link #abandon}). Anything else is a {@link
 * CycleException}. Cycles across threads are found while waiting for a claim: see {@link
 * Claims}.
 */
final class Cycles {
    private Cycles() {}

    /** Iterations of a cycle before it is declared divergent. */
    static final int MAX_ITERATIONS = 200;
    /**
     * What {@link Fetch#bringUpToDate} returns to a reader re-validating through a cycle on this
     * thread, instead of a value: the reader must run, or may assume the memo unchanged.
     */
    static final Object CHANGED = new Object();
    static final Object UNCHANGED = new Object();

    /**
     * This thread reads the memo while it already holds it: a cycle. A head that recovers
     * (declared with {@code cycleInitial} or {@code cycleResult}) being executed hands out its
     * provisional value; a memo computed from it earlier in the iteration hands out its value
     * (or runs again, if the iteration started over). Re-validating through a recovering head
     * assumes it unchanged: if nothing else in the cycle changed, neither did its fixpoint.
     * Anything else is a {@link CycleException}.
     */
    static <K, V> Object reenter(MemoSlot<K, V> memo, ActiveStack stack, boolean needValue) {
        int index = stack.indexOf(memo);
        boolean recovers = memo.table().cycleInitial != null || memo.table().cycleResult != null;
        if (index < 0) {
            // Retained: computed from a provisional value in this iteration (or validated
            // assuming a head unchanged), or reset for the next iteration.
            int depends = stack.retainedDepth(memo);
            boolean headRuns = stack.frameAt(depends).kind == ActiveStack.Kind.EXECUTE;
            if (!needValue && (headRuns || (memo.state & PRESENT) == 0)) {
                return Cycles.CHANGED; // the reader is in the cycle: it must run, not re-validate
            }
            if ((memo.state & PRESENT) == 0) {
                rerun(memo, stack);
            }
            if (depends < stack.readCycleDepth) {
                stack.readCycleDepth = depends;
            }
            return needValue ? Slot.NONE : Cycles.UNCHANGED;
        }
        ActiveStack.Frame frame = stack.frameAt(index);
        if (recovers && frame.kind == ActiveStack.Kind.VERIFY && !needValue) {
            // Assume the head unchanged; what is validated on that assumption stays
            // retained until the head is validated too, or runs again if it is not.
            if (index < stack.readCycleDepth) {
                stack.readCycleDepth = index;
            }
            return Cycles.UNCHANGED;
        }
        if (recovers && frame.kind == ActiveStack.Kind.EXECUTE) {
            if (!needValue) {
                return Cycles.CHANGED;
            }
            if (!frame.hasProvisional) {
                Function<? super K, ? extends V> start =
                        memo.table().cycleInitial != null
                                ? memo.table().cycleInitial : memo.table().cycleResult;
                frame.provisional = start.apply(memo.key());
                frame.hasProvisional = true;
            }
            frame.provisionalRead = true;
            if (index < stack.readCycleDepth) {
                stack.readCycleDepth = index;
            }
            return frame.provisional;
        }
        CycleException cycle = cycle(stack, memo);
        if (recovers && frame.kind == ActiveStack.Kind.VERIFY) {
            // A body run by the walk of this head reads the head's value: the walk fails on it,
            // and the head runs instead, where the read gets the provisional value. Threads
            // waiting for what fails on the way are not handed this failure: they try again.
            stack.passing = cycle;
        }
        throw cycle;
    }

    /**
     * Runs a retained memo again, in a new iteration of its cycle: it is claimed by this
     * thread already. If it no longer depends on a provisional value, it is final.
     */
    static <K, V> void rerun(MemoSlot<K, V> memo, ActiveStack stack) {
        int base = stack.depth;
        boolean retained;
        try {
            // Not a claim: the memo is claimed already, and stays retained (dropped, if
            // this fails) for its own head to release; what it retained as a head itself
            // is released by the unwinding.
            ActiveStack.Frame frame = stack.push(memo, ActiveStack.Kind.EXECUTE);
            retained = Execute.run(memo, stack, frame, memo.epoch.runtime.revision(), false);
            Claims.unwindAbove(memo.epoch.runtime, stack, base + 1);
            stack.pop(frame);
        } catch (Throwable e) {
            Claims.unwind(memo.epoch.runtime, stack, base, e);
            throw e;
        }
        if (!retained) {
            stack.frameAt(stack.retainedDepth(memo)).participants.remove(memo);
            stack.unretain(memo);
            Claims.release(memo.epoch.runtime, memo, null);
        }
    }

    /**
     * Keeps this memo claimed as a member of the cycle whose head is at {@code depth}, with
     * the members that depended on it, and tells the reader it depends on that head too.
     */
    static <K, V> void retainIn(MemoSlot<K, V> memo, ActiveStack stack, ActiveStack.Frame frame,
            int depth) {
        // Every head from the one it depends on to this memo's caller computed it: each
        // resets it when it starts an iteration over. The outermost one finalizes it.
        for (int i = depth; i < stack.depth - 1; i++) {
            ActiveStack.Frame head = stack.frameAt(i);
            if (i != depth && !head.hasProvisional) {
                continue;
            }
            if (!head.participants.contains(memo)) {
                head.participants.add(memo);
            }
            for (Slot inner : frame.participants) {
                if (!head.participants.contains(inner)) {
                    head.participants.add(inner);
                }
            }
        }
        for (Slot inner : frame.participants) {
            stack.retainOuter(inner, depth);
        }
        frame.participants.clear();
        stack.retain(memo, depth);
        if (depth < stack.readCycleDepth) {
            stack.readCycleDepth = depth;
        }
    }

    /**
     * The head's value is final: so are the memos computed from it. Each depends on every
     * input of the cycle, and changed when the head did.
     */
    static <K, V> void finalizeCycle(MemoSlot<K, V> memo, ActiveStack stack,
            ActiveStack.Frame frame, int now) {
        boolean cyclePoisoned = memo.dirtyAt == Dependents.POISONED;
        int cycleDurability = memo.durability();
        boolean cycleDurable = (memo.state & READS_DURABLE) != 0;
        for (Slot participant : frame.participants) {
            if ((participant.state & PRESENT) == 0 || !stack.retains(participant)) {
                continue;
            }
            cyclePoisoned |= participant.dirtyAt == Dependents.POISONED;
            cycleDurability = Math.min(cycleDurability, participant.durability());
            cycleDurable |= (participant.state & READS_DURABLE) != 0;
        }
        if (cyclePoisoned) {
            memo.dirtyAt = Dependents.POISONED;
        }
        memo.durability(cycleDurability);
        memo.state = (byte) (cycleDurable
                ? memo.state | READS_DURABLE : memo.state & ~READS_DURABLE);
        for (Slot participant : frame.participants) {
            MemoSlot<?, ?> member = (MemoSlot<?, ?>) participant;
            if (!stack.retains(member)) {
                continue; // already final, or dropped, through another head
            }
            stack.unretain(member);
            if ((member.state & PRESENT) == 0) {
                // Reset for an iteration that did not read it again: it runs when next read.
                member.deps = null;
                Claims.release(memo.epoch.runtime, member, null);
                continue;
            }
            if (cyclePoisoned) {
                member.dirtyAt = Dependents.POISONED;
            }
            member.durability(cycleDurability);
            member.state = (byte) (cycleDurable
                    ? member.state | READS_DURABLE : member.state & ~READS_DURABLE);
            member.changedAt = Math.max(member.changedAt, memo.changedAt);
            VERIFIED_AT.setRelease(member, now);
            Claims.release(memo.epoch.runtime, member, null);
            if ((member.state & ASSUMED) != 0) {
                member.state &= ~ASSUMED;
                if (memo.epoch.runtime.hasListener()) {
                    memo.epoch.runtime.events.emit(
                            new Event.DidValidateMemoizedValue(member.queryKey()));
                }
            }
        }
        frame.participants.clear();
    }

    /**
     * The head of a cycle failed, or was cancelled, before its value was final: the memos
     * computed from its provisional value are dropped and released, handing {@code failure}
     * to threads waiting for them.
     */
    static <K, V> void abandon(MemoSlot<K, V> memo, ActiveStack stack, ActiveStack.Frame frame,
            Throwable failure) {
        for (Slot participant : frame.participants) {
            MemoSlot<?, ?> member = (MemoSlot<?, ?>) participant;
            if (!stack.retains(member)) {
                continue;
            }
            member.state &= ~(PRESENT | ASSUMED);
            member.deps = null;
            memo.epoch.runtime.accumulators.drop(member);
            stack.unretain(member);
            Claims.release(memo.epoch.runtime, member, Claims.handed(stack, failure));
        }
        frame.participants.clear();
    }

    /**
     * The error for a cycle entered at {@code head} whose value still changed after {@link
     * #MAX_ITERATIONS} iterations.
     */
    static CycleException diverged(Slot head, List<Slot> participants) {
        List<QueryKey> path = new ArrayList<>();
        path.add(head.queryKey());
        for (Slot participant : participants) {
            path.add(participant.queryKey());
        }
        return new CycleException(path, "did not converge after " + MAX_ITERATIONS
                + " iterations: each iteration changed the value of " + head.queryKey()
                + ". Make the recovery monotone (values that only grow, or only shrink, toward"
                + " a bound), or break the cycle.");
    }

    /**
     * The cycle closed by reading {@code slot}, which this thread is already computing or
     * verifying: the queries on this thread's stack from {@code slot} up to the innermost one.
     */
    static CycleException cycle(ActiveStack stack, Slot slot) {
        List<QueryKey> path = new ArrayList<>();
        for (Slot participant : stack.from(slot)) {
            path.add(participant.queryKey());
        }
        return new CycleException(path);
    }
}

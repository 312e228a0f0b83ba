package dev.tracked.internal;

import static dev.tracked.internal.QueryRuntime.PENDING_WRITE;
import static dev.tracked.internal.QueryRuntime.STATE;
import static dev.tracked.internal.QueryRuntime.WAITERS;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
import dev.tracked.runtime.TrackedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Claims and waiting: a slot is brought up to date by one thread at a time, the one whose
 * compare-and-set of its {@link Slot#BUSY} bit wins ({@link #claim}). Other threads that need it
 * wait on the runtime's wait lock until it is released ({@link #release}), and take over the
 * owner's failure if it had one; a thread that would wait for itself through a chain of waiting
 * threads gets a {@link CycleException} instead ({@link #crossThreadCycle}). A claim is held by
 * a frame of the owner's stack, and released when that frame is popped or unwound after a failure
 * ({@link #unwind}), so that no failure leaves a slot claimed by no thread.
 */
final class Claims {
    /** How long a waiting thread sleeps before it checks again whether its slot was released. */
    static final long RECHECK_MILLIS = 50;
    /** {@link #RECHECK_MILLIS} in nanoseconds: the first re-check for a cycle of waits. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS);
    /** The longest time between two re-checks for a cycle of waits, as a wait goes on. */
    private static final long MAX_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private Claims() {}

    /**
     * Claims {@code slot} for bringing it up to date on {@code stack}'s thread, for {@code
     * frame}, the innermost, pushed for it with kind {@link ActiveStack.Kind#CLAIM}: on success
     * the frame holds the claim and becomes a {@link ActiveStack.Kind#VERIFY} frame. Returns
     * false if another thread held it: this thread waited until that thread released it, and the caller
     * checks again whether the slot is now up to date. Throws {@link CycleException} if the slot
     * is claimed by this thread, or if waiting would close a cycle of waiting threads, and
     * {@link Cancelled} if the other thread failed, or if a write is pending and this thread is
     * inside a query.
     */
    static boolean claim(QueryRuntime runtime, Slot slot, ActiveStack stack,
            ActiveStack.Frame frame) {
        byte state = (byte) STATE.getVolatile(slot);
        if ((state & Slot.BUSY) == 0
                && STATE.compareAndSet(slot, state, (byte) (state | Slot.BUSY))) {
            // No call between the claim and these stores, so no StackOverflowError either: the
            // frame says it holds the claim before anything else can fail.
            frame.claimed = true;
            frame.kind = ActiveStack.Kind.VERIFY;
            if ((runtime.activeThreads & PENDING_WRITE) != 0) {
                // Verifying reaches dependencies without a query call, and a call that entered
                // just before the write may find a slot whose owner was cancelled: stop here
                // too, or this thread would redo, in the same revision, what a cancelled thread
                // was computing. Checked after the claim: a slot released by a cancelled owner
                // was released after the flag was raised, so this thread sees the flag. The
                // caller's unwinding releases the claim.
                throw runtime.cancel(stack, slot);
            }
            return true;
        }
        if ((state & Slot.BUSY) != 0) {
            if (stack.holds(slot)) {
                throw Cycles.cycle(stack, slot);
            }
            awaitRelease(runtime, slot, stack);
        }
        return false;
    }

    /**
     * Releases a slot claimed by this thread, and wakes the threads waiting for it, handing them
     * {@code failure} if bringing it up to date failed.
     */
    static void release(QueryRuntime runtime, Slot slot, Throwable failure) {
        STATE.setVolatile(slot, (byte) (slot.state & ~Slot.BUSY));
        wake(runtime, slot, failure);
    }

    /**
     * Wakes the threads waiting for {@code slot}, just released, handing them {@code failure}.
     * Should this fail (a nearly exhausted stack), they wake by themselves: they wait with a
     * timeout and stop once the slot is free.
     */
    private static void wake(QueryRuntime runtime, Slot slot, Throwable failure) {
        if (runtime.waiters != 0) {
            runtime.waitLock.lock();
            try {
                boolean woke = false;
                for (ActiveStack other : runtime.stacks.values()) {
                    if (other.waitingOn == slot) {
                        other.waitingOn = null;
                        other.propagated = failure;
                        woke = true;
                    }
                }
                if (woke) {
                    runtime.waitSignal.signalAll();
                }
            } finally {
                runtime.waitLock.unlock();
            }
        }
    }

    /**
     * Unwinds this thread's stack after {@code failure}, down to {@code depth} frames: from the
     * innermost frame out, each one's slot is abandoned (a memo whose body failed forgets its
     * value; a cycle head drops what it computed from its provisional value) and released if the
     * frame holds its claim, handing {@code failure} to the threads waiting for it; then the
     * frame is popped. A frame is popped only once it is done with, so if this fails (a second
     * {@link StackOverflowError}, on a nearly exhausted stack), what is left is still on the
     * stack, and the next level out, with more stack, finishes the job: no claim is ever left
     * held by no thread.
     */
    static void unwind(QueryRuntime runtime, ActiveStack stack, int depth,
            Throwable failure) {
        while (stack.depth > depth) {
            ActiveStack.Frame top = stack.frameAt(stack.depth - 1);
            Slot slot = top.slot;
            if (slot != null && top.kind != ActiveStack.Kind.CLAIM) {
                slot.abandon(stack, top, failure);
            }
            if (top.claimed) {
                // Released and marked so with no call in between: a failure after this point
                // can only skip waking the waiters, who wake by themselves.
                STATE.setVolatile(slot, (byte) (slot.state & ~Slot.BUSY));
                top.claimed = false;
                wake(runtime, slot, handed(stack, failure));
            }
            stack.pop(top);
        }
    }

    /**
     * Unwinds frames above the first {@code depth}, if any: frames that a failure left behind
     * when unwinding them failed in turn, and that the body that caught the failure went on
     * above. Call before popping or storing the frame at {@code depth - 1}.
     */
    static void unwindAbove(QueryRuntime runtime, ActiveStack stack, int depth) {
        if (stack.depth > depth) {
            unwind(runtime, stack, depth, null);
        }
    }

    /** Waits until the thread that claimed {@code slot} releases it. */
    private static void awaitRelease(QueryRuntime runtime, Slot slot, ActiveStack stack) {
        ActiveStack owner = awaitOwner(runtime, slot, stack);
        if (owner == null) {
            return;
        }
        if (runtime.hasListener()) {
            try {
                runtime.events.emit(new Event.WillBlockOn(slot.queryKey(), owner.origin));
            } catch (Throwable e) {
                // The listener threw an Error (others are swallowed): stop waiting, as if the
                // slot had been released, so that this thread is no link in anyone's chain.
                runtime.waitLock.lock();
                try {
                    stack.waitingOn = null;
                    stack.propagated = null;
                    WAITERS.getAndAdd(runtime, -1);
                } finally {
                    runtime.waitLock.unlock();
                }
                throw e;
            }
        }
        Throwable failure;
        Slot yielded;
        CycleException late = null;
        boolean interrupted = false;
        long checked = System.nanoTime();
        long recheck = RECHECK_NANOS;
        runtime.waitLock.lock();
        try {
            while (stack.waitingOn == slot) {
                if (stack.yieldFor != null) {
                    break; // another thread found a cycle through this one: give a part up
                }
                if (((byte) STATE.getVolatile(slot) & Slot.BUSY) == 0) {
                    // Released, but the owner could not wake this thread (its stack overflowed
                    // while it did): go on as if woken, and try again.
                    stack.waitingOn = null;
                    break;
                }
                try {
                    runtime.waitSignal.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // The owner finishes or fails; either way it wakes this thread.
                    interrupted = true;
                }
                long waited = System.nanoTime() - checked;
                if (stack.waitingOn == slot && waited >= recheck) {
                    // Waited a while: look for a cycle of waits again, less often the longer
                    // the wait (each look scans every stack). The check when this thread
                    // started waiting can miss one that closed through a thread then unwinding
                    // (its frames say it holds slots it just released).
                    checked += waited;
                    recheck = Math.min(recheck * 2, MAX_RECHECK_NANOS);
                    CrossCycle cycle;
                    try {
                        ActiveStack holder = ownerOf(runtime, slot);
                        cycle = holder == null ? null
                                : crossThreadCycle(runtime, slot, holder, stack);
                    } catch (Throwable e) {
                        cycle = null; // out of memory or stack: look again next time
                    }
                    if (cycle != null && !cycle.recovers()) {
                        late = cycle.error();
                        stack.waitingOn = null;
                        break;
                    }
                    if (cycle != null) {
                        Slot mine = yieldTo(runtime, cycle, stack);
                        if (mine != null) {
                            stack.yieldFor = mine;
                            break;
                        }
                    }
                }
            }
            WAITERS.getAndAdd(runtime, -1);
            failure = stack.propagated;
            stack.propagated = null;
            yielded = stack.yieldFor;
            if (yielded != null) {
                stack.yieldFor = null;
                stack.waitingOn = null;
            }
        } finally {
            runtime.waitLock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (late != null) {
            throw late;
        }
        if (yielded != null) {
            throw giveUp(stack, yielded, slot);
        }
        if (failure != null) {
            if (failure instanceof Cancelled cancelled) {
                if (cancelled.reason() == Cancelled.Reason.PENDING_WRITE
                        && (runtime.activeThreads & PENDING_WRITE) != 0) {
                    // The owner was cancelled by a write, which cancels this thread too.
                    throw runtime.cancel(stack, slot);
                }
                // A chain of waiters: each one names what it waited for, and the first failure.
                if (cancelled.getCause() != null) {
                    failure = cancelled.getCause();
                }
            }
            throw new Cancelled(Cancelled.Reason.PROPAGATED_FAILURE, slot.queryKey(), failure);
        }
    }

    /**
     * Registers this thread as waiting for {@code slot} and returns the slot's owner; or returns
     * {@code null} if the slot was released meanwhile, and the caller tries again.
     */
    private static ActiveStack awaitOwner(QueryRuntime runtime, Slot slot,
            ActiveStack stack) {
        ActiveStack owner = null;
        runtime.waitLock.lock();
        try {
            // Counted before the slot is checked again, and the owner releases before it looks
            // at the count: either this thread sees the slot released, or the owner sees a waiter.
            WAITERS.getAndAdd(runtime, 1);
            boolean waiting = false;
            try {
                if (((byte) STATE.getVolatile(slot) & Slot.BUSY) == 0) {
                    return null;
                }
                owner = ownerOf(runtime, slot);
                if (owner != null) {
                    CrossCycle cycle = crossThreadCycle(runtime, slot, owner, stack);
                    if (cycle != null) {
                        if (!cycle.recovers()) {
                            throw cycle.error();
                        }
                        Slot mine = yieldTo(runtime, cycle, stack);
                        if (mine != null) {
                            throw giveUp(stack, mine, slot);
                        }
                        // The youngest thread of the cycle gives its part up; wait for it.
                    }
                    stack.waitingOn = slot;
                    waiting = true;
                    return owner;
                }
            } finally {
                if (!waiting) {
                    WAITERS.getAndAdd(runtime, -1);
                }
            }
        } finally {
            runtime.waitLock.unlock();
        }
        // Not found: the owner is between its claim and its first frame, or between its last
        // frame and its release, a matter of instructions. Let it run, outside the lock; and do
        // not hold up a write meanwhile.
        if ((runtime.activeThreads & PENDING_WRITE) != 0) {
            throw runtime.cancel(stack, slot);
        }
        Thread.yield();
        return null;
    }

    /** The stack of the thread that holds {@code slot}, or {@code null}. Call under waitLock. */
    private static ActiveStack ownerOf(QueryRuntime runtime, Slot slot) {
        for (ActiveStack stack : runtime.stacks.values()) {
            if (stack.holds(slot)) {
                return stack;
            }
        }
        return null;
    }

    /**
     * A cycle of waiting threads: the one that closes it ({@code me}, last) and the others, each
     * with the slot it holds that the thread before it waits for (the first holds the slot
     * {@code me} is about to wait for); the error naming it, and whether a query on it recovers
     * from cycles.
     */
    record CrossCycle(CycleException error, List<ActiveStack> stacks, List<Slot> held,
            boolean recovers) {}

    /**
     * The cycle this thread would close by waiting for {@code slot}, held by {@code owner}, or
     * {@code null}: follows owners and the slots they wait for. Waiting threads do not move while
     * the runtime's wait lock is held, so their stacks can be read. Call under waitLock.
     */
    private static CrossCycle crossThreadCycle(QueryRuntime runtime, Slot slot,
            ActiveStack owner, ActiveStack me) {
        ActiveStack other = owner;
        int hops = 0;
        while (other != me) {
            Slot next = other.waitingOn;
            if (next == null || ++hops > runtime.stacks.size()) {
                return null;
            }
            other = ownerOf(runtime, next);
            if (other == null) {
                return null;
            }
        }
        // A cycle: from slot through each owner's stack to the slot it waits for, back to me.
        List<QueryKey> path = new ArrayList<>();
        List<ActiveStack> stacks = new ArrayList<>();
        List<Slot> held = new ArrayList<>();
        boolean recovers = false;
        Slot target = slot;
        other = owner;
        while (true) {
            stacks.add(other);
            held.add(target);
            for (Slot participant : other.from(target)) {
                path.add(participant.queryKey());
                recovers |= recovers(participant);
            }
            if (other == me) {
                return new CrossCycle(new CycleException(path), stacks, held, recovers);
            }
            target = other.waitingOn;
            other = ownerOf(runtime, target);
        }
    }

    /** Whether {@code slot} is a memo of a query that recovers from cycles. */
    private static boolean recovers(Slot slot) {
        if (!(slot instanceof MemoSlot<?, ?> memo)) {
            return false;
        }
        MemoTable<?, ?> table = memo.table();
        return table != null && (table.cycleInitial != null || table.cycleResult != null);
    }

    /**
     * Breaks a cycle across threads that a query on it recovers from: the youngest thread of the
     * cycle by {@link ActiveStack#rank} (ranks are given on first sight, to {@code me} last)
     * gives up the slot the thread before it waits for, with everything it holds above it, and
     * retries once it is released (see {@link #retryAfterYield}): the thread before it takes
     * the slot, and computes the cycle on its own stack, where it recovers as on one thread
     * (fixpoint iteration, or fallback). Returns that slot if the youngest is {@code me};
     * otherwise tells the youngest, which waits, and returns {@code null}. Call under waitLock.
     */
    private static Slot yieldTo(QueryRuntime runtime, CrossCycle cycle, ActiveStack me) {
        List<ActiveStack> stacks = cycle.stacks();
        for (ActiveStack stack : stacks) {
            if (stack.rank == 0 && stack != me) {
                stack.rank = ++runtime.ranks;
            }
        }
        if (me.rank == 0) {
            me.rank = ++runtime.ranks;
        }
        // The thread that waits for what the victim gives up takes it, and the cycle, once it
        // comes back to that thread, re-enters it at the slot that thread holds of the cycle:
        // the head of its iteration. Prefer a victim whose taker's head recovers, or the cycle
        // may fail there where it would recover elsewhere; among those, the youngest.
        int n = stacks.size();
        int youngest = -1;
        for (int pass = 0; pass < 2 && youngest < 0; pass++) {
            for (int i = 0; i < n; i++) {
                boolean takerRecovers = recovers(cycle.held().get((i + n - 1) % n));
                if ((pass == 1 || takerRecovers)
                        && (youngest < 0 || stacks.get(i).rank > stacks.get(youngest).rank)) {
                    youngest = i;
                }
            }
        }
        Slot held = cycle.held().get(youngest);
        ActiveStack victim = stacks.get(youngest);
        runtime.cyclesHandedOver++;
        if (victim == me) {
            return held;
        }
        victim.yieldFor = held;
        runtime.waitSignal.signalAll();
        return null;
    }

    /**
     * The cancellation this thread unwinds with to give {@code held} up: it carries a {@link
     * CycleException} naming the slot, and is retried, not seen, by the read that read it.
     */
    private static Cancelled giveUp(ActiveStack stack, Slot held, Slot waitedFor) {
        Cancelled signal = new Cancelled(Cancelled.Reason.PROPAGATED_FAILURE, held.queryKey(),
                new HandedOver(held, waitedFor));
        stack.yielding = held;
        stack.yieldSignal = signal;
        return signal;
    }

    /**
     * What to hand the threads waiting for a slot that {@code stack} releases after {@code
     * failure}: nothing if the thread is giving up its part of a cycle (see {@link #yieldTo}),
     * or if the failure only makes a walk run a cycle's head (see {@link Cycles#reenter}), so
     * that they claim the slot and compute it; otherwise the failure.
     */
    static Throwable handed(ActiveStack stack, Throwable failure) {
        // Only this database's: a waiter in another database, whose query the yielding thread
        // was inside, would then compute that query itself and wait, across the two databases,
        // for this thread, where neither database sees the cycle of waits. It gets the
        // cancellation instead, and calls again.
        return failure != null && (failure == stack.yieldSignal || failure == stack.passing)
                ? null : failure;
    }

    /**
     * The cause of the cancellation a thread gives its part of a cycle up with (see {@link
     * #yieldTo}): what a body that catches it sees. Not a failure of anything.
     */
    static final class HandedOver extends TrackedException {
        private static final long serialVersionUID = 1L;

        HandedOver(Slot held, Slot waitedFor) {
            super(held.queryKey() + " is part of a cycle across threads (through "
                    + waitedFor.queryKey() + "), given up to the thread that waits for it, which"
                    + " recovers the cycle; this thread reads it again", null);
        }
    }

    /**
     * Called by a read that caught {@code e}: if it is this thread's yield (see {@link
     * #yieldTo}), unwinds to {@code base}, and if that released the slot given up, waits a
     * moment for the thread that wanted it to take it, and returns true: the read retries.
     */
    static boolean retryAfterYield(QueryRuntime runtime, ActiveStack stack, int base,
            Cancelled e) {
        if (e != stack.yieldSignal || stack.yielding == null) {
            return false;
        }
        Claims.unwind(runtime, stack, base, e);
        Slot given = stack.yielding;
        if (stack.holds(given)) {
            return false; // held by a frame further down: that read retries
        }
        stack.yielding = null;
        stack.yieldSignal = null;
        stack.readCycleDepth = Integer.MAX_VALUE;
        // Let the thread that waits for it claim it first, or this one may claim it again and
        // close the same cycle; after a moment, go on anyway.
        boolean interrupted = Thread.interrupted(); // or parking returns at once
        for (int i = 0; i < 100 && ((byte) STATE.getVolatile(given) & Slot.BUSY) == 0; i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}

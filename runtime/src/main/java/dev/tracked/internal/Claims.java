package dev.tracked.internal;

import static dev.tracked.internal.QueryRuntime.PENDING_WRITE;
import static dev.tracked.internal.QueryRuntime.STATE;
import static dev.tracked.internal.QueryRuntime.WAITERS;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.QueryKey;
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
                wake(runtime, slot, failure);
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
        boolean interrupted = false;
        runtime.waitLock.lock();
        try {
            while (stack.waitingOn == slot) {
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
            }
            WAITERS.getAndAdd(runtime, -1);
            failure = stack.propagated;
            stack.propagated = null;
        } finally {
            runtime.waitLock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
                    CycleException cycle = crossThreadCycle(runtime, slot, owner, stack);
                    if (cycle != null) {
                        throw cycle;
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
     * The cycle this thread would close by waiting for {@code slot}, held by {@code owner}, or
     * {@code null}: follows owners and the slots they wait for. Waiting threads do not move while
     * the runtime's wait lock is held, so their stacks can be read. Call under waitLock.
     */
    private static CycleException crossThreadCycle(QueryRuntime runtime, Slot slot,
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
        Slot target = slot;
        other = owner;
        while (true) {
            for (Slot participant : other.from(target)) {
                path.add(participant.queryKey());
            }
            if (other == me) {
                return new CycleException(path);
            }
            target = other.waitingOn;
            other = ownerOf(runtime, target);
        }
    }
}

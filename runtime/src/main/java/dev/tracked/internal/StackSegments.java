package dev.tracked.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stack segments: a chain of queries deeper than a thread's stack holds. Each query nests a few
 * engine frames and its body's on the Java stack, so a cold chain of tens of thousands of queries
 * would overflow a default stack. Once a thread's {@link ActiveStack} is {@link #callerDepth}
 * queries deep (a depth any stack holds), the next query that has to be claimed is brought up
 * to date on a helper thread created with a large stack, and the caller parks until it is done;
 * a helper that gets {@link #helperDepth} queries deeper hands on to another. This is what
 * rustc's {@code ensure_sufficient_stack} does by switching stack segments; the JVM cannot
 * switch stacks, but it can continue on another thread.
 *
 * <p>For the engine the helper <em>is</em> the caller: it adopts the caller's {@link
 * ActiveStack}, so the claims held by the caller's frames stay held by the same stack, a query
 * that reads one of them again is a cycle on one thread, a write waits for one thread and cancels
 * it, and accumulated values and events are those of one logical thread. What does not carry
 * over is the identity of the thread: a body or listener run on a helper sees the helper as
 * {@link Thread#currentThread()}, and not the caller's thread-locals.
 *
 * <p>Helpers are platform threads kept in a pool per database, created on the first hand-over,
 * idle ones ending after a few seconds, all of them at {@code close()}.
 */
final class StackSegments {
    /** How deep a thread that called the database goes before it hands on: any stack holds it. */
    static final int CALLER_DEPTH = 200;
    /** How deep a helper goes before it hands on in turn. */
    static final int HELPER_DEPTH = 4_000;
    /**
     * The stack of a helper: 16 KB for each of its {@link #HELPER_DEPTH} queries, several times
     * what a query and a modest body need even interpreted. Reserved address space; what is
     * committed is what the chain touches.
     */
    static final long HELPER_STACK_BYTES = 64L << 20;
    /** How long an idle helper waits for more work before it ends. */
    private static final long KEEP_ALIVE_SECONDS = 30;
    /** How long a parked caller sleeps before it checks again whether its helper is done. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final QueryRuntime runtime;
    /** Queries deep on a thread that called the database before it hands on. */
    final int callerDepth;
    /** Queries deep on a helper before it hands on. */
    final int helperDepth;
    private final ReentrantLock lock = new ReentrantLock();
    /** Created on the first hand-over; guarded by {@link #lock}. */
    private ThreadPoolExecutor helpers;
    private boolean shutDown;
    /** Numbers the helpers' names; guarded by {@link #lock}. */
    private int created;
    /** How many times a chain went on on a helper. */
    private final AtomicLong handedOn = new AtomicLong();

    StackSegments(QueryRuntime runtime, int callerDepth, int helperDepth) {
        this.runtime = runtime;
        this.callerDepth = callerDepth;
        this.helperDepth = helperDepth;
    }

    /**
     * Brings {@code memo} up to date as {@link Fetch#bringUpToDate} does, on a helper thread that
     * adopts {@code stack} until it is done, while this thread parks. Returns what it returned,
     * or throws what it threw.
     */
    Object continueOnHelper(MemoSlot<?, ?> memo, ActiveStack stack, boolean needValue) {
        Segment segment = new Segment(memo, stack, needValue, Thread.currentThread());
        handedOn.incrementAndGet();
        try {
            pool().execute(segment);
        } catch (RejectedExecutionException e) {
            throw runtime.closed(); // the pool is shut down: close() came in
        }
        segment.await();
        // The helper handed the stack back; adopting it again here is a no-op unless handing
        // it back failed (out of memory), and then this is what makes the stack this thread's.
        runtime.adopt(stack, segment.caller);
        Throwable failure = segment.failure;
        if (failure != null) {
            throw QueryRuntime.<RuntimeException>sneaky(failure);
        }
        return segment.result;
    }

    private ThreadPoolExecutor pool() {
        lock.lock();
        try {
            if (helpers == null) {
                if (shutDown) {
                    throw runtime.closed();
                }
                helpers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS,
                        TimeUnit.SECONDS, new SynchronousQueue<>(), this::newHelper);
            }
            return helpers;
        } finally {
            lock.unlock();
        }
    }

    /** Called by the pool, under {@link #pool}'s caller or a running helper. */
    private Thread newHelper(Runnable task) {
        int number;
        lock.lock();
        try {
            number = ++created;
        } finally {
            lock.unlock();
        }
        // No inherited thread-locals: a helper serves whichever thread hands on to it.
        Thread helper = new Thread(null, task, "tracked-stack-" + number, HELPER_STACK_BYTES,
                false);
        helper.setDaemon(true);
        helper.setPriority(Thread.NORM_PRIORITY);
        return helper;
    }

    /** How many times a chain went on on a helper thread so far. */
    long handedOn() {
        return handedOn.get();
    }

    /** How many helper threads there are now, idle or working (for tests). */
    int helpersAlive() {
        lock.lock();
        try {
            return helpers == null ? 0 : helpers.getPoolSize();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the helpers (they are idle: {@code close()} waits for running queries first). */
    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            if (helpers != null) {
                helpers.shutdown();
            }
        } finally {
            lock.unlock();
        }
    }

    /** One hand-over: run on a helper, awaited by the caller. */
    private final class Segment implements Runnable {
        private final MemoSlot<?, ?> memo;
        private final ActiveStack stack;
        private final boolean needValue;
        final Thread caller;
        Object result;
        Throwable failure;
        /** Set once the helper is done with {@link #stack}: publishes the fields above. */
        private volatile boolean done;

        Segment(MemoSlot<?, ?> memo, ActiveStack stack, boolean needValue, Thread caller) {
            this.memo = memo;
            this.stack = stack;
            this.needValue = needValue;
            this.caller = caller;
        }

        @Override
        public void run() {
            int base = stack.segmentBase;
            int limit = stack.segmentLimit;
            try {
                try {
                    runtime.adopt(stack, Thread.currentThread());
                    stack.segmentBase = stack.depth;
                    stack.segmentLimit = helperDepth;
                    result = Fetch.bringUpToDate(memo, stack, needValue);
                } catch (Throwable e) {
                    failure = e; // whatever it is: the caller throws it
                } finally {
                    stack.segmentBase = base;
                    stack.segmentLimit = limit;
                    runtime.adopt(stack, caller);
                }
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e; // handing the stack back failed; the caller adopts it
                }
            } finally {
                done = true;
                LockSupport.unpark(caller);
            }
        }

        /** Parks until the helper is done; an interrupt is kept for afterwards. */
        void await() {
            boolean interrupted = false;
            while (!done) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.tracked.internal;

import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final long KEEP_ALIVE_SECONDS = 10;
    /** How long a parked caller sleeps before it checks again whether its helper is done. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final QueryRuntime runtime;
    /** Queries deep on a thread that called the database before it hands on. */
    final int callerDepth;
    /** Queries deep on a helper before it hands on. */
    final int helperDepth;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Created on the first hand-over; guarded by {@link #lock}. Neither the pool nor its idle
     * threads refer to the database, so a database dropped without {@code close()} can be
     * collected while they wait out their keep-alive.
     */
    private ThreadPoolExecutor helpers;
    private boolean shutDown;
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
        } catch (Throwable e) {
            if (segment.startInterrupted) {
                Thread.currentThread().interrupt(); // kept, as the helper never started
            }
            if (e instanceof RejectedExecutionException) {
                throw runtime.closed(); // the pool is shut down: close() came in
            }
            throw e; // no thread could be started (out of memory): nothing was handed over
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
                        TimeUnit.SECONDS, new SynchronousQueue<>(), new Helpers());
            }
            return helpers;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the helper threads of one database's pool; refers to nothing else. */
    private static final class Helpers implements ThreadFactory {
        private final AtomicInteger created = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Helper helper = new Helper(task, "tracked-stack-" + created.incrementAndGet());
            helper.setDaemon(true);
            helper.setPriority(Thread.NORM_PRIORITY);
            return helper;
        }
    }

    /**
     * A helper thread. While it runs a segment it serves a thread (the caller, or the helper
     * that handed on to it), and stands in for it in every database: a database that finds no
     * stack of its own for the helper adopts the served thread's ({@link #adoptFor}), so that a
     * body run on the helper that calls another database (one whose query called this one)
     * is, for that database, still inside that query. Each stack it adopts is handed back when
     * the segment ends.
     */
    static final class Helper extends Thread {
        /** The thread this one stands in for; {@code null} between segments. Own thread only. */
        private Thread servingFor;
        /** What this helper adopted in its segment, as triples: database, stack, from thread. */
        private final ArrayList<Object> adopted = new ArrayList<>();

        /** The thread this one stands in for, or {@code null}. */
        Thread servingFor() {
            return servingFor;
        }

        Helper(Runnable task, String name) {
            // No inherited thread-locals: a helper serves whichever thread hands on to it.
            super(null, task, name, HELPER_STACK_BYTES, false);
        }

        /**
         * The stack this helper uses in {@code runtime}, which has none for it: the served
         * thread's, or the one that thread serves, and so on, adopted for the rest of the
         * segment; if none has one, a new stack of the outermost of them, adopted likewise (so
         * that a helper never owns a stack). {@code null} if {@code create} is false and none
         * has one.
         */
        ActiveStack adoptFor(QueryRuntime runtime, boolean create) {
            Thread outermost = null;
            for (Thread served = servingFor; served != null;
                    served = served instanceof Helper helper ? helper.servingFor : null) {
                ActiveStack found = runtime.stacks.get(served);
                if (found != null && found.thread == served) {
                    adopt(runtime, found);
                    return found;
                }
                outermost = served;
            }
            if (outermost == null) {
                // Not in a segment (never, for a pool's thread): a thread like any other.
                return create ? runtime.stacks.computeIfAbsent(this, runtime::newStack) : null;
            }
            if (!create) {
                return null;
            }
            ActiveStack made = runtime.stacks.computeIfAbsent(outermost, runtime::newStack);
            adopt(runtime, made);
            return made;
        }

        private void adopt(QueryRuntime runtime, ActiveStack stack) {
            adopted.add(runtime);
            adopted.add(stack);
            adopted.add(stack.thread);
            runtime.adopt(stack, this);
        }

        /** Hands back every stack adopted in this segment, the last first. */
        private void handBack() {
            Throwable failure = null;
            for (int i = adopted.size() - 3; i >= 0; i -= 3) {
                try {
                    ((QueryRuntime) adopted.get(i)).adopt((ActiveStack) adopted.get(i + 1),
                            (Thread) adopted.get(i + 2));
                } catch (Throwable e) {
                    failure = e; // out of memory: hand back the others all the same
                }
            }
            adopted.clear();
            servingFor = null;
            if (failure != null) {
                throw QueryRuntime.<RuntimeException>sneaky(failure);
            }
        }
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
        /**
         * Whether the helper is to start interrupted: the caller was when it handed on (its
         * status is cleared meanwhile), or was interrupted before the helper started.
         */
        private boolean startInterrupted;
        /** Whether the helper has started, or ended: then interrupts go to it, or stay. */
        private boolean started;
        Object result;
        Throwable failure;
        /** Whether the helper ended interrupted: the caller ends so (a body may clear it). */
        private boolean endInterrupted;
        /** Set once the helper is done with {@link #stack}: publishes the fields above. */
        private volatile boolean done;
        /**
         * The helper while it runs the segment, so that an interrupt of the caller reaches the
         * body running for it, as it would on one thread; guarded by {@link #interrupts}.
         */
        private Thread runner;
        private final ReentrantLock interrupts = new ReentrantLock();

        Segment(MemoSlot<?, ?> memo, ActiveStack stack, boolean needValue, Thread caller) {
            this.memo = memo;
            this.stack = stack;
            this.needValue = needValue;
            this.caller = caller;
            this.startInterrupted = Thread.interrupted(); // called on the caller's thread
        }

        @Override
        public void run() {
            Helper helper = (Helper) Thread.currentThread();
            int base = stack.segmentBase;
            int limit = stack.segmentLimit;
            try {
                try {
                    interrupts.lock();
                    try {
                        runner = helper;
                        started = true;
                        if (startInterrupted) {
                            helper.interrupt();
                        }
                    } finally {
                        interrupts.unlock();
                    }
                    helper.servingFor = caller;
                    helper.adopt(runtime, stack);
                    stack.segmentBase = stack.depth;
                    stack.segmentLimit = helperDepth;
                    result = Fetch.bringUpToDate(memo, stack, needValue);
                } catch (Throwable e) {
                    failure = e; // whatever it is: the caller throws it
                } finally {
                    stack.segmentBase = base;
                    stack.segmentLimit = limit;
                    interrupts.lock();
                    try {
                        runner = null;
                    } finally {
                        interrupts.unlock();
                    }
                    endInterrupted = Thread.interrupted(); // cleared: the pool's thread goes on
                    helper.handBack();
                }
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e; // handing a stack back failed; the caller adopts its own
                }
            } finally {
                done = true;
                LockSupport.unpark(caller);
            }
        }

        /**
         * Parks until the helper is done. An interrupt meanwhile goes on to the helper; the
         * caller ends interrupted if the helper did, or if one came too late to go on.
         */
        void await() {
            boolean late = false;
            while (!done) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
                if (Thread.interrupted()) {
                    interrupts.lock();
                    try {
                        if (runner != null) {
                            runner.interrupt();
                        } else if (!started) {
                            startInterrupted = true;
                        } else {
                            late = true;
                        }
                    } finally {
                        interrupts.unlock();
                    }
                }
            }
            if (endInterrupted || late || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

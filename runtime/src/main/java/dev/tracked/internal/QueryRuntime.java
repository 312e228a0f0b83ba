package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.QueryKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state one database shares between its ingredients: the current revision, the revision in
 * which an input of each durability last changed, when each input was last written, the event
 * listener, and each thread's stack of active queries. Nothing here is static: two databases share
 * nothing.
 */
public final class QueryRuntime {
    private static final int DURABILITIES = Durability.values().length;
    private static final VarHandle ACTIVE_THREADS;

    static {
        try {
            ACTIVE_THREADS = MethodHandles.lookup()
                    .findVarHandle(QueryRuntime.class, "activeThreads", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventListener listener;
    /**
     * The stacks of threads inside a query of this database, and the last one used. Kept here
     * rather than in a ThreadLocal, whose per-thread maps fill with stale entries when programs
     * create many databases (a test suite, a fork per request).
     */
    private final ConcurrentHashMap<Thread, ActiveStack> stacks = new ConcurrentHashMap<>();
    private volatile ActiveStack recent;
    private final Object writeLock = new Object();

    /** Written only under {@link #writeLock}, after everything else a write changes. */
    private volatile long revision = 1;

    /**
     * {@code lastChanged[d]}: the latest revision in which an input that memos of durability
     * {@code d} may have read changed. A write of durability {@code w} updates every {@code d <= w}.
     */
    private final long[] lastChanged = new long[DURABILITIES];

    /** The latest revision started by {@link #syntheticWrite}: it changes no input, yet all. */
    private long lastSyntheticWrite;

    private final InputWrites inputWrites = new InputWrites();

    /**
     * How many threads are inside a query of this database (their stack is not empty). While it
     * is zero, a memo hit needs no thread-local lookup: there is no query to record the read in.
     */
    @SuppressWarnings("unused") // accessed through ACTIVE_THREADS
    private volatile int activeThreads;

    public QueryRuntime(EventListener listener) {
        this.listener = listener;
        Arrays.fill(lastChanged, 1);
    }

    /** The current revision. */
    public long revision() {
        return revision;
    }

    /**
     * Whether nothing a memo of durability {@code durability} that read LOW inputs {@code [lo,
     * hi]} (and durable ones if {@code readsDurable}) can have changed after {@code verifiedAt}:
     * no write of its durability or higher; or no write to any of its LOW inputs, and no durable
     * write if it read durable inputs.
     */
    boolean unchangedSince(long verifiedAt, int durability, int lo, int hi,
            boolean readsDurable) {
        if (lastChanged[durability] <= verifiedAt) {
            return true;
        }
        return lastSyntheticWrite <= verifiedAt
                && (!readsDurable || lastChanged[Durability.MEDIUM.ordinal()] <= verifiedAt)
                && !inputWrites.writtenAfter(lo, hi, verifiedAt);
    }

    /** A new input id. */
    int registerInput() {
        synchronized (writeLock) {
            return inputWrites.register();
        }
    }

    /** The lock that serializes writes (and the creation of input slots). */
    Object writeLock() {
        return writeLock;
    }

    /**
     * The revision a write would start. Call under {@link #writeLock()}, store the written value
     * with it as its changed-revision, then {@link #commitWrite}.
     */
    long nextRevision() {
        return revision + 1;
    }

    /**
     * Makes {@code next} the current revision: input {@code inputId} was written with
     * durability {@code durability}. Call under {@link #writeLock()}.
     */
    void commitWrite(int inputId, int durability, long next) {
        inputWrites.written(inputId, next);
        for (int d = 0; d <= durability; d++) {
            lastChanged[d] = next;
        }
        revision = next;
    }

    /** Implements {@link dev.tracked.runtime.Database#syntheticWrite}. */
    public void syntheticWrite(Durability durability) {
        if (inQuery()) {
            throw notInQuery("syntheticWrite(" + durability + ")");
        }
        checkNoOtherThreadInQuery("syntheticWrite(" + durability + ")");
        synchronized (writeLock) {
            long next = revision + 1;
            lastSyntheticWrite = next;
            for (int d = 0; d <= durability.ordinal(); d++) {
                lastChanged[d] = next;
            }
            revision = next;
        }
    }

    /** Whether the calling thread is inside a query body of this database. */
    boolean inQuery() {
        return stack().depth > 0;
    }

    /** The error for calling {@code what}, a write, from inside a query body. */
    IllegalStateException notInQuery(String what) {
        return new IllegalStateException("Cannot call " + what + " while query "
                + stack().top().slot.queryKey() + " is running on this thread: a query body"
                + " must not change inputs. Set inputs between query calls, from outside any"
                + " query.");
    }

    /** Whether some thread is inside a query, so that a read may have to be recorded. */
    boolean anyActive() {
        return activeThreads != 0;
    }

    /** This thread's stack. */
    ActiveStack stack() {
        ActiveStack last = recent;
        Thread thread = Thread.currentThread();
        if (last != null && last.thread == thread) {
            return last;
        }
        ActiveStack stack = stacks.computeIfAbsent(thread, t -> new ActiveStack());
        recent = stack;
        return stack;
    }

    /** Records a read of the up-to-date {@code slot} in the query running on this thread, if any. */
    void recordRead(Slot slot) {
        ActiveStack.Frame top = stack().top();
        if (top != null && top.kind == ActiveStack.Kind.EXECUTE) {
            top.record(slot);
        }
    }

    /**
     * The slow path of every read: brings {@code slot} up to date on this thread's stack and
     * records the read, or its failure, in the query running on this thread, if any.
     */
    void readSlow(Slot slot) {
        ActiveStack stack = stack();
        boolean outermost = stack.depth == 0;
        if (outermost) {
            enter();
        }
        try {
            ActiveStack.Frame caller = stack.top();
            boolean recording = caller != null && caller.kind == ActiveStack.Kind.EXECUTE;
            try {
                slot.update(stack);
            } catch (RuntimeException e) {
                if (recording) {
                    caller.recordFailure(slot, revision);
                }
                throw e;
            }
            if (recording) {
                caller.record(slot);
            }
        } finally {
            if (outermost) {
                exit(stack);
            }
        }
    }

    /**
     * Call when a thread's stack goes from empty to not empty. Queries that compute, re-validate
     * or load on several threads at once are not supported yet: rather than let them race on the
     * same memos, the second thread fails here, before touching anything. (Hits, which change
     * nothing, may run on any number of threads.)
     */
    void enter() {
        if ((int) ACTIVE_THREADS.getAndAdd(this, 1) != 0) {
            ACTIVE_THREADS.getAndAdd(this, -1);
            throw new IllegalStateException("Another thread is inside a query of this database."
                    + " This version of Tracked computes queries on one thread at a time: hand the"
                    + " database from thread to thread (an executor, a lock), or give each thread"
                    + " its own database. Memo hits may be read from any number of threads.");
        }
    }

    /** Fails when a thread other than the calling one is inside a query of this database. */
    void checkNoOtherThreadInQuery(String what) {
        if (activeThreads != 0 && !inQuery()) {
            throw new IllegalStateException("Cannot call " + what + " while a query runs on"
                    + " another thread. This version of Tracked does not cancel running queries:"
                    + " write between queries, from the thread that runs them or after they end.");
        }
    }

    /**
     * Call when a thread's stack goes back to empty. The stack is forgotten unless it is the most
     * recent one, so threads that stop using the database leave nothing behind.
     */
    void exit(ActiveStack stack) {
        ACTIVE_THREADS.getAndAdd(this, -1);
        if (recent != stack) {
            stacks.remove(stack.thread, stack);
        }
    }

    /**
     * The cycle closed by reading {@code slot}, which this thread is already computing or
     * verifying: the queries on this thread's stack from {@code slot} up to the innermost one.
     */
    CycleException cycle(ActiveStack stack, Slot slot) {
        List<QueryKey> path = new ArrayList<>();
        for (Slot participant : stack.from(slot)) {
            path.add(participant.queryKey());
        }
        return new CycleException(path);
    }

    /** Whether events are observed at all; callers skip building events when not. */
    boolean hasListener() {
        return listener != null;
    }

    /** Delivers an event; a listener that throws is logged and ignored. */
    void emit(Event event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            System.getLogger("dev.tracked")
                    .log(System.Logger.Level.WARNING, "Event listener failed on " + event
                            + "; the event was dropped and the database is unaffected", e);
        }
    }
}

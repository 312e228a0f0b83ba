package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The state one database shares between its ingredients: the current revision, the revision in
 * which an input of each durability last changed, the event listener, and each thread's stack of
 * active queries. Nothing here is static: two databases share nothing.
 */
public final class QueryRuntime {
    private static final int DURABILITIES = Durability.values().length;

    private final EventListener listener;
    private final ThreadLocal<ActiveQuery> active = new ThreadLocal<>();
    private final Object writeLock = new Object();

    /** Written only under {@link #writeLock}, after {@link #lastChanged}; read without locking. */
    private volatile long revision = 1;

    /**
     * {@code lastChanged[d]}: the latest revision in which an input that memos of durability
     * {@code d} may have read changed. A write of durability {@code w} updates every {@code d <= w}.
     */
    private final long[] lastChanged = new long[DURABILITIES];

    public QueryRuntime(EventListener listener) {
        this.listener = listener;
        java.util.Arrays.fill(lastChanged, 1);
    }

    /** The current revision. */
    public long revision() {
        return revision;
    }

    /** The latest revision in which anything a memo of durability {@code durability} read may have changed. */
    long lastChanged(int durability) {
        return lastChanged[durability];
    }

    /**
     * Starts a new revision for a write of durability {@code durability}. {@code apply} receives the
     * new revision number and stores the written value before the revision becomes current.
     */
    long write(int durability, LongConsumer apply) {
        synchronized (writeLock) {
            long next = revision + 1;
            apply.accept(next);
            for (int d = 0; d <= durability; d++) {
                lastChanged[d] = next;
            }
            revision = next;
            return next;
        }
    }

    /** Implements {@link dev.tracked.runtime.Database#syntheticWrite}. */
    public void syntheticWrite(Durability durability) {
        checkNotInQuery("syntheticWrite(" + durability + ")");
        write(durability.ordinal(), next -> {});
    }

    /** Fails when the calling thread is inside a query body of this database. */
    void checkNotInQuery(String what) {
        ActiveQuery top = active.get();
        if (top != null) {
            throw new IllegalStateException("Cannot call " + what + " while query "
                    + top.slot.queryKey() + " is running on this thread: a query body must not"
                    + " change inputs. Set inputs between query calls, from outside any query.");
        }
    }

    /** The innermost query running or being verified on this thread, or {@code null}. */
    ActiveQuery current() {
        return active.get();
    }

    ActiveQuery push(Slot slot) {
        ActiveQuery frame = new ActiveQuery(slot, active.get(), Thread.currentThread());
        active.set(frame);
        return frame;
    }

    void pop(ActiveQuery frame) {
        active.set(frame.parent);
    }

    /**
     * The cycle closed by reading {@code slot}, which this thread is already computing or
     * verifying: the queries on this thread's stack from {@code slot} up to the innermost one.
     */
    CycleException cycle(Slot slot) {
        List<QueryKey> path = new ArrayList<>();
        for (ActiveQuery frame = active.get(); frame != null; frame = frame.parent) {
            path.add(frame.slot.queryKey());
            if (frame.slot == slot) {
                break;
            }
        }
        Collections.reverse(path);
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

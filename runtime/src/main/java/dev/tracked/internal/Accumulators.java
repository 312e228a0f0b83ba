package dev.tracked.internal;

import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.QueryKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accumulators: what {@code @Accumulator} methods push from query bodies, kept per memo (replaced
 * when the memo runs again, kept when it is re-validated, copied by a fork), and {@code
 * accumulated(...)}, which runs queries and collects what they, and everything they read, pushed.
 */
final class Accumulators {
    private final QueryRuntime runtime;
    /**
     * Values pushed through {@code @Accumulator} methods, by the memo whose body pushed them (only
     * memos with the {@link Slot#ACCUMULATED} bit have an entry), as pairs: the accumulator's
     * name, then the value.
     */
    private final ConcurrentHashMap<Slot, List<Object>> values = new ConcurrentHashMap<>();

    Accumulators(QueryRuntime runtime) {
        this.runtime = runtime;
    }

    /** A fork: the values of the memos {@code copy}'s database now shares with this one. */
    void copyInto(Accumulators copy) {
        copy.values.putAll(values);
    }

    /**
     * {@code copy} of {@code old}, a memo shared with a fork, is about to take its place: it
     * holds the same values. Called before the copy is published.
     */
    void copied(Slot old, Slot copy) {
        List<Object> pushed = values.get(old);
        if (pushed != null) {
            values.put(copy, pushed);
        }
    }

    /**
     * The values {@code slot} pushed, or none. A slot shared with a fork may have been copied
     * since this thread found it, and its entry moved to the copy: then the copy's.
     */
    private List<Object> valuesOf(Slot slot) {
        List<Object> pushed = values.get(slot);
        while (pushed == null) {
            Slot now = runtime.current(slot); // published before the old entry went
            if (now == null || now == slot) {
                return List.of();
            }
            slot = now;
            pushed = values.get(slot);
        }
        return pushed;
    }

    /** {@code old}'s copy took its place (see {@link #copied}): its entry goes. */
    void forget(Slot old) {
        values.remove(old);
    }

    /** The database is closed: forgets every value. */
    void clear() {
        values.clear();
    }

    /**
     * Implements an {@code @Accumulator} method: records {@code value} as a side output of the
     * query whose body is running on this thread.
     *
     * @param accumulator the method's name, for the error when no query body is running
     * @param value the value pushed
     */
    void push(String accumulator, Object value) {
        ActiveStack stack = runtime.current();
        ActiveStack.Frame top = stack != null ? stack.top() : null;
        if (top != null && top.kind == ActiveStack.Kind.LOAD
                && top.slot instanceof MemoSlot<?, ?>) {
            return; // verifyReuse runs a memo's body again: the memo holds what it pushes
        }
        if (top == null || top.kind != ActiveStack.Kind.EXECUTE
                || !(top.slot instanceof MemoSlot<?, ?>)) {
            throw new IllegalStateException("Accumulator " + accumulator + "(" + value + ") was"
                    + " called outside a @Tracked query body. Values pushed through an"
                    + " @Accumulator method belong to the query whose body pushes them: call it"
                    + " from a @Tracked method's body, and read the values with"
                    + " db.accumulated(type, () -> db.query(...)).");
        }
        if (value == null) {
            throw new NullPointerException("Accumulator " + accumulator + " was called with null"
                    + " in " + top.slot.queryKey() + ": accumulators collect values, so push one"
                    + " (an Optional, or a value that says what is missing), not null");
        }
        if (top.accumulated == null) {
            top.accumulated = new ArrayList<>();
        }
        // Pairs (accumulator, value), so that accumulators of one value type are read apart.
        top.accumulated.add(accumulator);
        top.accumulated.add(value);
    }

    /** Stores what the body that ran in {@code frame} pushed, replacing the memo's old values. */
    void store(Slot slot, ActiveStack.Frame frame) {
        if (frame.accumulated != null && !frame.accumulated.isEmpty()) {
            values.put(slot, List.copyOf(frame.accumulated));
            slot.state |= Slot.ACCUMULATED;
        } else {
            drop(slot);
        }
    }

    /** Forgets what the memo of {@code slot} pushed: it failed or was dropped. */
    void drop(Slot slot) {
        if ((slot.state & Slot.ACCUMULATED) != 0) {
            values.remove(slot);
            slot.state &= ~Slot.ACCUMULATED;
        }
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#accumulated}: the values of {@code
     * type} pushed through the accumulator named {@code accumulator}, or through any if {@code
     * null}.
     *
     * @param <T> the type of the values collected
     * @param type the class of the values to collect
     * @param accumulator the name of the one accumulator to read, or {@code null} for all
     * @param queries calls the queries whose values to collect
     * @return the values collected
     */
    <T> List<T> accumulated(Class<T> type, String accumulator, Runnable queries) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(queries, "queries");
        if (runtime.inQuery()) {
            throw new IllegalStateException("Cannot call accumulated(" + type.getSimpleName()
                    + ", ...) while query " + runtime.stack().top().slot.queryKey() + " is running on"
                    + " this thread: call it from outside any query.");
        }
        ActiveStack stack = runtime.stack();
        boolean outermost = !stack.entered;
        if (outermost) {
            runtime.enter(stack);
        }
        // The queries run inside a frame of their own, which records what they call: the frame
        // of a slot that is not a query, and is never memoized.
        int base = stack.depth;
        Slot root = new QueryRuntime.Outside(QueryKey.of("accumulated",
                List.of(accumulator != null ? accumulator : type.getSimpleName())));
        try {
            ActiveStack.Frame frame = stack.push(root, ActiveStack.Kind.EXECUTE);
            queries.run();
            if (frame.cancelled != null) {
                throw frame.cancelled;
            }
            List<T> values = collect(type, accumulator, frame.reads());
            Claims.unwindAbove(runtime, stack, base + 1);
            stack.pop(frame);
            return values;
        } catch (Throwable e) {
            Claims.unwind(runtime, stack, base, e);
            if (outermost && e instanceof Cancelled && runtime.isClosed()) {
                throw runtime.closed(e);
            }
            throw e;
        } finally {
            if (outermost) {
                runtime.exit(stack);
            }
        }
    }

    /**
     * The values of {@code type} pushed by {@code reads} and what they read: each memo's own
     * values, then those of its dependencies in read order, depth first, each memo once.
     */
    private <T> List<T> collect(Class<T> type, String accumulator, Slot[] reads) {
        List<T> found = new ArrayList<>();
        Set<Slot> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Slot> pending = new ArrayDeque<>();
        for (int i = reads.length - 1; i >= 0; i--) {
            pending.push(reads[i]);
        }
        while (!pending.isEmpty()) {
            Slot slot = runtime.current(pending.pop()); // as this database holds it now
            if (!(slot instanceof MemoSlot<?, ?> memo) || !seen.add(slot)) {
                continue;
            }
            if ((slot.state & Slot.ACCUMULATED) != 0) {
                List<Object> pushed = valuesOf(slot);
                for (int i = 0; i < pushed.size(); i += 2) {
                    Object value = pushed.get(i + 1);
                    if ((accumulator == null || accumulator.equals(pushed.get(i)))
                            && type.isInstance(value)) {
                        found.add(type.cast(value));
                    }
                }
            }
            Object deps = memo.deps;
            if (deps instanceof Slot one) {
                pending.push(one);
            } else if (deps != null) {
                Slot[] all = (Slot[]) deps;
                for (int i = all.length - 1; i >= 0; i--) {
                    pending.push(all[i]);
                }
            }
        }
        return found;
    }
}

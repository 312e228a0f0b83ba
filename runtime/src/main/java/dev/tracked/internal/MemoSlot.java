package dev.tracked.internal;

import dev.tracked.runtime.QueryKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One memo: a key of a query, its value, and what it was computed from. Its fields are written by
 * the thread that holds its claim, and published by the release store of {@link #verifiedAt} (or
 * of the state, for what a claim changes without verifying): a reader that acquires {@code
 * verifiedAt == revision} sees them all, which is the whole hit path.
 *
 * <p>What is done to a memo lives in a file for each phase: {@link Fetch} (the slow path of a
 * read), {@link Verify} (re-validation), {@link Execute} (running the body, backdating) and
 * {@link Cycles} (a memo that reads itself).
 *
 * @param <K> the key type
 * @param <V> the value type, boxed
 */
public final class MemoSlot<K, V> extends Slot {
    /** Release stores and compare-and-sets of {@link #verifiedAt}. */
    static final VarHandle VERIFIED_AT;

    static {
        try {
            VERIFIED_AT = MethodHandles.lookup()
                    .findVarHandle(MemoSlot.class, "verifiedAt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The memoized value; meaningful once {@link #PRESENT} is set. */
    V value;
    /** What the body read, in read order: {@code null}, one {@link Slot}, or a {@code Slot[]}. */
    Object deps;
    /**
     * The latest revision in which the memo was known to be up to date; 0 before any. Read as a
     * volatile (acquire), written with release through {@link #VERIFIED_AT}. Negative once LRU
     * evicted the value: the memo's dependencies still let its readers re-validate through it,
     * and it was verified in revision {@code -verifiedAt}; it runs again only when its value is
     * read.
     */
    volatile int verifiedAt;

    MemoSlot(Epoch epoch, K key, byte keyTag) {
        super(epoch, key, keyTag);
    }

    /**
     * The query this memo belongs to. The phases run only on memos their table owns (see {@link
     * Epoch}): for a memo shared with a fork this is {@code null}.
     */
    @SuppressWarnings("unchecked")
    MemoTable<K, V> table() {
        return (MemoTable<K, V>) epoch.table;
    }

    @SuppressWarnings("unchecked")
    K key() {
        return (K) key;
    }

    @Override
    public QueryKey queryKey() {
        return QueryKey.of(epoch.name, epoch.args(key));
    }

    /** How many dependencies the memo has. */
    int dependencyCount() {
        return deps == null ? 0 : deps instanceof Slot ? 1 : ((Slot[]) deps).length;
    }

    /** Verified in revision {@code now}, with its value if {@code needValue}. */
    boolean upToDate(int now, boolean needValue) {
        int verified = verifiedAt;
        return verified == now || (!needValue && verified == -now);
    }

    @Override
    Object update(ActiveStack stack) {
        return Fetch.bringUpToDate(this, stack, true);
    }

    /**
     * {@inheritDoc} The walk of {@link Verify#deep} does not call this for a memo: it opens
     * the memo itself ({@code Verify.open}) and goes on with it in its loop, so as not to
     * recurse. This answers the same, by recursion, for any other caller.
     */
    @Override
    boolean changedAfter(int revision, ActiveStack stack) {
        // A reader re-validating needs to know whether the value changed, not the value: an
        // evicted memo is verified, not re-run.
        Object outcome = Fetch.bringUpToDate(this, stack, false);
        if (outcome == Cycles.CHANGED) {
            return true;
        }
        return outcome != Cycles.UNCHANGED && changedAt > revision;
    }

    /**
     * Unwinding after {@code failure}: a head that failed or was cancelled before its cycle was
     * final drops what it computed from its provisional value; a body that failed (not
     * cancelled) drops the memo.
     */
    @Override
    void abandon(ActiveStack stack, ActiveStack.Frame frame, Throwable failure) {
        if (!frame.participants.isEmpty()) {
            Cycles.abandon(this, stack, frame, failure);
        }
        if (frame.kind == ActiveStack.Kind.EXECUTE) {
            Execute.failed(this, frame, failure);
        }
    }

    /**
     * LRU dropped the value, which it returns. Called under the LRU lock, while no query runs.
     */
    Object evict() {
        int verified = verifiedAt;
        if (verified > 0) {
            VERIFIED_AT.setVolatile(this, -verified);
        }
        Object dropped = value;
        // A hit that sees the value gone sees the revision negated too (see readLru).
        VarHandle.storeStoreFence();
        value = null;
        return dropped;
    }
}

package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import dev.tracked.runtime.CycleException;
import dev.tracked.runtime.Event;
import dev.tracked.runtime.EventListener;
import dev.tracked.runtime.Explanation;
import dev.tracked.runtime.Query;
import dev.tracked.runtime.QueryKey;
import dev.tracked.runtime.UntrackedReadException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The state one database shares between its ingredients, and the protocol that keeps it
 * consistent between threads: the current revision, the revision in which an input of each
 * durability last changed, when each input was last written, writes and the cancellation of the
 * queries they interrupt, rebasing of revision numbers, {@code close()}, each thread's stack of
 * active queries, and the recording of what a running query reads. Nothing here is static: two
 * databases share nothing.
 *
 * <p>The rest of the engine lives in files named for what they do: {@link Claims} (single
 * flight and waiting), {@link Fork}, {@link Events}, {@link Inspection} ({@code explain}, {@code
 * dot}), {@link Accumulators}, {@link Lru}, {@link Batch} (batched writes), and for memos {@link Fetch}, {@link Verify}, {@link
 * Execute} and {@link Cycles}.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li><b>Hits</b> take no lock: a slot current in this revision is read as it is.
 *   <li><b>Single flight</b>: a thread that brings a slot up to date (verifies, executes or loads
 *       it) first <em>claims</em> it (see {@link Claims}); a thread that finds it claimed waits
 *       on {@link #waitLock} until the owner releases it, then reads the owner's result, or gets
 *       {@link Cancelled} if the owner failed. Before waiting it follows the chain of owners and
 *       the slots they wait for: if the chain comes back to itself, waiting would deadlock, and
 *       it throws {@link CycleException} instead.
 *   <li><b>Writes</b> are serialized by {@link #writeLock}. A writer raises {@link #PENDING_WRITE}
 *       in {@link #activeThreads} and waits until no thread is inside a query; queries see the
 *       flag at their next query call and unwind with {@link Cancelled}; new outermost calls wait
 *       for the write to finish. So the revision never changes while a query runs, and a value
 *       computed in a revision is stored as verified in that revision only.
 * </ul>
 */
public final class QueryRuntime {
    private static final int DURABILITIES = Durability.values().length;
    /** {@link #activeThreads} bit: a write waits for running queries to unwind. */
    static final int PENDING_WRITE = 1 << 30;
    /**
     * {@link #activeThreads} bit, set for good with {@code verifyReuse}: every read takes the
     * slow side of the hit path, where reuse is checked. Costs nothing when not set.
     */
    private static final int CHECK_READS = 1 << 29;
    /** {@link #activeThreads} bit, set for good by {@link #close}: every call fails. */
    private static final int CLOSED = 1 << 28;
    /**
     * {@link #activeThreads}: the count of threads inside a query. The flags are the bits above
     * it, so {@code activeThreads < CLOSED} says that none is raised.
     */
    private static final int COUNT = CLOSED - 1;
    /** Beyond this many stacks, a thread's stack is dropped when it leaves its outermost query. */
    private static final int KEPT_STACKS = 64;
    private static final VarHandle ACTIVE_THREADS;
    static final VarHandle WAITERS;
    static final VarHandle STATE;
    private static final VarHandle RECENT;
    private static final VarHandle HIT_REVISION;
    private static final VarHandle REBASE_STARTS;
    /** How many threads' stacks {@link #byThread} holds at most (a power of two). */
    private static final int CACHED_STACKS = 16;
    private static final VarHandle BY_THREAD =
            MethodHandles.arrayElementVarHandle(ActiveStack[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACTIVE_THREADS = lookup.findVarHandle(QueryRuntime.class, "activeThreads", int.class);
            WAITERS = lookup.findVarHandle(QueryRuntime.class, "waiters", int.class);
            STATE = lookup.findVarHandle(Slot.class, "state", byte.class);
            RECENT = lookup.findVarHandle(QueryRuntime.class, "recent", ActiveStack.class);
            HIT_REVISION = lookup.findVarHandle(QueryRuntime.class, "hitRevision", int.class);
            REBASE_STARTS = lookup.findVarHandle(QueryRuntime.class, "rebaseStarts", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventListener listener;
    /** {@code builder().verifyReuse(true)}: every reuse of a memo is checked by running it. */
    private final boolean verifyReuse;
    /**
     * The stacks of threads using this database, the last one used, and a cache by thread id.
     * Kept here rather than in a ThreadLocal, whose per-thread maps fill with stale entries when
     * programs create many databases (a test suite, a fork per request). {@link #recent} and
     * {@link #byThread} are read and written opaque (no fence): a stale or foreign value only
     * costs a lookup further on, as {@link ActiveStack#thread} is checked (it changes only when a
     * helper adopts a stack, see {@link #adopt}, and a thread sees its own stack's as it last
     * wrote it); opaque keeps a thread from going back to a value it has seen replaced. A single thread finds its stack
     * in {@link #recent}; threads running queries at the same time find theirs in {@link
     * #byThread} unless their ids collide there, rather than in the map.
     */
    final ConcurrentHashMap<Thread, ActiveStack> stacks = new ConcurrentHashMap<>();
    /**
     * Where chains deeper than a thread's stack holds continue: see {@link StackSegments}. Set
     * once, before any query runs (a test may set other depths).
     */
    StackSegments segments = new StackSegments(this, StackSegments.CALLER_DEPTH,
            StackSegments.HELPER_DEPTH);
    @SuppressWarnings("unused") // accessed through RECENT
    private ActiveStack recent;
    private final ActiveStack[] byThread = new ActiveStack[CACHED_STACKS];
    /** Serializes writes: held from raising {@link #PENDING_WRITE} to the end of the write. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * The lock of waits for a claimed slot. Taken only when some thread has to wait. A {@code
     * java.util.concurrent} lock, not a monitor, so that a virtual thread that waits unmounts
     * from its carrier on every JDK (a monitor wait pins it before JDK 24). Writes take no lock
     * to wait or to wake: a writer waits for running queries with {@link #unwindingWriter},
     * and calls wait for a write with {@link #writeEnded}, so that a write never queues for a
     * lock behind the threads it held up (with a thousand virtual threads, that queue took
     * seconds).
     */
    final ReentrantLock waitLock = new ReentrantLock();
    /** Signalled, under {@link #waitLock}, when a claimed slot is released (or closed). */
    final Condition waitSignal = waitLock.newCondition();
    /**
     * The last rank given to a stack found in a cycle across threads (see {@link
     * ActiveStack#rank}); guarded by {@link #waitLock}.
     */
    long ranks;
    /** How many cycles across threads were broken by a thread giving its part up; wait lock. */
    long cyclesHandedOver;
    /** The writer waiting for running queries to unwind, unparked by the last to leave. */
    private volatile Thread unwindingWriter;
    /**
     * Opened when the pending write (or {@link #close}) is over: what a call that starts while
     * it is pending waits on. Each write makes a new one before it is seen pending.
     */
    private volatile CountDownLatch writeEnded = new CountDownLatch(0);

    /**
     * The current revision, as stored in slots: an {@code int}, so that a memo is 8 bytes
     * smaller than with two {@code long} revisions. Before it would overflow, a write {@linkplain
     * #rebase rebases} every stored revision. Written only under {@link #writeLock}, after
     * everything else a write changes.
     */
    private volatile int revision = 1;
    /**
     * What hits compare a memo's verified-revision with: {@link #revision}, or {@link #NO_HITS}
     * from the moment a write is requested until it is done (and for good once closed), so that
     * a call that starts while a write waits finds no memo current and takes the slow path,
     * which waits for the write. Costs a hit nothing: it reads this field instead of {@link
     * #revision}.
     */
    private volatile int hitRevision = 1;
    /** {@link #hitRevision} while a write is pending: no verified-revision is ever this. */
    static final int NO_HITS = Integer.MIN_VALUE;
    /**
     * How much {@link #rebase} subtracted from stored revisions so far: the revision users see
     * is {@link #revision} plus this.
     */
    private volatile long rebased;
    /** Odd while {@link #rebase} changes {@link #revision} and {@link #rebased} together. */
    private volatile int rebasing;
    /** The revision at which the next write rebases; lowered by tests to exercise it. */
    private int rebaseAt = REBASE_AT;
    /**
     * How many rebases started: counted, with a full fence, before a rebase changes anything,
     * for {@link Verify#outside}, which does not wait for writes.
     */
    volatile int rebaseStarts;
    /** For tests: run by {@link #rebase} once the slots are rebased, before the rest. */
    Runnable betweenRebasePhases;
    /** See {@link #rebaseAt}: leaves room for the write that starts the next revision. */
    static final int REBASE_AT = Integer.MAX_VALUE - 1;

    /**
     * {@code lastChanged[d]}: the latest revision in which an input that memos of durability
     * {@code d} may have read changed. A write of durability {@code w} updates every {@code d <= w}.
     */
    private final int[] lastChanged = new int[DURABILITIES];

    /**
     * The latest revision started by {@link Verify#forceDeep}: it changes no input, yet every
     * memo of its durability or lower walks what it read when next read.
     */
    private int lastForcedDeep;


    /** Every ingredient, in the order the generated constructor created them. */
    final List<SlotTable<?>> tables = new ArrayList<>();

    /** What {@code @Accumulator} methods pushed, per memo, and {@code accumulated(...)}. */
    final Accumulators accumulators = new Accumulators(this);
    /** {@code explain} and {@code dot}, with the reasons recorded by {@code explain(true)}. */
    final Inspection inspection;
    /**
     * Whether reads from outside any query may check stale memos without entering ({@link
     * Verify#outside}): not with a listener, which is told of each validation from a frame, nor
     * while {@code explain} is recorded, which reports the revision a memo was last verified in.
     */
    final boolean checksFromOutside;
    static final Object FIRST_RUN = "it was computed for the first time";
    static final Object EVICTED = "its value had been dropped by LRU";

    /** Drops memos no query read lately, with {@code evictUnusedAfter}; else {@code null}. */
    private final UnusedMemos unused;
    /**
     * The latest revision in which a read took the slow path (so a query was read, and the
     * revision counts as active for {@link #unused}); kept only with {@code evictUnusedAfter}.
     * Written plain by any thread inside the database, read in writes.
     */
    private int activeIn;

    /** The tables of queries declared with {@code lru}, evicted at the start of each revision. */
    private final List<MemoTable<?, ?>> lruTables = new CopyOnWriteArrayList<>();
    /** Memos whose values the current write evicted, reported once it is over; writeLock. */
    private List<Slot> discarded = List.of();

    /**
     * How many threads are inside a query of this database (their stack is not empty), plus
     * {@link #PENDING_WRITE} while a write waits or runs. While it is zero, a memo hit needs no
     * thread-local lookup: there is no query to record the read in, and none to cancel.
     */
    @SuppressWarnings("unused") // accessed through ACTIVE_THREADS
    volatile int activeThreads;

    /**
     * How many threads wait on {@link #waitLock} for a slot: while zero, releasing a slot
     * notifies no one.
     */
    @SuppressWarnings("unused") // accessed through WAITERS
    volatile int waiters;

    /**
     * A runtime that records no explanations and does not verify reuse.
     *
     * @param listener receives every event of the database; {@code null} for none
     */
    public QueryRuntime(EventListener listener) {
        this(listener, false);
    }

    /**
     * A runtime that does not verify reuse.
     *
     * @param listener receives every event of the database; {@code null} for none
     * @param explain whether to record why each memo runs again, for {@link #explain}: a map
     *     entry per re-execution
     */
    public QueryRuntime(EventListener listener, boolean explain) {
        this(listener, explain, false);
    }

    /**
     * A runtime that keeps every memo.
     *
     * @param listener receives every event of the database; {@code null} for none
     * @param explain whether to record why each memo runs again, for {@link #explain}: a map
     *     entry per re-execution
     * @param verifyReuse whether to run again the body of every memo about to be reused, and
     *     throw {@link UntrackedReadException} if it returns something else (for tests)
     */
    public QueryRuntime(EventListener listener, boolean explain, boolean verifyReuse) {
        this(listener, explain, verifyReuse, 0);
    }

    /**
     * A runtime with every option, as the generated builder makes it.
     *
     * @param listener receives every event of the database; {@code null} for none
     * @param explain whether to record why each memo runs again, for {@link #explain}: a map
     *     entry per re-execution
     * @param verifyReuse whether to run again the body of every memo about to be reused, and
     *     throw {@link UntrackedReadException} if it returns something else (for tests)
     * @param evictUnusedAfter drop memos no query read in this many active revisions (see
     *     {@link UnusedMemos}); 0 keeps every memo
     * @throws IllegalArgumentException if {@code evictUnusedAfter} is negative
     */
    public QueryRuntime(EventListener listener, boolean explain, boolean verifyReuse,
            int evictUnusedAfter) {
        if (evictUnusedAfter < 0) {
            throw new IllegalArgumentException("evictUnusedAfter(" + evictUnusedAfter + "): pass"
                    + " how many active revisions a memo nobody reads is kept, or 0 to keep"
                    + " every memo");
        }
        this.listener = listener;
        this.events = new Events(listener, false);
        this.inspection = new Inspection(this, explain);
        this.unused = evictUnusedAfter > 0 ? new UnusedMemos(evictUnusedAfter) : null;
        // Reads from outside that verify without entering leave no mark of the read on the
        // memo: with unused memos dropped, every read must mark it.
        this.checksFromOutside = listener == null && !explain && unused == null;
        this.verifyReuse = verifyReuse;
        this.activeThreads = verifyReuse ? CHECK_READS : 0;
        Arrays.fill(lastChanged, 1);
    }

    /** A runtime in the state of {@code source}, with no tables yet: see {@link Fork}. */
    QueryRuntime(QueryRuntime source, EventListener listener) {
        this.listener = listener;
        this.events = new Events(listener, true);
        this.verifyReuse = source.verifyReuse;
        this.activeThreads = verifyReuse ? CHECK_READS : 0;
        this.inspection = new Inspection(this, source.inspection.recording());
        this.unused = source.unused == null ? null : source.unused.copy();
        this.activeIn = source.activeIn;
        this.checksFromOutside = listener == null && !source.inspection.recording()
                && unused == null;
        this.revision = source.revision;
        this.hitRevision = source.revision;
        this.rebased = source.rebased;
        this.rebaseAt = source.rebaseAt;
        System.arraycopy(source.lastChanged, 0, lastChanged, 0, DURABILITIES);
        this.lastForcedDeep = source.lastForcedDeep;
        this.segments = new StackSegments(this, source.segments.callerDepth,
                source.segments.helperDepth);
    }

    /**
     * For tests: how many queries deep a thread that called the database, and a helper, go
     * before the next claim continues on a helper (see {@link StackSegments}). Call before any
     * query runs; forks made later inherit it.
     */
    void stackDepths(int callerDepth, int helperDepth) {
        if (callerDepth < 1 || helperDepth < 1) {
            throw new IllegalArgumentException("depths of at least 1");
        }
        segments = new StackSegments(this, callerDepth, helperDepth);
    }

    /**
     * Whether this database was forked, or is a fork: then its tables may hold slots shared with
     * another database, which it copies before writing them ({@link #own}), and a dependency may
     * be a slot another database holds, which it finds its own slot for ({@link #current}). Set
     * by a fork, while no query runs; never cleared.
     */
    boolean shares;

    /**
     * The slot of {@code slot}'s key this database may write in place (see {@link
     * SlotTable#own}): {@code slot} itself unless it is shared with a fork. {@code null} if the
     * database has no slot for the key (it was mutated). Called while the thread is entered, or
     * in a write.
     */
    Slot own(Slot slot) {
        if (!shares || slot.epoch == null) {
            return slot;
        }
        return tables.get(slot.epoch.index).own(slot);
    }

    /**
     * The slot of {@code slot}'s key this database holds now, for reading (see {@link
     * SlotTable#currentOf}): {@code slot} itself unless it is shared with a fork, or another
     * database's. {@code null} if the database has no slot for the key (it was mutated).
     */
    Slot current(Slot slot) {
        if (!shares || slot.epoch == null) {
            return slot;
        }
        return tables.get(slot.epoch.index).currentOf(slot);
    }

    /** {@link #own} for a read, which needs a slot: fails if the key was mutated. */
    private Slot ownForRead(Slot slot) {
        Slot owned = own(slot);
        if (owned == null) {
            throw SlotTable.lostToMutation(slot);
        }
        return owned;
    }

    /** Registers an ingredient, in the order the generated constructor creates them. */
    void registerTable(SlotTable<?> table) {
        table.index = tables.size();
        tables.add(table);
    }

    /**
     * Implements {@code fork()}: see {@link Fork}.
     *
     * @param <D> the generated database class
     * @param create the generated constructor: makes the database on the new runtime, creating
     *     the same ingredients in the same order
     * @param listener receives the new database's events; {@code null} for none
     * @return the new database, filled with copies
     */
    public <D> D fork(Function<QueryRuntime, D> create, EventListener listener) {
        return Fork.fork(this, create, listener);
    }

    // ---------------------------------------------------------------------------------------
    // Closing values shared with forks

    /**
     * The values of {@code closeDiscarded} queries that this database shares with its forks (or
     * the database it was forked from), shared by all of them; {@code null} until a fork of a
     * database that has such values.
     */
    volatile SharedValues shared;

    /**
     * A value this database drops (replaced, evicted, discarded or closed with the database):
     * closes it if {@link AutoCloseable}, unless a fork still holds it.
     */
    void discard(Object value) {
        if (value instanceof AutoCloseable) {
            SharedValues family = shared;
            if (family == null || family.release(value)) {
                closeQuietly(value);
            }
        }
    }

    /**
     * The dependency of a memo whose body caught a failure and could not record all it read
     * (the stack was nearly exhausted): it reads as changed in every later revision, so that
     * such a memo is used in the revision it was computed in, and runs again after any write
     * that changes an input.
     */
    final Slot unrecordedRead = new UnrecordedRead();

    /**
     * A slot in no table, standing for something that is not a query: the frame {@link
     * #accumulated} runs its queries in, or {@link #unrecordedRead}. It is never brought up to
     * date, and reads as changed.
     */
    static class Outside extends Slot {
        private final QueryKey name;

        Outside(QueryKey name) {
            super(null, name, (byte) 0);
            this.name = name;
        }

        @Override
        Object update(ActiveStack stack) {
            return NONE;
        }

        @Override
        boolean changedAfter(int revision, ActiveStack stack) {
            return true;
        }

        @Override
        public QueryKey queryKey() {
            return name;
        }

        @Override
        SlotTable<?> owner() {
            throw new UnsupportedOperationException(name + " is in no table");
        }
    }

    /** See {@link #unrecordedRead}. */
    static final class UnrecordedRead extends Outside {
        UnrecordedRead() {
            super(QueryKey.of("unrecordedRead", List.of()));
        }
    }

    /**
     * The listener given to the builder, or {@code null}.
     *
     * @return the listener this runtime's events go to, or {@code null}
     */
    public EventListener listener() {
        return listener;
    }

    /** The current revision, as stored in slots (see {@link #rebase}). */
    int revision() {
        return revision;
    }

    /**
     * The revision a hit compares a memo's verified-revision with: the current one, or {@link
     * #NO_HITS} while a write is pending (see {@link #hitRevision}).
     */
    int hitRevision() {
        return hitRevision;
    }

    /**
     * The current revision as users see it: it only grows, whatever {@link #rebase} did.
     *
     * @return the revision: {@code 1} for a new database, one more after each write
     */
    public long publicRevision() {
        while (true) {
            int before = rebasing;
            long sum = rebased + revision;
            if ((before & 1) == 0 && rebasing == before) {
                return sum;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * The revision users see for {@code stored}, a revision stored in a slot. One that a {@link
     * #rebase} clamped reads as an earlier revision than it was.
     */
    long publicRevision(int stored) {
        return stored <= 0 ? stored : stored + rebased;
    }

    /**
     * Whether nothing a memo of durability {@code durability} (that read durable inputs if {@code
     * readsDurable}) marked {@code dirtyAt} can have changed after {@code verifiedAt}: no write of
     * its durability or higher; or no write reached it through reverse edges since (see {@link
     * Dependents}), and no durable write if it read durable inputs.
     */
    boolean unchangedSince(int verifiedAt, int durability, boolean readsDurable, int dirtyAt) {
        if (lastChanged[durability] <= verifiedAt) {
            return true;
        }
        return lastForcedDeep <= verifiedAt
                && (!readsDurable || lastChanged[Durability.MEDIUM.ordinal()] <= verifiedAt)
                && dirtyAt != Dependents.POISONED && dirtyAt <= verifiedAt;
    }

    // ---------------------------------------------------------------------------------------
    // Writes

    /**
     * Starts a write: waits for other writers, cancels the queries running on other threads and
     * waits until they have unwound. The caller checked it is not inside a query itself, then
     * changes inputs, calls {@link #written} and {@link #startRevision}, and finally {@link
     * #endWrite}.
     */
    void beginWrite() {
        if (writeLock.isHeldByCurrentThread()) {
            throw nestedWrite();
        }
        CountDownLatch ended = new CountDownLatch(1); // before anything is held
        writeLock.lock();
        if ((activeThreads & CLOSED) != 0) {
            writeLock.unlock();
            throw closed();
        }
        try {
            writeEnded = ended;
            // A release store: the atomic update of activeThreads right after it is the fence
            // that makes it visible before the write is seen pending.
            HIT_REVISION.setRelease(this, NO_HITS);
            ACTIVE_THREADS.getAndBitwiseOr(this, PENDING_WRITE);
            if ((activeThreads & COUNT) != 0) {
                awaitQueriesUnwound();
            }
            if (revision >= rebaseAt) {
                rebase();
            }
        } catch (Throwable e) {
            endWrite(); // out of memory or stack: no write, and nothing left held
            throw e;
        }
    }

    /**
     * Makes room for more revisions in an {@code int}: subtracts the same amount from every
     * revision stored anywhere, keeping the latest {@code rebaseAt / 2} apart. Older ones are
     * clamped, changed-revisions above verified-revisions: a memo verified that long ago re-checks
     * what it read (and may run) on its next read, which is always correct; nothing newer
     * notices. Called in a write, when no query runs; once per billion writes by default.
     *
     * <p>Hits from outside any query do not wait for writes. They read the current revision
     * before a memo's verified-revision, and this method writes the current revision last: so a
     * hit compares a rebased memo with the rebased revision, or an old one with the old one,
     * never an old memo that happens to hold the new number with it. Reads that check a memo
     * from outside without entering ({@link Verify#outside}) do not wait either: they read
     * {@link #rebaseStarts} before the memo and again after their verdict.
     */
    private void rebase() {
        int shift = revision - rebaseAt / 2;
        // Counted first, with a full fence: a read from outside that verifies without entering
        // (Verify.outside) and saw anything this rebase changed sees the count changed.
        REBASE_STARTS.getAndAdd(this, 1);
        for (SlotTable<?> table : tables) {
            if (shares) {
                table.ownAll(); // slots shared with a fork keep the revisions the fork reads
            }
            for (Slot slot : table.allSlots()) {
                if (slot != null) {
                    slot.changedAt = rebasedChange(slot.changedAt, shift);
                    slot.dirtyAt = rebasedChange(slot.dirtyAt, shift);
                    if (slot instanceof MemoSlot<?, ?> memo) {
                        int verified = memo.verifiedAt;
                        memo.verifiedAt = verified < 0 ? -rebasedVerified(-verified, shift)
                                : rebasedVerified(verified, shift);
                    }
                }
            }
        }
        if (betweenRebasePhases != null) {
            betweenRebasePhases.run();
        }
        for (int d = 0; d < DURABILITIES; d++) {
            lastChanged[d] = rebasedChange(lastChanged[d], shift);
        }
        lastForcedDeep = rebasedChange(lastForcedDeep, shift);
        if (unused != null) {
            unused.rebase(shift);
            activeIn = rebasedVerified(activeIn, shift);
        }
        rebasing++;
        rebased += shift;
        revision -= shift;
        rebasing++;
    }

    /**
     * The lowest revision a {@link #rebase} keeps: below it, changed-revisions become {@code
     * REBASE_FLOOR - 1} and verified ones {@code REBASE_FLOOR - 2}, so that a memo verified
     * before the cut reads any dependency changed before it as changed after.
     */
    private static final int REBASE_FLOOR = 3;

    /** A changed-revision after {@link #rebase} by {@code shift}. */
    static int rebasedChange(int revision, int shift) {
        if (revision <= 0) {
            return revision; // never changed
        }
        return revision - shift >= REBASE_FLOOR ? revision - shift : REBASE_FLOOR - 1;
    }

    /** A (positive) verified-revision after {@link #rebase} by {@code shift}. */
    static int rebasedVerified(int revision, int shift) {
        if (revision == 0) {
            return 0; // never verified
        }
        return revision - shift >= REBASE_FLOOR ? revision - shift : REBASE_FLOOR - 2;
    }

    /**
     * Makes the next write {@linkplain #rebase rebase} once the revision reaches {@code
     * revision} (at least 8), so that tests can exercise it.
     */
    void rebaseAt(int revision) {
        if (revision < 8) {
            throw new IllegalArgumentException("rebase at " + revision + ": use 8 or more");
        }
        rebaseAt = revision;
    }

    /**
     * Ends a write begun by {@link #beginWrite}: lets waiting and new queries run. Returns the
     * memos whose values the write evicted, to report with {@link #reportDiscarded} after the
     * write's own event.
     */
    List<Slot> endWrite() {
        List<Slot> evicted = discarded;
        discarded = List.of();
        try {
            HIT_REVISION.setRelease(this, revision); // after everything the write changed
            ACTIVE_THREADS.getAndBitwiseAnd(this, ~PENDING_WRITE);
        } finally {
            try {
                writeEnded.countDown(); // no lock: the calls that waited go on
            } finally {
                writeLock.unlock();
            }
        }
        return evicted;
    }

    /**
     * Reports {@code DidDiscard} for memos whose values a write evicted, and closes those of
     * queries declared with {@code closeDiscarded} (after the write, outside its lock: a close
     * may call the database).
     */
    void reportDiscarded(List<Slot> evicted) {
        if (hasListener()) {
            for (Slot slot : evicted) {
                events.emit(new Event.DidDiscard(slot.queryKey()));
            }
        }
        if (toCloseCount == 0) {
            return; // nothing to close: the common case, without taking the lock
        }
        List<Object> closing;
        synchronized (toClose) {
            if (toClose.isEmpty()) {
                return;
            }
            closing = new ArrayList<>(toClose);
            toClose.clear();
            toCloseCount = 0;
        }
        for (Object value : closing) {
            discard(value);
        }
    }

    /** Values evicted during the current write, to close once it is over; guarded by itself. */
    private final List<Object> toClose = new ArrayList<>();
    /**
     * The size of {@link #toClose}, written under its lock: a writer that reads 0 has nothing
     * of its own to close (what another writer adds meanwhile, that writer closes).
     */
    private volatile int toCloseCount;

    /** A value dropped during a write, to close after it. */
    void closeAfterWrite(Object value) {
        if (value instanceof AutoCloseable) {
            synchronized (toClose) {
                toClose.add(value);
                toCloseCount = toClose.size();
            }
        }
    }

    /**
     * Closes {@code value} if it is {@link AutoCloseable}; a close that throws is logged and
     * swallowed: the database goes on.
     */
    private static void closeQuietly(Object value) {
        if (value instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                System.getLogger("dev.tracked").log(System.Logger.Level.WARNING,
                        "Closing a discarded value failed: " + value + "; the database goes on",
                        e);
            }
        }
    }

    /** Implements {@link dev.tracked.runtime.TrackedDatabase#close}. */
    public void close() {
        if ((activeThreads & CLOSED) != 0) {
            return;
        }
        if (inQuery()) {
            throw notInQuery("close()");
        }
        if (writeLock.isHeldByCurrentThread()) {
            throw nestedWrite();
        }
        List<Object> values = new ArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        writeLock.lock();
        try {
            if ((activeThreads & CLOSED) != 0) {
                return;
            }
            writeEnded = ended;
            // From here on no hit succeeds and no call starts (both fail as closed); calls
            // running on other threads are cancelled, and fail as closed where they began.
            hitRevision = NO_HITS;
            int before = (int) ACTIVE_THREADS.getAndBitwiseOr(this, PENDING_WRITE | CLOSED);
            try {
                if ((before & COUNT) != 0) {
                    awaitQueriesUnwound();
                }
                // Values stay in their slots, which leave the tables: a hit that raced with
                // this still reads its value, never a null.
                for (SlotTable<?> table : tables) {
                    if (table instanceof MemoTable<?, ?> memos) {
                        memos.dropAll(values);
                    }
                    table.clear();
                }
                accumulators.clear();
                inspection.clear();
            } finally {
                // Even if emptying the tables failed: closed, and no call waits for ever.
                ACTIVE_THREADS.getAndBitwiseAnd(this, ~PENDING_WRITE);
                ended.countDown(); // the calls that waited fail as closed
                waitLock.lock();
                try {
                    waitSignal.signalAll();
                } finally {
                    waitLock.unlock();
                }
            }
        } finally {
            writeLock.unlock();
        }
        segments.shutDown();
        reportDiscarded(List.of());
        for (Object value : values) {
            discard(value);
        }
    }

    /**
     * Waits, with {@link #PENDING_WRITE} raised, until no thread is inside a query. Not
     * interruptible: the write must happen once asked for, and running queries unwind at their
     * next call; an interrupt is kept for the caller.
     */
    private void awaitQueriesUnwound() {
        boolean interrupted = false;
        // Stored before the count is read, and the last thread to leave reads it after its
        // decrement: either this thread sees no query running, or that one unparks it.
        unwindingWriter = Thread.currentThread();
        try {
            while ((activeThreads & COUNT) != 0) {
                // With a timeout: should the last thread to leave fail to unpark this one (its
                // stack exhausted), the count is read again anyway.
                LockSupport.parkNanos(this, RECHECK_NANOS);
                interrupted |= Thread.interrupted();
            }
        } finally {
            unwindingWriter = null;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@link #close} was called. */
    boolean isClosed() {
        return (activeThreads & CLOSED) != 0;
    }

    /** Throws the error for a call of a closed database, if it is closed. */
    void checkOpen() {
        if ((activeThreads & CLOSED) != 0) {
            throw closed();
        }
    }

    IllegalStateException closed() {
        return closed(null);
    }

    /** The error for a call of a closed database; {@code cause}: how a running call saw it. */
    IllegalStateException closed(Throwable cause) {
        return new IllegalStateException("This database was closed: its values were dropped"
                + " (AutoCloseable ones of queries declared with closeDiscarded = true were"
                + " closed), and it answers no more calls. Create a new one, or fork() before"
                + " closing.", cause);
    }

    /** Registers the table of a query declared with {@code lru}. */
    void registerLru(MemoTable<?, ?> table) {
        lruTables.add(table);
    }

    /**
     * The start of revision {@code next}, the last step of a write: drops the values of LRU
     * queries beyond their capacity.
     */
    void startRevision(int next) {
        int ended = revision;
        revision = next;
        for (MemoTable<?, ?> table : lruTables) {
            List<Slot> evicted = table.evictOverflow();
            if (!evicted.isEmpty()) {
                if (discarded.isEmpty()) {
                    discarded = new ArrayList<>();
                }
                discarded.addAll(evicted);
            }
        }
        if (unused != null) {
            List<Slot> dropped = unused.revisionEnds(this, ended, activeIn == ended);
            if (!dropped.isEmpty()) {
                if (discarded.isEmpty()) {
                    discarded = new ArrayList<>(dropped);
                } else {
                    // Reported once: a memo LRU evicted the value of may be dropped as well.
                    Set<Slot> evicted = Collections.newSetFromMap(new IdentityHashMap<>());
                    evicted.addAll(discarded);
                    for (Slot slot : dropped) {
                        if (!evicted.contains(slot)) {
                            discarded.add(slot);
                        }
                    }
                }
            }
        }
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#setLruCapacity}.
     *
     * @param query the query's name
     * @param capacity the most values to keep, or {@code 0} for no bound; not negative
     */
    public void setLruCapacity(String query, int capacity) {
        if (isClosed()) {
            throw closed();
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("LRU capacity of " + query + " is " + capacity
                    + "; use a positive capacity, or 0 to keep every value");
        }
        List<String> names = new ArrayList<>();
        for (MemoTable<?, ?> table : lruTables) {
            if (table.name.equals(query)) {
                table.setLruCapacity(capacity);
                return;
            }
            names.add(table.name);
        }
        throw new IllegalArgumentException("Query " + query + " has no LRU capacity to change:"
                + " only queries declared with @Tracked(lru = N) have one (here: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    }

    /**
     * The revision a write would start. Call between {@link #beginWrite} and {@link #endWrite},
     * store the written value with it as its changed-revision, then call {@link #written} and
     * {@link #startRevision}.
     */
    int nextRevision() {
        return revision + 1;
    }

    /**
     * Records, in the write that starts revision {@code next}, that {@code input} was written
     * with durability {@code durability}: what reads it, transitively, is marked (see {@link
     * Dependents}), and re-checks what it read. For a {@code null} input (one set to a value
     * equal to its own, or one no memo has read) it does nothing: every memo stays valid without
     * looking at what it read. Call between {@link #beginWrite} and {@link #endWrite}, for each
     * input the write changes, then {@link #startRevision}.
     */
    void written(Slot input, int durability, int next) {
        if (input != null) {
            Dependents.dirty(this, input, next);
            for (int d = 0; d <= durability; d++) {
                lastChanged[d] = next;
            }
        }
    }

    /**
     * Records, in the write that starts revision {@code next}, a {@link Verify#forceDeep} of
     * durability {@code durability}: it changes no input, yet every memo of that durability or
     * lower walks what it read when next read.
     */
    private void forcedDeep(int durability, int next) {
        lastForcedDeep = next;
        for (int d = 0; d <= durability; d++) {
            lastChanged[d] = next;
        }
    }

    /**
     * The threads running a {@code batch} body of this database, each with the writes it
     * collects (see {@link Batch}); empty, and so checked in one read, unless a batch is open.
     */
    final ConcurrentHashMap<Thread, Batch> batches = new ConcurrentHashMap<>();

    /** Whether memos no query read lately are dropped ({@code evictUnusedAfter}). */
    boolean dropsUnused() {
        return unused != null;
    }

    /** The batch this thread is running the body of, whose writes wait in it; or {@code null}. */
    Batch openBatch() {
        if (batches.isEmpty()) {
            return null;
        }
        Thread thread = Thread.currentThread();
        Batch batch = batches.get(thread);
        // A helper stands in for the thread it serves (see StackSegments.Helper).
        while (batch == null && thread instanceof StackSegments.Helper helper
                && (thread = helper.servingFor()) != null) {
            batch = batches.get(thread);
        }
        return batch;
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#batch}.
     *
     * @param writes sets inputs of this database, which are applied together when it returns
     */
    public void batch(Runnable writes) {
        Batch.run(this, writes);
    }


    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#syntheticWrite}: a new revision in
     * which no input changed, so that no memo is marked dirty, and each is valid at once when
     * next read.
     *
     * @param durability the durability of the pretended change, which changes nothing
     */
    public void syntheticWrite(Durability durability) {
        Objects.requireNonNull(durability, "durability: pass LOW, MEDIUM or HIGH");
        if (inQuery()) {
            throw notInQuery("syntheticWrite(" + durability + ")");
        }
        Batch batch = openBatch();
        if (batch != null) {
            batch.addSynthetic();
            return;
        }
        emptyWrite(-1);
    }

    /** See {@link Verify#forceDeep}. */
    void forceDeep(Durability durability) {
        if (inQuery()) {
            throw notInQuery("forceDeep(" + durability + ")");
        }
        if (openBatch() != null) {
            throw new IllegalStateException("forceDeep(" + durability + ") inside a batch");
        }
        emptyWrite(durability.ordinal());
    }

    /**
     * A write that changes no input: a new revision, in which memos of durability {@code
     * forced} or lower walk what they read ({@link Verify#forceDeep}; none if {@code -1}).
     */
    private void emptyWrite(int forced) {
        beginWrite();
        List<Slot> evicted;
        try {
            int next = revision + 1;
            if (forced >= 0) {
                forcedDeep(forced, next);
            }
            startRevision(next);
        } finally {
            evicted = endWrite();
        }
        reportDiscarded(evicted);
    }

    /** How long a waiting writer sleeps before it reads the count of running queries again. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(Claims.RECHECK_MILLIS);

    /**
     * A write started while this thread is in the middle of one: from the {@code equals} or
     * {@code hashCode} of a key or value the write compares, which must not write.
     */
    private IllegalStateException nestedWrite() {
        return new IllegalStateException("An input of this database was set (or the database"
                + " closed) from inside a write to it, by an equals or hashCode of a key or value"
                + " that the write called; equals and hashCode must not change the database");
    }

    /** Whether the calling thread is inside a query body of this database. */
    boolean inQuery() {
        ActiveStack stack = current();
        return stack != null && stack.depth > 0;
    }

    /** The error for calling {@code what}, a write, from inside a query body. */
    IllegalStateException notInQuery(String what) {
        return new IllegalStateException("Cannot call " + what + " while query "
                + stack().top().slot.queryKey() + " is running on this thread: a query body"
                + " must not change inputs. Set inputs between query calls, from outside any"
                + " query.");
    }

    // ---------------------------------------------------------------------------------------
    // Reads

    /**
     * Whether some thread is inside a query, or a write is pending, or reads are checked
     * ({@code verifyReuse}): then a hit takes {@link #recordRead}.
     */
    boolean anyActive() {
        return activeThreads != 0;
    }

    /** This thread's stack, created if it has none. */
    ActiveStack stack() {
        ActiveStack last = (ActiveStack) RECENT.getOpaque(this);
        Thread thread = Thread.currentThread();
        if (last != null && last.thread == thread) {
            return last;
        }
        int index = cacheIndex(thread);
        ActiveStack cached = (ActiveStack) BY_THREAD.getOpaque(byThread, index);
        ActiveStack stack = cached != null && cached.thread == thread
                ? cached : stacks.get(thread);
        if (stack == null) {
            // A helper stands in for the thread it serves (see StackSegments.Helper).
            stack = thread instanceof StackSegments.Helper helper
                    ? helper.adoptFor(this, true) : stacks.computeIfAbsent(thread, this::newStack);
        }
        RECENT.setOpaque(this, stack);
        if (stack != cached) {
            BY_THREAD.setOpaque(byThread, index, stack);
        }
        return stack;
    }

    ActiveStack newStack(Thread thread) {
        return new ActiveStack(thread, segments.callerDepth);
    }

    /**
     * Makes {@code stack} the stack of {@code thread}, the thread that runs it from now on: a
     * helper that continues a deep chain, or the caller it hands back to (see {@link
     * StackSegments}). Called by that thread, while the stack's previous thread is parked. The
     * stack is in {@link #stacks} under both threads for a moment, never under neither, so
     * that a thread looking for the owner of a claim always finds it.
     */
    void adopt(ActiveStack stack, Thread thread) {
        Thread previous = stack.thread;
        if (previous == thread) {
            return;
        }
        stacks.put(thread, stack);
        stack.thread = thread;
        stacks.remove(previous, stack);
        RECENT.setOpaque(this, stack);
    }

    /** Throws {@code failure}, whatever it is, without declaring it. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable failure) throws T {
        throw (T) failure;
    }

    /** Where {@code thread}'s stack may be in {@link #byThread}. */
    private static int cacheIndex(Thread thread) {
        return (int) thread.getId() & (CACHED_STACKS - 1);
    }

    /** This thread's stack, or {@code null} if it has none. */
    ActiveStack current() {
        ActiveStack last = (ActiveStack) RECENT.getOpaque(this);
        Thread thread = Thread.currentThread();
        if (last != null && last.thread == thread) {
            return last;
        }
        ActiveStack cached = (ActiveStack) BY_THREAD.getOpaque(byThread, cacheIndex(thread));
        if (cached != null && cached.thread == thread) {
            return cached;
        }
        ActiveStack stack = stacks.get(thread);
        if (stack == null && thread instanceof StackSegments.Helper helper) {
            stack = helper.adoptFor(this, false); // the stack of the thread it serves, if any
        }
        return stack;
    }

    /**
     * Records a read of the up-to-date {@code slot} in the query running on this thread, if any;
     * throws {@link Cancelled} there if a write is pending.
     */
    void recordRead(Slot slot) {
        int active = activeThreads;
        if (active == 0) {
            return; // no thread is in a query: a read from outside
        }
        // The common case, in few loads: no flag raised, and this thread, the last one seen,
        // is running a body.
        ActiveStack stack = (ActiveStack) RECENT.getOpaque(this);
        ActiveStack.Frame frame;
        if (active < CLOSED && stack != null && stack.thread == Thread.currentThread()
                && (frame = stack.recording) != null) {
            // No handler here, to keep this path lean: a recording that overflows the stack on a
            // hit can lose this dependency if the body catches the overflow (see Limitations).
            frame.record(slot);
            return;
        }
        recordReadSlow(slot);
    }

    private void recordReadSlow(Slot slot) {
        if ((activeThreads & CLOSED) != 0) {
            throw closed();
        }
        ActiveStack stack = current();
        ActiveStack.Frame top;
        if (stack != null && (top = stack.top()) != null) {
            if ((activeThreads & PENDING_WRITE) != 0) {
                throw cancel(stack);
            }
            if (top.kind == ActiveStack.Kind.EXECUTE) {
                try {
                    top.record(slot);
                } catch (Throwable e) {
                    top.unrecorded = true;
                    throw e;
                }
            }
        }
        if (verifyReuse && slot instanceof MemoSlot<?, ?> memo) {
            ActiveStack own = stack();
            boolean outermost = !own.entered;
            if (outermost) {
                enter(own);
            }
            try {
                Verify.checkReuse(this, memo, own);
            } finally {
                if (outermost) {
                    exit(own);
                }
            }
        }
    }

    /** Whether every reuse of a memo is checked by running its body again. */
    boolean verifyReuse() {
        return verifyReuse;
    }

    /**
     * The slow path of every read: brings {@code slot} up to date on this thread's stack and
     * records the read, or its failure, in the query running on this thread, if any. Whatever
     * is thrown, every frame pushed above the caller's is gone and every claim it held released
     * when this returns or throws (see {@link Claims#unwind}).
     */
    Object readSlow(Slot slot) {
        ActiveStack stack = stack();
        boolean outermost = !stack.entered;
        if (outermost) {
            enter(stack);
        } else if ((activeThreads & PENDING_WRITE) != 0) {
            throw cancel(stack);
        }
        if (unused != null && activeIn != revision) {
            activeIn = revision; // a query is read in this revision: it is active
        }
        int base = stack.depth;
        ActiveStack.Frame caller = null;
        boolean recording = false;
        boolean recorded = true; // false while recording a read that succeeded
        try { // from right after enter(): whatever fails from here on, the thread leaves
            caller = stack.top();
            recording = caller != null && caller.kind == ActiveStack.Kind.EXECUTE;
            if (unused != null && slot instanceof MemoSlot<?, ?> memo) {
                MemoTable<?, ?> table = (MemoTable<?, ?>) tables.get(slot.epoch.index);
                if (!table.holds(memo)) {
                    // Found before a write dropped it as unused: the slot of its key now.
                    slot = table.replacing(memo);
                }
            }
            if (shares) {
                slot = ownForRead(slot); // a slot shared with a fork is copied before it changes
            }
            Object read;
            while (true) {
                try {
                    read = slot.update(stack);
                    break;
                } catch (Cancelled e) {
                    if (!Claims.retryAfterYield(this, stack, base, e)) {
                        throw e;
                    }
                    // This thread gave up its part of a cycle to another thread (see
                    // Claims.yieldTo): everything it held of the cycle is released, and the read
                    // goes on, waiting for that thread's value.
                }
            }
            int cycleDepth = stack.readCycleDepth;
            if (cycleDepth != Integer.MAX_VALUE) {
                // The value read depends on a cycle head's provisional value: so does the
                // caller's.
                stack.readCycleDepth = Integer.MAX_VALUE;
                if (caller != null && cycleDepth < caller.cycleDepth) {
                    caller.cycleDepth = cycleDepth;
                }
            }
            if (recording) {
                recorded = false;
                caller.record(slot);
            }
            return read;
        } catch (Cancelled e) {
            if (caller != null) {
                caller.cancelled = e;
            }
            if (stack.depth > base) {
                Claims.unwind(this, stack, base, e);
            }
            if (outermost && isClosed()) {
                throw closed(e); // cancelled by close(): the database answers no more calls
            }
            throw e;
        } catch (Throwable e) {
            // Anything at all, checked exceptions thrown sneakily and Errors included: the
            // caller may catch it, and then still depends on the slot.
            if (recording) {
                boolean before = caller.unrecorded;
                caller.unrecorded = true; // stays set if recording fails, or failed before
                if (recorded) {
                    caller.recordFailure(slot, revision);
                    caller.unrecorded = before;
                }
            }
            if (stack.depth > base) {
                Claims.unwind(this, stack, base, e);
            }
            throw e;
        } finally {
            if (outermost) {
                exit(stack);
            }
        }
    }

    /** Implements {@link dev.tracked.runtime.TrackedDatabase#unwindIfCancelled}. */
    public void unwindIfCancelled() {
        if ((activeThreads & PENDING_WRITE) != 0) {
            ActiveStack stack = current();
            if (stack != null && stack.depth > 0) {
                throw cancel(stack);
            }
        }
    }

    /**
     * The query running on {@code stack} observed a pending write: reports it, marks its frame
     * so that whatever it returns is not memoized, and returns the exception to throw.
     */
    private Cancelled cancel(ActiveStack stack) {
        return cancel(stack, null);
    }

    /**
     * Like {@link #cancel(ActiveStack)}, naming {@code reading} when no query runs on this thread
     * yet (the outermost call, about to bring {@code reading} up to date).
     */
    Cancelled cancel(ActiveStack stack, Slot reading) {
        ActiveStack.Frame top = stack.top();
        if (top != null && top.cancelled != null
                && top.cancelled.reason() == Cancelled.Reason.PENDING_WRITE) {
            // Observed already (a listener that calls a query on DidCancel, a body that
            // swallowed it and calls again): the same cancellation, reported once.
            return top.cancelled;
        }
        QueryKey query = (top != null && top.slot != null ? top.slot : reading).queryKey();
        Cancelled cancelled = new Cancelled(Cancelled.Reason.PENDING_WRITE, query, null);
        if (top != null) {
            top.cancelled = cancelled; // before the event: its listener may call a query
        }
        if (hasListener()) {
            events.emit(new Event.DidCancel(query));
        }
        return cancelled;
    }

    /**
     * Call when a thread's stack goes from empty to not empty; waits while a write is pending, so
     * that a new call runs in the revision the write starts.
     */
    void enter(ActiveStack stack) {
        for (;;) {
            int active = activeThreads;
            if ((active & CLOSED) != 0) {
                throw closed();
            }
            if ((active & PENDING_WRITE) == 0) {
                if (ACTIVE_THREADS.compareAndSet(this, active, active + 1)) {
                    stack.entered = true;
                    return;
                }
            } else {
                awaitWrite();
            }
        }
    }

    private void awaitWrite() {
        boolean interrupted = false;
        while ((activeThreads & PENDING_WRITE) != 0) {
            // The latch of the write seen pending, or of a later one: each is made before its
            // write is raised.
            CountDownLatch ended = writeEnded;
            try {
                ended.await(Claims.RECHECK_MILLIS, TimeUnit.MILLISECONDS); // as a writer does
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Call when a thread's stack goes back to empty. Wakes a writer waiting for the last query to
     * unwind. Beyond a few dozen threads, the stack is forgotten, so that threads that stop using
     * the database leave little behind.
     */
    void exit(ActiveStack stack) {
        stack.entered = false;
        stack.rank = 0;
        stack.passing = null;
        int after = (int) ACTIVE_THREADS.getAndAdd(this, -1) - 1;
        if ((after & COUNT) == 0 && (after & PENDING_WRITE) != 0) {
            Thread writer = unwindingWriter;
            if (writer != null) {
                LockSupport.unpark(writer);
            }
        }
        if (RECENT.getOpaque(this) != stack
                && BY_THREAD.getOpaque(byThread, cacheIndex(stack.thread)) != stack
                && stacks.size() > KEPT_STACKS) {
            stacks.remove(stack.thread, stack);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Explain and DOT: see Inspection

    /** Records, with {@code explain}, why {@code memo} is about to run. */
    void explainRun(Slot memo, Object reason) {
        inspection.recordRun(memo, reason);
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#explain}, for a key the database has
     * checked against the query's parameters.
     *
     * @param key the query and the call's arguments
     * @return what happened to the memo, and why
     */
    public Explanation explain(QueryKey key) {
        return inspection.explain(key);
    }

    /**
     * Implements {@link dev.tracked.runtime.TrackedDatabase#dot}: the dependency graph in Graphviz
     * DOT, from {@code root} (all of it if {@code null}).
     *
     * @param root the call to start from; {@code null} for the whole graph
     * @return the graph
     */
    public String dot(QueryKey root) {
        return inspection.dot(root);
    }

    // ---------------------------------------------------------------------------------------
    // Accumulators: see Accumulators

    /**
     * Implements an {@code @Accumulator} method: records {@code value} as a side output of the
     * query whose body is running on this thread.
     *
     * @param accumulator the method's name, for the error when no query body is running
     * @param value the value pushed
     */
    public void pushAccumulated(String accumulator, Object value) {
        accumulators.push(accumulator, value);
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
    public <T> List<T> accumulated(Class<T> type, String accumulator, Runnable queries) {
        return accumulators.accumulated(type, accumulator, queries);
    }

    // ---------------------------------------------------------------------------------------
    // Events

    /** What this runtime tells its listener, and how a failing listener is logged. */
    final Events events;

    /** Whether events are observed at all; callers skip building events when not. */
    boolean hasListener() {
        return listener != null;
    }

    /** {@code slot}'s state, read with acquire semantics: what was written before it is seen. */
    static byte acquireState(Slot slot) {
        return (byte) STATE.getAcquire(slot);
    }
}

package dev.tracked.internal;

import dev.tracked.Durability;
import dev.tracked.runtime.Cancelled;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * One thread's stack of active queries for one database: memos being executed (collecting what
 * they read), memos being verified, and lazy inputs being loaded. Each frame's slot is claimed by
 * this thread (see {@link Claims#claim}). Frames are reused from one query to the next, so
 * running a query allocates nothing here but its final dependency array, and not even that when
 * it reads what it read last time.
 *
 * <p>Used by its thread only, except that threads waiting for a slot search the stacks for its
 * owner, under the runtime's wait lock ({@link #holds}, {@link #from}, {@link #waitingOn}).
 */
final class ActiveStack {
    /** What a frame does. */
    enum Kind {
        /** A body runs; its reads are recorded. */
        EXECUTE,
        /** An old memo's dependencies are walked; nothing is recorded. */
        VERIFY,
        /** A lazy input's default body runs; its reads are not dependencies of anyone. */
        LOAD,
        /**
         * The thread is about to claim the slot, or waits for another thread to release it: the
         * frame is pushed before the claim, so that a claim is never held without a frame that
         * says so (see {@link Claims#unwind}). Not a holder of the slot yet.
         */
        CLAIM
    }

    /**
     * The thread that runs this stack: the one that called the database, or a helper that
     * continues its chain on a larger stack until it hands back (see {@link StackSegments}).
     * Written only by the thread that becomes it ({@link QueryRuntime#adopt}).
     */
    Thread thread;
    /** The thread that called the database; what {@code WillBlockOn} names as the owner. */
    final Thread origin;
    /**
     * The depth at which the running thread took this stack over (0 for the thread that called
     * the database), and how many frames it may push above that before the next claim is handed
     * on to a helper (see {@link StackSegments}).
     */
    int segmentBase;
    int segmentLimit;
    /** Scratch for {@link Dependents#addAll}: what a memo that ran again read before. */
    final Dependents.Known known = new Dependents.Known();
    private Frame[] frames = new Frame[8];
    int depth;
    /** The slot this thread waits for another thread to release; guarded by the wait lock. */
    Slot waitingOn;
    /** What the owner of {@link #waitingOn} failed with, handed over on release; wait lock. */
    Throwable propagated;
    /**
     * This stack's priority in cycles across threads, given the first time it is found in one
     * (0 until then, and again once the thread leaves its outermost call): of the threads of a
     * cycle that recovers, the one with the highest rank, the youngest in cycles, gives its part
     * up (see {@link Claims#yieldTo}), so the oldest always gets on. Guarded by the wait lock.
     */
    long rank;
    /**
     * Set by another thread that found a cycle through this one, which waits: the slot this
     * thread holds and must give up; it stops waiting and yields. Guarded by the wait lock.
     */
    Slot yieldFor;
    /**
     * While this thread unwinds to give up its part of a cycle: the slot it gives up, and the
     * cancellation it unwinds with. The read that read that slot (or one below) retries once the
     * slot is released. Own thread only.
     */
    Slot yielding;
    Cancelled yieldSignal;
    /**
     * The last {@link dev.tracked.runtime.CycleException} thrown on this stack that only makes a
     * walk run its head instead (see {@link Cycles#reenter}): not a failure for threads waiting
     * for the slots it unwinds. Own thread only.
     */
    Throwable passing;
    /**
     * Memos of cycles being iterated on this thread: computed from a provisional value, claimed
     * by this thread until their cycle head finalizes them, but no longer on a frame.
     */
    private Slot[] retained = new Slot[4];
    /**
     * For each of {@link #retained}: the index of the cycle head frame it depends on. Kept here
     * rather than in the slot, where it would cost every memo four bytes.
     */
    private int[] retainedDepths = new int[4];
    private int retainedCount;
    /**
     * Set by a read that depends on a provisional value: the index of the outermost cycle head
     * frame it depends on, handed to the reading frame by {@link QueryRuntime#readSlow}.
     */
    int readCycleDepth = Integer.MAX_VALUE;

    /** The stamp of the last query started on this thread; 0 is never used. */
    private short stamps;

    /**
     * Whether this thread is inside a call of the database (counted in the runtime's active
     * threads), even with no frame yet: a listener that calls a query while an outer call waits
     * must not be counted twice, or wait for a write that waits for it.
     */
    boolean entered;

    ActiveStack(Thread thread, int segmentLimit) {
        this.thread = thread;
        this.origin = thread;
        this.segmentLimit = segmentLimit;
        // Threads start their stamps apart, so that the first queries of two threads do not
        // leave the same stamps (an equal stamp is only a hint, checked exactly, but costs).
        this.stamps = (short) (((int) thread.getId() * 0x9E3779B9) >>> 16);
    }

    /** The stamp the next query started on this thread will get (for tests). */
    short nextStamp() {
        return stamps == -1 ? 1 : (short) (stamps + 1);
    }

    /**
     * The innermost frame if it executes a body (its reads are recorded), otherwise {@code null}:
     * kept up to date by {@link #push}, {@link #pop} and {@link #become}, so that recording a
     * read finds its frame with one load.
     */
    Frame recording;

    /** The innermost frame, or {@code null}. */
    Frame top() {
        return depth == 0 ? null : frames[depth - 1];
    }

    /**
     * Pushes a frame for {@code slot}. A frame of kind {@link Kind#CLAIM} is pushed before the
     * slot is claimed; the claim itself marks it {@link Frame#claimed}.
     */
    Frame push(Slot slot, Kind kind) {
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
        }
        Frame frame = frames[depth];
        if (frame == null) {
            frame = frames[depth] = new Frame();
        }
        if (++stamps == 0) {
            stamps = 1;
        }
        frame.reset(slot, kind, stamps);
        depth++;
        recording = kind == Kind.EXECUTE ? frame : null;
        return frame;
    }

    void pop(Frame frame) {
        frame.slot = null;
        frame.claimed = false;
        depth--;
        Frame top = top();
        recording = top != null && top.kind == Kind.EXECUTE ? top : null;
    }

    /** Starts {@code frame}, the innermost, over as a frame of {@code kind}. */
    void become(Frame frame, Kind kind) {
        frame.become(kind);
        recording = kind == Kind.EXECUTE ? frame : null;
    }

    /**
     * Whether {@code slot} is being executed, verified or loaded on this thread. Also called by
     * other threads, looking for the owner of a slot: then the answer may be stale, but a slot
     * claimed and pushed before the caller saw it claimed is found.
     */
    boolean holds(Slot slot) {
        Frame[] all = frames;
        for (int i = Math.min(depth, all.length) - 1; i >= 0; i--) {
            Frame frame = all[i];
            if (frame != null && frame.slot == slot && frame.kind != Kind.CLAIM) {
                return true;
            }
        }
        return retains(slot);
    }

    /** The index of the innermost frame of {@code slot}, or -1. */
    int indexOf(Slot slot) {
        for (int i = depth - 1; i >= 0; i--) {
            if (frames[i].slot == slot && frames[i].kind != Kind.CLAIM) {
                return i;
            }
        }
        return -1;
    }

    /** The frame at {@code index}, counted from the outermost. */
    Frame frameAt(int index) {
        return frames[index];
    }

    /**
     * Keeps {@code slot}, claimed by this thread, as a member of the cycle whose head frame is at
     * {@code depth}; a slot kept already moves to that head.
     */
    void retain(Slot slot, int depth) {
        int i = retainedIndex(slot);
        if (i < 0) {
            if (retainedCount == retained.length) {
                retained = Arrays.copyOf(retained, retainedCount * 2);
                retainedDepths = Arrays.copyOf(retainedDepths, retainedCount * 2);
            }
            i = retainedCount;
            retained[i] = slot;
            retainedCount++;
        }
        retainedDepths[i] = depth;
    }

    /** Moves {@code slot}, if kept, to the head at {@code depth} if that one is outer. */
    void retainOuter(Slot slot, int depth) {
        int i = retainedIndex(slot);
        if (i >= 0 && retainedDepths[i] > depth) {
            retainedDepths[i] = depth;
        }
    }

    /** The index of the head frame that the kept {@code slot} depends on. */
    int retainedDepth(Slot slot) {
        int i = retainedIndex(slot);
        if (i < 0) {
            throw new IllegalStateException(slot.queryKey() + " is not retained in a cycle");
        }
        return retainedDepths[i];
    }

    /** Forgets a slot kept by {@link #retain}. */
    void unretain(Slot slot) {
        int i = retainedIndex(slot);
        if (i >= 0) {
            int last = --retainedCount;
            retained[i] = retained[last];
            retainedDepths[i] = retainedDepths[last];
            retained[last] = null;
        }
    }

    private int retainedIndex(Slot slot) {
        for (int i = 0; i < retainedCount; i++) {
            if (retained[i] == slot) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code slot} was kept by {@link #retain}. */
    boolean retains(Slot slot) {
        Slot[] all = retained;
        for (int i = Math.min(retainedCount, all.length) - 1; i >= 0; i--) {
            if (all[i] == slot) {
                return true;
            }
        }
        return false;
    }

    /**
     * The slots from {@code slot} to the innermost frame that holds its slot, in call order (a
     * frame still claiming its slot is not part of a path).
     */
    Slot[] from(Slot slot) {
        int end = depth;
        while (end > 0 && frames[end - 1].kind == Kind.CLAIM) {
            end--;
        }
        int start = end - 1;
        while (start > 0 && frames[start].slot != slot) {
            start--;
        }
        ArrayList<Slot> path = new ArrayList<>();
        for (int i = Math.max(start, 0); i < end; i++) {
            if (frames[i].kind != Kind.CLAIM) {
                path.add(frames[i].slot);
            }
        }
        return path.toArray(new Slot[0]);
    }

    /** One active query. */
    static final class Frame {
        /** Up to this many dependencies, an exact check is a scan; beyond, the identity set. */
        private static final int SCAN_LIMIT = 8;

        Slot slot;
        Kind kind;
        /**
         * Whether this frame holds the claim of its slot: set by the claim, cleared once the slot
         * is released. A frame is popped only after its claim is released, so that a failure
         * while unwinding (a second {@link StackOverflowError}) leaves it for the next level
         * out to release.
         */
        boolean claimed;
        /**
         * Set when a read could not be recorded (recording it failed, on a nearly exhausted
         * stack) and the body went on: then its memo also depends on {@link
         * QueryRuntime#unrecordedRead}, which reads as changed in every later revision.
         */
        boolean unrecorded;
        /** This query's stamp, written into the slots it reads. */
        private short stamp;
        /** The lowest durability read so far (ordinal); HIGH until something is read. */
        int durability;
        /** The latest changed-revision read so far. */
        int changedAt;
        /**
         * Whether something read reads as changed after every write (a failure caught, or a
         * dependency that did), transitively: see {@link Dependents#POISONED}.
         */
        boolean poisoned;
        /** Whether a MEDIUM or HIGH input was read, transitively. */
        boolean readsDurable;
        /**
         * The cancellation this query observed, if any: thrown out of one of its reads, or by
         * polling. Whatever the body does next, its result is not memoized.
         */
        Cancelled cancelled;
        /**
         * The index of the outermost cycle head frame whose provisional value this query's result
         * depends on, directly or through other queries; {@code Integer.MAX_VALUE} if none.
         */
        int cycleDepth;
        /**
         * What the body pushed through {@code @Accumulator} methods, in order, as pairs: the
         * accumulator's name, then the value; or null.
         */
        ArrayList<Object> accumulated;

        // A cycle head: a query re-entered on this thread whose table recovers from cycles.
        // Kept across the iterations of one execution; cleared when the frame is reused.
        /** The value the head's inner reads get: the initial or fallback value, then the last result. */
        Object provisional;
        boolean hasProvisional;
        /** Whether an inner read got {@link #provisional} during the current iteration. */
        boolean provisionalRead;
        /** The iteration running, from 1. */
        int iteration = 1;
        // A memo being re-validated (see Verify.deep): where its walk of its dependencies is.
        /** The revision the memo was last verified in: what its dependencies are checked against. */
        int walkVerified;
        /** Whether the memo's value was evicted: it is verified without it. */
        boolean walkEvicted;
        /** The dependency being checked, in read order. */
        int walkIndex;
        /** What the dependency pushed above this frame came to, once popped (Verify's codes). */
        int walkOutcome;

        /** The memos computed from the provisional value, retained until the head finalizes. */
        final ArrayList<Slot> participants = new ArrayList<>();

        /**
         * What the body read, in order. Not cleared between queries: it holds slots this
         * database read (some shared with a fork), and {@link #size} says how much is
         * meaningful.
         */
        private Slot[] deps = new Slot[8];
        private int size;
        /**
         * The dependencies of the memo's last run, while this run has read exactly their first
         * {@link #matched} so far (then {@link #deps} holds nothing yet); {@code null} once it
         * read anything else, or when there were none. A body run again mostly reads what it
         * read before: this costs a comparison per read, and no copy at the end.
         */
        private Slot[] expected;
        private int matched;
        /**
         * Open-addressing identity set of {@link #deps}, once there are more than a few. A cell
         * belongs to the set only if its stamp is the current {@link #generation}, so starting a
         * new query empties the set without clearing it.
         */
        private Slot[] seen;
        private int[] seenStamps;
        private int seenCount;
        private int generation;

        void reset(Slot slot, Kind kind, short stamp) {
            this.slot = slot;
            this.claimed = false;
            this.stamp = stamp;
            if (hasProvisional) {
                provisional = null;
                hasProvisional = false;
                provisionalRead = false;
                iteration = 1;
            }
            if (!participants.isEmpty()) {
                participants.clear();
            }
            become(kind);
        }

        /** Starts over as a frame of {@code kind} for the same slot: a verified memo executes. */
        private void become(Kind kind) {
            this.kind = kind;
            cancelled = null;
            unrecorded = false;
            cycleDepth = Integer.MAX_VALUE;
            if (accumulated != null) {
                accumulated.clear();
            }
            durability = Durability.HIGH.ordinal();
            changedAt = 1;
            poisoned = false;
            readsDurable = false;
            size = 0;
            expected = null;
            matched = 0;
            if (seenCount > 0) {
                seenCount = 0;
                if (++generation == 0) {
                    // After 2^32 queries, stamps could repeat: clear once.
                    Arrays.fill(seenStamps, 0);
                    generation = 1;
                }
            }
        }

        /** Starts the walk of this frame's memo, last verified in {@code verified}. */
        void startWalk(int verified, boolean evicted) {
            walkVerified = verified;
            walkEvicted = evicted;
            walkIndex = 0;
            walkOutcome = 0;
        }

        /**
         * Adds the durability and the inputs of {@code dep}, a dependency just verified, to this
         * frame's.
         */
        void widen(Slot dep) {
            int depDurability = dep.durability();
            if (depDurability < durability) {
                durability = depDurability;
            }
            if (dep instanceof InputTable.InputSlot<?, ?> && depDurability > 0) {
                readsDurable = true;
                return;
            }
            if (dep.dirtyAt == Dependents.POISONED) {
                poisoned = true;
            }
            if ((dep.state & Slot.READS_DURABLE) != 0) {
                readsDurable = true;
            }
        }

        /** Records a read of {@code dep}, which is up to date. */
        void record(Slot dep) {
            int depDurability = dep.durability();
            if (depDurability < durability) {
                durability = depDurability;
            }
            if (dep.changedAt > changedAt) {
                changedAt = dep.changedAt;
            }
            if (dep instanceof InputTable.InputSlot<?, ?> && depDurability > 0) {
                readsDurable = true;
            } else {
                if (dep.dirtyAt == Dependents.POISONED) {
                    poisoned = true;
                }
                if ((dep.state & Slot.READS_DURABLE) != 0) {
                    readsDurable = true;
                }
            }
            remember(dep);
        }

        /**
         * Starts comparing the reads of this run with {@code previous}, the dependencies of the
         * memo's last run ({@code null}, one slot or an array).
         */
        void expect(Object previous) {
            if (previous instanceof Slot[] array) {
                expected = array;
                matched = 0;
            }
        }

        /** Adds {@code dep} to the reads of this run, unless it was read already. */
        private void remember(Slot dep) {
            Slot[] old = expected;
            if (old != null) {
                int m = matched;
                if (m < old.length && old[m] == dep) {
                    matched = m + 1; // the same read as last time, in the same place
                    return;
                }
                if (m > 0 && old[m - 1] == dep) {
                    return; // the last one again
                }
                diverge();
            }
            add(dep);
        }

        /** This run read something new: its reads so far, last run's prefix, become its own. */
        private void diverge() {
            Slot[] old = expected;
            expected = null;
            for (int i = 0; i < matched; i++) {
                Slot dep = old[i];
                dep.readStamp = stamp;
                append(dep);
            }
        }

        /**
         * Records that reading {@code dep} threw. The body may catch the exception and go on, so
         * its result still depends on {@code dep}: the read counts as LOW, as changed now, and as
         * reading any input, so nothing that read this query is validated past the failure.
         */
        void recordFailure(Slot dep, int now) {
            durability = Durability.LOW.ordinal();
            changedAt = Math.max(changedAt, now);
            poisoned = true;
            readsDurable = true;
            remember(dep);
        }

        /**
         * Adds {@code dep} unless this query recorded it already. The slot's read stamp settles
         * nearly every case without a lookup: a different stamp means this query has not read
         * it. An equal stamp (a repeated read, or, rarely, a stamp left by another query) is
         * checked exactly: against the last few reads, then by a scan or through the identity
         * set. A nested query that reads the same slot re-stamps it, so this query may then
         * record it twice; a duplicate edge costs a second (cached) check when verifying, never
         * a missed change.
         */
        private void add(Slot dep) {
            if (dep.readStamp != stamp) {
                dep.readStamp = stamp;
                append(dep);
                return;
            }
            if (size > 0 && deps[size - 1] == dep) {
                return;
            }
            if (seenCount == 0 && size <= SCAN_LIMIT) {
                if (!contains(dep)) {
                    append(dep);
                }
                return;
            }
            if (seenCount == 0) {
                for (int i = 0; i < size; i++) {
                    addSeen(deps[i]);
                }
            }
            if (addSeen(dep)) {
                append(dep);
            }
        }

        private boolean contains(Slot dep) {
            for (int i = size - 1; i >= 0; i--) {
                if (deps[i] == dep) {
                    return true;
                }
            }
            return false;
        }

        private void append(Slot dep) {
            if (size == deps.length) {
                deps = Arrays.copyOf(deps, size * 2);
            }
            deps[size++] = dep;
            if (seenCount > 0) {
                addSeen(dep);
            }
        }

        /** Adds to the identity set; false if it was there already. */
        private boolean addSeen(Slot dep) {
            if (seen == null || (seenCount + 1) * 2 > seen.length) {
                // Grow, and re-insert what this query read so far (the set's only members): at
                // most half full afterwards, however many that is.
                int capacity = seen == null ? 64 : seen.length * 2;
                while (capacity < 2 * (size + 2)) {
                    capacity *= 2;
                }
                seen = new Slot[capacity];
                seenStamps = new int[seen.length];
                generation = 1;
                seenCount = 0;
                for (int i = 0; i < size; i++) {
                    insertSeen(deps[i]);
                }
            }
            return insertSeen(dep);
        }

        private boolean insertSeen(Slot dep) {
            int mask = seen.length - 1;
            int shift = Integer.numberOfLeadingZeros(mask);
            for (int i = (System.identityHashCode(dep) * 0x9E3779B9) >>> shift; ; i = (i + 1) & mask) {
                if (seenStamps[i] != generation) {
                    seen[i] = dep;
                    seenStamps[i] = generation;
                    seenCount++;
                    return true;
                }
                if (seen[i] == dep) {
                    return false;
                }
            }
        }

        /** The slots read so far, in order, each once (for {@code accumulated}). */
        Slot[] reads() {
            if (expected != null) {
                return Arrays.copyOf(expected, matched);
            }
            return Arrays.copyOf(deps, size);
        }

        /**
         * The dependencies in read order, each once: {@code null}, one slot, or an array. A body
         * that runs again usually reads what it read before: then {@code previous}, the memo's
         * last dependencies, is returned rather than a copy (a stored array is only written to
         * point an entry at this database's own slot of the same key: see Verify.deep).
         */
        Object takeDeps(Object previous) {
            if (expected != null) {
                // Read nothing but a prefix of the last run's reads (usually all of them).
                Slot[] old = expected;
                switch (matched) {
                    case 0:
                        return null;
                    case 1:
                        return old[0];
                    default:
                        return matched == old.length ? old : Arrays.copyOf(old, matched);
                }
            }
            switch (size) {
                case 0:
                    return null;
                case 1:
                    return deps[0];
                default:
                    if (previous instanceof Slot[] old && sameAs(old)) {
                        return old;
                    }
                    return Arrays.copyOf(deps, size);
            }
        }

        private boolean sameAs(Slot[] old) {
            if (old.length != size) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                if (old[i] != deps[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}

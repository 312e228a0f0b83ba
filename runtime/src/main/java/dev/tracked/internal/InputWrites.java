package dev.tracked.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The revision in which each input (by id) was last written, as a range-maximum tree: "was any
 * input with an id in {@code [lo, hi]} written after revision {@code v}?" costs O(log n). This
 * lets a memo whose inputs were all untouched be re-validated without walking its dependencies,
 * so an edit costs the path from the edited input to what is read, not the whole graph.
 *
 * <p>Writes and registrations (which may come from any thread, inside a query or not) are
 * serialized on this object. Queries read it without locking: a grown tree is published as new
 * arrays, and writes happen only while no query runs.
 *
 * <p>The tree is one array while it has at most {@link #CHUNK} nodes (2,048 inputs), and chunks
 * of {@code CHUNK} nodes beyond that. A fork shares them all ({@link #copy}); each side copies
 * the chunks a write changes (the leaf's, and those of its ancestors: about a dozen at a
 * million inputs) before it first changes them.
 */
final class InputWrites {
    /** log2 of the nodes of a chunk. */
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int IN_CHUNK = CHUNK - 1;
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(int[][].class);

    /**
     * The tree while it is one chunk, else {@code null}. Leaves are at {@code [capacity, 2 *
     * capacity)}; node {@code i} holds the max of its children.
     */
    private volatile int[] flat;
    /** Every node: node {@code i} in chunk {@code i >>> CHUNK_BITS}. Written before {@link #flat}. */
    private volatile int[][] chunks;
    /** How many leaves (input ids) the tree has room for. Guarded by this object. */
    private int capacity;
    private int next;
    /** Ids of inputs that were dropped, to give to new inputs; guarded by this object. */
    private int[] free = new int[0];
    private int freeCount;
    /** Whether {@link #chunks}, the directory, is shared with a fork, and every chunk with it. */
    private boolean sharedDirectory;
    /** Which chunks of this tree's own directory are still shared with a fork; or {@code null}. */
    private boolean[] shared;

    InputWrites() {
        publish(new int[2 * 64], 64);
    }

    /** Makes {@code tree} (flat, {@code 2 * capacity} nodes) the tree. Under this object's lock. */
    private void publish(int[] tree, int capacity) {
        int[][] all = new int[Math.max(1, tree.length >>> CHUNK_BITS)][];
        if (all.length == 1) {
            all[0] = tree;
        } else {
            for (int k = 0; k < all.length; k++) {
                all[k] = Arrays.copyOfRange(tree, k << CHUNK_BITS, (k + 1) << CHUNK_BITS);
            }
        }
        this.capacity = capacity;
        chunks = all;
        flat = all.length == 1 ? tree : null;
        shared = null;
        sharedDirectory = false;
    }

    /**
     * An independent copy, with the same ids and writes, for a fork: the two share the tree
     * until either writes to it, and then share the chunks neither wrote.
     */
    synchronized InputWrites copy() {
        InputWrites copy = new InputWrites();
        copy.capacity = capacity;
        copy.chunks = chunks;
        copy.flat = flat;
        copy.next = next;
        copy.free = Arrays.copyOf(free, freeCount);
        copy.freeCount = freeCount;
        copy.sharedDirectory = true;
        sharedDirectory = true;
        shared = null;
        return copy;
    }

    /** Node {@code i}. */
    private int node(int i) {
        return chunks[i >>> CHUNK_BITS][i & IN_CHUNK];
    }

    /** Sets node {@code i}, copying its chunk first if it is shared with a fork. Under lock. */
    private void set(int i, int revision) {
        if (sharedDirectory) {
            int[][] own = chunks.clone();
            chunks = own;
            shared = new boolean[own.length];
            Arrays.fill(shared, true);
            sharedDirectory = false;
        }
        int k = i >>> CHUNK_BITS;
        int[][] all = chunks;
        int[] chunk = all[k];
        if (shared != null && shared[k]) {
            chunk = chunk.clone();
            CHUNKS.setRelease(all, k, chunk);
            if (all.length == 1) {
                flat = chunk;
            }
            shared[k] = false;
        }
        chunk[i & IN_CHUNK] = revision;
    }

    /**
     * A new input id: one given back by {@link #release}, or one never used. A reused id keeps the
     * revision its last input was written in: a memo whose range covers it may walk once more
     * than it needs to, and none can have read the new input yet.
     */
    synchronized int register() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        int id = next++;
        if (id >= capacity) {
            int newCapacity = 2 * capacity;
            int[] grown = new int[2 * newCapacity];
            for (int i = 0; i < capacity; i++) {
                grown[newCapacity + i] = node(capacity + i);
            }
            for (int i = newCapacity - 1; i > 0; i--) {
                grown[i] = Math.max(grown[2 * i], grown[2 * i + 1]);
            }
            publish(grown, newCapacity);
        }
        return id;
    }

    /** The input of {@code id} was dropped (see {@link UnusedMemos}): a new input may take it. */
    synchronized void release(int id) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, Math.max(8, 2 * freeCount));
        }
        free[freeCount++] = id;
    }

    /**
     * Input {@code id} was written in {@code revision}, the newest revision, so it becomes the
     * maximum of every node above the leaf.
     */
    synchronized void written(int id, int revision) {
        for (int i = id + capacity; i > 0; i >>>= 1) {
            set(i, revision);
        }
    }

    /** Rebases every revision by {@code shift}: see {@code QueryRuntime.rebase}. */
    synchronized void rebase(int shift) {
        for (int i = 1; i < 2 * capacity; i++) {
            set(i, QueryRuntime.rebasedChange(node(i), shift));
        }
    }

    /** Whether an input with an id in {@code [lo, hi]} was written after {@code revision}. */
    boolean writtenAfter(int lo, int hi, int revision) {
        if (lo > hi) {
            return false;
        }
        int[] t = flat;
        if (t == null) {
            return writtenAfterInChunks(lo, hi, revision);
        }
        int capacity = t.length / 2;
        int left = lo + capacity;
        int right = Math.min(hi, capacity - 1) + capacity + 1;
        while (left < right) {
            if ((left & 1) != 0) {
                if (t[left++] > revision) {
                    return true;
                }
            }
            if ((right & 1) != 0) {
                if (t[--right] > revision) {
                    return true;
                }
            }
            left >>>= 1;
            right >>>= 1;
        }
        return false;
    }

    /** {@link #writtenAfter} for a tree of several chunks. */
    private boolean writtenAfterInChunks(int lo, int hi, int revision) {
        int[][] all = chunks;
        int capacity = all.length << (CHUNK_BITS - 1);
        int left = lo + capacity;
        int right = Math.min(hi, capacity - 1) + capacity + 1;
        while (left < right) {
            if ((left & 1) != 0) {
                if (all[left >>> CHUNK_BITS][left & IN_CHUNK] > revision) {
                    return true;
                }
                left++;
            }
            if ((right & 1) != 0) {
                --right;
                if (all[right >>> CHUNK_BITS][right & IN_CHUNK] > revision) {
                    return true;
                }
            }
            left >>>= 1;
            right >>>= 1;
        }
        return false;
    }

    @Override
    public synchronized String toString() {
        int[] leaves = new int[next];
        for (int i = 0; i < next; i++) {
            leaves[i] = node(capacity + i);
        }
        return "InputWrites" + Arrays.toString(leaves);
    }
}

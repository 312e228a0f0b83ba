package dev.tracked.internal;

import java.util.Arrays;

/**
 * The revision in which each input (by id) was last written, as a range-maximum tree: "was any
 * input with an id in {@code [lo, hi]} written after revision {@code v}?" costs O(log n). This
 * lets a memo whose inputs were all untouched be re-validated without walking its dependencies,
 * so an edit costs the path from the edited input to what is read, not the whole graph.
 *
 * <p>Writes and registrations (which may come from any thread, inside a query or not) are
 * serialized on this object. Queries read it without locking: a grown tree is published as a new
 * array, and writes happen only while no query runs.
 */
final class InputWrites {
    /** Leaves are at {@code [capacity, 2 * capacity)}; node {@code i} holds the max of its children. */
    private volatile int[] tree = new int[2 * 64];
    private int next;
    /** Whether {@link #tree} is shared with a fork's copy: then it is copied before it changes. */
    private boolean shared;

    /**
     * An independent copy, with the same ids and writes, for a fork: the two share the tree
     * until either writes to it.
     */
    synchronized InputWrites copy() {
        InputWrites copy = new InputWrites();
        copy.tree = tree;
        copy.next = next;
        copy.shared = true;
        shared = true;
        return copy;
    }

    /** The tree, to change in place: copied first if it is shared with a fork. */
    private int[] writable() {
        if (shared) {
            tree = tree.clone();
            shared = false;
        }
        return tree;
    }

    /** A new input id, never written yet. */
    synchronized int register() {
        int id = next++;
        int[] t = tree;
        int capacity = t.length / 2;
        if (id >= capacity) {
            int[] grown = new int[4 * capacity];
            int newCapacity = 2 * capacity;
            System.arraycopy(t, capacity, grown, newCapacity, capacity);
            for (int i = newCapacity - 1; i > 0; i--) {
                grown[i] = Math.max(grown[2 * i], grown[2 * i + 1]);
            }
            tree = grown;
            shared = false;
        }
        return id;
    }

    /**
     * Input {@code id} was written in {@code revision}, the newest revision, so it becomes the
     * maximum of every node above the leaf.
     */
    synchronized void written(int id, int revision) {
        int[] t = writable();
        for (int i = id + t.length / 2; i > 0; i >>>= 1) {
            t[i] = revision;
        }
    }

    /** Rebases every revision by {@code shift}: see {@code QueryRuntime.rebase}. */
    synchronized void rebase(int shift) {
        int[] t = writable();
        for (int i = 0; i < t.length; i++) {
            t[i] = QueryRuntime.rebasedChange(t[i], shift);
        }
    }

    /** Whether an input with an id in {@code [lo, hi]} was written after {@code revision}. */
    boolean writtenAfter(int lo, int hi, int revision) {
        if (lo > hi) {
            return false;
        }
        int[] t = tree;
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

    @Override
    public String toString() {
        return "InputWrites" + Arrays.toString(Arrays.copyOfRange(tree, tree.length / 2,
                tree.length / 2 + next));
    }
}

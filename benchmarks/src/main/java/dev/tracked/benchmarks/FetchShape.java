package dev.tracked.benchmarks;

import dev.tracked.Database;
import dev.tracked.Input;
import dev.tracked.Tracked;

/**
 * Budget b, Salsa's query_fetch shape: each root reads 2 branches, each branch 2 leaves, each leaf
 * 1 input: 7 queries and 10 edges per root.
 */
@Database
public interface FetchShape {
    @Input int input(int root, int branch, int leaf);

    @Tracked
    default int leaf(int root, int branch, int leaf) {
        return input(root, branch, leaf) * 3 + 1;
    }

    @Tracked
    default int branch(int root, int branch) {
        return leaf(root, branch, 0) + leaf(root, branch, 1);
    }

    @Tracked
    default int root(int root) {
        return branch(root, 0) ^ branch(root, 1);
    }

    /** The same computation as plain methods: the baseline of cold execution. */
    static int plainRoot(int[] inputs, int root) {
        return plainBranch(inputs, root, 0) ^ plainBranch(inputs, root, 1);
    }

    private static int plainBranch(int[] inputs, int root, int branch) {
        return plainLeaf(inputs, root, branch, 0) + plainLeaf(inputs, root, branch, 1);
    }

    private static int plainLeaf(int[] inputs, int root, int branch, int leaf) {
        return inputs[root * 4 + branch * 2 + leaf] * 3 + 1;
    }
}

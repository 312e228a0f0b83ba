/**
 * Not an API: the engine behind generated databases, exported for generated code only. These
 * types are public because generated classes live in users' packages; do not use them directly.
 * <strong>They may change incompatibly in any release, without notice.</strong>
 *
 * <p>Following one query call: the generated method {@code tokens(file)} first tries {@link
 * dev.tracked.internal.MemoTable#find} and {@link dev.tracked.internal.MemoTable#read} (a current
 * memo), then {@link dev.tracked.internal.MemoTable#fetch} on the query's ingredient. That finds the key's {@link
 * dev.tracked.internal.Slot} in a {@code SlotTable}, re-validates or re-executes its memo against
 * the {@link dev.tracked.internal.QueryRuntime}'s revisions (and the memo's dirty mark, which
 * writes raise through reverse edges: {@code Dependents}), and records the read in the calling query's frame on this thread's
 * {@code ActiveStack}. Inputs live in {@link dev.tracked.internal.InputTable}s.
 */
package dev.tracked.internal;

/**
 * The engine behind generated databases. <strong>For generated code only</strong>: these types are
 * public because generated classes live in users' packages, but they are not an API and change
 * without notice.
 *
 * <p>Following one query call: the generated method {@code tokens(file)} calls {@link
 * dev.tracked.internal.MemoTable#fetch} on the query's ingredient, which finds the key's {@link
 * dev.tracked.internal.Slot}, re-validates or re-executes its memo against the {@link
 * dev.tracked.internal.QueryRuntime}'s revisions, and records the read in the caller's {@link
 * dev.tracked.internal.ActiveQuery}. Inputs live in {@link dev.tracked.internal.InputTable}s.
 */
package dev.tracked.internal;

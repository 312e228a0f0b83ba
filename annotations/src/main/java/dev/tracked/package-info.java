/**
 * The annotations of Tracked: {@link dev.tracked.Database @Database} on a query interface,
 * {@link dev.tracked.Input @Input} and {@link dev.tracked.Tracked @Tracked} on its methods.
 */
package dev.tracked;

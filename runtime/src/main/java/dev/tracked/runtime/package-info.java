/**
 * What users of generated databases touch: {@link dev.tracked.runtime.TrackedDatabase}, {@link
 * dev.tracked.runtime.QueryKey}, {@link dev.tracked.runtime.Event} and {@link
 * dev.tracked.runtime.EventListener}, and the exceptions.
 */
package dev.tracked.runtime;

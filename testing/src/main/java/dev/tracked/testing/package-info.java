/**
 * Test support for Tracked databases. {@link dev.tracked.testing.EventRecorder} records what a
 * database did; {@link dev.tracked.testing.TrackedAssertions} asserts on it (which queries
 * executed, how often, which were only re-validated), printing the whole log when an assertion
 * fails; {@link dev.tracked.testing.TrackedExtension} gives each JUnit 5 test a fresh recorder.
 */
package dev.tracked.testing;

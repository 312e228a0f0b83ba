package dev.tracked.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test method parameter of a generated database type as a fork of a shared, warm
 * database, with {@link TrackedExtension}:
 *
 * <pre>{@code
 * @ExtendWith(TrackedExtension.class)
 * class ResolverTest {
 *     static TrackedResolver warm() {                  // runs once for the class
 *         TrackedResolver db = TrackedResolver.create();
 *         … set inputs, compute the expensive queries …
 *         return db;
 *     }
 *
 *     @Test
 *     void editingAModule(@Warm TrackedResolver db, EventRecorder recorder) {
 *         db.setText("a.py", "…");                     // this test's own copy
 *         assertThat(recorder.log(() -> db.resolve("a"))).executed("parse", "a.py").once();
 *     }
 * }
 * }</pre>
 *
 * <p>The named static method (no parameters) builds and warms the database once per test class;
 * each test gets its own {@code fork()} of it, reporting its events to the test's {@link
 * EventRecorder}. No test's edits reach another, in any order, in parallel.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Warm {
    /**
     * The static method of the test class that builds the warm database.
     *
     * @return the name of a static method without parameters that returns a generated database;
     *     {@code "warm"} by default
     */
    String value() default "warm";
}

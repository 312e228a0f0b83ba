package dev.tracked.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test (and its constructor) a fresh {@link EventRecorder}:
 *
 * <pre>{@code
 * @ExtendWith(TrackedExtension.class)
 * class TokensTest {
 *     @Test
 *     void editingOneFileRetokenizesOnlyIt(EventRecorder recorder) {
 *         TrackedCalc db = TrackedCalc.builder().listener(recorder).build();
 *         …
 *     }
 * }
 * }</pre>
 *
 * <p>The recorder is kept for the test: {@code @BeforeEach} methods and the test method asking
 * for one get the same instance, and the next test gets a new one. No state is shared between
 * tests, so they may run in parallel and in any order. Works with JUnit 5 and 6.
 */
public final class TrackedExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TrackedExtension.class);

    /** Created by JUnit, from {@code @ExtendWith(TrackedExtension.class)}. */
    public TrackedExtension() {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EventRecorder.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // get and put exist in every JUnit 5 and 6 release; computeIfAbsent only from 6.0.
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        EventRecorder recorder = store.get(EventRecorder.class, EventRecorder.class);
        if (recorder == null) {
            recorder = new EventRecorder();
            store.put(EventRecorder.class, recorder);
        }
        return recorder;
    }
}

package dev.tracked.testing;

import dev.tracked.runtime.TrackedDatabase;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh {@link EventRecorder}, and, for parameters
 * marked {@link Warm}, its own fork of a database warmed once for the test class:
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
        return parameter.getParameter().getType() == EventRecorder.class
                || (parameter.isAnnotated(Warm.class)
                        && TrackedDatabase.class.isAssignableFrom(parameter.getParameter().getType()));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.isAnnotated(Warm.class)) {
            String method = parameter.findAnnotation(Warm.class).map(Warm::value).orElse("warm");
            TrackedDatabase warm = warmDatabase(context, method);
            TrackedDatabase fork = warm.fork(recorder(context));
            Class<?> type = parameter.getParameter().getType();
            if (!type.isInstance(fork)) {
                throw new ParameterResolutionException("@Warm parameter " + parameter
                        .getParameter() + " is a " + type.getName() + ", but " + method
                        + "() returns a " + warm.getClass().getName());
            }
            return fork;
        }
        return recorder(context);
    }

    /**
     * The database built by the static method {@code name} of the test class, once per class
     * (kept in the class's store, shared by its tests, read-only: each test works on a fork).
     */
    private static TrackedDatabase warmDatabase(ExtensionContext context, String name) {
        ExtensionContext classContext = context.getParent()
                .filter(parent -> parent.getTestClass().equals(context.getTestClass()))
                .orElse(context);
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        String key = "warm:" + name;
        synchronized (store) {
            TrackedDatabase warm = store.get(key, TrackedDatabase.class);
            if (warm == null) {
                warm = build(context.getRequiredTestClass(), name);
                store.put(key, warm);
            }
            return warm;
        }
    }

    private static TrackedDatabase build(Class<?> testClass, String name) {
        Method method;
        try {
            method = testClass.getDeclaredMethod(name);
        } catch (NoSuchMethodException e) {
            throw new ParameterResolutionException("@Warm needs a static method " + name
                    + "() in " + testClass.getName() + " that builds and warms the database",
                    e);
        }
        if (!Modifier.isStatic(method.getModifiers())
                || !TrackedDatabase.class.isAssignableFrom(method.getReturnType())) {
            throw new ParameterResolutionException("@Warm method " + testClass.getName() + "."
                    + name + "() must be static and return a generated database");
        }
        try {
            method.setAccessible(true);
            return (TrackedDatabase) method.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new ParameterResolutionException("@Warm method " + testClass.getName() + "."
                    + name + "() failed", e.getCause() != null ? e.getCause() : e);
        }
    }

    private static EventRecorder recorder(ExtensionContext context) {
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

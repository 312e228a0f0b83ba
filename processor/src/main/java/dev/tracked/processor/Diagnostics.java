package dev.tracked.processor;

import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports diagnostics from the {@link Message} catalogue on the narrowest location known, and
 * counts errors so that generation is skipped for interfaces that have any.
 */
final class Diagnostics {
    private final Messager messager;
    private int errors;

    Diagnostics(Messager messager) {
        this.messager = messager;
    }

    /** An error about the build itself (such as an option), not about an element. */
    void error(Message message, Object... args) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message.format(args));
    }

    void warning(Element element, Message message, Object... args) {
        messager.printMessage(Diagnostic.Kind.WARNING, message.format(args), element);
    }

    void note(Element element, String text) {
        messager.printMessage(Diagnostic.Kind.NOTE, text, element);
    }

    void error(Element element, Message message, Object... args) {
        errors++;
        messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
    }

    void error(Element element, AnnotationMirror annotation, AnnotationValue value,
            Message message, Object... args) {
        errors++;
        if (annotation == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
        } else if (value == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element, annotation);
        } else {
            messager.printMessage(
                    Diagnostic.Kind.ERROR, message.format(args), element, annotation, value);
        }
    }

    int errorCount() {
        return errors;
    }

    /**
     * Whether {@code @SuppressWarnings("tracked")} is on {@code element} or an element enclosing
     * it (a parameter's method, a method's interface).
     */
    static boolean isSuppressed(Element element) {
        for (Element e = element; e != null; e = e.getEnclosingElement()) {
            SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
            if (suppress != null && List.of(suppress.value()).contains("tracked")) {
                return true;
            }
        }
        return false;
    }
}

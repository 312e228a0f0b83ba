package dev.tracked.processor;

import java.util.Map;
import java.util.Set;

/**
 * The processor's options, all namespaced {@code -Atracked.…}. A bad value is reported once, with
 * a usage line, and the default is used.
 *
 * @param generatedAnnotation {@code -Atracked.generatedAnnotation}: mark generated classes with
 *     {@code @javax.annotation.processing.Generated} where the type is visible (default true)
 * @param verbose {@code -Atracked.verbose}: print a note per generated database listing its
 *     queries (default false)
 */
record Options(boolean generatedAnnotation, boolean verbose) {
    static final String GENERATED_ANNOTATION = "tracked.generatedAnnotation";
    static final String VERBOSE = "tracked.verbose";
    static final Set<String> NAMES = Set.of(GENERATED_ANNOTATION, VERBOSE);

    static Options parse(Map<String, String> options, Diagnostics diagnostics) {
        return new Options(
                flag(options, GENERATED_ANNOTATION, true, diagnostics),
                flag(options, VERBOSE, false, diagnostics));
    }

    private static boolean flag(Map<String, String> options, String name, boolean fallback,
            Diagnostics diagnostics) {
        if (!options.containsKey(name)) {
            return fallback;
        }
        String value = options.get(name);
        if (value == null || value.equals("true")) {
            return true; // a bare -Atracked.verbose means true
        }
        if (value.equals("false")) {
            return false;
        }
        diagnostics.error(Message.BAD_OPTION, name, value, "-A" + name + "=true|false");
        return fallback;
    }
}

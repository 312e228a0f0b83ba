package dev.tracked.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Generates {@code Tracked<Name>} for every {@code @Database} interface.
 *
 * <p>Each interface goes through three steps: {@link QueryInterfaceValidator} checks it and builds
 * an immutable {@link QueryInterface} model, reporting every misuse on the offending element; only
 * when it is clean does {@link DatabaseWriter} turn the model into Java source. Anything
 * unexpected is reported as an error on the interface instead of escaping into javac.
 */
@AutoService(Processor.class)
public final class TrackedProcessor extends AbstractProcessor {
    private static final String DATABASE = "dev.tracked.Database";

    private Diagnostics diagnostics;
    private ClassName generatedAnnotation;

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        diagnostics = new Diagnostics(processingEnv.getMessager());
        Elements elements = processingEnv.getElementUtils();
        // Absent when compiling a named module that does not read java.compiler.
        generatedAnnotation = elements.getTypeElement("javax.annotation.processing.Generated") != null
                ? ClassName.get("javax.annotation.processing", "Generated")
                : null;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(DATABASE, QueryInterfaceValidator.INPUT, QueryInterfaceValidator.TRACKED,
                QueryInterfaceValidator.ACCUMULATOR);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Elements elements = processingEnv.getElementUtils();
        for (String annotation : Set.of(QueryInterfaceValidator.INPUT,
                QueryInterfaceValidator.TRACKED, QueryInterfaceValidator.ACCUMULATOR)) {
            TypeElement type = elements.getTypeElement(annotation);
            if (type != null) {
                round.getElementsAnnotatedWith(type).forEach(e -> checkInInterface(e, type));
            }
        }
        TypeElement database = elements.getTypeElement(DATABASE);
        if (database == null) {
            return false;
        }
        for (Element element : round.getElementsAnnotatedWith(database)) {
            try {
                process((TypeElement) element);
            } catch (RuntimeException | Error e) {
                diagnostics.error(element, Message.INTERNAL_ERROR, element, e);
            }
        }
        return false;
    }

    private void process(TypeElement element) {
        QueryInterfaceValidator validator = new QueryInterfaceValidator(processingEnv, diagnostics);
        Optional<QueryInterface> model = validator.validate(element);
        if (model.isEmpty()) {
            return;
        }
        try {
            new DatabaseWriter(model.get(), generatedAnnotation).write()
                    .writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            diagnostics.error(element, Message.INTERNAL_ERROR, element,
                    "could not write " + model.get().generatedName() + ": " + e);
        }
    }

    private void checkInInterface(Element method, TypeElement annotation) {
        Element owner = method.getEnclosingElement();
        if (owner.getKind() != ElementKind.INTERFACE) {
            diagnostics.error(method, Message.NOT_IN_INTERFACE, annotation.getSimpleName(),
                    method.getSimpleName(), owner.getSimpleName());
        }
    }
}

package dev.tracked.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Generates {@code Tracked<Name>} for every {@code @Database} interface.
 *
 * <p>Each interface goes through three steps: {@link QueryInterfaceValidator} checks it and builds
 * an immutable {@link QueryInterface} model, reporting every misuse on the offending element; only
 * when it is clean does {@link DatabaseWriter} turn the model into Java source. An interface that
 * mentions a type not generated yet (by another processor) waits for the next round. Anything
 * unexpected is reported as an error on the interface instead of escaping into javac.
 */
@AutoService(Processor.class)
public final class TrackedProcessor extends AbstractProcessor {
    static final String DATABASE = "dev.tracked.Database";
    private static final String GENERATED = "javax.annotation.processing.Generated";
    private static final List<String> QUERY_ANNOTATIONS = List.of(QueryInterfaceValidator.INPUT,
            QueryInterfaceValidator.TRACKED, QueryInterfaceValidator.ACCUMULATOR);

    private Diagnostics diagnostics;
    private Options options;
    /** {@code @Database} interfaces waiting for types another processor has yet to generate. */
    private final Set<String> deferred = new LinkedHashSet<>();
    /** Every {@code @Database} interface of this compilation, for the unused-group check. */
    private final Set<String> databases = new LinkedHashSet<>();
    /** Every interface that declares query methods, for the unused-group check. */
    private final Set<String> groups = new LinkedHashSet<>();

    /** Called by javac, which finds the processor through the service loader. */
    public TrackedProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        diagnostics = new Diagnostics(processingEnv.getMessager());
        options = Options.parse(processingEnv.getOptions(), diagnostics);
    }

    /**
     * Tracked's own annotations, and {@code @Generated}, which the generated classes carry. The
     * processor claims them all ({@link #process} returns {@code true}), so that {@code
     * -Xlint:processing} does not warn that no processor claimed them; no other processor is
     * meant to handle Tracked's annotations. A processor that supports {@code "*"} still sees
     * them if it comes first on the processor path.
     */
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        Set<String> supported = new LinkedHashSet<>();
        supported.add(DATABASE);
        supported.addAll(QUERY_ANNOTATIONS);
        supported.add(GENERATED);
        return supported;
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Options.NAMES;
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        try {
            processRound(round);
        } catch (RuntimeException | Error e) {
            diagnostics.error(Message.INTERNAL_ERROR, "this round", e);
        }
        return true;
    }

    private void processRound(RoundEnvironment round) {
        Elements elements = processingEnv.getElementUtils();
        for (String annotation : QUERY_ANNOTATIONS) {
            TypeElement type = elements.getTypeElement(annotation);
            if (type != null) {
                for (Element method : round.getElementsAnnotatedWith(type)) {
                    checkInInterface(method, type);
                }
            }
        }

        List<TypeElement> work = new ArrayList<>();
        for (String name : deferred) {
            TypeElement element = elements.getTypeElement(name);
            if (element != null) {
                work.add(element);
            }
        }
        deferred.clear();
        TypeElement database = elements.getTypeElement(DATABASE);
        if (database != null) {
            for (Element element : round.getElementsAnnotatedWith(database)) {
                if (element instanceof TypeElement type) {
                    databases.add(type.getQualifiedName().toString());
                    work.add(type);
                }
            }
        }
        for (TypeElement element : work) {
            try {
                process(element, round.processingOver());
            } catch (RuntimeException | Error e) {
                diagnostics.error(element, Message.INTERNAL_ERROR, element, e);
            }
        }
        if (round.processingOver()) {
            reportUnusedGroups();
        }
    }

    private void process(TypeElement element, boolean lastRound) {
        Optional<UnresolvedTypes.Mention> unresolved =
                new UnresolvedTypes(processingEnv.getTypeUtils()).find(element);
        if (unresolved.isPresent()) {
            if (lastRound) {
                UnresolvedTypes.Mention mention = unresolved.get();
                diagnostics.error(mention.element(), Message.UNRESOLVED_TYPE,
                        element.getSimpleName(), mention.where(), mention.type());
            } else {
                deferred.add(element.getQualifiedName().toString());
            }
            return;
        }
        QueryInterfaceValidator validator = new QueryInterfaceValidator(processingEnv, diagnostics);
        Optional<QueryInterface> model = validator.validate(element);
        if (model.isEmpty()) {
            return;
        }
        if (options.verbose()) {
            diagnostics.note(element, "Tracked: generating " + model.get().generatedName()
                    + " with queries " + model.get().queries().stream()
                            .map(q -> q.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                                    + q.name())
                            .collect(Collectors.joining(", ")));
        }
        try {
            new DatabaseWriter(model.get(), generatedAnnotation(element)).write()
                    .writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            diagnostics.error(element, Message.INTERNAL_ERROR, element,
                    "could not write " + model.get().generatedName() + ": " + e);
        }
    }

    /**
     * {@code @Generated} when asked for and visible where the interface lives: a named module
     * that does not read {@code java.compiler} cannot see it.
     */
    private ClassName generatedAnnotation(TypeElement element) {
        if (!options.generatedAnnotation()) {
            return null;
        }
        Elements elements = processingEnv.getElementUtils();
        ModuleElement module = elements.getModuleOf(element);
        TypeElement generated = module == null || module.isUnnamed()
                ? elements.getTypeElement(GENERATED)
                : elements.getTypeElement(module, GENERATED);
        return generated == null ? null : ClassName.get(generated);
    }

    private void checkInInterface(Element method, TypeElement annotation) {
        Element owner = method.getEnclosingElement();
        if (owner.getKind() != ElementKind.INTERFACE) {
            diagnostics.error(method, Message.NOT_IN_INTERFACE, annotation.getSimpleName(),
                    method.getSimpleName(), owner.getSimpleName());
        } else {
            groups.add(((TypeElement) owner).getQualifiedName().toString());
        }
    }

    /** Warns about query groups that no {@code @Database} interface of this compilation extends. */
    private void reportUnusedGroups() {
        Elements elements = processingEnv.getElementUtils();
        Types types = processingEnv.getTypeUtils();
        List<TypeElement> all = databases.stream()
                .map(elements::getTypeElement)
                .filter(t -> t != null)
                .collect(Collectors.toList());
        for (String name : groups) {
            TypeElement group = elements.getTypeElement(name);
            if (group == null || databases.contains(name) || Diagnostics.isSuppressed(group)) {
                continue;
            }
            boolean used = all.stream().anyMatch(db -> types.isSubtype(
                    types.erasure(db.asType()), types.erasure(group.asType())));
            if (!used) {
                diagnostics.warning(group, Message.UNUSED_GROUP, group.getSimpleName());
            }
        }
    }
}

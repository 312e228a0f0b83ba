package dev.tracked.processor;

import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Finds a type a {@code @Database} interface mentions but javac cannot resolve (yet): a
 * super-interface, or a query's return or parameter type. Such an interface waits for the next
 * round, in case another processor generates the type.
 */
final class UnresolvedTypes {
    private final Types types;

    UnresolvedTypes(Types types) {
        this.types = types;
    }

    /** Where an unresolved type is mentioned. */
    record Mention(Element element, String where, TypeMirror type) {}

    Optional<Mention> find(TypeElement database) {
        return find(database, database);
    }

    private Optional<Mention> find(TypeElement database, TypeElement type) {
        for (TypeMirror parent : type.getInterfaces()) {
            if (isUnresolved(parent)) {
                return Optional.of(new Mention(
                        database, type.getSimpleName() + "'s super-interface", parent));
            }
            Element parentElement = types.asElement(parent);
            if (parentElement instanceof TypeElement parentType) {
                Optional<Mention> inParent = find(database, parentType);
                if (inParent.isPresent()) {
                    return inParent;
                }
            }
        }
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            Element at = type.equals(database) ? method : database;
            if (isUnresolved(method.getReturnType())) {
                return Optional.of(new Mention(at, method.getSimpleName() + "'s return type",
                        method.getReturnType()));
            }
            for (VariableElement parameter : method.getParameters()) {
                if (isUnresolved(parameter.asType())) {
                    return Optional.of(new Mention(at, "parameter " + parameter.getSimpleName()
                            + " of " + method.getSimpleName(), parameter.asType()));
                }
            }
        }
        return Optional.empty();
    }

    private boolean isUnresolved(TypeMirror type) {
        if (type.getKind() == TypeKind.ERROR) {
            return true;
        }
        if (type instanceof ArrayType array) {
            return isUnresolved(array.getComponentType());
        }
        if (type instanceof WildcardType wildcard) {
            return (wildcard.getExtendsBound() != null && isUnresolved(wildcard.getExtendsBound()))
                    || (wildcard.getSuperBound() != null && isUnresolved(wildcard.getSuperBound()));
        }
        if (type instanceof DeclaredType declared) {
            for (TypeMirror argument : declared.getTypeArguments()) {
                if (isUnresolved(argument)) {
                    return true;
                }
            }
        }
        return false;
    }
}

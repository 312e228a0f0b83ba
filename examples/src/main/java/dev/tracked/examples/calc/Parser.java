package dev.tracked.examples.calc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a file of definitions, one per line: {@code name = expression}, where expressions have
 * integers, names, {@code + - * /} and parentheses. Blank lines and {@code #} comments are skipped.
 */
public final class Parser {
    private final String text;
    private int pos;

    private Parser(String text) {
        this.text = text;
    }

    /** The file's definitions in order; throws {@link IllegalArgumentException} on a syntax error. */
    public static Map<String, Expr> parseFile(String file, String source) {
        Map<String, Expr> definitions = new LinkedHashMap<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int comment = line.indexOf('#');
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            if (line.isBlank()) {
                continue;
            }
            int equals = line.indexOf('=');
            String name = equals < 0 ? "" : line.substring(0, equals).strip();
            if (!name.matches("[A-Za-z_]\\w*")) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + ": expected `name = expression`");
            }
            try {
                definitions.put(name, new Parser(line.substring(equals + 1)).expression(true));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return definitions;
    }

    private Expr expression(boolean whole) {
        Expr left = term();
        while (peek() == '+' || peek() == '-') {
            char operator = text.charAt(pos++);
            left = new Expr.Binary(operator, left, term());
        }
        if (whole && peek() != 0) {
            throw new IllegalArgumentException("unexpected '" + peek() + "'");
        }
        return left;
    }

    private Expr term() {
        Expr left = factor();
        while (peek() == '*' || peek() == '/') {
            char operator = text.charAt(pos++);
            left = new Expr.Binary(operator, left, factor());
        }
        return left;
    }

    private Expr factor() {
        char c = peek();
        if (c == '(') {
            pos++;
            Expr inner = expression(false);
            if (peek() != ')') {
                throw new IllegalArgumentException("expected ')'");
            }
            pos++;
            return inner;
        }
        int start = pos;
        if (Character.isDigit(c)) {
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            return new Expr.Num(Long.parseLong(text.substring(start, pos)));
        }
        if (Character.isLetter(c) || c == '_') {
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos))
                    || text.charAt(pos) == '_')) {
                pos++;
            }
            return new Expr.Ref(text.substring(start, pos));
        }
        throw new IllegalArgumentException(c == 0 ? "expression expected" : "unexpected '" + c + "'");
    }

    /** The next non-blank character, or 0 at the end. */
    private char peek() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return pos < text.length() ? text.charAt(pos) : 0;
    }
}

package dev.lofilora.dataset.hf;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.strip()} and {@code str.split(sep)}, reproduced because Java's {@code String.strip()} and
 * {@code String.split(regex)} differ at the edges (which characters count as white space; trailing empty fields are
 * dropped by Java, kept by Python) and the dataset's values must equal what ACE-Step's converter makes.
 */
final class PythonStrings {
    private PythonStrings() {}

    /** {@code s.strip()}: removes leading and trailing characters for which Python's {@code str.isspace()} is true. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) start++;
        while (end > start && isPythonSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** {@code s.split(sep)} with a literal, non-empty separator: keeps empty fields, {@code "".split(", ") == [""]}. */
    static List<String> split(String s, String sep) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at;
        while ((at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** Python's white space for {@code str}: Unicode categories Zs, plus the separators Java calls white space. */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u001c' || c == '\u001d'
                || c == '\u001e' || c == '\u001f' || c == '\u0085';
    }
}

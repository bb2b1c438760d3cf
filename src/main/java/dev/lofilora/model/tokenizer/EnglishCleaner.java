package dev.lofilora.model.tokenizer;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ACE-Step's {@code multilingual_cleaners(text, "en")} (lyric_tokenizer.py, from Coqui XTTS): drop double quotes,
 * lowercase, expand numbers with num2words' English wording (comma groups, currency, decimals, ordinals, integers),
 * expand abbreviations ("mr." → "mister") and symbols ("&" → " and "), collapse whitespace. Each stage keeps the
 * original's error handling: a failing number expansion leaves the text as it was before numbers were touched.
 * Patterns use Unicode classes for {@code \b \d \s}, as Python 3's {@code re} does on str.
 */
final class EnglishCleaner {
    private static final int U = Pattern.UNICODE_CHARACTER_CLASS;
    private static final Pattern COMMA_NUMBER = Pattern.compile("\\b\\d{1,3}(,\\d{3})*(\\.\\d+)?\\b", U);
    private static final Pattern GBP = Pattern.compile("((£[0-9.,]*[0-9]+)|([0-9.,]*[0-9]+£))", U);
    private static final Pattern USD = Pattern.compile("((\\$[0-9.,]*[0-9]+)|([0-9.,]*[0-9]+\\$))", U);
    private static final Pattern EUR = Pattern.compile("(([0-9.,]*[0-9]+€)|((€[0-9.,]*[0-9]+)))", U);
    private static final Pattern DECIMAL = Pattern.compile("([0-9]+[.,][0-9]+)", U);
    private static final Pattern ORDINAL = Pattern.compile("([0-9]+)(st|nd|rd|th)", U);
    private static final Pattern NUMBER = Pattern.compile("[0-9]+", U);
    private static final Pattern NOT_DIGIT_OR_DOT = Pattern.compile("[^\\d.]", U);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", U);

    private record Replacement(Pattern pattern, String text) {}

    private static final List<Replacement> ABBREVIATIONS = abbreviations(new String[][] {
            {"mrs", "misess"}, {"mr", "mister"}, {"dr", "doctor"}, {"st", "saint"}, {"co", "company"},
            {"jr", "junior"}, {"maj", "major"}, {"gen", "general"}, {"drs", "doctors"}, {"rev", "reverend"},
            {"lt", "lieutenant"}, {"hon", "honorable"}, {"sgt", "sergeant"}, {"capt", "captain"}, {"esq", "esquire"},
            {"ltd", "limited"}, {"col", "colonel"}, {"ft", "fort"}});
    private static final String[][] SYMBOLS = {{"&", " and "}, {"@", " at "}, {"%", " percent "}, {"#", " hash "},
            {"$", " dollar "}, {"£", " pound "}, {"°", " degree "}};

    private EnglishCleaner() {}

    static String clean(String text) {
        text = text.replace("\"", "");
        text = text.toLowerCase(Locale.ROOT);
        try {
            text = expandNumbers(text);
        } catch (RuntimeException e) {
            // the original wraps the whole number stage in try/except: the text stays as it was
        }
        for (Replacement r : ABBREVIATIONS) text = r.pattern.matcher(text).replaceAll(Matcher.quoteReplacement(r.text));
        for (String[] s : SYMBOLS) {
            text = text.replace(s[0], s[1]);   // re.IGNORECASE on symbols changes nothing
            text = text.replace("  ", " ");
        }
        text = text.strip();
        return WHITESPACE.matcher(text).replaceAll(" ");
    }

    private static String expandNumbers(String text) {
        text = sub(COMMA_NUMBER, text, m -> m.group().replace(",", ""));
        try { // the three currencies share one try in the original: a failure keeps what was already replaced
            text = sub(GBP, text, m -> currency(m.group(), "GBP"));
            text = sub(USD, text, m -> currency(m.group(), "USD"));
            text = sub(EUR, text, m -> currency(m.group(), "EUR"));
        } catch (RuntimeException e) {
            // as the original's bare except: pass
        }
        text = sub(DECIMAL, text, m -> EnglishNumbers.decimal(m.group(1).replace(",", ".")));
        text = sub(ORDINAL, text, m -> EnglishNumbers.ordinal(new BigInteger(m.group(1))));
        return sub(NUMBER, text, m -> EnglishNumbers.cardinal(new BigInteger(m.group())));
    }

    private static String currency(String match, String code) {
        double amount = Double.parseDouble(NOT_DIGIT_OR_DOT.matcher(match.replace(",", ".")).replaceAll(""));
        String full = EnglishNumbers.currency(amount, code);
        if (amount == Math.rint(amount)) {
            int lastAnd = full.lastIndexOf(", ");
            if (lastAnd != -1) full = full.substring(0, lastAnd);
        }
        return full;
    }

    private static String sub(Pattern p, String text, Function<Matcher, String> f) {
        Matcher m = p.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<Replacement> abbreviations(String[][] pairs) {
        return java.util.Arrays.stream(pairs).map(p -> new Replacement(
                Pattern.compile("\\b" + p[0] + "\\.", Pattern.CASE_INSENSITIVE | U), p[1])).toList();
    }
}

package dev.lofilora.model.tokenizer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * English number words as the Python {@code num2words} package (0.5.x, {@code lang="en"}) writes them, which
 * ACE-Step's lyric cleaner calls: cardinals ("one hundred and twenty-three", "one thousand, two hundred"), ordinals
 * ("twenty-first"), decimals ("three point one four") and currency ("five dollars, fifty cents"). Written by hand
 * because no Java library reproduces num2words' exact wording (its "and"/comma merge rules); the algorithm follows
 * num2words' {@code splitnum}/{@code clean}/{@code merge}.
 */
final class EnglishNumbers {
    private static final String[] LOW = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
            "twenty"};
    private static final Map<String, String> ORDS = Map.of("one", "first", "two", "second", "three", "third",
            "five", "fifth", "eight", "eighth", "nine", "ninth", "twelve", "twelfth");
    /** num2words' cards: value → word, walked from the largest. */
    private static final NavigableMap<BigInteger, String> CARDS = new TreeMap<>();
    /** Currency forms (singular, plural) of Num2Word_EU for the three currencies the cleaner matches. */
    static final Map<String, String[][]> CURRENCY = Map.of(
            "USD", new String[][] {{"dollar", "dollars"}, {"cent", "cents"}},
            "GBP", new String[][] {{"pound sterling", "pounds sterling"}, {"penny", "pence"}},
            "EUR", new String[][] {{"euro", "euro"}, {"cent", "cents"}});

    static {
        for (int i = 0; i <= 20; i++) CARDS.put(BigInteger.valueOf(i), LOW[i]);
        String[] mid = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        for (int i = 0; i < mid.length; i++) CARDS.put(BigInteger.valueOf(30 + 10L * i), mid[i]);
        CARDS.put(BigInteger.valueOf(100), "hundred");
        CARDS.put(BigInteger.valueOf(1000), "thousand");
        // set_high_numwords: 10^(3·k+3) for "m", "b", "tr", "quadr", ... + "illion" (the names beyond are rare in lyrics)
        String[] high = {"m", "b", "tr", "quadr", "quint", "sext", "sept", "oct", "non", "dec"};
        for (int i = 0; i < high.length; i++) CARDS.put(BigInteger.TEN.pow(6 + 3 * i), high[i] + "illion");
    }

    /** num2words' MAXVAL for English with these names (1000 × the largest card). */
    private static final BigInteger MAX = CARDS.lastKey().multiply(BigInteger.valueOf(1000));

    private EnglishNumbers() {}

    private record Pair(String text, BigInteger num) {}

    /** {@code num2words(n)} for an integer. */
    static String cardinal(BigInteger n) {
        if (n.signum() < 0) return "minus " + cardinal(n.negate());
        if (n.compareTo(MAX) >= 0) throw new ArithmeticException("number too large: " + n);
        return clean(splitnum(n)).text;
    }

    static String cardinal(long n) { return cardinal(BigInteger.valueOf(n)); }

    /** {@code num2words(n, ordinal=True)}. */
    static String ordinal(BigInteger n) {
        if (n.signum() < 0) throw new ArithmeticException("negative ordinal");
        String[] words = cardinal(n).split(" ");
        String[] last = words[words.length - 1].split("-");
        String w = last[last.length - 1];
        String ord = ORDS.get(w);
        if (ord == null) ord = (w.endsWith("y") ? w.substring(0, w.length() - 1) + "ie" : w) + "th";
        last[last.length - 1] = ord;
        words[words.length - 1] = String.join("-", last);
        return String.join(" ", words);
    }

    /** {@code num2words(float(text))}: an integral value reads as a cardinal, otherwise "x point d d d". */
    static String decimal(String text) {
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value) || Double.isNaN(value)) throw new ArithmeticException("not finite: " + text);
        if (value == Math.rint(value)) return cardinal(new BigDecimal(value).toBigInteger());
        // float2tuple: precision = the fractional digits of repr(value) (shortest round-trip digits),
        // post = |value − int| · 10^precision
        int precision = Math.max(0, new BigDecimal(Double.toString(value)).stripTrailingZeros().scale());
        BigInteger pre = new BigDecimal(value).toBigInteger();
        double post = Math.abs(value - pre.doubleValue()) * Math.pow(10, precision);
        long postInt = Math.abs(Math.round(post) - post) < 0.01 ? Math.round(post) : (long) Math.floor(post);
        StringBuilder digits = new StringBuilder(Long.toString(postInt));
        while (digits.length() < precision) digits.insert(0, '0');
        List<String> out = new ArrayList<>();
        out.add(cardinal(pre));
        if (precision > 0) out.add("point");
        for (int i = 0; i < precision; i++) out.add(cardinal(digits.charAt(i) - '0'));
        return String.join(" ", out);
    }

    /** {@code num2words(amount, to="currency", currency=code)}: "x dollars, y cents" (amount rounded half up). */
    static String currency(double amount, String code) {
        String[][] forms = CURRENCY.get(code);
        BigDecimal v = new BigDecimal(amount).setScale(2, RoundingMode.HALF_UP);
        boolean negative = v.signum() < 0;
        v = v.abs();
        BigInteger left = v.toBigInteger();
        int right = v.subtract(new BigDecimal(left)).movePointRight(2).intValue();
        return (negative ? "minus " : "") + cardinal(left) + " " + plural(left.equals(BigInteger.ONE), forms[0]) + ", "
                + cardinal(right) + " " + plural(right == 1, forms[1]);
    }

    private static String plural(boolean one, String[] forms) { return one ? forms[0] : forms[1]; }

    // ---- num2words base: splitnum / clean / merge (lang_EN) -------------------------------------------------------

    /** A nested split: each element is a Pair or a List of elements. */
    private static List<Object> splitnum(BigInteger value) {
        for (Map.Entry<BigInteger, String> e : CARDS.descendingMap().entrySet()) {
            BigInteger elem = e.getKey();
            if (elem.compareTo(value) > 0) continue;
            List<Object> out = new ArrayList<>();
            BigInteger div;
            BigInteger mod;
            if (value.signum() == 0) {
                div = BigInteger.ONE;
                mod = BigInteger.ZERO;
            } else {
                BigInteger[] dm = value.divideAndRemainder(elem);
                div = dm[0];
                mod = dm[1];
            }
            if (div.equals(BigInteger.ONE)) out.add(new Pair(CARDS.get(BigInteger.ONE), BigInteger.ONE));
            else out.add(splitnum(div));
            out.add(new Pair(e.getValue(), elem));
            if (mod.signum() != 0) out.add(splitnum(mod));
            return out;
        }
        throw new IllegalStateException("no card for " + value);
    }

    @SuppressWarnings("unchecked")
    private static Pair clean(List<Object> val) {
        List<Object> out = val;
        while (val.size() != 1) {
            out = new ArrayList<>();
            Object left = val.get(0);
            Object right = val.get(1);
            if (left instanceof Pair l && right instanceof Pair r) {
                out.add(merge(l, r));
                if (val.size() > 2) out.add(new ArrayList<>(val.subList(2, val.size())));
            } else {
                for (Object elem : val) {
                    if (elem instanceof List<?> list) {
                        out.add(list.size() == 1 ? list.get(0) : clean((List<Object>) list));
                    } else {
                        out.add(elem);
                    }
                }
            }
            val = out;
        }
        Object only = out.get(0);
        return only instanceof Pair p ? p : clean((List<Object>) only);
    }

    private static Pair merge(Pair l, Pair r) {
        BigInteger hundred = BigInteger.valueOf(100);
        if (l.num.equals(BigInteger.ONE) && r.num.compareTo(hundred) < 0) return new Pair(r.text, r.num);
        if (hundred.compareTo(l.num) > 0 && l.num.compareTo(r.num) > 0) return new Pair(l.text + "-" + r.text, l.num.add(r.num));
        if (l.num.compareTo(hundred) >= 0 && hundred.compareTo(r.num) > 0) return new Pair(l.text + " and " + r.text, l.num.add(r.num));
        if (r.num.compareTo(l.num) > 0) return new Pair(l.text + " " + r.text, l.num.multiply(r.num));
        return new Pair(l.text + ", " + r.text, l.num.add(r.num));
    }
}

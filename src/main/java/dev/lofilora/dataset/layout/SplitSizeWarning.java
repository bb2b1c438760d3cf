package dev.lofilora.dataset.layout;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The warning for a validation side much larger than {@code --split} asks for. It happens on small sets because
 * every style with 2 or more tracks gives at least one track to validation (the stratified split's rule): 12
 * tracks in 5 styles at {@code --split 0.1} put 5 tracks (42 %) in validation.
 */
final class SplitSizeWarning {
    /** Warn when validation holds more than this many times the requested fraction (and at least one extra track). */
    static final double FACTOR = 1.5;

    private SplitSizeWarning() {}

    /**
     * @param allStyles the style of every track
     * @param valStyles the style of every validation track
     * @return the warning with the counts, or null when the split is close enough to {@code split}
     */
    static String check(List<String> allStyles, List<String> valStyles, double split) {
        int total = allStyles.size(), val = valStyles.size();
        if (total == 0 || val == 0) return null;
        double actual = val / (double) total;
        if (actual <= split * FACTOR || val - Math.round(total * split) < 1) return null;
        Map<String, int[]> perStyle = new TreeMap<>();
        for (String s : allStyles) perStyle.computeIfAbsent(s, k -> new int[2])[0]++;
        for (String s : valStyles) perStyle.computeIfAbsent(s, k -> new int[2])[1]++;
        StringBuilder styles = new StringBuilder();
        for (var e : perStyle.entrySet()) {
            if (e.getValue()[1] == 0) continue;
            if (styles.length() > 0) styles.append(", ");
            styles.append(e.getKey()).append(' ').append(e.getValue()[1]).append(" of ").append(e.getValue()[0]);
        }
        return String.format(Locale.ROOT, "validation holds %d of %d tracks (%.0f %%), not the %.0f %% --split %s asks "
                        + "for: every style with 2 or more tracks gives at least 1 track to validation (validation per "
                        + "style: %s); add tracks to small styles, or merge them, to come closer to --split",
                val, total, 100 * actual, 100 * split, trim(split), styles);
    }

    private static String trim(double d) {
        String s = String.format(Locale.ROOT, "%.3f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}

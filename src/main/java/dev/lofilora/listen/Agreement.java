package dev.lofilora.listen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Agreement between raters: Krippendorff's alpha with the nominal metric. An item is one clip pair rated on one pair
 * of systems; a rater's value for it is the outcome of their latest answer: the first system (in name order) better,
 * the same, or the second better. "No preference" is a missing value. Alpha is chosen over Fleiss' kappa because
 * raters rate different numbers of items (sessions draw different pairs) and alpha takes missing values as they
 * come; items with fewer than two values carry no information on agreement and are left out.
 *
 * <p>alpha = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, with the coincidence matrix
 * o_ck = Σ_items (pairs of values c, k in the item) / (m_item − 1), n_c its row sums and n the number of pairable
 * values. 1 is perfect agreement, 0 agreement at chance level; undefined (null) when fewer than two values are
 * pairable or all of them fall in one category.
 *
 * @param alpha            Krippendorff's alpha, or null when undefined
 * @param items            items rated by two or more raters
 * @param raters           raters with at least one value in those items
 * @param values           pairable values (the n of the formula)
 * @param percentAgreement share of agreeing pairs of values within items, or null
 */
public record Agreement(String statistic, Double alpha, int items, int raters, int values, Double percentAgreement) {
    static final String STATISTIC = "Krippendorff's alpha, nominal (first system better / same / second better; "
            + "no preference = missing; latest answer per rater and item)";

    /** {@code values.get(item).get(rater)} = category index (0, 1 or 2). */
    static Agreement of(Map<String, Map<String, Integer>> values) {
        double[][] o = new double[3][3];
        int items = 0, pairs = 0, agreeingPairs = 0;
        java.util.Set<String> raters = new java.util.HashSet<>();
        for (Map<String, Integer> item : values.values()) {
            int m = item.size();
            if (m < 2) continue;
            items++;
            raters.addAll(item.keySet());
            List<Integer> v = List.copyOf(item.values());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i == j) continue;
                    o[v.get(i)][v.get(j)] += 1.0 / (m - 1);
                    if (i < j) {
                        pairs++;
                        if (v.get(i).equals(v.get(j))) agreeingPairs++;
                    }
                }
            }
        }
        double[] nc = new double[3];
        double n = 0;
        for (int c = 0; c < 3; c++) for (int k = 0; k < 3; k++) { nc[c] += o[c][k]; n += o[c][k]; }
        double observed = 0, expected = 0;
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 3; k++) {
                if (c == k) continue;
                observed += o[c][k];
                expected += nc[c] * nc[k];
            }
        }
        Double alpha = n < 2 || expected == 0 ? null : 1 - (n - 1) * observed / expected;
        Double percent = pairs == 0 ? null : agreeingPairs / (double) pairs;
        return new Agreement(STATISTIC, alpha, items, raters.size(), (int) Math.round(n), percent);
    }

    /** An empty item table, for callers building one. */
    static Map<String, Map<String, Integer>> table() { return new HashMap<>(); }
}

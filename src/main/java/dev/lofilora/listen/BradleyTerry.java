package dev.lofilora.listen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bradley–Terry strengths from pairwise wins: P(i beats j) = p_i / (p_i + p_j), fitted by maximum likelihood with
 * Hunter's (2004) MM algorithm, p_i ← W_i / Σ_j n_ij / (p_i + p_j), normalised to Σ p = 1 after every sweep.
 * Written here because commons-math3 has neither a Bradley–Terry model nor a logistic GLM to fit one; its general
 * optimisers would work, but MM is a few lines, needs no step size and raises the likelihood at every step.
 * Ties and "no preference" carry no information in this model and are left out.
 *
 * <p>The estimate exists (finite and unique) only when the "beats" graph is strongly connected: every split of the
 * systems into two groups has a system in each group that beat one in the other. Otherwise a strength runs off to
 * 0 or 1 and {@link Fit#note} says why instead of giving numbers.
 */
final class BradleyTerry {
    static final double TOLERANCE = 1e-12;
    static final int MAX_SWEEPS = 100_000;

    /** Strengths (Σ = 1) in the order of {@code systems}, or null with a note. */
    record Fit(List<String> systems, double[] strengths, int sweeps, String note) {}

    private BradleyTerry() {}

    /** {@code wins[i][j]}: how often system i beat system j. */
    static Fit fit(List<String> systems, int[][] wins) {
        int k = systems.size();
        String gap = disconnected(systems, wins);
        if (gap != null) return new Fit(systems, null, 0, gap);
        double[] p = new double[k];
        java.util.Arrays.fill(p, 1.0 / k);
        int[] w = new int[k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) w[i] += wins[i][j];
        for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
            double[] next = new double[k];
            double sum = 0;
            for (int i = 0; i < k; i++) {
                double denom = 0;
                for (int j = 0; j < k; j++) {
                    int n = wins[i][j] + wins[j][i];
                    if (j != i && n > 0) denom += n / (p[i] + p[j]);
                }
                next[i] = w[i] / denom;
                sum += next[i];
            }
            double change = 0;
            for (int i = 0; i < k; i++) {
                next[i] /= sum;
                change = Math.max(change, Math.abs(next[i] - p[i]) / p[i]);
            }
            p = next;
            if (change < TOLERANCE) return new Fit(systems, p, sweep, null);
        }
        return new Fit(systems, p, MAX_SWEEPS, "did not converge to 1e-12 in " + MAX_SWEEPS + " sweeps");
    }

    /** Null when every system reaches every other along "beat" edges; else which system never won or lost. */
    private static String disconnected(List<String> systems, int[][] wins) {
        int k = systems.size();
        for (int i = 0; i < k; i++) {
            int won = 0, lost = 0;
            for (int j = 0; j < k; j++) {
                won += wins[i][j];
                lost += wins[j][i];
            }
            if (won == 0) return "no maximum-likelihood estimate: " + systems.get(i) + " never won a trial";
            if (lost == 0) return "no maximum-likelihood estimate: " + systems.get(i) + " never lost a trial";
        }
        if (!reachesAll(wins, false) || !reachesAll(wins, true)) {
            return "no maximum-likelihood estimate: one group of systems never lost to the others (compare across the groups)";
        }
        return null;
    }

    private static boolean reachesAll(int[][] wins, boolean reversed) {
        int k = wins.length;
        boolean[] seen = new boolean[k];
        List<Integer> stack = new ArrayList<>(List.of(0));
        seen[0] = true;
        int count = 1;
        while (!stack.isEmpty()) {
            int i = stack.remove(stack.size() - 1);
            for (int j = 0; j < k; j++) {
                int edge = reversed ? wins[j][i] : wins[i][j];
                if (edge > 0 && !seen[j]) {
                    seen[j] = true;
                    count++;
                    stack.add(j);
                }
            }
        }
        return count == k;
    }

    /** Convenience for callers holding wins as a map "winner\nloser" → count. */
    static int[][] matrix(List<String> systems, Map<String, Integer> wins) {
        int k = systems.size();
        int[][] m = new int[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) m[i][j] = wins.getOrDefault(systems.get(i) + "\n" + systems.get(j), 0);
        }
        return m;
    }
}

package dev.lofilora.listen;

import dev.lofilora.common.LofiException;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code lofi listen --summary}: reads {@code quality_scores.json} and sums up every answer in it. Win-rate
 * intervals (Wilson score, 95 %) and the sign test come from commons-math3; Bradley–Terry and Krippendorff's alpha
 * are in {@link BradleyTerry} and {@link Agreement}. The bar chart is written beside the scores file as
 * {@code <name>_summary.png}.
 */
public final class ListenSummary {
    static final double CONFIDENCE = 0.95;

    private ListenSummary() {}

    /** Summarises {@code scores} and writes the chart beside it; a LofiException when there is nothing to sum up. */
    public static SummaryResult run(Path scores) throws IOException {
        if (!Files.exists(scores)) {
            throw new LofiException(scores, "does not exist", "rate some clips with lofi listen --a <dir> --b <dir> first");
        }
        SummaryResult r = of(ScoresFile.read(scores), scores);
        if (r.trials() == 0) throw new LofiException(scores, "has no answers yet", "finish a trial in lofi listen first");
        Path png = chartPath(scores);
        SummaryChart.write(png, r.pairs());
        return r.withChart(png);
    }

    /** {@code quality_scores.json} → {@code quality_scores_summary.png}. */
    public static Path chartPath(Path scores) {
        String name = scores.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return scores.resolveSibling(stem + "_summary.png");
    }

    /** The figures of {@code doc} (no chart). */
    public static SummaryResult of(ScoresDocument doc, Path scores) {
        TreeSet<String> systems = new TreeSet<>(), raters = new TreeSet<>();
        Map<String, List<RatingRecord>> byPair = new TreeMap<>();
        int decisive = 0;
        for (RatingRecord r : doc.ratings()) {
            String x = r.left().system(), y = r.right().system();
            systems.add(x);
            systems.add(y);
            raters.add(r.rater());
            byPair.computeIfAbsent(key(x, y), k -> new ArrayList<>()).add(r);
            if (r.choice().decisive()) decisive++;
        }
        List<PairStats> pairs = new ArrayList<>();
        Map<String, Integer> wins = new HashMap<>();
        for (var e : byPair.entrySet()) {
            String[] xy = e.getKey().split("\n");
            PairStats s = pair(xy[0], xy[1], e.getValue());
            pairs.add(s);
            wins.put(xy[0] + "\n" + xy[1], s.wins());
            wins.put(xy[1] + "\n" + xy[0], s.losses());
        }
        List<String> sys = List.copyOf(systems);
        SummaryResult.Strengths bt = sys.size() > 2 ? strengths(sys, BradleyTerry.matrix(sys, wins)) : null;
        int complete = (int) doc.sessions().stream().filter(doc::complete).count();
        return new SummaryResult(scores, null, doc.sessions().size(), complete, List.copyOf(raters), sys,
                doc.ratings().size(), decisive, List.copyOf(pairs), bt, agreement(doc.ratings()));
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
    }

    static PairStats pair(String x, String y, List<RatingRecord> ratings) {
        int wins = 0, losses = 0, same = 0, none = 0, scored = 0, sum = 0;
        TreeSet<String> raters = new TreeSet<>();
        for (RatingRecord r : ratings) {
            raters.add(r.rater());
            if (r.choice() == Choice.NO_PREFERENCE) { none++; continue; }
            int adv = r.advantageOf(x);
            scored++;
            sum += adv;
            if (adv > 0) wins++;
            else if (adv < 0) losses++;
            else same++;
        }
        int n = wins + losses;
        Double rate = null, low = null, high = null;
        double p = 1.0;
        if (n > 0) {
            rate = wins / (double) n;
            ConfidenceInterval ci = new WilsonScoreInterval().createInterval(n, wins, CONFIDENCE);
            low = Math.max(0, ci.getLowerBound());
            high = Math.min(1, ci.getUpperBound());
            p = new BinomialTest().binomialTest(n, wins, 0.5, AlternativeHypothesis.TWO_SIDED);
        }
        Double mean = scored == 0 ? null : sum / (double) scored;
        return new PairStats(x, y, ratings.size(), wins, losses, same, none, n, rate, low, high, p, mean, List.copyOf(raters));
    }

    private static SummaryResult.Strengths strengths(List<String> systems, int[][] wins) {
        BradleyTerry.Fit fit = BradleyTerry.fit(systems, wins);
        if (fit.strengths() == null) return new SummaryResult.Strengths(List.of(), 0, fit.note());
        double meanLog = 0;
        for (double p : fit.strengths()) meanLog += Math.log(p) / systems.size();
        List<SummaryResult.Strength> list = new ArrayList<>();
        for (int i = 0; i < systems.size(); i++) {
            int w = 0, l = 0;
            for (int j = 0; j < systems.size(); j++) { w += wins[i][j]; l += wins[j][i]; }
            list.add(new SummaryResult.Strength(systems.get(i), fit.strengths()[i], Math.log(fit.strengths()[i]) - meanLog, w, l));
        }
        list.sort(Comparator.comparingDouble(SummaryResult.Strength::strength).reversed());
        return new SummaryResult.Strengths(List.copyOf(list), fit.sweeps(), fit.note());
    }

    /** Items = (system pair, clip); one value per rater: the outcome of their latest answer. */
    static Agreement agreement(List<RatingRecord> ratings) {
        Map<String, Map<String, Integer>> items = new LinkedHashMap<>();
        Map<String, java.time.Instant> latest = new HashMap<>();
        for (RatingRecord r : ratings) {
            String x = r.left().system().compareTo(r.right().system()) < 0 ? r.left().system() : r.right().system();
            String item = key(r.left().system(), r.right().system()) + "\n" + r.pair();
            String slot = item + "\n" + r.rater();
            java.time.Instant at = java.time.Instant.parse(r.timestamp()), before = latest.get(slot);
            if (before != null && before.isAfter(at)) continue;
            latest.put(slot, at);
            Map<String, Integer> values = items.computeIfAbsent(item, k -> new LinkedHashMap<>());
            if (r.choice() == Choice.NO_PREFERENCE) {
                values.remove(r.rater());
                continue;
            }
            int adv = r.advantageOf(x);
            values.put(r.rater(), adv > 0 ? 0 : adv == 0 ? 1 : 2);
        }
        return Agreement.of(items);
    }
}

package dev.lofilora.metrics.validate;

import dev.lofilora.metrics.fad.EmbeddingStats;
import dev.lofilora.metrics.fad.FadInfinity;
import dev.lofilora.metrics.fad.FrechetDistance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FAD and CLAP score of a set of embedded clips. Clips are taken in id order whatever order they come in, so the
 * scores do not depend on listing order; each clip is paired with its own prompt by the {@link Clip} it carries.
 * CLAP score = the mean over clips of each clip's mean cosine between its segments' audio embeddings and its prompt's
 * text embedding (both unit, so the cosine is the dot product) — the plain mean the common scripts report, no ×100, no
 * clamp.
 */
final class Scoring {
    private Scoring() {}

    /** Scores of one set. {@code stats} is null with fewer than 2 VGGish frames. */
    record SetScores(List<ClipEmbeddings> clips, int segments, int frames, double segmentSeconds, float[][] allFrames,
                     EmbeddingStats stats, double clap, double clapStd, Map<String, Double> clapByClip) {}

    static SetScores score(List<ClipEmbeddings> input, Map<String, float[]> textByPrompt) {
        List<ClipEmbeddings> clips = new ArrayList<>(input);
        clips.sort(Comparator.comparing(c -> c.clip().id()));
        List<float[]> frames = new ArrayList<>();
        Map<String, Double> byClip = new LinkedHashMap<>();
        int segments = 0;
        for (ClipEmbeddings c : clips) {
            for (float[][] v : c.vggish()) frames.addAll(List.of(v));
            float[] text = textByPrompt.get(c.clip().prompt());
            double sum = 0;
            for (float[] a : c.clap()) sum += dot(a, text);
            byClip.put(c.clip().id(), sum / c.segments());
            segments += c.segments();
        }
        double mean = byClip.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = byClip.values().stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / Math.max(1, byClip.size() - 1);
        float[][] all = frames.toArray(new float[0][]);
        EmbeddingStats stats = all.length >= 2 ? EmbeddingStats.of(all) : null;
        return new SetScores(clips, segments, all.length, clips.get(0).segmentSeconds(), all, stats, mean,
                byClip.size() > 1 ? Math.sqrt(var) : 0, byClip);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** FAD of the set against the reference statistics, with warnings. */
    static FrechetDistance.Result fad(SetScores set, EmbeddingStats reference) {
        return FrechetDistance.compute(set.stats(), reference);
    }

    /** FAD-∞ when there are enough frames (≥ 8), else null. */
    static ValidateResult.FadInf fadInf(SetScores set, EmbeddingStats reference, long seed) {
        if (set.frames() < 8) return null;
        FadInfinity.Result r = FadInfinity.compute(set.allFrames(), reference, seed);
        return new ValidateResult.FadInf(r.value(), r.slope(), r.r2(), seed);
    }

    /** Per-style FAD (null under 2 frames) and CLAP score, styles in name order ("" shown as "unlabelled"). */
    static List<ValidateResult.StyleScore> styles(SetScores set, EmbeddingStats reference) {
        Map<String, List<ClipEmbeddings>> by = new TreeMap<>();
        for (ClipEmbeddings c : set.clips()) {
            by.computeIfAbsent(c.clip().style().isEmpty() ? "unlabelled" : c.clip().style(), k -> new ArrayList<>()).add(c);
        }
        List<ValidateResult.StyleScore> out = new ArrayList<>();
        for (Map.Entry<String, List<ClipEmbeddings>> e : by.entrySet()) {
            List<float[]> rows = new ArrayList<>();
            double clap = 0;
            for (ClipEmbeddings c : e.getValue()) {
                for (float[][] v : c.vggish()) rows.addAll(List.of(v));
                clap += set.clapByClip().get(c.clip().id());
            }
            Double fad = rows.size() >= 2 ? FrechetDistance.compute(EmbeddingStats.of(rows.toArray(new float[0][])),
                    reference).value() : null;
            out.add(new ValidateResult.StyleScore(e.getKey(), e.getValue().size(), rows.size(), fad, clap / e.getValue().size()));
        }
        return out;
    }

    /** Each clip's own FAD against the reference (fadtk's per-song FAD; null under 2 frames). */
    static Map<String, Double> perClipFad(SetScores set, EmbeddingStats reference) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ClipEmbeddings c : set.clips()) {
            List<float[]> rows = new ArrayList<>();
            for (float[][] v : c.vggish()) rows.addAll(List.of(v));
            out.put(c.clip().id(), rows.size() >= 2
                    ? FrechetDistance.compute(EmbeddingStats.of(rows.toArray(new float[0][])), reference).value() : null);
        }
        return out;
    }
}

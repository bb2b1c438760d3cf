package dev.lofilora.metrics.fad;

import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FAD-∞ (Gui et al., ICASSP 2024; fadtk {@code fad.py} {@code score_inf}): FAD is biased by the sample count, roughly
 * linearly in 1/n, so FAD is computed on {@code steps} resamples of n embeddings (drawn with replacement, n evenly
 * spaced from {@code minN} to N) and the line FAD ≈ slope·(1/n) + intercept is fitted; FAD-∞ is the intercept.
 * Unlike fadtk the resampling is seeded, so the value is reproducible.
 */
public final class FadInfinity {
    private FadInfinity() {}

    /** One resample: n embeddings and their FAD. */
    public record Point(int n, double fad) {}

    /** The fitted line: {@code value} = intercept (FAD-∞), {@code slope}, {@code r2}, and the points. */
    public record Result(double value, double slope, double r2, long seed, List<Point> points) {
        public Result {
            points = List.copyOf(points);
        }
    }

    /** fadtk's defaults: 25 sample sizes from 500 (or N/2 when N is smaller) to N. */
    public static Result compute(float[][] embeddings, EmbeddingStats reference, long seed) {
        int total = embeddings.length;
        return compute(embeddings, reference, seed, Math.max(2, Math.min(500, total / 2)), 25);
    }

    /** FAD-∞ of {@code embeddings} against {@code reference}. */
    public static Result compute(float[][] embeddings, EmbeddingStats reference, long seed, int minN, int steps) {
        int total = embeddings.length;
        if (total < 4 || minN < 2 || minN >= total || steps < 2) {
            throw new IllegalArgumentException("FAD-inf needs at least 4 embeddings and 2 ≤ minN < N; got N = " + total
                    + ", minN = " + minN);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        SimpleRegression fit = new SimpleRegression(true);
        List<Point> points = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            int n = (int) Math.round(minN + (double) (total - minN) * s / (steps - 1));
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = rng.nextInt(total);
            double fad = FrechetDistance.compute(EmbeddingStats.ofRows(embeddings, idx), reference).value();
            points.add(new Point(n, fad));
            fit.addData(1.0 / n, fad);
        }
        return new Result(fit.getIntercept(), fit.getSlope(), fit.getRSquare(), seed, points);
    }
}

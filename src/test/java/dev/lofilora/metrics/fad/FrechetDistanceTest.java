package dev.lofilora.metrics.fad;

import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FAD maths: the golden (scipy 1.10 sqrtm), closed forms, identities, singular sets, order invariance, FAD-∞. */
class FrechetDistanceTest {

    @Test
    void matchesTheOriginalOnTheGoldenWithinItsRelativeTolerance() {
        Path dir = SharedFiles.require("golden/metrics/A/fad");
        var tol = Json.readTree(dir.resolve("tolerances.json"));
        try (SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            EmbeddingStats s1 = EmbeddingStats.of(rows(io, "embeddings_1"));
            EmbeddingStats s2 = EmbeddingStats.of(rows(io, "embeddings_2"));
            EmbeddingStats s3 = EmbeddingStats.of(rows(io, "embeddings_3"));
            double[] sigma1 = Tensors.toDoubleArray(io.tensor("sigma1"));
            double worst = 0;
            for (int i = 0; i < 128; i++) for (int j = 0; j < 128; j++) worst = Math.max(worst, Math.abs(s1.sigma()[i][j] - sigma1[i * 128 + j]));
            assertTrue(worst <= tol.at("/sigma1/atol").asDouble(), "sigma1 max abs error " + worst);
            double fad12 = Tensors.toDoubleArray(io.tensor("fad_12"))[0];
            double fad13 = Tensors.toDoubleArray(io.tensor("fad_13"))[0];
            // rtol 1e-6 (tolerances.json): four times the gap between sqrtm and an independent eigh evaluation.
            assertEquals(fad12, FrechetDistance.compute(s1, s2).value(), 1e-6 * fad12);
            FrechetDistance.Result r13 = FrechetDistance.compute(s1, s3);
            assertEquals(fad13, r13.value(), 1e-6 * fad13);
            assertTrue(r13.warnings().get(0).contains("60 embeddings for dimension 128"), r13.warnings().toString());
        }
    }

    @Test
    void equalsTheClosedFormForCommutingGaussians() {
        // Σ1 = Q diag(a) Qᵀ, Σ2 = Q diag(b) Qᵀ ⇒ FAD = ‖Δμ‖² + Σ (√a_i − √b_i)².
        int d = 6;
        double[] a = {0.5, 1, 2, 3, 0.1, 4}, b = {1, 1, 0.5, 2, 0.2, 9};
        double[][] q = orthogonal(d, 3);
        double[] mu1 = {0, 1, 2, 3, 4, 5}, mu2 = {1, 1, 1, 1, 1, 1};
        double expected = 0;
        for (int i = 0; i < d; i++) expected += Math.pow(mu1[i] - mu2[i], 2) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        double got = FrechetDistance.compute(new EmbeddingStats(100, mu1, rotate(q, a)),
                new EmbeddingStats(100, mu2, rotate(q, b))).value();
        assertEquals(expected, got, 1e-12 * expected);
    }

    @Test
    void equalsTheClosedFormForNonCommuting2x2() {
        // For 2×2 SPD matrices: tr √(Σ1Σ2) = √(tr(Σ1Σ2) + 2√det(Σ1Σ2)).
        double[][] s1 = {{2, 0.7}, {0.7, 1}}, s2 = {{0.5, -0.2}, {-0.2, 3}};
        double p00 = s1[0][0] * s2[0][0] + s1[0][1] * s2[1][0], p11 = s1[1][0] * s2[0][1] + s1[1][1] * s2[1][1];
        double det = (s1[0][0] * s1[1][1] - s1[0][1] * s1[1][0]) * (s2[0][0] * s2[1][1] - s2[0][1] * s2[1][0]);
        double trSqrt = Math.sqrt(p00 + p11 + 2 * Math.sqrt(det));
        double expected = 1 * 1 + 2 * 2 + 3 + 3.5 - 2 * trSqrt;
        double got = FrechetDistance.compute(new EmbeddingStats(10, new double[] {0, 0}, s1),
                new EmbeddingStats(10, new double[] {1, 2}, s2)).value();
        assertEquals(expected, got, 1e-12);
    }

    @Test
    void aSetAgainstItselfIsZeroEvenWhenSingular() {
        for (int n : new int[] {300, 60}) {
            EmbeddingStats s = EmbeddingStats.of(gaussian(n, 128, 11));
            assertEquals(0, FrechetDistance.compute(s, s).value(), 1e-9, "n = " + n);
        }
    }

    @Test
    void aNearSingularSetWarnsAndStaysFinite() {
        float[][] rows = gaussian(40, 128, 5);
        for (int i = 20; i < 40; i++) rows[i] = rows[i - 20].clone(); // rank ≤ 19, duplicated rows
        FrechetDistance.Result r = FrechetDistance.compute(EmbeddingStats.of(gaussian(300, 128, 6)), EmbeddingStats.of(rows));
        assertTrue(Double.isFinite(r.value()) && r.value() > 0, "value " + r.value());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("singular"), r.warnings().get(0));
    }

    @Test
    void theSameClipsInAnotherOrderGiveTheSameFad() {
        float[][] a = gaussian(200, 32, 1), b = gaussian(150, 32, 2);
        float[][] shuffled = a.clone();
        java.util.Collections.shuffle(java.util.Arrays.asList(shuffled), new Random(9));
        double f1 = FrechetDistance.compute(EmbeddingStats.of(a), EmbeddingStats.of(b)).value();
        double f2 = FrechetDistance.compute(EmbeddingStats.of(shuffled), EmbeddingStats.of(b)).value();
        assertEquals(f1, f2, 1e-9 * f1);
    }

    @Test
    void mergedAccumulatorsEqualOnePass() {
        float[][] rows = gaussian(101, 8, 4);
        EmbeddingStats.Accumulator x = new EmbeddingStats.Accumulator(8), y = new EmbeddingStats.Accumulator(8);
        for (int i = 0; i < 101; i++) (i < 37 ? x : y).add(rows[i]);
        x.merge(y);
        EmbeddingStats merged = x.stats(), whole = EmbeddingStats.of(rows);
        for (int i = 0; i < 8; i++) {
            assertEquals(whole.mu()[i], merged.mu()[i], 1e-12);
            for (int j = 0; j < 8; j++) assertEquals(whole.sigma()[i][j], merged.sigma()[i][j], 1e-12);
        }
    }

    @Test
    void fadInfinityIsSeededAndFitsTheOneOverNBias() {
        EmbeddingStats ref = EmbeddingStats.of(gaussian(4000, 48, 21));
        float[][] same = gaussian(1200, 48, 22); // the same distribution: true FAD ≈ 0
        FadInfinity.Result r1 = FadInfinity.compute(same, ref, 7, 100, 25), r2 = FadInfinity.compute(same, ref, 7, 100, 25);
        assertEquals(r1.value(), r2.value(), 0.0, "seeded: reproducible");
        assertEquals(25, r1.points().size());
        double plain = FrechetDistance.compute(EmbeddingStats.of(same), ref).value();
        assertTrue(r1.slope() > 0, "FAD falls as n grows: slope " + r1.slope());
        assertTrue(r1.r2() > 0.9, "FAD is close to linear in 1/n: r2 " + r1.r2());
        // Resampling the N clips with replacement extrapolates to the FAD of those clips themselves, not of their
        // distribution (as in fadtk): the intercept lies below the smallest-n point, near the full-set FAD.
        assertTrue(r1.value() < r1.points().get(0).fad(), "intercept below FAD at n = " + r1.points().get(0).n());
        assertEquals(plain, r1.value(), 0.25 * plain);
        assertTrue(FadInfinity.compute(same, ref, 8, 100, 25).value() != r1.value(), "another seed draws other resamples");
    }

    static float[][] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) (r.nextGaussian() * (1 + j % 3) + 0.1 * j);
        return x;
    }

    private static float[][] rows(SafetensorsFile io, String name) {
        float[] flat = Tensors.toFloatArray(io.tensor(name));
        int d = (int) io.info(name).shape()[1];
        float[][] out = new float[flat.length / d][d];
        for (int i = 0; i < out.length; i++) System.arraycopy(flat, i * d, out[i], 0, d);
        return out;
    }

    private static double[][] orthogonal(int d, long seed) {
        // Gram–Schmidt on a random matrix.
        Random r = new Random(seed);
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) q[i][j] = r.nextGaussian();
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += q[i][j] * q[k][j];
                for (int j = 0; j < d; j++) q[i][j] -= dot * q[k][j];
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += q[i][j] * q[i][j];
            for (int j = 0; j < d; j++) q[i][j] /= Math.sqrt(norm);
        }
        return q;
    }

    private static double[][] rotate(double[][] q, double[] diag) {
        int d = diag.length;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) s[i][j] += q[k][i] * diag[k] * q[k][j];
        return s;
    }
}

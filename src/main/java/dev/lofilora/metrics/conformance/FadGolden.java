package dev.lofilora.metrics.conformance;

import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.metrics.fad.EmbeddingStats;
import dev.lofilora.metrics.fad.FrechetDistance;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.IO;

/**
 * The {@code fad} component: {@code mu<k>} (float32, as numpy's mean of float32 embeddings) and {@code sigma<k>}
 * (float64) for every {@code embeddings_<k>}, and {@code fad_<i><j>} (or {@code fad_<i>_<j>}) for every pair the
 * folder expects, stored as float64 [1].
 */
final class FadGolden {
    private static final Pattern EMB = Pattern.compile("embeddings_(\\d+)");
    private static final Pattern FAD = Pattern.compile("fad_(\\d)_?(\\d)");

    private FadGolden() {}

    static void compute(SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        Map<String, EmbeddingStats> stats = new HashMap<>();
        for (String name : io.names()) {
            Matcher m = EMB.matcher(name);
            if (!m.matches()) continue;
            String k = m.group(1);
            EmbeddingStats s = EmbeddingStats.of(rows(io, name));
            stats.put(k, s);
            int d = s.dim();
            double[] flat = new double[d * d];
            double[][] sigma = s.sigma();
            for (int i = 0; i < d; i++) System.arraycopy(sigma[i], 0, flat, i * d, d);
            out.put(IO, "mu" + k, Tensors.fromDoubleArray(s.mu(), d).to(ScalarType.Float));
            out.put(IO, "sigma" + k, Tensors.fromDoubleArray(flat, d, d));
        }
        for (String key : ctx.expectedKeys().getOrDefault(IO, java.util.Set.of())) {
            Matcher m = FAD.matcher(key);
            if (!m.matches() || !stats.containsKey(m.group(1)) || !stats.containsKey(m.group(2))) continue;
            double fad = FrechetDistance.compute(stats.get(m.group(1)), stats.get(m.group(2))).value();
            out.put(IO, key, Tensors.fromDoubleArray(new double[] {fad}, 1));
        }
    }

    private static float[][] rows(SafetensorsFile io, String name) {
        float[] flat = Tensors.toFloatArray(io.tensor(name));
        int d = (int) io.info(name).shape()[1];
        float[][] rows = new float[flat.length / d][d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(flat, i * d, rows[i], 0, d);
        return rows;
    }
}

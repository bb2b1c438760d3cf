package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lofilora.common.Json;
import dev.lofilora.metrics.fad.EmbeddingStats;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference set's statistics and own CLAP score, cached as {@code cache/reference-<key>.safetensors}
 * ({@code mu} [D], {@code sigma} [D, D] float64, counts and scores in the metadata) — no {@code .npz}, no pickle.
 * The key covers the reference files, both embedders (weights, settings, resampler) and the clip length, so a later
 * run against the same reference skips decoding and embedding it.
 */
final class ReferenceCache {
    private ReferenceCache() {}

    /** What a later run needs of the reference. */
    record Entry(EmbeddingStats stats, ValidateResult.Reference reference) {}

    static Path file(Path cacheDir, String key) {
        return cacheDir.resolve("reference-" + key + ".safetensors");
    }

    static Entry read(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try (PointerScope scope = new PointerScope(); SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, String> m = f.metadata();
            double[] mu = Tensors.toDoubleArray(f.tensor("mu"));
            double[] flat = Tensors.toDoubleArray(f.tensor("sigma"));
            int d = mu.length;
            double[][] sigma = new double[d][];
            for (int i = 0; i < d; i++) sigma[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            Map<String, Integer> styles = Json.MAPPER.readValue(m.get("styles"), new TypeReference<Map<String, Integer>>() {});
            ValidateResult.Reference ref = new ValidateResult.Reference(m.get("dir"), Integer.parseInt(m.get("tracks")),
                    Integer.parseInt(m.get("segments")), Double.parseDouble(m.get("segment_seconds")),
                    Integer.parseInt(m.get("frames")), Double.parseDouble(m.get("clap")),
                    Double.parseDouble(m.get("clap_std")), styles);
            return new Entry(new EmbeddingStats(Long.parseLong(m.get("frames")), mu, sigma), ref);
        } catch (Exception e) {
            return null; // unreadable: recompute
        }
    }

    static void write(Path file, Entry e, String vggish, String clap) {
        try (PointerScope scope = new PointerScope()) {
            int d = e.stats().dim();
            double[] flat = new double[d * d];
            double[][] sigma = e.stats().sigma();
            for (int i = 0; i < d; i++) System.arraycopy(sigma[i], 0, flat, i * d, d);
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("mu", Tensors.fromDoubleArray(e.stats().mu(), d));
            t.put("sigma", Tensors.fromDoubleArray(flat, d, d));
            ValidateResult.Reference r = e.reference();
            Map<String, String> m = new LinkedHashMap<>();
            m.put("dir", r.dir());
            m.put("tracks", Integer.toString(r.tracks()));
            m.put("segments", Integer.toString(r.segments()));
            m.put("segment_seconds", Double.toString(r.segmentSeconds()));
            m.put("frames", Integer.toString(r.frames()));
            m.put("clap", Double.toString(r.clapScore()));
            m.put("clap_std", Double.toString(r.clapStd()));
            m.put("styles", Json.toString(r.styles()));
            m.put("vggish", vggish);
            m.put("clap_model", clap);
            SafetensorsWriter.write(file, t, m);
        }
    }
}

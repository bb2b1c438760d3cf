package dev.lofilora.metrics.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.TensorComparison;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics suite on the golden set (every component within its tolerances.json atol) and on a derived set with
 * other batch sizes and lengths (slices of the original's outputs), so nothing depends on set A's shapes.
 */
class MetricsConformanceSuiteTest {
    @TempDir
    Path tmp;

    @Test
    void everyComponentOfSetAPassesWithRequireAllAndSaves() {
        Path golden = SharedFiles.require("golden/metrics/A");
        Path save = tmp.resolve("saved");
        ConformanceReport r = ConformanceRunner.installed()
                .run(new ConformanceConfig(golden, save, true, "cpu"), ProgressListener.NONE);
        assertTrue(r.passed(), r.summary() + " " + r.failures());
        assertEquals(r.expected(), r.compared(), "nothing skipped");
        assertEquals(88, r.compared());
        assertEquals(7, r.suites().size());
        assertTrue(r.suites().values().stream().allMatch("metrics"::equals));
        for (String c : MetricsConformanceSuite.COMPONENTS) {
            assertTrue(Files.isRegularFile(save.resolve(c).resolve("io.safetensors")), c + " saved");
        }
        // The tightest checks: the unpickled tensors are bit-exact and the FAD matches scipy to 1e-6 relative.
        for (TensorComparison c : r.comparisons()) {
            if (c.component().equals("pt_checkpoint")) assertEquals(0.0, c.maxAbs(), c.name());
        }
    }

    @Test
    void aDerivedSetWithOtherBatchesAndLengthsAlsoPasses() throws IOException {
        Path a = SharedFiles.require("golden/metrics/A");
        Path b = tmp.resolve("B");
        // VGGish front end: the first 2.5 s → fewer frames, and 2 examples instead of 4 (prefixes of A's outputs).
        int samples = 40000, frames = 1 + (samples - 400) / 160, examples = frames / 96;
        derive(a, b, "vggish_frontend", rows(0, samples, "waveform"), rows(0, frames, "stft_magnitude", "log_mel"),
                rows(0, examples, "examples"), rows(0, 257, "mel_matrix"));
        derive(a, b, "vggish", rows(0, 3, "examples", "features", "embeddings"));
        // HTSAT batch 1: A's second row (the 3.7-s clip, given raw and repeat-padded by the port) alone.
        Map<String, int[]> htsat = rows(1, 1, "waveform", "logmel", "logmel_bn", "image", "patch_embed", "stage0",
                "stage1", "stage2", "stage3", "norm", "embedding");
        htsat.put("clip_0<-clip_1", new int[] {0, -1});
        derive(a, b, "htsat", htsat);
        derive(a, b, "clap_text", rows(1, 1, "input_ids", "attention_mask", "position_ids", "embedding_output",
                "last_hidden_state", "pooler_output", "text_embed"));
        derive(a, b, "clap_head", rows(1, 1, "embedding", "text_embed", "audio_embed", "clap_score"));
        ConformanceReport r = ConformanceRunner.installed()
                .run(new ConformanceConfig(b, null, false, "cpu"), ProgressListener.NONE);
        assertTrue(r.passed(), r.summary() + " " + r.failures());
        assertEquals(4 + 2 + 10 + 5 + 2, r.compared(), r.summary());
        assertFalse(r.comparisons().stream().anyMatch(c -> c.shape().length > 0 && c.shape()[0] == 4
                && c.component().equals("vggish")), "vggish ran on the derived batch of 3");
    }

    @Test
    void acceptsOnlyComponentFoldersWithTheirFiles() throws IOException {
        MetricsConformanceSuite suite = new MetricsConformanceSuite();
        Path a = SharedFiles.require("golden/metrics/A");
        assertTrue(suite.accepts(a.resolve("htsat")));
        assertFalse(suite.accepts(a), "the parent set is not a component");
        Path bare = Files.createDirectories(tmp.resolve("vggish"));
        Files.writeString(bare.resolve("tolerances.json"), "{}");
        assertFalse(suite.accepts(bare), "no io.safetensors/config.json");
        assertFalse(suite.accepts(SharedFiles.require("golden/codecs/A/dcae")), "another suite's component");
    }

    @SafeVarargs
    private static Map<String, int[]> rows(int start, int n, String... keys) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (String k : keys) m.put(k, new int[] {start, n});
        return m;
    }

    /**
     * Copies component {@code name} from a to b, keeping rows [start, start + n) of the listed tensors (others
     * dropped); a key "x<-y" stores A's tensor y whole under the name x.
     */
    @SafeVarargs
    private static void derive(Path a, Path b, String name, Map<String, int[]>... parts) throws IOException {
        Map<String, int[]> rows = new LinkedHashMap<>();
        for (Map<String, int[]> p : parts) rows.putAll(p);
        Path from = a.resolve(name), to = Files.createDirectories(b.resolve(name));
        for (String f : List.of("config.json", "weights.safetensors")) {
            if (Files.exists(from.resolve(f))) Files.copy(from.resolve(f), to.resolve(f));
        }
        Map<String, Tensor> io = new LinkedHashMap<>();
        List<String> kept = new java.util.ArrayList<>();
        try (SafetensorsFile in = SafetensorsFile.open(from.resolve("io.safetensors"))) {
            rows.forEach((k, r) -> {
                if (k.contains("<-")) {
                    String[] names = k.split("<-");
                    io.put(names[0], in.tensor(names[1]));
                    kept.add(names[0]);
                } else {
                    io.put(k, in.tensor(k).narrow(0, r[0], r[1]).contiguous());
                    kept.add(k);
                }
            });
            SafetensorsWriter.write(to.resolve("io.safetensors"), io);
        }
        ObjectNode tol = (ObjectNode) Json.readTree(from.resolve("tolerances.json"));
        List<String> drop = new java.util.ArrayList<>();
        tol.fieldNames().forEachRemaining(k -> { if (!k.startsWith("_") && !kept.contains(k)) drop.add(k); });
        tol.remove(drop);
        if (!tol.has("clip_0") && kept.contains("clip_0")) tol.putObject("clip_0").put("role", "input");
        Files.writeString(to.resolve("tolerances.json"), Json.toString(tol));
    }
}

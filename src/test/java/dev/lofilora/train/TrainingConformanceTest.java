package dev.lofilora.train;

import dev.lofilora.SharedFiles;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.TensorComparison;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.tensor.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The acestep golden set end to end: the LoRA forward, the training step's losses and all 2 × 62 LoRA gradients are
 * computed (nothing skipped) and each is within the golden's own atol (50 × the fp32-vs-fp64 error of the original).
 */
class TrainingConformanceTest {
    @TempDir
    Path tmp;

    @Test
    void goldenSetAPassesWithNothingSkippedAndSavesGradients() {
        Path golden = SharedFiles.require("golden/acestep/A");
        ConformanceReport r = ConformanceRunner.installed()
                .run(new ConformanceConfig(golden, tmp, true, "cpu"), ProgressListener.NONE);
        assertTrue(r.skipped().isEmpty(), () -> "skipped: " + r.skipped());
        assertEquals(r.expected(), r.compared());
        assertEquals(168, r.compared());
        for (TensorComparison c : r.comparisons()) assertTrue(c.passed(), c.name() + ": " + c.message());
        long grads = r.comparisons().stream().filter(c -> c.group().equals("grads")).count();
        long denoise = r.comparisons().stream().filter(c -> c.group().equals("grads_denoise")).count();
        assertEquals(62, grads);
        assertEquals(62, denoise);
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("grads.safetensors"))) {
            assertEquals(62, f.names().size());
            assertTrue(f.contains("speaker_embedder.lora_A.weight"));
        }
        assertTrue(r.passed());
    }
}

package dev.lofilora.model.transformer;

import dev.lofilora.SharedFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.conformance.ConformanceConfig;
import dev.lofilora.conformance.ConformanceReport;
import dev.lofilora.conformance.ConformanceRunner;
import dev.lofilora.conformance.SkippedTensor;
import dev.lofilora.conformance.TensorComparison;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fp32 forward against golden set A (original ACE-Step code, fp32 CPU) through the installed "acestep"
 * conformance suite: {@code sample} and every intermediate the golden holds must be within its {@code atol} from
 * tolerances.json (max(50 × the original's own fp32-vs-fp64 error, 1e-5 × max|golden|)) — as close to the original
 * as the original's own fp32 round-off allows. Every other compared tensor is a training-side one (LoRA, loss,
 * gradients: computed by the train package's extension of the suite, see TrainingConformanceTest).
 */
class AceStepGoldenTest {
    static final Set<String> FORWARD_KEYS = Set.of("sample", "proj_in", "temb.time_proj", "temb.embedded_timestep",
            "temb.t_block", "encoder_hidden_states", "encoder_hidden_mask", "enc.speaker_embedder",
            "enc.genre_embedder", "enc.lyric_embs", "enc.lyric_encoder", "enc.lyric_encoder.embed",
            "enc.lyric_encoder.pos_emb", "enc.lyric_encoder.layer0", "enc.lyric_proj", "rope.cos", "rope.sin",
            "block.0.attn", "block.0.cross_attn", "block.0.ff", "block.0.out", "block.1.out", "block.2.out");

    @Test
    void forwardMatchesGoldenAWithinToleranceForEveryIntermediate() {
        Path dir = SharedFiles.require("golden/acestep/A");
        ConformanceReport report = ConformanceRunner.installed().run(ConformanceConfig.of(dir), ProgressListener.NONE);
        System.out.printf("%-28s %12s %12s %8s%n", "tensor", "max|err|", "atol", "err/atol");
        for (TensorComparison c : report.comparisons()) {
            System.out.printf("%-28s %12.3e %12.3e %8.3f%n", c.key(), c.maxAbs(), c.atol(), c.maxAbs() / c.atol());
        }
        System.out.println("compared " + report.compared() + ", skipped " + report.skipped().size() + " training tensors");
        assertTrue(report.suites().containsValue("acestep"), report.suites().toString());
        Set<String> compared = report.comparisons().stream().map(TensorComparison::key).collect(Collectors.toSet());
        assertTrue(compared.containsAll(FORWARD_KEYS), compared.toString());
        for (TensorComparison c : report.comparisons()) {
            assertTrue(FORWARD_KEYS.contains(c.key()) || c.key().startsWith("lora.") || c.key().startsWith("loss.")
                    || c.group().startsWith("grads"), "only forward and training tensors: " + c.name());
        }
        assertEquals(List.of(), report.failed());
        for (SkippedTensor s : report.skipped()) {
            assertTrue(s.name().contains("lora.") || s.name().contains("loss.") || s.name().startsWith("grads"),
                    "only training tensors are skipped: " + s);
        }
        assertTrue(report.passed(), report.failures().toString());
    }
}

package dev.lofilora.model.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.ConformanceSuite;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Safetensors;
import dev.lofilora.tensor.TensorSource;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Map;
import java.util.Set;

/**
 * The "acestep" golden suite (../shared/golden/acestep/README.md): builds the transformer from the folder's
 * {@code config.json}, loads {@code weights.safetensors} strictly by name, runs the fp32 forward on
 * {@code inputs.safetensors} and returns {@code sample} with every intermediate the golden records ({@code enc.*},
 * {@code encoder_hidden_*}, {@code temb.*}, {@code proj_in}, {@code rope.*}, {@code block.*}). Every size comes from
 * the config and the inputs, so folders of other shapes and padding work the same.
 *
 * <p>The {@code lora.*} and {@code loss.*} outputs and the {@code grads}/{@code grads_denoise} files are computed by the
 * installed {@link AceStepSuiteExtension}s (the training package's: LoRA forward, the training step's losses and every
 * LoRA gradient); without one they are skipped with a reason.
 */
public final class AceStepConformanceSuite implements ConformanceSuite {
    static final String OUTPUTS = "outputs";
    static final String TRAINING_SKIP = "no installed extension computes LoRA/loss/gradient tensors (package train)";
    private static final List<String> INPUTS = List.of("hidden_states", "attention_mask", "encoder_text_hidden_states",
            "text_attention_mask", "speaker_embeds", "lyric_token_idx", "lyric_mask", "timestep");

    @Override
    public String name() { return "acestep"; }

    /** A folder with weights, inputs and a config.json whose {@code _class_name} is an ACE-Step transformer. */
    @Override
    public boolean accepts(Path folder) {
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config) || !Files.isRegularFile(folder.resolve("weights.safetensors"))
                || !Files.isRegularFile(folder.resolve("inputs.safetensors"))) {
            return false;
        }
        try {
            JsonNode cls = Json.readTree(config).get("_class_name");
            return cls != null && AceStepConfig.CLASS_NAMES.contains(cls.asText());
        } catch (LofiException e) {
            return false;
        }
    }

    @Override
    public SuiteResult compute(Path folder, ConformanceContext ctx) {
        SuiteResult.Builder result = SuiteResult.builder();
        List<AceStepSuiteExtension> extensions = new ArrayList<>();
        ServiceLoader.load(AceStepSuiteExtension.class).forEach(extensions::add);
        skipTrainingTensors(ctx, result, extensions);
        ctx.progress().start("acestep forward", 2);
        try (AceStepTransformerLoader.Loaded loaded =
                     AceStepTransformerLoader.load(folder, ctx.device(), ScalarType.Float, false);
             TensorSource in = Safetensors.open(folder.resolve("inputs.safetensors"))) {
            for (String name : INPUTS) {
                if (!in.contains(name)) {
                    throw new LofiException(in instanceof dev.lofilora.tensor.SafetensorsFile f ? f.path()
                            : folder.resolve("inputs.safetensors"), "has no input \"" + name + "\"",
                            "regenerate the golden folder; the acestep suite needs " + String.join(", ", INPUTS));
                }
            }
            ctx.progress().advance(1, "weights loaded");
            Capture.Recorder rec = new Capture.Recorder();
            loaded.model().forward(in.tensor("hidden_states"), in.tensor("attention_mask"),
                    in.tensor("encoder_text_hidden_states"), in.tensor("text_attention_mask"),
                    in.tensor("speaker_embeds"), in.tensor("lyric_token_idx"), in.tensor("lyric_mask"),
                    in.tensor("timestep"), false, rec);
            for (Map.Entry<String, Tensor> e : rec.tensors().entrySet()) {
                if (ctx.expects(OUTPUTS, e.getKey())) result.put(OUTPUTS, e.getKey(), e.getValue());
            }
            ctx.progress().advance(1, "forward");
            for (AceStepSuiteExtension ext : extensions) ext.compute(folder, ctx, loaded.model(), in, result);
        } finally {
            ctx.progress().finish();
        }
        return result.build();
    }

    /** Marks the training-side tensors no extension covers as skipped with the reason, so the report says why. */
    private static void skipTrainingTensors(ConformanceContext ctx, SuiteResult.Builder result,
                                            List<AceStepSuiteExtension> extensions) {
        for (Map.Entry<String, Set<String>> g : ctx.expectedKeys().entrySet()) {
            for (String key : g.getValue()) {
                boolean training = !g.getKey().equals(OUTPUTS) || key.startsWith("lora.") || key.startsWith("loss.");
                boolean covered = extensions.stream().anyMatch(e -> e.covers(g.getKey(), key));
                if (training && !covered && !key.endsWith("_f64")) result.skip(g.getKey(), key, TRAINING_SKIP);
            }
        }
    }
}

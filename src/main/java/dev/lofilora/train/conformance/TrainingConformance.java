package dev.lofilora.train.conformance;

import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.lora.AdapterFile;
import dev.lofilora.lora.AdapterFiles;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.conformance.AceStepSuiteExtension;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.TensorSource;
import dev.lofilora.train.AceStepV1Objective;
import dev.lofilora.train.Grads;
import dev.lofilora.train.SampledNoise;
import dev.lofilora.train.TrainBatch;
import dev.lofilora.train.TrainingStep;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training half of the acestep golden suite (../shared/golden/acestep/README.md): attaches the folder's LoRA
 * ({@code lora.safetensors} in ACE-Step's key format, {@code lora_config.json} for r, alpha and rsLoRA) to the loaded
 * model and computes
 * <ul>
 *   <li>{@code lora.*}: the forward with the LoRA at its training scale (every capture the golden records under
 *       {@code lora.}) and {@code lora.sample_scaling1} at scale 1.0 (ACE-Step's pipeline loader semantics);</li>
 *   <li>{@code loss.*}: one training step of {@link TrainingStep} with {@link AceStepV1Objective} on the stored
 *       {@code loss.target_latents}, {@code loss.noise}, {@code loss.sigmas}, {@code loss.timesteps} and the per-item
 *       SSL targets {@code loss.ssl.<head name>.<item>};</li>
 *   <li>{@code grads}: d(loss.total)/d(every LoRA parameter); {@code grads_denoise}: the same step without SSL targets,
 *       d(loss.denoising)/dθ.</li>
 * </ul>
 * Everything is read from the folder's config and inputs (heads, items, lengths, rank), so other tiny configs work
 * the same. fp32, eval mode (dropout off), no checkpointing, as the golden was made.
 */
public final class TrainingConformance implements AceStepSuiteExtension {
    static final String OUTPUTS = "outputs";
    static final String GRADS = "grads";
    static final String GRADS_DENOISE = "grads_denoise";

    @Override
    public boolean covers(String group, String key) {
        if (group.equals(GRADS) || group.equals(GRADS_DENOISE)) return true;
        return group.equals(OUTPUTS) && (key.startsWith("lora.") || key.startsWith("loss."));
    }

    @Override
    public void compute(Path folder, ConformanceContext ctx, ACEStepTransformer2DModel model, TensorSource in,
                        SuiteResult.Builder result) {
        Path weights = folder.resolve("lora.safetensors");
        Path configFile = folder.resolve("lora_config.json");
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(configFile)) {
            for (var g : ctx.expectedKeys().entrySet()) {
                for (String k : g.getValue()) {
                    if (covers(g.getKey(), k) && !k.endsWith("_f64")) {
                        result.skip(g.getKey(), k, "the folder has no lora.safetensors + lora_config.json");
                    }
                }
            }
            return;
        }
        LoraConfig config = LoraConfig.fromPeftJson(Json.readTree(configFile), configFile);
        ctx.progress().start("acestep LoRA, loss and gradients", 4);
        try (AdapterFile file = AdapterFiles.read(weights)) {
            LoraModel lora = LoraModel.inject(model, config);
            lora.load(file.weights(), ScalarType.Float, weights);
            loraForward(ctx, model, lora, in, result);
            ctx.progress().advance(1, "LoRA forward");
            lossAndGrads(ctx, model, lora, in, result);
            ctx.progress().advance(2, "training step");
        } finally {
            ctx.progress().finish();
        }
    }

    private static void loraForward(ConformanceContext ctx, ACEStepTransformer2DModel model, LoraModel lora,
                                    TensorSource in, SuiteResult.Builder result) {
        try (NoGradGuard g = new NoGradGuard()) {
            Capture.Recorder rec = new Capture.Recorder();
            forward(model, in, rec);
            for (Map.Entry<String, Tensor> e : rec.tensors().entrySet()) {
                String key = "lora." + e.getKey();
                if (ctx.expects(OUTPUTS, key)) result.put(OUTPUTS, key, e.getValue());
            }
            if (ctx.expects(OUTPUTS, "lora.sample_scaling1")) {
                lora.setScaling(1.0);
                Capture.Recorder one = new Capture.Recorder();
                forward(model, in, one);
                result.put(OUTPUTS, "lora.sample_scaling1", one.tensors().get("sample"));
                lora.setScaling(lora.config().scaling());
            }
        }
    }

    private static void forward(ACEStepTransformer2DModel model, TensorSource in, Capture capture) {
        model.forward(in.tensor("hidden_states"), in.tensor("attention_mask"), in.tensor("encoder_text_hidden_states"),
                in.tensor("text_attention_mask"), in.tensor("speaker_embeds"), in.tensor("lyric_token_idx"),
                in.tensor("lyric_mask"), in.tensor("timestep"), false, capture);
    }

    private static void lossAndGrads(ConformanceContext ctx, ACEStepTransformer2DModel model, LoraModel lora,
                                     TensorSource in, SuiteResult.Builder result) {
        for (String name : List.of("loss.target_latents", "loss.noise", "loss.sigmas", "loss.timesteps")) {
            if (!in.contains(name)) {
                throw new LofiException(Path.of("inputs.safetensors"), "has no \"" + name + "\" although the golden "
                        + "expects loss tensors", "regenerate the golden folder");
            }
        }
        Tensor x0 = in.tensor("loss.target_latents");
        long items = x0.size(0);
        Map<String, List<Tensor>> ssl = new LinkedHashMap<>();
        for (String head : model.config.sslNames()) {
            List<Tensor> perItem = new ArrayList<>();
            for (long b = 0; b < items; b++) {
                String key = "loss.ssl." + head + "." + b;
                if (in.contains(key)) perItem.add(in.tensor(key));
            }
            if (perItem.size() == items) ssl.put(head, perItem);
        }
        AceStepV1Objective objective = new AceStepV1Objective(model.config.sslNames(), AceStepV1Objective.SSL_COEFF);
        TrainingStep step = new TrainingStep(model, objective, false);
        SampledNoise noise = new SampledNoise(in.tensor("loss.noise"), in.tensor("loss.sigmas"),
                in.tensor("loss.timesteps"));
        Map<String, Parameter> params = lora.parameters();

        TrainBatch batch = batch(in, x0, ssl);
        TrainingStep.Result r = step.run(batch, noise, 1.0, true);
        put(ctx, result, "loss.noisy_latents", r.noisy());
        put(ctx, result, "loss.sample", r.output().sample());
        for (int k = 0; k < r.output().sslProjections().size(); k++) {
            put(ctx, result, "loss.ssl_proj." + k, r.output().sslProjections().get(k));
        }
        put(ctx, result, "loss.denoising", r.losses().denoising());
        put(ctx, result, "loss.total", r.losses().total());
        r.losses().projection().forEach((head, t) -> put(ctx, result, "loss.proj." + head, t));
        collectGrads(ctx, result, GRADS, params);

        Grads.clear(params.values());
        step.run(batch(in, x0, Map.of()), noise, 1.0, true);
        collectGrads(ctx, result, GRADS_DENOISE, params);
        Grads.clear(params.values());
    }

    private static TrainBatch batch(TensorSource in, Tensor x0, Map<String, List<Tensor>> ssl) {
        return new TrainBatch(List.of(), x0, in.tensor("attention_mask"), in.tensor("encoder_text_hidden_states"),
                in.tensor("text_attention_mask"), in.tensor("speaker_embeds"), in.tensor("lyric_token_idx"),
                in.tensor("lyric_mask"), ssl);
    }

    private static void put(ConformanceContext ctx, SuiteResult.Builder result, String key, Tensor t) {
        if (ctx.expects(OUTPUTS, key)) result.put(OUTPUTS, key, t);
    }

    private static void collectGrads(ConformanceContext ctx, SuiteResult.Builder result, String group,
                                     Map<String, Parameter> params) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!ctx.expects(group, e.getKey())) continue;
            Tensor g = Grads.of(e.getValue());
            if (g == null) result.skip(group, e.getKey(), "backward did not reach this parameter");
            else result.put(group, e.getKey(), g.clone());
        }
    }
}

package dev.lofilora.train;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.lora.LoraModel;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shared tiny model with a LoRA and synthetic batches, for the training tests. */
final class TrainFixtures {
    private TrainFixtures() {}

    static TinyPreset tiny() { return TinyPreset.load(ConfigFiles.defaults()); }

    static ACEStepTransformer2DModel tinyModel() {
        return tiny().transformer(Devices.cpu(), ScalarType.Float);
    }

    /** A LoRA on ACE-Step's targets with non-zero B (so every adapter parameter gets a gradient at once). */
    static LoraModel lora(ACEStepTransformer2DModel model, int r, long seed) {
        LoraModel lora = LoraModel.inject(model, new LoraConfig(r, 2 * r, true, LoraConfig.ACESTEP_TARGETS, null, 0));
        lora.initialize(seed, ScalarType.Float);
        torch.manual_seed(seed + 1);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Parameter> e : lora.parameters().entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) e.getValue().value().normal_(0, 0.05, new org.bytedeco.pytorch.GeneratorOptional());
            }
        }
        return lora;
    }

    /** A random batch of {@code b} items of {@code t} frames; with {@code ssl}, REPA targets of varying lengths. */
    static TrainBatch batch(AceStepConfig c, int b, int t, boolean ssl, long seed) {
        torch.manual_seed(seed);
        int l = 6, n = 5;
        Tensor latents = torch.randn(b, c.inChannels(), c.maxHeight(), t);
        Tensor mask = torch.ones(b, t);
        Tensor text = torch.randn(b, l, c.textEmbeddingDim());
        Tensor textMask = torch.ones(b, l).to(ScalarType.Long);
        Tensor speaker = torch.zeros(b, c.speakerEmbeddingDim());
        Tensor lyrics = torch.randint(1, c.lyricEncoderVocabSize(), new long[] {b, n});
        Tensor lyricMask = torch.ones(b, n).to(ScalarType.Long);
        Map<String, List<Tensor>> targets = new LinkedHashMap<>();
        if (ssl) {
            for (int k = 0; k < c.sslNames().size(); k++) {
                List<Tensor> items = new ArrayList<>();
                for (int i = 0; i < b; i++) items.add(torch.randn(t * (k + 2) + i, c.sslLatentDims().get(k)));
                targets.put(c.sslNames().get(k), items);
            }
        }
        return new TrainBatch(List.of(), latents, mask, text, textMask, speaker, lyrics, lyricMask, targets);
    }

    /** A transformer folder (config.json + seeded diffusion_pytorch_model.safetensors) for {@code config}. */
    static java.nio.file.Path modelFolder(java.nio.file.Path dir, AceStepConfig config, long seed) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        dev.lofilora.common.Json.write(dir.resolve("config.json"), config.toJson());
        try (ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(config, false)) {
            Map<String, Tensor> w = dev.lofilora.model.transformer.RandomWeights.stateDict(m, seed);
            dev.lofilora.tensor.SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model.safetensors"), w);
            w.values().forEach(Tensor::close);
        }
        return dir;
    }

    /** Fixed noise and σ for {@code batch}. */
    static SampledNoise noise(TrainBatch batch, double sigma, long seed) {
        torch.manual_seed(seed);
        Tensor noise = torch.randn(batch.latents().sizes().vec().get());
        Tensor sigmas = torch.full(new long[] {batch.size()}, new Scalar(sigma));
        return new SampledNoise(noise, sigmas, sigmas.mul(new Scalar(1000)));
    }
}

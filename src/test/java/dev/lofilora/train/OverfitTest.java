package dev.lofilora.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.lora.LoraConfig;
import dev.lofilora.model.transformer.AceStepConfig;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The training loop learns: a toy ACE-Step transformer's LoRA memorises three tracks — fixed noise per track, fixed
 * σ = 0.5, CFG dropout off, one prompt variant — and the loss falls at least 10× within 100 steps (lr 3e-3,
 * r 16): step 1 against the mean of steps 91–100 (the lyric encoder's dropout stays on, as in training).
 *
 * <p>The toy is 256 wide (4 heads × 64, 2 blocks) rather than the shared tiny preset's 64: the target velocity of a
 * frame has 8 × 16 = 128 values and the final layer maps the width to them linearly after an RMS norm, so with a
 * width of 64 at most half of an arbitrary target is reachable and the loss cannot fall much more than 2× (observed:
 * 2.6× after 200 steps). The released model is 2560 wide.
 */
class OverfitTest {
    @TempDir
    Path tmp;

    @Test
    void loraMemorisesAHandfulOfTracksLossFallsTenfoldIn100Steps() throws Exception {
        ObjectNode o = TrainFixtures.tiny().transformerConfig().toJson();
        o.put("num_attention_heads", 4);
        o.put("attention_head_dim", 64);
        o.put("num_layers", 2);
        AceStepConfig wide = AceStepConfig.parse(o, null);
        Path model = TrainFixtures.modelFolder(tmp.resolve("model"), wide, 7);
        Path data = tmp.resolve("cache");
        CacheFixtures.writeVariants(data, wide, 11, false, 1, 8, 9, 10);

        TrainConfig c = TrainConfig.of(model.toString(), data, tmp.resolve("run"), ConfigFiles.defaults())
                .withLora(new LoraConfig(16, 16, true, LoraConfig.ACESTEP_TARGETS, null, 0))
                .with("max_steps", 100).with("checkpoint_every", 100).with("precision", "fp32").with("threads", 1)
                .with("learning_rate", 3e-3).with("cfg_dropout_text", 0.0).with("cfg_dropout_speaker", 0.0)
                .with("cfg_dropout_lyrics", 0.0);
        TimestepSampler fixedSigma = (b, gen) -> new Tensor[] {torch.full(new long[] {b}, new Scalar(0.5)),
                torch.full(new long[] {b}, new Scalar(500.0))};
        TrainPlugins.NoiseSource fixedNoise = (batch, gen) -> {
            Generator perTrack = torch.make_generator_cpu(batch.keys().get(0).hashCode());
            return torch.randn(batch.latents().sizes().vec().get(), new GeneratorOptional(perTrack), new TensorOptions());
        };
        TrainResult r = new TrainJob(c, TrainPlugins.DEFAULT.withSampler(fixedSigma).withNoise(fixedNoise))
                .run(ProgressListener.NONE);
        assertEquals(100, r.finalStep());
        assertEquals(0, r.skippedSteps());
        java.util.List<Double> losses = new java.util.ArrayList<>();
        for (String l : java.nio.file.Files.readAllLines(tmp.resolve("run/metrics.jsonl"))) {
            losses.add(dev.lofilora.common.Json.MAPPER.readTree(l).get("loss").asDouble());
        }
        double last = losses.subList(90, 100).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double ratio = r.firstLoss() / last;
        System.out.printf("overfit: loss %.4f at step 1 -> %.4f (mean of steps 91-100): %.1fx%n", r.firstLoss(), last, ratio);
        assertTrue(ratio >= 10, "loss fell only " + ratio + "x: " + losses);
    }
}
